-- A5-A11 per as-of date D and segment: the numerators and denominators of metrics_30d for
-- every day of the series, per branch x country x acquisition source: a row for every day
-- and every segment that ever has anything, zeros included, so each day has its rows.
-- Every user falls in exactly one segment, so summing any column over any set of segments
-- of one D and dividing gives the right rate; summed over all
-- segments of a D each column equals metrics_30d's row of that D (tested). Same runs as
-- metrics_30d (macro activity_runs_ctes), summed per segment.

with

user_days as (

    select * from {{ ref('int_user_activity_days') }}

),

user_segments as (

    select * from {{ ref('int_users_segmented') }}

),

{{ activity_runs_ctes() }},

segmented_runs as (

    select
        runs.*,
        coalesce(user_segments.branch_id, 'unknown') as branch_id,
        coalesce(user_segments.country, 'unknown') as country,
        coalesce(user_segments.acquisition_source, 'unknown') as acquisition_source

    from runs
    left join user_segments
        on cast(runs.user_id as {{ dbt.type_string() }}) = user_segments.user_key
    where runs.end_day >= runs.start_day

),

signed as (

    select
        branch_id,
        country,
        acquisition_source,
        start_day as change_day,
        new_users,
        new_user_revenue,
        active_users,
        active_paying_users,
        converted_new_users,
        retention_cohort_users,
        retained_users

    from segmented_runs

    union all

    select
        branch_id,
        country,
        acquisition_source,
        {{ days_after('end_day', 1) }} as change_day,
        -new_users as new_users,
        -new_user_revenue as new_user_revenue,
        -active_users as active_users,
        -active_paying_users as active_paying_users,
        -converted_new_users as converted_new_users,
        -retention_cohort_users as retention_cohort_users,
        -retained_users as retained_users

    from segmented_runs

),

changes as (

    -- Changes before the first day of the series count from that day on.
    select
        signed.branch_id,
        signed.country,
        signed.acquisition_source,
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
    group by
        signed.branch_id,
        signed.country,
        signed.acquisition_source,
        greatest(signed.change_day, bounds.first_day)

),

segment_keys as (

    select distinct
        branch_id,
        country,
        acquisition_source

    from changes

),

counted as (

    select
        days.day as as_of_date,
        segment_keys.branch_id,
        segment_keys.country,
        segment_keys.acquisition_source,
        sum(coalesce(changes.new_users, 0)) over running as new_users,
        sum(coalesce(changes.new_user_revenue, 0)) over running as new_user_revenue,
        sum(coalesce(changes.converted_new_users, 0)) over running as converted_new_users,
        sum(coalesce(changes.active_users, 0)) over running as active_users,
        sum(coalesce(changes.active_paying_users, 0)) over running as active_paying_users,
        sum(coalesce(changes.retention_cohort_users, 0)) over running as retention_cohort_users,
        sum(coalesce(changes.retained_users, 0)) over running as retained_users

    from days
    cross join segment_keys
    left join changes
        on
            days.day = changes.change_day
            and segment_keys.branch_id = changes.branch_id
            and segment_keys.country = changes.country
            and segment_keys.acquisition_source = changes.acquisition_source
    window running as (
        partition by segment_keys.branch_id, segment_keys.country, segment_keys.acquisition_source
        order by days.day
        rows between unbounded preceding and current row
    )

),

final as (

    select
        as_of_date,
        branch_id,
        country,
        acquisition_source,
        cast(new_users as bigint) as new_users,
        cast(new_user_revenue as {{ type_amount() }}) as new_user_revenue,
        cast(converted_new_users as bigint) as converted_new_users,
        cast(active_users as bigint) as active_users,
        cast(active_paying_users as bigint) as active_paying_users,
        cast(retention_cohort_users as bigint) as retention_cohort_users,
        cast(retained_users as bigint) as retained_users

    from counted

)

select * from final
