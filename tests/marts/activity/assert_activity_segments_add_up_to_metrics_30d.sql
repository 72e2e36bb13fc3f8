-- A5-A11: the fine-grain marts re-aggregate to metrics_30d's row of the latest D (the var
-- as_of_date, the D they describe). Summed over all segments
-- (activity_segments_30d) and over all days and segments (activity_daily_segments_30d,
-- additive columns only), every numerator and denominator equals metrics_30d's. Fails with
-- one row per column that differs.
{{ config(tags=['activity']) }}

with

metrics as (

    select * from {{ ref('metrics_30d') }}
    where as_of_date = cast('{{ activity_as_of_date() }}' as date)

),

segments as (

    select * from {{ ref('activity_segments_30d') }}

),

daily as (

    select * from {{ ref('activity_daily_segments_30d') }}

),

segment_totals as (

    select
        coalesce(sum(new_users), 0) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        coalesce(sum(converted_new_users), 0) as converted_new_users,
        coalesce(sum(active_users), 0) as active_users,
        coalesce(sum(active_paying_users), 0) as active_paying_users,
        coalesce(sum(retention_cohort_users), 0) as retention_cohort_users,
        coalesce(sum(retained_users), 0) as retained_users

    from segments

),

daily_totals as (

    select
        coalesce(sum(new_users), 0) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        coalesce(sum(converted_new_users), 0) as converted_new_users,
        coalesce(sum(retention_cohort_users), 0) as retention_cohort_users,
        coalesce(sum(retained_users), 0) as retained_users

    from daily

),

compared as (

    select
        checks.measure,
        checks.expected,
        checks.actual

    from metrics
    cross join segment_totals
    cross join daily_totals
    cross join lateral (
        values
        (
            'segments.new_users',
            metrics.new_users,
            segment_totals.new_users
        ),
        (
            'segments.new_user_revenue',
            metrics.new_user_revenue,
            segment_totals.new_user_revenue
        ),
        (
            'segments.converted_new_users',
            metrics.converted_new_users,
            segment_totals.converted_new_users
        ),
        (
            'segments.active_users',
            metrics.active_users,
            segment_totals.active_users
        ),
        (
            'segments.active_paying_users',
            metrics.active_paying_users,
            segment_totals.active_paying_users
        ),
        (
            'segments.retention_cohort_users',
            metrics.retention_cohort_users,
            segment_totals.retention_cohort_users
        ),
        (
            'segments.retained_users',
            metrics.retained_users,
            segment_totals.retained_users
        ),
        (
            'daily.new_users',
            metrics.new_users,
            daily_totals.new_users
        ),
        (
            'daily.new_user_revenue',
            metrics.new_user_revenue,
            daily_totals.new_user_revenue
        ),
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
        (
            'daily.retained_users',
            metrics.retained_users,
            daily_totals.retained_users
        )
    ) as checks (measure, expected, actual)

)

select * from compared
where expected != actual
