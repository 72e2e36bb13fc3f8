-- Part 1's rows (L8, L11, L12 / D7, D10): one row per user of L2 with the 17 columns of brief
-- figure 1.6.1 in that order. Times are shown in the zone of the user's branch (L7, L8);
-- lead_status is CLIENT when the user has a usable purchase, else LEAD with NULL conversion
-- columns (L11).
-- A table, so that the whole chain from the source tables runs as one CREATE TABLE AS, which
-- PostgreSQL can plan in parallel workers; the contracted mart above it is written by INSERT
-- ... SELECT, which PostgreSQL runs in one process (D20).
{{ config(materialized='table') }}

with

users as (
    select * from {{ ref('int_users_converted') }}
),

final as (
    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(branch_id as {{ dbt.type_string() }}) as branch_id,
        cast(
            {{ to_local_time('user_created_at', 'timezone_id') }} as {{ dbt.type_timestamp() }}
        ) as local_user_created_at,
        cast(
            case when conversion_event_type is null then 'LEAD' else 'CLIENT' end
            as {{ dbt.type_string() }}
        ) as lead_status,
        cast(conversion_event_type as {{ dbt.type_string() }}) as client_conversion_event_type,
        cast(conversion_event_id as {{ dbt.type_string() }}) as client_conversion_event_id,
        cast(
            {{ to_local_time('conversion_event_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as client_conversion_event_local_created_at,
        cast(conversion_event_name as {{ dbt.type_string() }}) as client_conversion_event_name,
        cast(
            conversion_event_source as {{ dbt.type_string() }}
        ) as client_conversion_event_source,
        cast(first_membership_id as {{ dbt.type_string() }}) as first_user_membership_id,
        cast(
            {{ to_local_time('first_membership_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as first_local_membership_purchased_at,
        cast(first_membership_name as {{ dbt.type_string() }}) as first_membership_name,
        cast(first_membership_source as {{ dbt.type_string() }}) as first_membership_source,
        cast(first_credit_pack_id as {{ dbt.type_string() }}) as first_credit_pack_id,
        cast(
            {{ to_local_time('first_credit_pack_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as first_local_credit_pack_purchase_at,
        cast(first_credit_pack_name as {{ dbt.type_string() }}) as first_credit_pack_name,
        cast(first_credit_pack_source as {{ dbt.type_string() }}) as first_credit_pack_source
    from users
)

select * from final
