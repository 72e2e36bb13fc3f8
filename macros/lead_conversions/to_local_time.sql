{#- L8 / D7: a UTC timestamp (without time zone) shown in `zone`, as a timestamp without time
    zone. DST and half-hour / 45-minute offsets follow the engine's time-zone database. -#}
{% macro to_local_time(timestamp_utc, zone) -%}
    {{ return(adapter.dispatch('to_local_time', 'glofox_analytics')(timestamp_utc, zone)) }}
{%- endmacro %}

{% macro default__to_local_time(timestamp_utc, zone) -%}
    from_utc_timestamp({{ timestamp_utc }}, {{ zone }})
{%- endmacro %}

{% macro postgres__to_local_time(timestamp_utc, zone) -%}
    (({{ timestamp_utc }} at time zone 'UTC') at time zone {{ zone }})
{%- endmacro %}

{#- Spark: from_utc_timestamp reads the TIMESTAMP as UTC and returns the wall-clock time
    in `zone` (Java's tz database); the session time zone must be UTC (profiles.yml). -#}
{% macro spark__to_local_time(timestamp_utc, zone) -%}
    from_utc_timestamp({{ timestamp_utc }}, {{ zone }})
{%- endmacro %}
