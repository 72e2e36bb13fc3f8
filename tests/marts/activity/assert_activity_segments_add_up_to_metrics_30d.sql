-- A5-A11: the fine-grain marts re-aggregate to metrics_30d. Summed over all segments of
-- each D (fct_activity_segments_30d, every day of the series), every numerator and denominator
-- equals metrics_30d's row of that D; summed over all days and segments of the latest D
-- (fct_activity_daily_segments_30d, additive columns only), they equal its row for that D.
-- Fails with one row per day and column that differs.
{{ config(tags=['activity']) }}

with

metrics as (

    select * from {{ ref('metrics_30d') }}

),

segments as (

    select * from {{ ref('fct_activity_segments_30d') }}

),

daily as (

    select * from {{ ref('fct_activity_daily_segments_30d') }}

),

segment_totals as (

    select
        as_of_date,
        sum(new_users) as new_users,
        sum(new_user_revenue) as new_user_revenue,
        sum(converted_new_users) as converted_new_users,
        sum(active_users) as active_users,
        sum(active_paying_users) as active_paying_users,
        sum(retention_cohort_users) as retention_cohort_users,
        sum(retained_users) as retained_users

    from segments
    group by as_of_date

),

daily_totals as (

    select
        cast('{{ activity_as_of_date() }}' as date) as as_of_date,
        coalesce(sum(new_users), 0) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        coalesce(sum(converted_new_users), 0) as converted_new_users,
        coalesce(sum(retention_cohort_users), 0) as retention_cohort_users,
        coalesce(sum(retained_users), 0) as retained_users

    from daily

),

compared as (

    select
        metrics.as_of_date,
        checks.measure,
        checks.expected,
        checks.actual

    from metrics
    left join segment_totals
        on metrics.as_of_date = segment_totals.as_of_date
    left join daily_totals
        on metrics.as_of_date = daily_totals.as_of_date
    cross join lateral (
        values
        ('segments.new_users', metrics.new_users, coalesce(segment_totals.new_users, 0)),
        (
            'segments.new_user_revenue',
            metrics.new_user_revenue,
            coalesce(segment_totals.new_user_revenue, 0)
        ),
        (
            'segments.converted_new_users',
            metrics.converted_new_users,
            coalesce(segment_totals.converted_new_users, 0)
        ),
        ('segments.active_users', metrics.active_users, coalesce(segment_totals.active_users, 0)),
        (
            'segments.active_paying_users',
            metrics.active_paying_users,
            coalesce(segment_totals.active_paying_users, 0)
        ),
        (
            'segments.retention_cohort_users',
            metrics.retention_cohort_users,
            coalesce(segment_totals.retention_cohort_users, 0)
        ),
        (
            'segments.retained_users',
            metrics.retained_users,
            coalesce(segment_totals.retained_users, 0)
        ),
        ('daily.new_users', metrics.new_users, daily_totals.new_users),
        ('daily.new_user_revenue', metrics.new_user_revenue, daily_totals.new_user_revenue),
        (
            'daily.converted_new_users',
            metrics.converted_new_users,
            daily_totals.converted_new_users
        ),
        (
            'daily.retention_cohort_users',
            metrics.retention_cohort_users,
            daily_totals.retention_cohort_users
        ),
        ('daily.retained_users', metrics.retained_users, daily_totals.retained_users)
    ) as checks (measure, expected, actual)

)

select * from compared
-- the daily checks only for the latest D (the day the daily mart describes)
where expected != actual
