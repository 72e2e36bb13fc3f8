{#- A timestamp as whole microseconds since 1970-01-01 00:00 UTC (bigint), the same number on
    every engine (a key made of it reads the same everywhere). -#}
{% macro epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(expression) -%}
    cast(extract(epoch from {{ expression }}) * 1000000 as bigint)
{%- endmacro %}

{% macro spark__epoch_microseconds(expression) -%}
    unix_micros({{ expression }})
{%- endmacro %}
