-- L5, L7, L9, L10 / D6, D8, D9: one row per kept user (L2) with the first membership and first
-- credit pack (rank 1 of int_purchases_ranked; a purchase of a user who is not a kept user
-- joins no row here, L5), the conversion event (the earlier of the two,
-- MEMBERSHIP on an exact tie), the user's branch (dim_user's, else the event purchase's) and
-- the zone of that branch (UTC when the branch is not a kept branch). Times are still UTC.
with

users as (
    select * from {{ ref('stg_glofox__users') }}
    where set_aside_rule_id is null
),

branches as (
    select * from {{ ref('int_branches_zoned') }}
),

first_purchases as (
    -- L9: rank 1 of each user and type, read by both CTEs below (PostgreSQL computes a CTE
    -- that is read twice once)
    select * from {{ ref('int_purchases_ranked') }}
    where purchase_rank = 1
),

first_memberships as (
    select * from first_purchases
    where purchase_type = 'MEMBERSHIP'
),

first_credit_packs as (
    select * from first_purchases
    where purchase_type = 'USER_CREDIT'
),

users_with_firsts as (
    select
        users.user_id,
        users.branch_id as user_branch_id,
        users.created_at as user_created_at,
        first_memberships.purchase_id as first_membership_id,
        first_memberships.effective_purchased_at as first_membership_purchased_at,
        first_memberships.purchase_name as first_membership_name,
        first_memberships.purchase_source as first_membership_source,
        first_memberships.branch_id as first_membership_branch_id,
        first_credit_packs.purchase_id as first_credit_pack_id,
        first_credit_packs.effective_purchased_at as first_credit_pack_purchased_at,
        first_credit_packs.purchase_name as first_credit_pack_name,
        first_credit_packs.purchase_source as first_credit_pack_source,
        first_credit_packs.branch_id as first_credit_pack_branch_id
    from users
    left join first_memberships
        on users.user_id = first_memberships.user_id
    left join first_credit_packs
        on users.user_id = first_credit_packs.user_id
),

event_typed as (
    -- L10 / D9: the earlier first purchase; an exact tie goes to MEMBERSHIP.
    select
        *,
        case
            when
                first_membership_id is not null
                and (
                    first_credit_pack_id is null
                    or first_membership_purchased_at <= first_credit_pack_purchased_at
                )
                then 'MEMBERSHIP'
            when first_credit_pack_id is not null then 'USER_CREDIT'
        end as conversion_event_type
    from users_with_firsts
),

events as (
    select
        *,
        case conversion_event_type
            when 'MEMBERSHIP' then first_membership_id
            when 'USER_CREDIT' then first_credit_pack_id
        end as conversion_event_id,
        case conversion_event_type
            when 'MEMBERSHIP' then first_membership_purchased_at
            when 'USER_CREDIT' then first_credit_pack_purchased_at
        end as conversion_event_purchased_at,
        case conversion_event_type
            when 'MEMBERSHIP' then first_membership_name
            when 'USER_CREDIT' then first_credit_pack_name
        end as conversion_event_name,
        case conversion_event_type
            when 'MEMBERSHIP' then first_membership_source
            when 'USER_CREDIT' then first_credit_pack_source
        end as conversion_event_source,
        case conversion_event_type
            when 'MEMBERSHIP' then first_membership_branch_id
            when 'USER_CREDIT' then first_credit_pack_branch_id
        end as conversion_event_branch_id
    from event_typed
),

branched as (
    -- L7 / D6: dim_user's branch, else the conversion event purchase's branch.
    select
        *,
        coalesce(user_branch_id, conversion_event_branch_id) as branch_id
    from events
),

final as (
    select
        branched.user_id,
        branched.branch_id,
        coalesce(branches.resolved_timezone_id, 'UTC') as timezone_id,
        branches.branch_id is not null as is_branch_known,
        branched.user_created_at,
        branched.conversion_event_type,
        branched.conversion_event_id,
        branched.conversion_event_purchased_at,
        branched.conversion_event_name,
        branched.conversion_event_source,
        branched.first_membership_id,
        branched.first_membership_purchased_at,
        branched.first_membership_name,
        branched.first_membership_source,
        branched.first_credit_pack_id,
        branched.first_credit_pack_purchased_at,
        branched.first_credit_pack_name,
        branched.first_credit_pack_source
    from branched
    left join branches
        on branched.branch_id = branches.branch_id
)

select * from final
