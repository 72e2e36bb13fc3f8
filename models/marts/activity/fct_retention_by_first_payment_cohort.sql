-- A10: retention by first-payment cohort (day, week, month): a cohort member is retained
-- when another payment follows its first within 30 days. Only cohorts whose every
-- member's follow-up has fully elapsed by the end of D (cohort_end + 30 days <= D + 1 day).
{%- set bounds = window_bounds() %}

with

first_payments as (

    select * from {{ ref('int_first_payments_followed_up') }}

),

grains as (

    select 'day' as cohort_grain
    union all
    select 'week' as cohort_grain
    union all
    select 'month' as cohort_grain

),

assigned as (

    select
        grains.cohort_grain,
        first_payments.user_id,
        first_payments.is_retained,
        case grains.cohort_grain
            when 'day' then {{ dbt.date_trunc('day', 'first_payments.first_paid_at') }}
            when 'week' then {{ dbt.date_trunc('week', 'first_payments.first_paid_at') }}
            when 'month' then {{ dbt.date_trunc('month', 'first_payments.first_paid_at') }}
        end as cohort_start

    from first_payments
    cross join grains

),

bounded as (

    select
        *,
        case cohort_grain
            when 'day' then {{ dbt.dateadd('day', 1, 'cohort_start') }}
            when 'week' then {{ dbt.dateadd('day', 7, 'cohort_start') }}
            when 'month' then {{ dbt.dateadd('month', 1, 'cohort_start') }}
        end as cohort_end

    from assigned

),

elapsed as (

    select * from bounded
    where {{ follow_up_end('cohort_end') }} <= {{ bounds.window_end }}

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        cohort_grain,
        cast(cohort_start as date) as cohort_start,
        cast(cohort_end as date) as cohort_end,
        count(*) as cohort_users,
        count(*) filter (where is_retained) as retained_users,
        cast(count(*) filter (where is_retained) as numeric)
        / nullif(count(*), 0) as retention_rate

    from elapsed
    group by cohort_grain, cohort_start, cohort_end

)

select * from final
