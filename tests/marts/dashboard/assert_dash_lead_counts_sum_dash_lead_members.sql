-- dash_lead_counts is dash_lead_members summed. Per event filter, label and source
-- its client rows count the filter's CLIENT rows, per band of days to conversion (bounds 0, 1,
-- 7, 14, 30, 60, 90, here by width_bucket); per filter and label all its rows add up to the
-- label's leads (its ALL rows). Fails with every row or label whose counts differ.
with

members as (
    select * from {{ ref('dash_lead_members') }}
),

counts as (
    select * from {{ ref('dash_lead_counts') }}
),

event_filters as (
    select filters.client_conversion_event_filter
    from (
        values ('ALL'), ('MEMBERSHIP'), ('USER_CREDIT')
    ) as filters (client_conversion_event_filter)
),

client_bands as (
    select
        client_conversion_event_filter,
        branch,
        country,
        gym_policy,
        signup_month,
        source_label,
        count(*) as members,
        array[
            count(*) filter (where days_to_conversion is null),
            count(*) filter (where band = 0),
            count(*) filter (where band = 1),
            count(*) filter (where band = 2),
            count(*) filter (where band = 3),
            count(*) filter (where band = 4),
            count(*) filter (where band = 5),
            count(*) filter (where band = 6),
            count(*) filter (where band = 7)
        ] as bands
    from (
        select
            *,
            width_bucket(days_to_conversion, cast(array[0, 1, 7, 14, 30, 60, 90] as numeric[]))
                as band
        from members
        where is_client
    ) as banded
    group by client_conversion_event_filter, branch, country, gym_policy, signup_month, source_label
),

counted_bands as (
    select
        client_conversion_event_filter,
        branch,
        country,
        gym_policy,
        signup_month,
        source_label,
        members,
        array[
            clients_days_unknown,
            clients_before_signup,
            clients_days_0_1,
            clients_days_1_7,
            clients_days_7_14,
            clients_days_14_30,
            clients_days_30_60,
            clients_days_60_90,
            clients_days_90_plus
        ] as bands
    from counts
    where is_client
),

leads_per_label as (
    select
        event_filters.client_conversion_event_filter,
        members.branch,
        members.country,
        members.gym_policy,
        members.signup_month,
        cast(null as {{ dbt.type_string() }}) as source_label,
        count(*) as members,
        cast(null as bigint[]) as bands
    from members
    cross join event_filters
    where members.client_conversion_event_filter = 'ALL'
    group by
        event_filters.client_conversion_event_filter,
        members.branch,
        members.country,
        members.gym_policy,
        members.signup_month
),

counted_per_label as (
    select
        client_conversion_event_filter,
        branch,
        country,
        gym_policy,
        signup_month,
        cast(null as {{ dbt.type_string() }}) as source_label,
        sum(members) as members,
        cast(null as bigint[]) as bands
    from counts
    group by client_conversion_event_filter, branch, country, gym_policy, signup_month
),

expected as (
    select * from client_bands
    union all
    select * from leads_per_label
),

actual as (
    select * from counted_bands
    union all
    select * from counted_per_label
)

(
    select
        'expected, not in dash_lead_counts' as problem,
        *
    from expected
    except all
    select
        'expected, not in dash_lead_counts' as problem,
        *
    from actual
)
union all
(
    select
        'in dash_lead_counts, not expected' as problem,
        *
    from actual
    except all
    select
        'in dash_lead_counts, not expected' as problem,
        *
    from expected
)
