-- Semantic layer: the lead conversions at the grain the metrics need, one row per lead and
-- conversion-event filter (ALL, MEMBERSHIP, USER_CREDIT): every lead under every filter, a
-- client there when it has that filter's row in fct_lead_conversions (L13). Counting
-- distinct leads therefore gives every lead once with no filter (the ALL view, whose
-- clients are the leads that bought either) and, by the filter, each filter's view over
-- all the leads. Labels (branch, country, gym policy, signup month, source) are the
-- dashboard's, from dash_lead_members. A view: the marts stay the only copy of the rows.
{{ config(materialized='view') }}

with

members as (
    select * from {{ ref('dash_lead_members') }}
),

leads as (
    select * from members
    where client_conversion_event_filter = 'ALL'
),

event_filters as (
    select filters.client_conversion_event_filter
    from (
        values ('ALL'), ('MEMBERSHIP'), ('USER_CREDIT')
    ) as filters (client_conversion_event_filter)
),

conversions as (
    select * from members
    where is_client
),

final as (
    select
        leads.user_id,
        event_filters.client_conversion_event_filter,
        leads.branch,
        leads.country,
        leads.gym_policy,
        leads.signup_month,
        leads.local_user_created_at,
        conversions.user_id is not null as is_client,
        conversions.source_label,
        conversions.days_to_conversion,
        -- The time-to-conversion bands of the lead page; "days < N" at every bound.
        case
            when conversions.user_id is null then null
            when conversions.days_to_conversion is null then 'unknown signup time'
            when conversions.days_to_conversion < 0 then 'before signup'
            when conversions.days_to_conversion < 1 then 'same day'
            when conversions.days_to_conversion < 7 then '1-7 days'
            when conversions.days_to_conversion < 30 then '7-30 days'
            when conversions.days_to_conversion < 90 then '30-90 days'
            else '90 days or more'
        end as time_to_conversion
    from leads
    cross join event_filters
    left join conversions
        on
            leads.user_id = conversions.user_id
            and event_filters.client_conversion_event_filter
            = conversions.client_conversion_event_filter
)

select * from final
