{#- A4: the as-of date D and the 30-day window [D - 29 days 00:00, D + 1 day 00:00).
    The only place that reads the `as_of_date` var (default: today in UTC). -#}
{% macro activity_as_of_date() -%}
    {%- set raw = var('as_of_date', run_started_at.strftime('%Y-%m-%d')) | string | trim -%}
    {%- set hint = "Pass it as YYYY-MM-DD, e.g. dbt build --vars '{as_of_date: 2026-03-31}'." -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', raw) -%}
        {{ exceptions.raise_compiler_error("The as-of date (var as_of_date) '" ~ raw ~ "' is not YYYY-MM-DD. " ~ hint) }}
    {%- endif -%}
    {%- set year = raw[0:4] | int -%}
    {%- set month = raw[5:7] | int -%}
    {%- set day = raw[8:10] | int -%}
    {%- if year < 1 or year > 9998 or month < 1 or month > 12 or day < 1 -%}
        {{ exceptions.raise_compiler_error("The as-of date (var as_of_date) '" ~ raw ~ "' is not a real date. " ~ hint) }}
    {%- endif -%}
    {%- set first_of_month = modules.datetime.date(year, month, 1) -%}
    {%- set first_of_next = modules.datetime.date(year + (month // 12), month % 12 + 1, 1) -%}
    {%- if day > (first_of_next - first_of_month).days -%}
        {{ exceptions.raise_compiler_error("The as-of date (var as_of_date) '" ~ raw ~ "' is not a real date. " ~ hint) }}
    {%- endif -%}
    {{- return(raw) -}}
{%- endmacro %}

{#- SQL expressions for the bounds of D's window (A4) and of its retention cohort (A10):
    as_of_date (date), window_start / window_end (timestamps, end exclusive),
    cohort_start / cohort_end = [D - 59 days, D - 29 days) (timestamps, end exclusive). -#}
{% macro window_bounds(as_of_date=none) -%}
    {%- set day = as_of_date if as_of_date is not none else activity_as_of_date() -%}
    {%- set d = "cast('" ~ day ~ "' as date)" -%}
    {%- set ts = dbt.type_timestamp() -%}
    {{- return({
        'as_of_date': d,
        'window_start': "cast(" ~ dbt.dateadd('day', -29, d) ~ " as " ~ ts ~ ")",
        'window_end': "cast(" ~ dbt.dateadd('day', 1, d) ~ " as " ~ ts ~ ")",
        'cohort_start': "cast(" ~ dbt.dateadd('day', -59, d) ~ " as " ~ ts ~ ")",
        'cohort_end': "cast(" ~ dbt.dateadd('day', -29, d) ~ " as " ~ ts ~ ")",
    }) -}}
{%- endmacro %}

{#- A10: the end of a payment's 30-day follow-up, (paid_at, paid_at + 30 days]. -#}
{% macro follow_up_end(timestamp_expression) -%}
    {{ dbt.dateadd('day', 30, timestamp_expression) }}
{%- endmacro %}

{#- A4, A10: the first instant the daily facts cover (var `activity_facts_begin`), as a
    timestamp: earlier signups, messages and payments count for no window or cohort. -#}
{% macro activity_facts_begin_at() -%}
    cast('{{ var("activity_facts_begin") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
