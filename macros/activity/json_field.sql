{#- The value under `key` of a parsed JSON object (JSON null stays a JSON null); NULL when the
    key is missing or the value is not an object. -#}
{% macro json_field(json_expression, key) -%}
    {{ return(adapter.dispatch('json_field', 'glofox_analytics')(json_expression, key)) }}
{%- endmacro %}

{% macro default__json_field(json_expression, key) -%}
    {{ exceptions.raise_compiler_error(
        "json_field() has no variant for the adapter '" ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro postgres__json_field(json_expression, key) -%}
    {{ json_expression }} -> '{{ key }}'
{%- endmacro %}

{% macro spark__json_field(json_expression, key) -%}
    try_variant_get({{ json_expression }}, '$["{{ key }}"]')
{%- endmacro %}
