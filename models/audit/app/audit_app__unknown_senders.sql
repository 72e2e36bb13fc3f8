-- A7: messages whose sender is NULL (not counted as active) or missing from app.users
-- (counted as active all the same). One row per such message.
with

messages as (

    select * from {{ ref('stg_app__messages') }}

),

users as (

    select * from {{ ref('int_app_users') }}

),

unknown as (

    select
        messages.message_id,
        messages.conversation_id,
        messages.user_id,
        messages.sent_at,
        'A7' as rule_id,
        case
            when messages.user_id is null then 'null_sender'
            else 'sender_not_in_users'
        end as reason_code,
        case
            when messages.user_id is null then 'sender is NULL: the message counts for no user'
            else 'sender is not in app.users: still counted as an active user'
        end as reason

    from messages
    left join users
        on messages.user_id = users.user_id
    where users.user_id is null

)

select * from unknown
