{#- The days of the metrics series (A4): one row per day `day` from `first_day` through
    `last_day` (SQL date expressions): PostgreSQL's generate_series, Spark's sequence. -#}
{% macro activity_days(first_day, last_day) -%}
    {{ return(adapter.dispatch('activity_days', 'glofox_analytics')(first_day, last_day)) }}
{%- endmacro %}

{% macro default__activity_days(first_day, last_day) -%}
    {{ exceptions.raise_compiler_error(
        "activity_days has no version for " ~ target.type ~ ": add " ~ target.type
        ~ "__activity_days (macros/activity/activity_days.sql)") }}
{%- endmacro %}

{% macro postgres__activity_days(first_day, last_day) -%}
    select cast(day as date) as day
    from generate_series(
        cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval '1 day'
    ) as days (day)
{%- endmacro %}

{% macro spark__activity_days(first_day, last_day) -%}
    select explode(sequence(cast({{ first_day }} as date), cast({{ last_day }} as date))) as day
{%- endmacro %}

{#- The first day of the series: the var `activity_first_day` (YYYY-MM-DD) when set, else
    the first day with any signup, message or payment in the daily facts. -#}
{% macro activity_first_day(first_fact_day) -%}
    {%- set raw = var('activity_first_day', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{- first_fact_day -}}
    {%- else -%}
        {%- set text = raw | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error("activity_first_day '" ~ text ~ "' is not YYYY-MM-DD.") }}
        {%- endif -%}
        cast('{{ text }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- A date `days` days after the date expression (before it when negative), as a date. -#}
{% macro days_after(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}
