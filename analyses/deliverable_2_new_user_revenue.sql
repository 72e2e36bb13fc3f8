-- Brief deliverable 2, rule A6 (window A4, payments A1/A2): the total revenue of the users
-- who signed up in D's window, over their payments in the same window. The users table is
-- joined with the payment stream after de-duplication and validation.
{%- set bounds = window_bounds() %}

with

users as (

    select * from {{ ref('int_app_users') }}

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

new_user_payments as (

    select payments.amount
    from payments
    inner join new_users
        on payments.user_id = new_users.user_id
    where
        payments.paid_at >= {{ bounds.window_start }}
        and payments.paid_at < {{ bounds.window_end }}

),

revenue as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        (select count(*) from new_users) as new_users,
        -- A11: a sum over nothing is 0.
        coalesce(sum(amount), 0) as new_user_revenue

    from new_user_payments

)

select * from revenue
