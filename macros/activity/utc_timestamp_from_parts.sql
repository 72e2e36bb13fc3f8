{#- A checked 'YYYY-MM-DD HH:MM:SS.ffffff' text (local time at the UTC offset
    sign / hours / minutes, each a text or NULL for none) as a UTC timestamp. -#}
{% macro utc_timestamp_from_parts(local_text, offset_sign, offset_hours, offset_minutes) -%}
    {{ return(adapter.dispatch('utc_timestamp_from_parts', 'glofox_analytics')(
        local_text, offset_sign, offset_hours, offset_minutes
    )) }}
{%- endmacro %}

{% macro default__utc_timestamp_from_parts(local_text, offset_sign, offset_hours, offset_minutes) -%}
    cast({{ local_text }} as {{ dbt.type_timestamp() }})
    - (case when {{ offset_sign }} = '-' then -1 else 1 end)
    * (
        cast(coalesce({{ offset_hours }}, '0') as integer) * interval '1 hour'
        + cast(coalesce({{ offset_minutes }}, '0') as integer) * interval '1 minute'
    )
{%- endmacro %}

{% macro spark__utc_timestamp_from_parts(local_text, offset_sign, offset_hours, offset_minutes) -%}
    timestampadd(
        minute,
        (case when {{ offset_sign }} = '-' then 1 else -1 end)
        * (
            cast(coalesce({{ offset_hours }}, '0') as int) * 60
            + cast(coalesce({{ offset_minutes }}, '0') as int)
        ),
        try_cast({{ local_text }} as timestamp)
    )
{%- endmacro %}
