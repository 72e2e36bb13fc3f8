-- Dashboard: the lead page's counts, pre-aggregated. Per conversion-event filter
-- (L13) x the lead's labels (branch, country, gym policy, signup cohort month) x the event's
-- source: the members who converted under that filter, in all and per band of days from
-- signup to the event; and one row (is_client false, no source) of the label's leads who did
-- not convert under it. Summing `members` over a filter's rows counts its leads (every lead
-- once per filter). The bands' bounds are the page's conversion windows (7, 14, 30, 60, 90
-- days) and its time-to-conversion buckets (0, 1, 7, 30, 90 days): "days < N" is exact on
-- every bound, so the clients within an N-day window are whole bands.
{{ config(materialized='table') }}

with

members as (
    select * from {{ ref('dash_lead_members') }}
),

event_filters as (
    select filters.client_conversion_event_filter
    from (
        values ('ALL'), ('MEMBERSHIP'), ('USER_CREDIT')
    ) as filters (client_conversion_event_filter)
),

clients as (
    select
        client_conversion_event_filter,
        branch,
        country,
        gym_policy,
        signup_month,
        true as is_client,
        source_label,
        count(*) as members,
        count(*) filter (where days_to_conversion is null) as clients_days_unknown,
        count(*) filter (where days_to_conversion < 0) as clients_before_signup,
        count(*) filter (
            where days_to_conversion >= 0 and days_to_conversion < 1
        ) as clients_days_0_1,
        count(*) filter (
            where days_to_conversion >= 1 and days_to_conversion < 7
        ) as clients_days_1_7,
        count(*) filter (
            where days_to_conversion >= 7 and days_to_conversion < 14
        ) as clients_days_7_14,
        count(*) filter (
            where days_to_conversion >= 14 and days_to_conversion < 30
        ) as clients_days_14_30,
        count(*) filter (
            where days_to_conversion >= 30 and days_to_conversion < 60
        ) as clients_days_30_60,
        count(*) filter (
            where days_to_conversion >= 60 and days_to_conversion < 90
        ) as clients_days_60_90,
        count(*) filter (where days_to_conversion >= 90) as clients_days_90_plus
    from members
    where is_client
    group by
        client_conversion_event_filter, branch, country, gym_policy, signup_month, source_label
),

leads as (
    select
        branch,
        country,
        gym_policy,
        signup_month,
        count(*) as members
    from members
    where client_conversion_event_filter = 'ALL'
    group by branch, country, gym_policy, signup_month
),

clients_per_label as (
    select
        client_conversion_event_filter,
        branch,
        country,
        gym_policy,
        signup_month,
        sum(members) as members
    from clients
    group by client_conversion_event_filter, branch, country, gym_policy, signup_month
),

-- Every lead is in every filter: the ones that did not convert under it are the leads of the
-- label less its clients.
non_clients as (
    select
        event_filters.client_conversion_event_filter,
        leads.branch,
        leads.country,
        leads.gym_policy,
        leads.signup_month,
        false as is_client,
        cast(null as {{ dbt.type_string() }}) as source_label,
        leads.members - coalesce(clients_per_label.members, 0) as members,
        0 as clients_days_unknown,
        0 as clients_before_signup,
        0 as clients_days_0_1,
        0 as clients_days_1_7,
        0 as clients_days_7_14,
        0 as clients_days_14_30,
        0 as clients_days_30_60,
        0 as clients_days_60_90,
        0 as clients_days_90_plus
    from leads
    cross join event_filters
    left join clients_per_label
        on
            event_filters.client_conversion_event_filter
            = clients_per_label.client_conversion_event_filter
            and leads.branch = clients_per_label.branch
            and leads.country = clients_per_label.country
            and leads.gym_policy = clients_per_label.gym_policy
            and leads.signup_month = clients_per_label.signup_month
),

unioned as (
    select * from clients
    union all
    select * from non_clients
    where members > 0
),

final as (
    select
        cast(client_conversion_event_filter as {{ dbt.type_string() }})
            as client_conversion_event_filter,
        cast(branch as {{ dbt.type_string() }}) as branch,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(gym_policy as {{ dbt.type_string() }}) as gym_policy,
        cast(signup_month as {{ dbt.type_string() }}) as signup_month,
        is_client,
        cast(source_label as {{ dbt.type_string() }}) as source_label,
        cast(members as bigint) as members,
        cast(clients_days_unknown as bigint) as clients_days_unknown,
        cast(clients_before_signup as bigint) as clients_before_signup,
        cast(clients_days_0_1 as bigint) as clients_days_0_1,
        cast(clients_days_1_7 as bigint) as clients_days_1_7,
        cast(clients_days_7_14 as bigint) as clients_days_7_14,
        cast(clients_days_14_30 as bigint) as clients_days_14_30,
        cast(clients_days_30_60 as bigint) as clients_days_30_60,
        cast(clients_days_60_90 as bigint) as clients_days_60_90,
        cast(clients_days_90_plus as bigint) as clients_days_90_plus
    from unioned
)

select * from final
