-- A4-A12: the 30-day metrics for the as-of date D, always exactly one row. Every rate
-- comes with its numerator and denominator; a rate over nothing is NULL and a sum over
-- nothing is 0 (A11).
{%- set bounds = window_bounds() %}

with

user_activity as (

    select * from {{ ref('int_user_activity_windowed') }}

),

counted as (

    select
        count(*) filter (where is_new_user) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        count(*) filter (where is_active_user) as active_users,
        count(*) filter (where is_active_paying_user) as active_paying_users,
        count(*) filter (where is_converted_new_user) as converted_new_users,
        count(*) filter (where is_retention_cohort_user) as retention_cohort_users,
        count(*) filter (where is_retained_user) as retained_users

    from user_activity

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        {{ bounds.window_start }} as window_start,
        {{ bounds.window_end }} as window_end,
        cast(new_users as bigint) as new_users,
        cast(new_user_revenue as {{ type_amount() }}) as new_user_revenue,
        cast(active_users as bigint) as active_users,
        cast(active_paying_users as bigint) as active_paying_users,
        cast(converted_new_users as bigint) as converted_new_users,
        cast(converted_new_users as {{ type_amount() }}) / nullif(new_users, 0) as conversion_rate,
        {{ bounds.cohort_start }} as retention_cohort_start,
        {{ bounds.cohort_end }} as retention_cohort_end,
        cast(retention_cohort_users as bigint) as retention_cohort_users,
        cast(retained_users as bigint) as retained_users,
        cast(retained_users as {{ type_amount() }})
        / nullif(retention_cohort_users, 0) as retention_rate

    from counted

)

select * from final
