{#- A double-precision float (E5-E6 rates): `double precision` in PostgreSQL, `double` on
    Spark. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'glofox_analytics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
