-- A4: signups, messages and valid payments dated before the first day of the daily facts
-- (var `activity_facts_begin`): dbt's microbatch builds the facts from that day on, so these
-- rows count for no as-of date. One row per such source row; set the var earlier (and
-- rebuild with --full-refresh) to count them.
{%- set begin = "cast('" ~ var('activity_facts_begin') ~ "' as " ~ dbt.type_timestamp() ~ ")" %}

with

users as (

    select * from {{ ref('stg_app__users') }}

),

messages as (

    select * from {{ ref('stg_app__messages') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

before_facts as (

    select
        'app.users' as input_table,
        cast(user_id as {{ dbt.type_string() }}) as row_key,
        user_id,
        created_at as event_at,
        'A4' as rule_id,
        'signup_before_facts' as reason_code,
        'signed up before the first day of the activity facts: never a new user' as reason

    from users
    where created_at < {{ begin }}

    union all

    select
        'app.messages' as input_table,
        cast(message_id as {{ dbt.type_string() }}) as row_key,
        user_id,
        sent_at as event_at,
        'A4' as rule_id,
        'message_before_facts' as reason_code,
        'sent before the first day of the activity facts: counts for no window' as reason

    from messages
    where user_id is not null and sent_at < {{ begin }}

    union all

    select
        'app.payment_events' as input_table,
        payment_id as row_key,
        user_id,
        paid_at as event_at,
        'A4' as rule_id,
        'payment_before_facts' as reason_code,
        'paid before the first day of the activity facts: counts for no window or cohort' as reason

    from payments
    where paid_at < {{ begin }}

)

select * from before_facts
