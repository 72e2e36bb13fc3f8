{#- The text of the first parenthesised group of `pattern` in `expression`, NULL when it does
    not match. -#}
{% macro pattern_group(expression, pattern) -%}
    {{ return(adapter.dispatch('pattern_group', 'glofox_analytics')(expression, pattern)) }}
{%- endmacro %}

{% macro default__pattern_group(expression, pattern) -%}
    substring({{ expression }} from '{{ pattern }}')
{%- endmacro %}

{% macro spark__pattern_group(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, r'{{ pattern }}', 1), '')
{%- endmacro %}
