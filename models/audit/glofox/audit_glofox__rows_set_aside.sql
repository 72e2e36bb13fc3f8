-- L5: every input row of the four glofox input tables that no mart uses, with the rule that set
-- it aside (L2 users, L3 purchases, L5 purchases of unknown users, L6 branches), the reason and
-- the row's identifying values (after L1 cleaning). Reads the very fate columns the lead models
-- filter on, so input rows = used rows + audited rows (tests/audit/glofox). A view over
-- the source tables only (its parents are ephemeral): it is never missing while dbt rebuilds.
with

branches_set_aside as (
    select * from {{ ref('stg_glofox__branches') }}
    where set_aside_rule_id is not null
),

users_set_aside as (
    select * from {{ ref('stg_glofox__users') }}
    where set_aside_rule_id is not null
),

purchases as (
    select * from {{ ref('int_purchases_ranked') }}
),

kept_users as (
    select * from {{ ref('stg_glofox__users') }}
    where set_aside_rule_id is null
),

purchases_set_aside as (
    select * from purchases
    where set_aside_rule_id is not null
),

purchases_of_unknown_users as (
    -- L5: kept purchases (L3) whose user is not a kept user (L2)
    select
        purchases.*,
        'L5' as unknown_user_rule_id,
        'user_id is not a kept user of dim_user' as unknown_user_reason
    from purchases
    left join kept_users
        on purchases.user_id = kept_users.user_id
    where
        purchases.set_aside_rule_id is null
        and kept_users.user_id is null
),

unioned as (
    select
        'dim_branch' as source_table,
        set_aside_rule_id,
        set_aside_reason,
        branch_id as record_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        branch_id,
        created_at,
        cast(null as {{ dbt.type_timestamp() }}) as purchased_at
    from branches_set_aside

    union all

    select
        'dim_user' as source_table,
        set_aside_rule_id,
        set_aside_reason,
        user_id as record_id,
        user_id,
        branch_id,
        created_at,
        cast(null as {{ dbt.type_timestamp() }}) as purchased_at
    from users_set_aside

    union all

    select
        case purchase_type
            when 'MEMBERSHIP' then 'fct_membership_purchases'
            else 'fct_credit_pack_purchases'
        end as source_table,
        set_aside_rule_id,
        set_aside_reason,
        purchase_id as record_id,
        user_id,
        branch_id,
        created_at,
        effective_purchased_at as purchased_at
    from purchases_set_aside

    union all

    select
        case purchase_type
            when 'MEMBERSHIP' then 'fct_membership_purchases'
            else 'fct_credit_pack_purchases'
        end as source_table,
        unknown_user_rule_id as set_aside_rule_id,
        unknown_user_reason as set_aside_reason,
        purchase_id as record_id,
        user_id,
        branch_id,
        created_at,
        effective_purchased_at as purchased_at
    from purchases_of_unknown_users
),

final as (
    select
        -- The audit's key: the listed rows numbered (identical input rows are numbered apart).
        row_number() over (
            order by
                source_table, set_aside_rule_id, record_id, set_aside_reason, user_id,
                branch_id, created_at, purchased_at
        ) as audit_row_id,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(set_aside_rule_id as {{ dbt.type_string() }}) as set_aside_rule_id,
        cast(set_aside_reason as {{ dbt.type_string() }}) as set_aside_reason,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(branch_id as {{ dbt.type_string() }}) as branch_id,
        created_at,
        purchased_at
    from unioned
)

select * from final
