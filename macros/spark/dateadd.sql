{#- Spark: dbt-spark's dateadd goes through to_unix_timestamp, whole seconds, so
    2026-03-02 00:00:00.000001 + 30 days came out as 2026-04-01 00:00:00 and the half-open
    30-day windows (A4, A10, E2) lost their microsecond edges. timestampadd is exact to the
    microsecond; with the session time zone UTC a day is 24 hours, and adding months keeps
    the day of the month where it exists, else the month's last day (as PostgreSQL). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
