-- Messages, renamed (A7): user_id is the sender, sent_at the time it was sent (UTC).
with

source as (

    select * from {{ source('app', 'messages') }}

),

renamed as (

    select
        id as message_id,
        conversation_id,
        user_id,
        created_at as sent_at

    from source

)

select * from renamed
