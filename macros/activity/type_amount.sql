{#- The type of payment amounts and revenue. PostgreSQL: numeric, exact at any size. Spark:
    decimal(38, 18), exact up to 10^20 with 18 decimals (an amount outside it is not a
    finite number there: the README's Spark section). -#}
{% macro type_amount() -%}
    {{ return(adapter.dispatch('type_amount', 'glofox_analytics')()) }}
{%- endmacro %}

{% macro default__type_amount() -%}
    numeric
{%- endmacro %}

{% macro spark__type_amount() -%}
    decimal(38, 18)
{%- endmacro %}
