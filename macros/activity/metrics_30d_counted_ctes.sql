{#- metrics_30d's CTEs after its CTE `user_days` (the daily facts), ending with `counted`: one
    row per as-of date D with the seven counts (A5-A10). recompute_from none: every D of the
    series, rolled up from runs of consecutive D's in one pass (activity_runs_ctes). Else a
    date (YYYY-MM-DD) at most 29 days before `as_of_date`: only the D's from it, each from
    its own window, and `summarised_before` a date no later than it, before which
    int_user_activity_summaries holds what the facts say per user (metrics_30d's header
    says why that is exact). -#}
{#- The day when it is `first_day` or later, else NULL (both SQL date expressions). -#}
{% macro day_from(day, first_day) -%}
    case when {{ day }} >= {{ first_day }} then {{ day }} end
{%- endmacro %}

{% macro metrics_30d_counted_ctes(recompute_from, summarised_before=none) -%}
{%- set as_of = activity_as_of_date() %}
{%- if recompute_from is none %}
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

)
{%- else %}
{%- set from_day = "cast('" ~ recompute_from ~ "' as date)" %}
{%- set summarised = "cast('" ~ summarised_before ~ "' as date)" %}
{%- set last_day = "cast('" ~ as_of ~ "' as date)" %}
bounds as (

    -- The days computed: from the first recomputed day (not before the series' first day)
    -- through D.
    select
        greatest({{ activity_first_day('first_fact_day') }}, {{ from_day }}) as first_day,
        {{ last_day }} as last_day

    from (select min(activity_date) as first_fact_day from user_days) as facts

),

days as (

    {{ activity_days('(select first_day from bounds)', '(select last_day from bounds)') }}

),

-- Read twice with other filters: inlined, each read scanning its own rows.
summaries as {{ cte_materialized(false) }} (

    select * from {{ ref('int_user_activity_summaries') }}

),

recent_facts as {{ cte_materialized(false) }} (

    -- The facts not summarised: from summarised_before through D.
    select
        user_id,
        activity_date,
        is_signup_day,
        messages,
        payments,
        first_paid_at,
        second_paid_at

    from user_days
    where
        activity_date >= {{ summarised }}
        and activity_date <= {{ last_day }}

),

recent_users as (

    select
        user_id,
        max(case when messages > 0 and activity_date < {{ from_day }} then activity_date end)
            as last_message_day_before,
        min(case when messages > 0 and activity_date >= {{ from_day }} then activity_date end)
            as first_message_day_from,
        max(case when payments > 0 and activity_date < {{ from_day }} then activity_date end)
            as last_payment_day_before,
        min(case when payments > 0 and activity_date >= {{ from_day }} then activity_date end)
            as first_payment_day_from,
        max(case when is_signup_day then activity_date end) as signup_day

    from recent_facts
    group by user_id

),

window_summaries as (

    -- The users with a day of the first recomputed D's window or later (others count for
    -- no recomputed D).
    select
        user_id,
        last_message_day,
        last_payment_day,
        signup_day

    from summaries
    where
        last_message_day >= {{ days_after(from_day, -29) }}
        or last_payment_day >= {{ days_after(from_day, -29) }}
        or signup_day >= {{ days_after(from_day, -29) }}

),

window_users as (

    -- Per user, the last message and payment day before the first recomputed day and the
    -- first ones from it, and the signup day: with at most 30 recomputed days, a user has a
    -- message in D's window exactly when one of the two message days is in it (A7-A9). A
    -- day before the first recomputed D's window counts for none of them: NULL, so users
    -- alike for the recomputed D's are alike here.
    select
        coalesce(recent_users.user_id, window_summaries.user_id) as user_id,
        {{ day_from(
            'greatest(window_summaries.last_message_day, recent_users.last_message_day_before)',
            days_after(from_day, -29)) }} as last_message_day_before,
        recent_users.first_message_day_from,
        {{ day_from(
            'greatest(window_summaries.last_payment_day, recent_users.last_payment_day_before)',
            days_after(from_day, -29)) }} as last_payment_day_before,
        recent_users.first_payment_day_from,
        {{ day_from(
            'greatest(window_summaries.signup_day, recent_users.signup_day)',
            days_after(from_day, -29)) }} as signup_day

    from recent_users
    full outer join window_summaries
        on recent_users.user_id = window_summaries.user_id

),

user_kinds as (

    -- Users alike in those five days count alike: count them once per kind.
    select
        last_message_day_before,
        first_message_day_from,
        last_payment_day_before,
        first_payment_day_from,
        signup_day,
        count(*) as users

    from window_users
    group by
        last_message_day_before,
        first_message_day_from,
        last_payment_day_before,
        first_payment_day_from,
        signup_day

),

user_flags as (

    select
        days.day as as_of_date,
        user_kinds.users,
        user_kinds.signup_day >= {{ days_after('days.day', -29) }}
        and user_kinds.signup_day <= days.day as is_new_user,
        coalesce(
            user_kinds.last_message_day_before >= {{ days_after('days.day', -29) }}
            or user_kinds.first_message_day_from <= days.day,
            false
        ) as is_active_user,
        coalesce(
            user_kinds.last_payment_day_before >= {{ days_after('days.day', -29) }}
            or user_kinds.first_payment_day_from <= days.day,
            false
        ) as is_paying_user

    from user_kinds
    cross join days

),

user_counts as (

    select
        as_of_date,
        sum(case when is_new_user then users else 0 end) as new_users,
        sum(case when is_active_user then users else 0 end) as active_users,
        sum(case when is_active_user and is_paying_user then users else 0 end)
            as active_paying_users,
        sum(case when is_new_user and (is_active_user or is_paying_user) then users else 0 end)
            as converted_new_users

    from user_flags
    group by as_of_date

),

new_user_payment_days as (

    -- A6: the revenue of the new users' payment days in the windows, per payment day and
    -- signup day (a few hundred rows, joined to the days below).
    select
        payment_days.activity_date,
        new_users.signup_day,
        sum(payment_days.revenue) as revenue

    from user_days as payment_days
    inner join window_users as new_users
        on payment_days.user_id = new_users.user_id
    where
        payment_days.payments > 0
        and payment_days.activity_date >= {{ days_after(from_day, -29) }}
        and payment_days.activity_date <= {{ last_day }}
        and new_users.signup_day is not null
    group by payment_days.activity_date, new_users.signup_day

),

new_user_revenue as (

    select
        days.day as as_of_date,
        sum(new_user_payment_days.revenue) as new_user_revenue

    from new_user_payment_days
    inner join days
        on
            new_user_payment_days.activity_date >= {{ days_after('days.day', -29) }}
            and new_user_payment_days.activity_date <= days.day
            and new_user_payment_days.signup_day >= {{ days_after('days.day', -29) }}
            and new_user_payment_days.signup_day <= days.day
    group by days.day

),

recent_first_payments as (

    -- A10: in the recent facts, each payer's first payment and the one after it (the same
    -- day or the next payment day).
    select
        user_id,
        activity_date as first_day,
        first_paid_at,
        coalesce(second_paid_at, lead(first_paid_at) over user_payment_days) as second_paid_at,
        row_number() over user_payment_days as payment_day_number

    from recent_facts
    where payments > 0
    window user_payment_days as (partition by user_id order by activity_date)

),

