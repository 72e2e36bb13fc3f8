-- A5-A10 per user: what the daily facts of the days before `facts_before` say about the user
-- (the last message day, the last payment day, the signup day, and the first payment ever
-- with the one after it), so that metrics_30d's daily run reads a few days of facts and
-- these rows instead of every fact of 30-odd days grouped by user.
--
-- facts_before is the as-of date (or today, if earlier) less `activity_lookback_days` and one
-- more day: the facts before it are final, as no plain run rebuilds them (each rebuilds the
-- lookback's days before today) and metrics_30d's run recomputes the days from its latest
-- as-of date less the lookback, on or after it. A later run adds the facts from the latest
-- facts_before here to the new one (per user: the later last days, the earlier first
-- payments), and updates only the users they hold. A backfill reaching before the latest
-- facts_before (--event-time-start), or an as-of date that moves back, rebuilds every row.
-- On Spark, where metrics_30d is built whole, a table built whole.
{%- set on_spark = target.type == 'spark' %}
{{ config(
    materialized='table' if on_spark else 'incremental',
    incremental_strategy='merge',
    unique_key='user_id',
    on_schema_change='fail',
) }}
{%- set lookback = var('activity_lookback_days') | int %}
{%- set as_of_day = modules.datetime.date.fromisoformat(activity_as_of_date()) %}
{%- set last_day = [as_of_day, run_started_at.date()] | min %}
{%- set before_day = last_day - modules.datetime.timedelta(days=lookback + 1) %}
{%- set from_day = none %}
{%- set rebuild = false %}
{%- if is_incremental() and execute %}
    {%- set previous = run_query('select max(facts_before) from ' ~ this).columns[0].values()[0] %}
    {%- if previous is not none %}
        {%- set previous_day = modules.datetime.date.fromisoformat((previous | string)[:10]) %}
        {%- set backfill = invocation_args_dict.get('event_time_start') %}
        {%- if backfill %}
            {%- set backfill_day = modules.datetime.date.fromisoformat((backfill | string)[:10]) %}
            {%- set before_day = [before_day, backfill_day] | min %}
        {%- endif %}
        {%- if previous_day <= before_day %}
            {%- set from_day = previous_day %}
        {%- else %}
            {%- set rebuild = true %}
        {%- endif %}
    {%- endif %}
{%- endif %}
{%- set before = "cast('" ~ before_day.isoformat() ~ "' as date)" %}

with

facts as (

    select * from {{ ref('int_user_activity_days') }}

),

new_facts as (

    -- The facts not yet summarised here: all before facts_before on a first build or a
    -- rebuild, else those from the latest facts_before.
    select
        user_id,
        activity_date,
        is_signup_day,
        messages,
        payments,
        first_paid_at,
        second_paid_at

    from facts
    where
        -- sqlfluff renders these blocks one way only: their indent is not checked (LT02).
        -- noqa: disable=LT02
        activity_date < {{ before }}
    {%- if from_day is not none %}
        and activity_date >= cast('{{ from_day.isoformat() }}' as date)
    {%- endif %}

),
-- noqa: enable=LT02

payment_order as (

    -- A10: each fact with its place among the user's payment days (the same place among the
    -- days without a payment is never read), and the next payment day's first payment.
    select
        user_id,
        activity_date,
        is_signup_day,
        messages,
        payments,
        first_paid_at,
        coalesce(second_paid_at, lead(first_paid_at) over user_payment_days) as second_paid_at,
        row_number() over user_payment_days as payment_day_number

    from new_facts
    window user_payment_days as (
        partition by user_id, payments > 0 order by activity_date
    )

),

new_summaries as (

    -- One pass over the facts, grouped by user: no join of two sets derived from them,
    -- which PostgreSQL nested-looped when its statistics put the day's facts at one row.
    select
        user_id,
        max(case when messages > 0 then activity_date end) as last_message_day,
        max(case when payments > 0 then activity_date end) as last_payment_day,
        max(case when is_signup_day then activity_date end) as signup_day,
        -- A10: the first payment and the one after it (the same day or the next payment day).
        max(case when payments > 0 and payment_day_number = 1 then activity_date end)
            as first_payment_day,
        max(case when payments > 0 and payment_day_number = 1 then first_paid_at end)
            as first_paid_at,
        max(case when payments > 0 and payment_day_number = 1 then second_paid_at end)
            as second_paid_at

    from payment_order
    group by user_id

),

-- noqa: disable=LT02
{%- if from_day is not none %}

summaries as (

    -- Each user of the new facts, with what was summarised before: the later last days;
    -- the first payment of the earlier facts if any (the new facts are of later days), and
    -- after it the new facts' first payment when it had no second one.
    select
        new_summaries.user_id,
        {{ before }} as facts_before,
        greatest(previous.last_message_day, new_summaries.last_message_day) as last_message_day,
        greatest(previous.last_payment_day, new_summaries.last_payment_day) as last_payment_day,
        greatest(previous.signup_day, new_summaries.signup_day) as signup_day,
        coalesce(previous.first_payment_day, new_summaries.first_payment_day)
            as first_payment_day,
        coalesce(previous.first_paid_at, new_summaries.first_paid_at) as first_paid_at,
        case
            when previous.first_payment_day is not null
                then coalesce(previous.second_paid_at, new_summaries.first_paid_at)
            else new_summaries.second_paid_at
        end as second_paid_at

    from new_summaries
    left join {{ this }} as previous
        on new_summaries.user_id = previous.user_id

)

{%- elif rebuild %}

summaries as (

    -- Every user summarised before stays, emptied when no fact before facts_before holds it.
    select
        coalesce(new_summaries.user_id, previous.user_id) as user_id,
        {{ before }} as facts_before,
        new_summaries.last_message_day,
        new_summaries.last_payment_day,
        new_summaries.signup_day,
        new_summaries.first_payment_day,
        new_summaries.first_paid_at,
        new_summaries.second_paid_at

    from new_summaries
    full outer join {{ this }} as previous
        on new_summaries.user_id = previous.user_id

)

{%- else %}

summaries as (

    select
        user_id,
        {{ before }} as facts_before,
        last_message_day,
        last_payment_day,
        signup_day,
        first_payment_day,
        first_paid_at,
        second_paid_at

    from new_summaries

)

{%- endif %}

select * from summaries
