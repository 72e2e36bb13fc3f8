-- L5 and L9 / D8: the kept purchases of both types (after L3), each marked as set aside (L5)
-- when its user is not a kept user (L2), else ranked among the user's purchases of its type:
-- effective time, then created_at (NULL last), then purchase id byte order. Rank 1 is the
-- user's first membership / first credit pack.
-- Issue 6: incremental on PostgreSQL: a run re-ranks only the users whose purchases or user
-- rows (the staging tables) were written since this model's newest row (the temporary table
-- changed_users of stage_changed_users, which also deletes their rows), and appends their new
-- rows. Other engines rebuild the table.
{{ config(
    materialized=incremental_on_postgres(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['user_id']}],
    pre_hook=["{{ reset_when_inputs_replaced(newest_row_version(this), [
        ref('stg_glofox__membership_purchases'),
        ref('stg_glofox__credit_pack_purchases'),
        ref('stg_glofox__users'),
    ]) }}", "{{ stage_changed_users() }}"],
) }}

with

memberships as (
    select * from {{ ref('stg_glofox__membership_purchases') }}
    where
        set_aside_rule_id is null
        and {{ is_changed_user('user_id') }}
),

credit_packs as (
    select * from {{ ref('stg_glofox__credit_pack_purchases') }}
    where
        set_aside_rule_id is null
        and {{ is_changed_user('user_id') }}
),

users as (
    select * from {{ ref('stg_glofox__users') }}
    where
        set_aside_rule_id is null
        and {{ is_changed_user('user_id') }}
),

purchases as (
    select
        cast('MEMBERSHIP' as {{ dbt.type_string() }}) as purchase_type,
        membership_id as purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        membership_name as purchase_name,
        membership_source as purchase_source
    from memberships

    union all

    select
        cast('USER_CREDIT' as {{ dbt.type_string() }}) as purchase_type,
        credit_pack_id as purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        credit_pack_name as purchase_name,
        credit_pack_source as purchase_source
    from credit_packs
),

matched as (
    select
        purchases.*,
        users.user_id is not null as is_user_known
    from purchases
    left join users
        on purchases.user_id = users.user_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by is_user_known, user_id, purchase_type
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('purchase_id') }} asc
        ) as purchase_row_number
    from matched
),

final as (
    select
        purchase_type,
        purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        purchase_name,
        purchase_source,
        case when is_user_known then purchase_row_number end as purchase_rank,
        case when not is_user_known then 'L5' end as set_aside_rule_id,
        case
            when not is_user_known then 'user_id is not a user of dim_user (after L2)'
        end as set_aside_reason
    from ranked
)

select * from final
