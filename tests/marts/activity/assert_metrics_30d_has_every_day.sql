-- A4, A12: metrics_30d has one row for every day from its first day through the var
-- as_of_date, none missing, and no other. Fails with the first day, the last day and the
-- row count when the series has a gap or does not end on as_of_date.
{{ config(tags=['activity']) }}

with

series as (

    select * from {{ ref('metrics_30d') }}

),

summary as (

    select
        min(as_of_date) as first_day,
        max(as_of_date) as last_day,
        count(*) as day_count

    from series

)

select * from summary
where
    day_count > 0
    and (
        last_day != cast('{{ activity_as_of_date() }}' as date)
        or day_count != 1 + {{ dbt.datediff('first_day', 'last_day', 'day') }}
    )
