-- Conversations, renamed. Not needed by A4-A12 but staged so messages can be traced.
with

source as (

    select * from {{ source('app', 'conversations') }}

),

renamed as (

    select
        id as conversation_id,
        created_at

    from source

)

select * from renamed
