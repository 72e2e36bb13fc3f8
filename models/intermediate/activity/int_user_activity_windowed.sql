-- A4-A10 per user for the as-of date D: one row per user id that is an app user, sent a
-- message or paid in D's window, or had a first payment in D's retention cohort period.
-- metrics_30d and the fine-grain marts only add these flags up.
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

first_payments as (

    select * from {{ ref('int_first_payments_followed_up') }}

),

messages_in_window as (

    -- A7: non-NULL senders with a message in the window (known to app.users or not).
    select
        user_id,
        count(*) as messages_in_window

    from messages
    where
        user_id is not null
        and sent_at >= {{ bounds.window_start }}
        and sent_at < {{ bounds.window_end }}
    group by user_id

),

payments_in_window as (

    -- A6, A8: payments in the window per user.
    select
        user_id,
        count(*) as payments_in_window,
        sum(amount) as revenue_in_window

    from payments
    where
        paid_at >= {{ bounds.window_start }}
        and paid_at < {{ bounds.window_end }}
    group by user_id

),

cohort as (

    -- A10: users whose first payment ever is in [D - 59 days, D - 29 days).
    select
        user_id,
        first_paid_at,
        is_retained

    from first_payments
    where
        first_paid_at >= {{ bounds.cohort_start }}
        and first_paid_at < {{ bounds.cohort_end }}

),

user_ids as (

    select user_id from users
    where user_id is not null
    union
    select user_id from messages_in_window
    union
    select user_id from payments_in_window
    union
    select user_id from cohort

),

joined as (

    select
        user_ids.user_id,
        users.user_id is not null as is_app_user,
        users.created_at,
        users.last_active,
        coalesce(messages_in_window.messages_in_window, 0) as messages_in_window,
        coalesce(payments_in_window.payments_in_window, 0) as payments_in_window,
        coalesce(payments_in_window.revenue_in_window, 0) as revenue_in_window,
        cohort.user_id is not null as is_retention_cohort_user,
        coalesce(cohort.is_retained, false) as is_retained_user,
        cohort.first_paid_at as cohort_first_paid_at

    from user_ids
    left join users
        on user_ids.user_id = users.user_id
    left join messages_in_window
        on user_ids.user_id = messages_in_window.user_id
    left join payments_in_window
        on user_ids.user_id = payments_in_window.user_id
    left join cohort
        on user_ids.user_id = cohort.user_id

),

flagged as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        user_id,
        is_app_user,
        created_at,
        last_active,
        messages_in_window,
        payments_in_window,
        revenue_in_window,
        -- A5: signed up in the window.
        coalesce(
            created_at >= {{ bounds.window_start }} and created_at < {{ bounds.window_end }},
            false
        ) as is_new_user,
        -- A7: sent a message in the window.
        messages_in_window > 0 as is_active_user,
        -- A8: a message and a payment in the window.
        messages_in_window > 0 and payments_in_window > 0 as is_active_paying_user,
        is_retention_cohort_user,
        is_retained_user,
        cohort_first_paid_at

    from joined

),

final as (

    select
        as_of_date,
        user_id,
        is_app_user,
        created_at,
        last_active,
        messages_in_window,
        payments_in_window,
        -- A6: the new users' revenue in the window (0 for everyone else).
        case when is_new_user then revenue_in_window else 0 end as new_user_revenue,
        revenue_in_window,
        is_new_user,
        -- A9: a new user with a payment or a message in the window (last_active unused).
        is_new_user and (messages_in_window > 0 or payments_in_window > 0) as is_converted_new_user,
        is_active_user,
        is_active_paying_user,
        is_retention_cohort_user,
        is_retained_user,
        cohort_first_paid_at

    from flagged

)

select * from final
