{#- D2, D3, D5, D8: text compared byte by byte (PostgreSQL `COLLATE "C"`), so ordering ties
    never depends on the database's locale. Engines that always compare bytewise need nothing. -#}
{% macro collate_bytewise(column) -%}
    {{ return(adapter.dispatch('collate_bytewise', 'glofox_analytics')(column)) }}
{%- endmacro %}

{% macro default__collate_bytewise(column) -%}
    {{ column }}
{%- endmacro %}

{% macro postgres__collate_bytewise(column) -%}
    {{ column }} collate "C"
{%- endmacro %}
