-- Part 1 (L8, L11, L12 / D7, D10): one row per user of L2 with the 17 columns of brief
-- figure 1.6.1 in that order, computed in int_client_conversion_events; this model is their
-- contract (columns, types, not-null keys).
-- No index: every reader reads it whole (Part 2, the segments, the exports); the build's
-- unique test keeps the grain. Lookups by user go to fct_lead_conversions, which has one.

with

conversion_events as (
    select * from {{ ref('int_client_conversion_events') }}
),

final as (
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
        first_user_membership_id,
        first_local_membership_purchased_at,
        first_membership_name,
        first_membership_source,
        first_credit_pack_id,
        first_local_credit_pack_purchase_at,
        first_credit_pack_name,
        first_credit_pack_source
    from conversion_events
)

select * from final
