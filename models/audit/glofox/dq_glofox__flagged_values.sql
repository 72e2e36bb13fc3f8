-- L8 (and the zone fallbacks of L6 / L7): values the marts keep unchanged but that look wrong,
-- one row per flagged value: the rule, the check, the table, the row's key, the column and the
-- value as text. Dates are implausible before var lead_dq_earliest_plausible_at (2000-01-01)
-- or after the build time.
{%- set earliest = var('lead_dq_earliest_plausible_at', '2000-01-01') %}

with

users as (
    select * from {{ ref('stg_glofox__users') }}
    where set_aside_rule_id is null
),

purchases as (
    -- the purchases the marts use: kept (L3) and of a kept user (L5)
    select ranked_purchases.*
    from {{ ref('int_purchases_ranked') }} as ranked_purchases
    inner join users
        on ranked_purchases.user_id = users.user_id
    where ranked_purchases.set_aside_rule_id is null
),

branches as (
    select * from {{ ref('int_branches_zoned') }}
),

converted_users as (
    select * from {{ ref('int_users_converted') }}
),

plausible_range as (
    select
        cast('{{ earliest }}' as {{ dbt.type_timestamp() }}) as earliest_at,
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as latest_at
),

user_created_at_flags as (
    select
        'L8' as rule_id,
        case
            when users.created_at is null then 'user_created_at_missing'
            else 'user_created_at_implausible'
        end as check_name,
        'dim_user' as source_table,
        users.user_id as record_id,
        'created_at' as column_name,
        cast(users.created_at as {{ dbt.type_string() }}) as column_value
    from users
    cross join plausible_range
    where
        users.created_at is null
        or users.created_at < plausible_range.earliest_at
        or users.created_at > plausible_range.latest_at
),

purchase_time_flags as (
    select
        'L8' as rule_id,
        'purchased_at_implausible' as check_name,
        case purchases.purchase_type
            when 'MEMBERSHIP' then 'fct_membership_purchases'
            else 'fct_credit_pack_purchases'
        end as source_table,
        purchases.purchase_id as record_id,
        'effective_purchased_at' as column_name,
        cast(purchases.effective_purchased_at as {{ dbt.type_string() }}) as column_value
    from purchases
    cross join plausible_range
    where
        purchases.effective_purchased_at < plausible_range.earliest_at
        or purchases.effective_purchased_at > plausible_range.latest_at
),

purchase_before_user_flags as (
    select
        'L8' as rule_id,
        'purchased_before_user_created' as check_name,
        case purchases.purchase_type
            when 'MEMBERSHIP' then 'fct_membership_purchases'
            else 'fct_credit_pack_purchases'
        end as source_table,
        purchases.purchase_id as record_id,
        'effective_purchased_at' as column_name,
        cast(purchases.effective_purchased_at as {{ dbt.type_string() }}) as column_value
    from purchases
    inner join users
        on purchases.user_id = users.user_id
    where purchases.effective_purchased_at < users.created_at
),

branch_zone_flags as (
    select
        'L6' as rule_id,
        case
            when branches.resolved_timezone_source = 'country_capital'
                then 'timezone_id_unknown_capital_zone_used'
            else 'timezone_id_unknown_utc_used'
        end as check_name,
        'dim_branch' as source_table,
        branches.branch_id as record_id,
        'timezone_id' as column_name,
        branches.timezone_id as column_value
    from branches
    where branches.resolved_timezone_source <> 'timezone_id'
),

user_branch_flags as (
    select
        'L7' as rule_id,
        case
            when converted_users.branch_id is null then 'user_branch_missing_utc_used'
            else 'user_branch_unknown_utc_used'
        end as check_name,
        'dim_user' as source_table,
        converted_users.user_id as record_id,
        'branch_id' as column_name,
        converted_users.branch_id as column_value
    from converted_users
    where not converted_users.is_branch_known
),

unioned as (
    select * from user_created_at_flags
    union all
    select * from purchase_time_flags
    union all
    select * from purchase_before_user_flags
    union all
    select * from branch_zone_flags
    union all
    select * from user_branch_flags
),

final as (
    select
        cast(rule_id as {{ dbt.type_string() }}) as rule_id,
        cast(check_name as {{ dbt.type_string() }}) as check_name,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(column_value as {{ dbt.type_string() }}) as column_value
    from unioned
)

select * from final
