-- App users, renamed (A5). Ids stay UUIDs; created_at is the signup time (UTC).
with

source as (

    select * from {{ source('app', 'users') }}

),

renamed as (

    select
        id as user_id,
        created_at,
        last_active

    from source

)

select * from renamed
