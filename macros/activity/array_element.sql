{% macro array_element(array_expression, position) -%}
    {{ return(adapter.dispatch('array_element', 'glofox_analytics')(array_expression, position)) }}
{%- endmacro %}

{% macro default__array_element(array_expression, position) -%}
    {{ array_expression }}[{{ position }}]
{%- endmacro %}

{% macro spark__array_element(array_expression, position) -%}
    element_at({{ array_expression }}, {{ position }})
{%- endmacro %}
