{#- A staging model of one source table keeps every row of it (a rename drops nothing; the
    rules set rows aside downstream, where an audit model lists them): fails with a row
    when the two counts differ. A missing source table counts as empty. -#}
{% test keeps_every_source_row(model, source_name, table_name) %}

with

source_rows as (

    {%- if source_table_exists(source_name, table_name) %}
        select * from {{ source(source_name, table_name) }}
    {%- else %}
        {{ empty_source_rows(source_name, table_name) }}
    {%- endif %}

),

compared as (

    select
        (select count(*) from source_rows) as source_row_count,
        (select count(*) from {{ model }}) as model_row_count

)

select * from compared
where source_row_count != model_row_count

{% endtest %}
