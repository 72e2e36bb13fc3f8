{#- The parsed document of a document column. -#}
{% macro json_document(column) -%}
    {{ return(adapter.dispatch('json_document', 'glofox_analytics')(column)) }}
{%- endmacro %}

{% macro default__json_document(column) -%}
    {{ exceptions.raise_compiler_error(
        "json_document() has no variant for the adapter '" ~ adapter.type() ~ "': add a "
        ~ adapter.type() ~ "__ variant of each macro in macros/activity/_activity__macros.yml."
    ) }}
{%- endmacro %}

{% macro postgres__json_document(column) -%}
    {{ column }}
{%- endmacro %}

{#- Spark: a text that is not JSON parses to NULL (its type is then NULL too). -#}
{% macro spark__json_document(column) -%}
    try_parse_json({{ column }})
{%- endmacro %}
