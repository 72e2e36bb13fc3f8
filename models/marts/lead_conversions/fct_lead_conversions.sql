-- Part 2 (L13): per user an ALL row (the L10 event, LEAD or CLIENT), a MEMBERSHIP row iff the
-- user has a usable membership (its first membership) and a USER_CREDIT row iff a usable credit
-- pack (its first credit pack); the 9 leading columns of figure 1.6.1 plus
-- client_conversion_event_filter. Built from Part 1's rows, as the brief suggests: the table the
-- Part 1 mart copies, so both marts are built side by side.
-- A hash index on user_id (dbt `indexes`) serves lookups by user for ids of any length (D19);
-- the build's unique_column_combination test keeps the grain.
{{ config(indexes=[{'columns': ['user_id'], 'type': 'hash'}]) }}

with

conversion_events as (
    select * from {{ ref('int_client_conversion_events') }}
),

all_events as (
    select
        user_id,
        branch_id,
        local_user_created_at,
        lead_status,
        client_conversion_event_type,
        client_conversion_event_id,
        client_conversion_event_local_created_at,
        client_conversion_event_name,
        client_conversion_event_source,
        'ALL' as client_conversion_event_filter
    from conversion_events
),

membership_events as (
    select
        user_id,
        branch_id,
        local_user_created_at,
        'CLIENT' as lead_status,
        'MEMBERSHIP' as client_conversion_event_type,
        first_user_membership_id as client_conversion_event_id,
        first_local_membership_purchased_at as client_conversion_event_local_created_at,
        first_membership_name as client_conversion_event_name,
        first_membership_source as client_conversion_event_source,
        'MEMBERSHIP' as client_conversion_event_filter
    from conversion_events
    where first_user_membership_id is not null
),

credit_pack_events as (
    select
        user_id,
        branch_id,
        local_user_created_at,
        'CLIENT' as lead_status,
        'USER_CREDIT' as client_conversion_event_type,
        first_credit_pack_id as client_conversion_event_id,
        first_local_credit_pack_purchase_at as client_conversion_event_local_created_at,
        first_credit_pack_name as client_conversion_event_name,
        first_credit_pack_source as client_conversion_event_source,
        'USER_CREDIT' as client_conversion_event_filter
    from conversion_events
    where first_credit_pack_id is not null
),

unioned as (
    select * from all_events
    union all
    select * from membership_events
    union all
    select * from credit_pack_events
),

final as (
    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(branch_id as {{ dbt.type_string() }}) as branch_id,
        cast(local_user_created_at as {{ dbt.type_timestamp() }}) as local_user_created_at,
        cast(lead_status as {{ dbt.type_string() }}) as lead_status,
        cast(client_conversion_event_type as {{ dbt.type_string() }})
            as client_conversion_event_type,
        cast(client_conversion_event_id as {{ dbt.type_string() }})
            as client_conversion_event_id,
        cast(client_conversion_event_local_created_at as {{ dbt.type_timestamp() }})
            as client_conversion_event_local_created_at,
        cast(client_conversion_event_name as {{ dbt.type_string() }})
            as client_conversion_event_name,
        cast(client_conversion_event_source as {{ dbt.type_string() }})
            as client_conversion_event_source,
        cast(client_conversion_event_filter as {{ dbt.type_string() }})
            as client_conversion_event_filter
    from unioned
)

select * from final
