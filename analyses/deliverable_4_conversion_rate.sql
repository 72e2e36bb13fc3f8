-- Brief deliverable 4, rule A9 (window A4, rates A11): the share of the users who signed up
-- in D's window who made a payment or sent a message in that window. last_active is not
-- used. The rate is NULL when nobody signed up.
{%- set bounds = window_bounds() %}

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

new_users as (

    select user_id
    from users
    where
        created_at >= {{ bounds.window_start }}
        and created_at < {{ bounds.window_end }}

),

engaged as (

    select user_id
    from messages
    where
        sent_at >= {{ bounds.window_start }}
        and sent_at < {{ bounds.window_end }}
    union
    select user_id
    from payments
    where
        paid_at >= {{ bounds.window_start }}
        and paid_at < {{ bounds.window_end }}

),

flagged as (

    select
        new_users.user_id,
        engaged.user_id is not null as is_converted

    from new_users
    left join engaged
        on new_users.user_id = engaged.user_id

),

rate as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        count(*) as new_users,
        count(*) filter (where is_converted) as converted_new_users,
        cast(count(*) filter (where is_converted) as numeric)
        / nullif(count(*), 0) as conversion_rate

    from flagged

)

select * from rate
