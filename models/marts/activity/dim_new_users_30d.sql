-- A5 (brief deliverable 1): the users who signed up in D's window, with id, created_at and
-- last_active, plus what they did in the window (A6, A9) for drill-down.
with

user_activity as (

    select * from {{ ref('int_user_activity_windowed') }}

),

final as (

    select
        as_of_date,
        user_id as id,
        created_at,
        last_active,
        messages_in_window,
        payments_in_window,
        new_user_revenue as revenue_in_window,
        is_converted_new_user as is_converted

    from user_activity
    where is_new_user

)

select * from final
