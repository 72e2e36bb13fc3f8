{#- A checked epoch-milliseconds text (up to 14 digits, maybe negative) as a UTC timestamp,
    exact to the millisecond. -#}
{% macro timestamp_from_epoch_ms(expression) -%}
    {{ return(adapter.dispatch('timestamp_from_epoch_ms', 'glofox_analytics')(expression)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch_ms(expression) -%}
    cast('1970-01-01' as {{ dbt.type_timestamp() }})
    + (cast({{ expression }} as bigint) / 1000) * interval '1 second'
    + (cast({{ expression }} as bigint) % 1000) * interval '1 millisecond'
{%- endmacro %}

{% macro spark__timestamp_from_epoch_ms(expression) -%}
    timestamp_millis(cast({{ expression }} as bigint))
{%- endmacro %}
