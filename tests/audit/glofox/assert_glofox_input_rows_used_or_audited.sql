-- L5: for each of the four glofox input tables, input rows = rows used by the lead models +
-- rows listed in audit_glofox__rows_set_aside. Returns every table where that does not hold.
with

input_rows as (
    select
        'dim_branch' as source_table,
        count(*) as input_row_count
    from {{ source('glofox', 'dim_branch') }}
    union all
    select
        'dim_user' as source_table,
        count(*) as input_row_count
    from {{ source('glofox', 'dim_user') }}
    union all
    select
        'fct_membership_purchases' as source_table,
        count(*) as input_row_count
    from {{ source('glofox', 'fct_membership_purchases') }}
    union all
    select
        'fct_credit_pack_purchases' as source_table,
        count(*) as input_row_count
    from {{ source('glofox', 'fct_credit_pack_purchases') }}
),

used_rows as (
    select
        'dim_branch' as source_table,
        count(*) as used_row_count
    from {{ ref('dim_branches') }}
    union all
    select
        'dim_user' as source_table,
        count(*) as used_row_count
    from {{ ref('fct_client_conversion_events') }}
    union all
    -- a purchase is used when it is kept (L3) and its user is a user of the marts (L5)
    select
        case purchases.purchase_type
            when 'MEMBERSHIP' then 'fct_membership_purchases'
            else 'fct_credit_pack_purchases'
        end as source_table,
        count(*) as used_row_count
    from {{ ref('int_purchases_ranked') }} as purchases
    inner join {{ ref('fct_client_conversion_events') }} as events
        on purchases.user_id = events.user_id
    where purchases.set_aside_rule_id is null
    group by purchases.purchase_type
),

audited_rows as (
    select
        source_table,
        count(*) as audited_row_count
    from {{ ref('audit_glofox__rows_set_aside') }}
    group by source_table
),

compared as (
    select
        input_rows.source_table,
        input_rows.input_row_count,
        coalesce(used_rows.used_row_count, 0) as used_row_count,
        coalesce(audited_rows.audited_row_count, 0) as audited_row_count
    from input_rows
    left join used_rows
        on input_rows.source_table = used_rows.source_table
    left join audited_rows
        on input_rows.source_table = audited_rows.source_table
)

select * from compared
where input_row_count <> used_row_count + audited_row_count
