-- Fine grain for dashboards (A5-A11): the numerators and denominators of metrics_30d for D,
-- per branch x country x acquisition source. Every user falls in exactly one segment, so
-- summing any column over any set of segments and dividing gives the right rate; summed
-- over all segments each column equals metrics_30d.
{%- set bounds = window_bounds() %}

with

user_activity as (

    select * from {{ ref('int_user_activity_windowed') }}

),

segments as (

    select * from {{ ref('int_users_segmented') }}

),

segmented as (

    select
        user_activity.*,
        coalesce(segments.branch_id, 'unknown') as branch_id,
        coalesce(segments.country, 'unknown') as country,
        coalesce(segments.acquisition_source, 'unknown') as acquisition_source

    from user_activity
    left join segments
        on cast(user_activity.user_id as text) = segments.user_key

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        branch_id,
        country,
        acquisition_source,
        count(*) filter (where is_new_user) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        count(*) filter (where is_converted_new_user) as converted_new_users,
        count(*) filter (where is_active_user) as active_users,
        count(*) filter (where is_active_paying_user) as active_paying_users,
        count(*) filter (where is_retention_cohort_user) as retention_cohort_users,
        count(*) filter (where is_retained_user) as retained_users

    from segmented
    group by branch_id, country, acquisition_source

)

select * from final
