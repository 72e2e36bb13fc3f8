{#- Fails with every value of `column_name` that occurs more than once when case is ignored
    (lower = lower), as for keys matched case-insensitively (L6: country names). -#}
{% test unique_ignoring_case(model, column_name) %}

with

grouped as (

    select
        lower({{ column_name }}) as value_lower,
        count(*) as occurrences

    from {{ model }}
    where {{ column_name }} is not null
    group by lower({{ column_name }})

)

select * from grouped
where occurrences > 1

{% endtest %}
