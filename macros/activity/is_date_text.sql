{#- A 'YYYY-MM-DD' text names a real date of years 1-9999 (no month 13, Feb 30, year 0). -#}
{% macro is_date_text(expression) -%}
    {{ return(adapter.dispatch('is_date_text', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__is_date_text(expression) -%}
    {{ exceptions.raise_compiler_error(
        "is_date_text() has no variant for the adapter '" ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro postgres__is_date_text(expression) -%}
    pg_input_is_valid({{ expression }}, 'date')
{%- endmacro %}

{#- Spark's date parser is strict (Feb 30 -> NULL) but knows a year 0 (1 BC). -#}
{% macro spark__is_date_text(expression) -%}
    (try_to_date({{ expression }}, 'yyyy-MM-dd') is not null and left({{ expression }}, 4) != '0000')
{%- endmacro %}
