{#- The document's text, for ordering identical documents (A1's tie-break in byte order). -#}
{% macro json_document_text(column) -%}
    {{ return(adapter.dispatch('json_document_text', 'glofox_analytics')(column)) }}
{%- endmacro %}

{% macro default__json_document_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__json_document_text(column) -%}
    cast({{ column }} as text)
{%- endmacro %}

{% macro spark__json_document_text(column) -%}
    {{ column }}
{%- endmacro %}
