-- The semantic layer's time spine (MetricFlow): one row per day. MetricFlow joins it for
-- metric_time at any grain (day, week, month, ...) and to fill periods without rows. Wide
-- enough for every signup and as-of date the marts hold; a date outside it only loses the
-- filling of empty periods, never a row.
{{ config(materialized='table') }}

with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('2000-01-01' as date)",
        "cast('2041-01-01' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
