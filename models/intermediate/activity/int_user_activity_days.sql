-- A5-A10 daily facts: one row per user and day (UTC) with a signup, a message sent or a
-- valid payment that day: the day's messages, the payments (A1, A2) with their amount and
-- the day's two earliest times (A10 needs a user's first two payments ever), and whether
-- the user signed up that day. metrics_30d rolls these up into every day's 30-day window.
--
-- Built by dbt's microbatch strategy, one day per batch: each input is cut to the batch's
-- day on its own event time (message sent, transaction time, signup). A run rebuilds the
-- days from `activity_lookback_days` before the latest through today, so rows that arrive
-- that late are counted on their own day; an older day is rebuilt with --event-time-start
-- and --event-time-end (README). A1 is decided over every document ever loaded
-- (int_payments_deduplicated), never within a batch, so a re-delivery never counts.
--
-- On Spark, dbt-spark's microbatch is an insert overwrite of the batch's partitions, so the
-- table is partitioned by day; a batch is a month there, as each batch is a Spark job of
-- several seconds in local mode (a daily build from the first day would be hundreds of
-- them). A month holds at least 28 days, so the lookback in months covers the days' var.
{%- set on_spark = target.type == 'spark' %}
{{ config(
    materialized='incremental',
    incremental_strategy='microbatch',
    event_time='activity_date',
    begin=var('activity_facts_begin'),
    batch_size='month' if on_spark else 'day',
    lookback=((var('activity_lookback_days') | int) + 27) // 28 if on_spark
        else var('activity_lookback_days'),
    partition_by=['activity_date'] if on_spark else none,
    unique_key=['activity_date', 'user_id'],
    indexes=[{'columns': ['activity_date', 'user_id'], 'unique': true}],
    persist_docs={'relation': false, 'columns': false},
) }}
{#- No comments on the relation and columns: dbt writes them again after every batch (one
    statement per column), which costs more than many a day's batch; the docs stay in dbt. -#}

with

users as (

    select * from {{ ref('int_app_users') }}

),

messages as (

    select * from {{ ref('stg_app__messages') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

signup_days as (

    -- A5: the signup day of each app user (one row per id: int_app_users).
    select
        cast(created_at as date) as activity_date,
        user_id

    from users
    where created_at is not null

),

message_days as (

    -- A7: messages of non-NULL senders, known to app.users or not.
    select
        cast(sent_at as date) as activity_date,
        user_id,
        count(*) as messages

    from messages
    where user_id is not null
    group by cast(sent_at as date), user_id

),

payments_ordered as (

    select
        cast(paid_at as date) as activity_date,
        user_id,
        amount,
        paid_at,
        row_number() over (
            partition by user_id, cast(paid_at as date)
            order by paid_at asc, {{ collate_bytewise('payment_id') }} asc
        ) as day_sequence

    from payments

),

payment_days as (

    -- A6, A8, A10: the day's valid payments of the user.
    select
        activity_date,
        user_id,
        count(*) as payments,
        sum(amount) as revenue,
        min(paid_at) as first_paid_at,
        min(case when day_sequence = 2 then paid_at end) as second_paid_at

    from payments_ordered
    group by activity_date, user_id

),

user_days as (

    select
        activity_date,
        user_id
    from signup_days
    union
    select
        activity_date,
        user_id
    from message_days
    union
    select
        activity_date,
        user_id
    from payment_days

),

final as (

    select
        user_days.activity_date,
        user_days.user_id,
        signup_days.user_id is not null as is_signup_day,
        cast(coalesce(message_days.messages, 0) as bigint) as messages,
        cast(coalesce(payment_days.payments, 0) as bigint) as payments,
        cast(coalesce(payment_days.revenue, 0) as {{ type_amount() }}) as revenue,
        payment_days.first_paid_at,
        payment_days.second_paid_at

    from user_days
    left join signup_days
        on
            user_days.activity_date = signup_days.activity_date
            and user_days.user_id = signup_days.user_id
    left join message_days
        on
            user_days.activity_date = message_days.activity_date
            and user_days.user_id = message_days.user_id
    left join payment_days
        on
            user_days.activity_date = payment_days.activity_date
            and user_days.user_id = payment_days.user_id

)

select * from final
