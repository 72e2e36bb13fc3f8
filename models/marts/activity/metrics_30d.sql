-- A4-A12 as a daily series: one row per as-of date D from the first day (var
-- `activity_first_day`, default the first day with any signup, message or payment) through
-- the var `as_of_date`. Every rate comes with its numerator and denominator; a rate over
-- nothing is NULL and a sum over nothing is 0 (A11).
--
-- How: D's window is 30 whole days, so each fact of the daily facts counts for a run of
-- consecutive D's (macro activity_runs_ctes, shared with fct_activity_segments_30d). Each run
-- adds its value on its start day and takes it away the day after its end day; a running
-- sum over the days gives every D's numbers in one pass over the facts.

with

user_days as (

    select * from {{ ref('int_user_activity_days') }}

),

{{ activity_runs_ctes() }},

signed as (

    -- Each run starts on its start day and stops the day after its end day.
    select
        start_day as change_day,
        new_users,
        new_user_revenue,
        active_users,
        active_paying_users,
        converted_new_users,
        retention_cohort_users,
        retained_users

    from runs
    where end_day >= start_day

    union all

    select
        {{ days_after('end_day', 1) }} as change_day,
        -new_users as new_users,
        -new_user_revenue as new_user_revenue,
        -active_users as active_users,
        -active_paying_users as active_paying_users,
        -converted_new_users as converted_new_users,
        -retention_cohort_users as retention_cohort_users,
        -retained_users as retained_users

    from runs
    where end_day >= start_day

),

changes as (

    -- Changes before the first day of the series count from that day on.
    select
        greatest(signed.change_day, bounds.first_day) as change_day,
        sum(signed.new_users) as new_users,
        sum(signed.new_user_revenue) as new_user_revenue,
        sum(signed.active_users) as active_users,
        sum(signed.active_paying_users) as active_paying_users,
        sum(signed.converted_new_users) as converted_new_users,
        sum(signed.retention_cohort_users) as retention_cohort_users,
        sum(signed.retained_users) as retained_users

    from signed
    cross join bounds
    group by greatest(signed.change_day, bounds.first_day)

),

counted as (

    select
        days.day as as_of_date,
        sum(coalesce(changes.new_users, 0)) over running as new_users,
        sum(coalesce(changes.new_user_revenue, 0)) over running as new_user_revenue,
        sum(coalesce(changes.active_users, 0)) over running as active_users,
        sum(coalesce(changes.active_paying_users, 0)) over running as active_paying_users,
        sum(coalesce(changes.converted_new_users, 0)) over running as converted_new_users,
        sum(coalesce(changes.retention_cohort_users, 0)) over running as retention_cohort_users,
        sum(coalesce(changes.retained_users, 0)) over running as retained_users

    from days
    left join changes
        on days.day = changes.change_day
    window running as (order by days.day rows between unbounded preceding and current row)

),

final as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', -29, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as window_start,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as window_end,
        cast(new_users as bigint) as new_users,
        cast(new_user_revenue as {{ type_amount() }}) as new_user_revenue,
        cast(active_users as bigint) as active_users,
        cast(active_paying_users as bigint) as active_paying_users,
        cast(converted_new_users as bigint) as converted_new_users,
        cast(converted_new_users as {{ type_amount() }}) / nullif(new_users, 0) as conversion_rate,
        cast({{ dbt.dateadd('day', -59, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as retention_cohort_start,
        cast({{ dbt.dateadd('day', -29, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as retention_cohort_end,
        cast(retention_cohort_users as bigint) as retention_cohort_users,
        cast(retained_users as bigint) as retained_users,
        cast(retained_users as {{ type_amount() }})
        / nullif(retention_cohort_users, 0) as retention_rate

    from counted

)

select * from final
