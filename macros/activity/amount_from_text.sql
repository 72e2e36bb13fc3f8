{#- A checked numeric text as an amount. -#}
{% macro amount_from_text(expression) -%}
    {{ return(adapter.dispatch('amount_from_text', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__amount_from_text(expression) -%}
    cast({{ expression }} as {{ type_amount() }})
{%- endmacro %}

{% macro spark__amount_from_text(expression) -%}
    try_cast({{ expression }} as {{ type_amount() }})
{%- endmacro %}
