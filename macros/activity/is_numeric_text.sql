{#- A text that reads as a finite number of the engine's amount type (type_amount). -#}
{% macro is_numeric_text(expression) -%}
    {{ return(adapter.dispatch('is_numeric_text', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__is_numeric_text(expression) -%}
    {{ exceptions.raise_compiler_error(
        "is_numeric_text() has no variant for the adapter '" ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro postgres__is_numeric_text(expression) -%}
    pg_input_is_valid({{ expression }}, 'numeric')
{%- endmacro %}

{% macro spark__is_numeric_text(expression) -%}
    try_cast({{ expression }} as {{ type_amount() }}) is not null
{%- endmacro %}
