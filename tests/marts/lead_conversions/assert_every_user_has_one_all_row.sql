-- L13 (with L2): every user of fct_client_conversion_events has exactly one ALL row in
-- fct_lead_conversions, carrying the same event, and fct_lead_conversions has no other user.
with

events as (
    select * from {{ ref('fct_client_conversion_events') }}
),

all_rows as (
    select * from {{ ref('fct_lead_conversions') }}
    where client_conversion_event_filter = 'ALL'
),

all_row_counts as (
    select
        user_id,
        count(*) as all_row_count
    from all_rows
    group by user_id
),

missing_or_repeated as (
    select
        events.user_id,
        coalesce(all_row_counts.all_row_count, 0) as all_row_count
    from events
    left join all_row_counts
        on events.user_id = all_row_counts.user_id
    where coalesce(all_row_counts.all_row_count, 0) <> 1
),

different_event as (
    select
        events.user_id,
        1 as all_row_count
    from events
    inner join all_rows
        on events.user_id = all_rows.user_id
    where
        events.lead_status <> all_rows.lead_status
        or events.client_conversion_event_id is distinct from all_rows.client_conversion_event_id
        or events.client_conversion_event_type
        is distinct from all_rows.client_conversion_event_type
),

unknown_users as (
    select
        lead_conversions.user_id,
        0 as all_row_count
    from {{ ref('fct_lead_conversions') }} as lead_conversions
    left join events
        on lead_conversions.user_id = events.user_id
    where events.user_id is null
)

select * from missing_or_repeated
union all
select * from different_event
union all
select * from unknown_users
