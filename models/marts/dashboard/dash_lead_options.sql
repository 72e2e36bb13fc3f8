-- Dashboard: the values the lead page's filters offer, read once per page view: every lead's
-- labels (branch, country, gym policy, signup month, from the ALL rows) and the clients'
-- sources, from dash_lead_counts. A few hundred rows instead of five scans of the counts.
{{ config(materialized='table') }}

with

counts as (
    select * from {{ ref('dash_lead_counts') }}
),

leads as (
    select * from counts
    where client_conversion_event_filter = 'ALL'
),

final as (
    select distinct
        'country' as kind,
        country as option_value
    from leads
    union
    select distinct
        'branch' as kind,
        branch as option_value
    from leads
    union
    select distinct
        'cohort' as kind,
        signup_month as option_value
    from leads
    union
    select distinct
        'policy' as kind,
        gym_policy as option_value
    from leads
    union
    select distinct
        'source' as kind,
        source_label as option_value
    from counts
    where is_client
)

select * from final
