{#- A checked UUID text as the engine's user id: PostgreSQL's uuid, Spark's lower-case text
    (what glofox spark-load writes for app.users.id). -#}
{% macro uuid_from_text(expression) -%}
    {{ return(adapter.dispatch('uuid_from_text', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__uuid_from_text(expression) -%}
    cast({{ expression }} as uuid)
{%- endmacro %}

{% macro spark__uuid_from_text(expression) -%}
    lower({{ expression }})
{%- endmacro %}
