-- A4-A12 as a daily series: one row per as-of date D from the first day (var
-- `activity_first_day`, default the first day with any signup, message or payment) through
-- the var `as_of_date`. Every rate comes with its numerator and denominator; a rate over
-- nothing is NULL and a sum over nothing is 0 (A11).
--
-- How: D's window is 30 whole days, so each fact of the daily facts counts for a run of
-- consecutive D's. Each count is written as such runs [start_day, end_day], disjoint for
-- one user, so distinct users add up: e.g. a user's message days d1 < d2 < ... make the
-- user active from d1 through d1 + 29 and then from max(d2, d1 + 30) on (A7). Each run adds
-- its value on start_day and takes it away the day after end_day; a running sum over the
-- days gives every D's numbers in one pass over the facts.
{%- set as_of = "cast('" ~ activity_as_of_date() ~ "' as date)" %}

with

user_days as (

    select * from {{ ref('int_user_activity_days') }}

),

payment_days as (

    select
        user_id,
        activity_date,
        revenue,
        first_paid_at,
        second_paid_at

    from user_days
    where payments > 0

),

signup_days as (

    select
        user_id,
        activity_date

    from user_days
    where is_signup_day

),

bounds as (

    select
        {{ activity_first_day('first_fact_day') }} as first_day,
        {{ as_of }} as last_day

    from (select min(activity_date) as first_fact_day from user_days) as facts

),

days as (

    {{ activity_days('(select first_day from bounds)', '(select last_day from bounds)') }}

),

signups as (

    select
        user_id,
        activity_date as signup_day

    from signup_days

),

event_days as (

    -- A7-A9: the days a user sent a message or paid.
    select
        user_id,
        activity_date,
        case when messages > 0 then 1 else 0 end as has_message,
        case when payments > 0 then 1 else 0 end as has_payment

    from user_days
    where messages > 0 or payments > 0

),

segments as (

    -- From one event day of a user to the day before the next: the last message day and
    -- the last payment day are the same for every D of the segment.
    select
        user_id,
        activity_date as segment_start,
        coalesce(
            {{ days_after('lead(activity_date) over user_days', -1) }},
            (select bounds.last_day from bounds)
        ) as segment_end,
        max(case when has_message = 1 then activity_date end) over user_days_so_far
            as last_message_day,
        max(case when has_payment = 1 then activity_date end) over user_days_so_far
            as last_payment_day

    from event_days
    window
        user_days as (partition by user_id order by activity_date),
        user_days_so_far as (
            partition by user_id order by activity_date
            rows between unbounded preceding and current row
        )

),

first_payments as (

    -- A10: each payer's first payment ever and the one after it (the same day or the next
    -- payment day), by time.
    select
        user_id,
        activity_date as first_day,
        first_paid_at,
        coalesce(second_paid_at, lead(first_paid_at) over user_payment_days) as second_paid_at,
        row_number() over user_payment_days as payment_day_number

    from payment_days
    window user_payment_days as (partition by user_id order by activity_date)

),

runs as (

    -- A5: a new user on every D whose window holds the signup day.
    select
        signup_day as start_day,
        {{ days_after('signup_day', 29) }} as end_day,
        1 as new_users,
        0 as new_user_revenue,
        0 as active_users,
        0 as active_paying_users,
        0 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from signups

    union all

    -- A6: a payment of a new user counts on every D whose window holds both days.
    select
        {{ dbt.cast('greatest(payment_days.activity_date, signups.signup_day)', 'date') }}
            as start_day,
        {{ days_after('least(payment_days.activity_date, signups.signup_day)', 29) }} as end_day,
        0 as new_users,
        payment_days.revenue as new_user_revenue,
        0 as active_users,
        0 as active_paying_users,
        0 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from payment_days
    inner join signups
        on payment_days.user_id = signups.user_id

    union all

    -- A7: active while the last message day is in the window.
    select
        segment_start as start_day,
        least(segment_end, {{ days_after('last_message_day', 29) }}) as end_day,
        0 as new_users,
        0 as new_user_revenue,
        1 as active_users,
        0 as active_paying_users,
        0 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from segments
    where last_message_day is not null

    union all

    -- A8: active and paying while both the last message and the last payment are in it.
    select
        segment_start as start_day,
        least(segment_end, {{ days_after('least(last_message_day, last_payment_day)', 29) }})
            as end_day,
        0 as new_users,
        0 as new_user_revenue,
        0 as active_users,
        1 as active_paying_users,
        0 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from segments
    where last_message_day is not null and last_payment_day is not null

    union all

    -- A9: a new user whose last event day (the segment's start) is in the window.
    select
        {{ dbt.cast('greatest(segments.segment_start, signups.signup_day)', 'date') }} as start_day,
        least(
            segments.segment_end,
            {{ days_after('segments.segment_start', 29) }},
            {{ days_after('signups.signup_day', 29) }}
        ) as end_day,
        0 as new_users,
        0 as new_user_revenue,
        0 as active_users,
        0 as active_paying_users,
        1 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from segments
    inner join signups
        on segments.user_id = signups.user_id

    union all

    -- A10: in the cohort of every D with the first payment in [D - 59 days, D - 29 days).
    select
        {{ days_after('first_day', 30) }} as start_day,
        {{ days_after('first_day', 59) }} as end_day,
        0 as new_users,
        0 as new_user_revenue,
        0 as active_users,
        0 as active_paying_users,
        0 as converted_new_users,
        1 as retention_cohort_users,
        case when second_paid_at <= {{ follow_up_end('first_paid_at') }} then 1 else 0 end
            as retained_users

    from first_payments
    where payment_day_number = 1

),

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
