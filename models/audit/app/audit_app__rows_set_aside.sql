-- A4, A5: the rows of app.users, app.messages and the valid payments that count for no as-of
-- date of metrics_30d, one row per such source row, with the rule and the reason:
-- - A5: a user row without an id, or a later copy of an id (int_app_users keeps the earliest
--   signup of each id);
-- - A4: a signup, a message of a sender or a payment dated before the first day of the daily
--   facts (var `activity_facts_begin`; dbt's microbatch builds the facts from that day on),
--   or after the as-of date (a later as-of date counts it; `infinity` never).
-- Set the var earlier (and rebuild with --full-refresh) to count the earlier rows.
{%- set begin = activity_facts_begin_at() %}
{%- set bounds = window_bounds() %}

with

user_rows as (

    select * from {{ ref('stg_app__users') }}

),

users as (

    select * from {{ ref('int_app_users') }}

),

messages as (

    select * from {{ ref('stg_app__messages') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

set_aside as (

    select
        'app.users' as input_table,
        cast(user_id as {{ dbt.type_string() }}) as row_key,
        user_id,
        created_at as event_at,
        'A5' as set_aside_rule_id,
        case
            when user_id is null then 'user_without_id' else 'user_id_copy'
        end as set_aside_reason_code,
        case
            when user_id is null then 'user row without an id: not a user'
            else 'another row of this id signed up earlier: that row is the user'
        end as set_aside_reason

    from user_rows
    where user_id is null or id_copy_number > 1

    union all

    select
        'app.users' as input_table,
        cast(user_id as {{ dbt.type_string() }}) as row_key,
        user_id,
        created_at as event_at,
        'A4' as set_aside_rule_id,
        case
            when created_at < {{ begin }} then 'signup_before_facts' else 'signup_after_as_of'
        end as set_aside_reason_code,
        case
            when created_at < {{ begin }}
                then 'signed up before the first day of the activity facts: never a new user'
            else 'signed up after the as-of date: a new user of no window yet'
        end as set_aside_reason

    from users
    where created_at < {{ begin }} or created_at >= {{ bounds.window_end }}

    union all

    select
        'app.messages' as input_table,
        cast(message_id as {{ dbt.type_string() }}) as row_key,
        user_id,
        sent_at as event_at,
        'A4' as set_aside_rule_id,
        case
            when sent_at < {{ begin }} then 'message_before_facts' else 'message_after_as_of'
        end as set_aside_reason_code,
        case
            when sent_at < {{ begin }}
                then 'sent before the first day of the activity facts: counts for no window'
            else 'sent after the as-of date: counts for no window yet'
        end as set_aside_reason

    from messages
    where
        user_id is not null
        and (sent_at < {{ begin }} or sent_at >= {{ bounds.window_end }})

    union all

    select
        'app.payment_events' as input_table,
        payment_id as row_key,
        user_id,
        paid_at as event_at,
        'A4' as set_aside_rule_id,
        case
            when paid_at < {{ begin }} then 'payment_before_facts' else 'payment_after_as_of'
        end as set_aside_reason_code,
        case
            when paid_at < {{ begin }}
                then 'paid before the first day of the activity facts: no window or cohort'
            else 'paid after the as-of date: counts for no window yet'
        end as set_aside_reason

    from payments
    where paid_at < {{ begin }} or paid_at >= {{ bounds.window_end }}

)

select * from set_aside
