-- App users, renamed (A5). Ids stay UUIDs; created_at is the signup time (UTC).
with

source as (

    {%- if source_table_exists('app', 'users') %}
        select * from {{ source('app', 'users') }}
    {%- else %}
    -- The table is missing: no rows, with its declared columns and types.
    {{ empty_source_rows('app', 'users') }}
    {%- endif %}

),

renamed as (

    select
        id as user_id,
        created_at,
        last_active

    from source

)

select * from renamed
