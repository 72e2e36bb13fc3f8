{#- An array of texts, and its n-th element (1-based). -#}
{% macro text_array(items) -%}
    {{ return(adapter.dispatch('text_array', 'glofox_analytics')(items)) }}
{%- endmacro %}

{% macro default__text_array(items) -%}
    array[
        {{ items | join(',\n        ') }}
    ]
{%- endmacro %}

{% macro spark__text_array(items) -%}
    array(
        {{ items | join(',\n        ') }}
    )
{%- endmacro %}
