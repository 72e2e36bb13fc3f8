-- Brief deliverable 3, rule A7 (window A4): distinct users who sent at least one message in
-- D's window. NULL senders count for no one; senders missing from app.users still count
-- (audit_app__unknown_senders lists both). Also A8: those who paid in the window too.
{%- set bounds = window_bounds() %}

with

messages as (

    select * from {{ ref('stg_app__messages') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

senders as (

    select distinct user_id
    from messages
    where
        user_id is not null
        and sent_at >= {{ bounds.window_start }}
        and sent_at < {{ bounds.window_end }}

),

payers as (

    select distinct user_id
    from payments
    where
        paid_at >= {{ bounds.window_start }}
        and paid_at < {{ bounds.window_end }}

),

counted as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        count(*) as active_users,
        count(payers.user_id) as active_paying_users

    from senders
    left join payers
        on senders.user_id = payers.user_id

)

select * from counted
