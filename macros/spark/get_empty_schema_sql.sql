{#- Spark: the model contracts declare PostgreSQL's types (L14). For the contract's column
    check on Spark, a varchar / text / character varying without a length and a uuid are read
    as string (Spark wants a length for varchar, calls text `string`, and the app ids are
    their text there), numeric as the amount type (type_amount), double precision as double;
    every other declared type is used as written. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set spark_columns = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- set data_type = (column['data_type'] or '') | trim | lower -%}
        {%- if data_type in ('varchar', 'text', 'character varying', 'uuid') -%}
            {%- do spark_columns.update({name: dict(column, data_type='string')}) -%}
        {%- elif data_type == 'numeric' -%}
            {%- do spark_columns.update({name: dict(column, data_type=type_amount())}) -%}
        {%- elif data_type == 'double precision' -%}
            {%- do spark_columns.update({name: dict(column, data_type='double')}) -%}
        {%- else -%}
            {%- do spark_columns.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(spark_columns)) }}
{%- endmacro %}
