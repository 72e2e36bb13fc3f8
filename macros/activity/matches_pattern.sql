{#- `expression` matches the regular expression `pattern` (a Jinja string without quotes or
    backslashes; the same syntax on both engines), optionally ignoring case. -#}
{% macro matches_pattern(expression, pattern, ignore_case=false) -%}
    {{ return(adapter.dispatch('matches_pattern', 'glofox_analytics')(expression, pattern, ignore_case)) }}
{%- endmacro %}

{% macro default__matches_pattern(expression, pattern, ignore_case=false) -%}
    {%- if ignore_case -%}
        regexp_like({{ expression }}, '{{ pattern }}', 'i')
    {%- else -%}
        regexp_like({{ expression }}, '{{ pattern }}')
    {%- endif -%}
{%- endmacro %}

{% macro postgres__matches_pattern(expression, pattern, ignore_case=false) -%}
    {{ expression }} {{ '~*' if ignore_case else '~' }} '{{ pattern }}'
{%- endmacro %}

{% macro spark__matches_pattern(expression, pattern, ignore_case=false) -%}
    {{ expression }} rlike r'{{ '(?i)' if ignore_case }}{{ pattern }}'
{%- endmacro %}
