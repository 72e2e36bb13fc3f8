{#- L1 / D1: strip space, tab (9), newline (10), vertical tab (11), form feed (12) and
    carriage return (13) from both ends of a text value; an empty result is NULL. Case kept. -#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'glofox_analytics')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    nullif(trim(both ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) from {{ column }}), '')
{%- endmacro %}

{% macro postgres__clean_text(column) -%}
    nullif(btrim({{ column }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), '')
{%- endmacro %}