cohort_users as (

    -- A10: the payers whose first payment ever falls in a recomputed D's cohort
    -- ([D - 59 days, D - 30 days]), all summarised (summarised_before is less than 30 days
    -- before D), with the summarised payment after it or else the first recent one.
    select
        summaries.first_payment_day as first_day,
        summaries.first_paid_at,
        coalesce(summaries.second_paid_at, recent_first_payments.first_paid_at)
            as second_paid_at

    from summaries
    left join recent_first_payments
        on
            summaries.user_id = recent_first_payments.user_id
            and recent_first_payments.payment_day_number = 1
    where
        summaries.first_payment_day >= {{ days_after(from_day, -59) }}
        and summaries.first_payment_day <= {{ days_after(last_day, -30) }}

),

retention_counts as (

    select
        days.day as as_of_date,
        count(*) as retention_cohort_users,
        sum(
            case
                when cohort_users.second_paid_at
                    <= {{ follow_up_end('cohort_users.first_paid_at') }}
                    then 1
                else 0
            end
        ) as retained_users

    from cohort_users
    inner join days
        on
            cohort_users.first_day >= {{ days_after('days.day', -59) }}
            and cohort_users.first_day <= {{ days_after('days.day', -30) }}
    group by days.day

),

counted as (

    select
        days.day as as_of_date,
        coalesce(user_counts.new_users, 0) as new_users,
        coalesce(new_user_revenue.new_user_revenue, 0) as new_user_revenue,
        coalesce(user_counts.active_users, 0) as active_users,
        coalesce(user_counts.active_paying_users, 0) as active_paying_users,
        coalesce(user_counts.converted_new_users, 0) as converted_new_users,
        coalesce(retention_counts.retention_cohort_users, 0) as retention_cohort_users,
        coalesce(retention_counts.retained_users, 0) as retained_users

    from days
    left join user_counts
        on days.day = user_counts.as_of_date
    left join new_user_revenue
        on days.day = new_user_revenue.as_of_date
    left join retention_counts
        on days.day = retention_counts.as_of_date

)
{%- endif %}
{%- endmacro %}
