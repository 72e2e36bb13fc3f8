{#- A4-A11: the CTEs shared by metrics_30d and fct_activity_segments_30d, after a CTE `user_days`
    (int_user_activity_days): `payment_days`, `signup_days`, `bounds` (the first and last day of the series), `days` (one
    row per day) and `runs`: every count as runs of consecutive as-of dates, one row per
    (user, start_day, end_day) with the seven values. A window is 30 whole days, so each
    fact counts for a run of consecutive D's, and the runs of one user and count are
    disjoint: distinct users add up (e.g. a user is active from a message day through the
    last day whose window still holds the latest message day). -#}
{% macro activity_runs_ctes() -%}
{%- set as_of = "cast('" ~ activity_as_of_date() ~ "' as date)" -%}
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

event_segments as (

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
        user_id,
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
        payment_days.user_id,
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
        user_id,
        segment_start as start_day,
        least(segment_end, {{ days_after('last_message_day', 29) }}) as end_day,
        0 as new_users,
        0 as new_user_revenue,
        1 as active_users,
        0 as active_paying_users,
        0 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from event_segments
    where last_message_day is not null

    union all

    -- A8: active and paying while both the last message and the last payment are in it.
    select
        user_id,
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

    from event_segments
    where last_message_day is not null and last_payment_day is not null

    union all

    -- A9: a new user whose last event day (the segment's start) is in the window.
    select
        event_segments.user_id,
        {{ dbt.cast('greatest(event_segments.segment_start, signups.signup_day)', 'date') }} as start_day,
        least(
            event_segments.segment_end,
            {{ days_after('event_segments.segment_start', 29) }},
            {{ days_after('signups.signup_day', 29) }}
        ) as end_day,
        0 as new_users,
        0 as new_user_revenue,
        0 as active_users,
        0 as active_paying_users,
        1 as converted_new_users,
        0 as retention_cohort_users,
        0 as retained_users

    from event_segments
    inner join signups
        on event_segments.user_id = signups.user_id

    union all

    -- A10: in the cohort of every D with the first payment in [D - 59 days, D - 29 days).
    select
        user_id,
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

)
{%- endmacro %}
