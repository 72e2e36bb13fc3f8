{#- Issue 6: the materialization of a model that is incremental where the engine supports the
    row-version bookkeeping below (PostgreSQL: delete+insert on a key), else `fallback`
    (Spark and any other engine rebuild the table: correct, just not incremental). -#}
{% macro incremental_on_postgres(fallback='table') -%}
    {{- return('incremental' if target.type == 'postgres' else fallback) -}}
{%- endmacro %}
