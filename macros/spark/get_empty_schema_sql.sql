{#- Spark (issue 7): the model contracts declare text columns as `varchar` (L14, PostgreSQL's
    type); Spark wants a length for varchar and calls text `string`. For the contract's column
    check on Spark, a varchar / text / character varying without a length is read as string;
    every other declared type is used as written. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set spark_columns = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- set data_type = (column['data_type'] or '') | trim | lower -%}
        {%- if data_type in ('varchar', 'text', 'character varying') -%}
            {%- do spark_columns.update({name: dict(column, data_type='string')}) -%}
        {%- else -%}
            {%- do spark_columns.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(spark_columns)) }}
{%- endmacro %}
