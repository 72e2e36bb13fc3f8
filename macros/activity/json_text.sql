{#- The text of a JSON string (unquoted) or number; NULL for SQL NULL. Numbers: PostgreSQL's
    jsonb text (1.50 stays 1.50); Spark's shortest text of the same value (1.5). -#}
{% macro json_text(json_expression) -%}
    {{ return(adapter.dispatch('json_text', 'glofox_analytics')(json_expression)) }}
{%- endmacro %}

{% macro default__json_text(json_expression) -%}
    {{ exceptions.raise_compiler_error(
        "json_text() has no variant for the adapter '" ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro postgres__json_text(json_expression) -%}
    {{ json_expression }} #>> '{}'
{%- endmacro %}

{% macro spark__json_text(json_expression) -%}
    cast({{ json_expression }} as string)
{%- endmacro %}
