{#- Fails with every combination of `columns` that occurs on more than one row (a
    compound primary key check; NULLs compare equal here, as in GROUP BY). -#}
{% test unique_column_combination(model, columns) %}

with

grouped as (

    select
        {{ columns | join(', ') }},
        count(*) as occurrences

    from {{ model }}
    group by {{ columns | join(', ') }}

)

select * from grouped
where occurrences > 1

{% endtest %}
