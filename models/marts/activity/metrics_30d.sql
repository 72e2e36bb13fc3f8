-- A4-A12 as a daily series: one row per as-of date D from the first day (var
-- `activity_first_day`, default the first day with any signup, message or payment) through
-- the var `as_of_date`. Every rate comes with its numerator and denominator; a rate over
-- nothing is NULL and a sum over nothing is 0 (A11).
--
-- A full build (the first, or --full-refresh): D's window is 30 whole days, so each fact of
-- the daily facts counts for a run of consecutive D's (macro activity_runs_ctes, shared with
-- fct_activity_segments_30d). Each run adds its value on its start day and takes it away the
-- day after its end day; a running sum over the days gives every D's numbers in one pass
-- over the facts.
--
-- A later run is incremental (delete+insert of the D's it computes): D's numbers read only
-- facts of days up to D, and a run of the daily facts rebuilds the days from
-- `activity_lookback_days` before the latest (or from --event-time-start), so only the D's
-- from the latest D built, less that lookback (or from --event-time-start), through
-- `as_of_date` can change, and only they are computed again, each straight from its window:
-- a user is active on D when the last message before the first recomputed day, or the first
-- one from it, falls in D's window (exact while the recomputed days span at most 30 days).
-- What the facts before int_user_activity_summaries' facts_before say per user (the last
-- message, payment and signup day, the first payment ever and the one after it) is read
-- from those summaries, the facts from facts_before on (a few days) from the facts, so a
-- daily run groups a few days of facts by user, not 30-odd. A longer span (a backfill of an
-- older day), or summaries that are not in step (facts_before after the first recomputed
-- day, or 30 days or more before D), computes the whole series as a full build does. On
-- Spark (no delete) the model is a table, built whole.
{%- set on_spark = target.type == 'spark' %}
-- depends_on: {{ ref('int_user_activity_summaries') }}
{{ config(
    materialized='table' if on_spark else 'incremental',
    incremental_strategy='delete+insert',
    unique_key='as_of_date',
    on_schema_change='append_new_columns',
) }}
{%- set as_of = activity_as_of_date() %}
{%- set recompute_from = none %}
{%- set summarised_before = none %}
{%- if is_incremental() and execute %}
    {%- set latest = run_query('select max(as_of_date) from ' ~ this).columns[0].values()[0] %}
    {%- if latest is not none %}
        {%- set as_of_day = modules.datetime.date.fromisoformat(as_of) %}
        {%- set latest_day = modules.datetime.date.fromisoformat((latest | string)[:10]) %}
        {%- if latest_day > as_of_day %}
            {{ exceptions.raise_compiler_error(
                "metrics_30d already holds days after the as-of date " ~ as_of ~ " (through "
                ~ latest_day ~ "): rebuild it with --full-refresh, or pass a later as_of_date.") }}
        {%- endif %}
        {%- set lookback = modules.datetime.timedelta(days=var('activity_lookback_days') | int) %}
        {%- set start = latest_day - lookback %}
        {%- set backfill = invocation_args_dict.get('event_time_start') %}
        {%- if backfill %}
            {%- set backfill_day = modules.datetime.date.fromisoformat((backfill | string)[:10]) %}
            {%- set start = [start, backfill_day] | min %}
        {%- endif %}
        {%- set summaries = load_relation(ref('int_user_activity_summaries')) %}
        {%- set summarised = none %}
        {%- if summaries is not none %}
            {%- set summarised = run_query(
                'select max(facts_before) from ' ~ summaries
            ).columns[0].values()[0] %}
        {%- endif %}
        {%- if summarised is not none and (as_of_day - start).days < 30 %}
            {%- set summarised_day = modules.datetime.date.fromisoformat((summarised | string)[:10]) %}
            {%- if summarised_day <= start and (as_of_day - summarised_day).days < 30 %}
                {%- set recompute_from = start.isoformat() %}
                {%- set summarised_before = summarised_day.isoformat() %}
            {%- endif %}
        {%- endif %}
    {%- endif %}
{%- endif %}

with

user_days as {% if recompute_from is not none %}{{ cte_materialized(false) }}{% endif %} (

    select * from {{ ref('int_user_activity_days') }}

),

{{ metrics_30d_counted_ctes(recompute_from, summarised_before) }},

final as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', -29, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as window_start,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as window_end,
        cast(new_users as bigint) as new_users,
        cast(new_user_revenue as {{ type_amount() }}) as new_user_revenue,
        cast(active_users as bigint) as active_users,
        cast(active_paying_users as bigint) as active_paying_users,
        cast(converted_new_users as bigint) as converted_new_users,
        cast(converted_new_users as {{ type_amount() }}) / nullif(new_users, 0) as conversion_rate,
        cast({{ dbt.dateadd('day', -59, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as retention_cohort_start,
        cast({{ dbt.dateadd('day', -29, 'as_of_date') }} as {{ dbt.type_timestamp() }})
            as retention_cohort_end,
        cast(retention_cohort_users as bigint) as retention_cohort_users,
        cast(retained_users as bigint) as retained_users,
        cast(retained_users as {{ type_amount() }})
        / nullif(retention_cohort_users, 0) as retention_rate

    from counted

)

select * from final
