-- Messages, renamed (A7): user_id is the sender, sent_at the time it was sent (UTC).
with

source as (

    {%- if source_table_exists('app', 'messages') %}
        select * from {{ source('app', 'messages') }}
    {%- else %}
    -- The table is missing: no rows, with its declared columns and types.
    {{ empty_source_rows('app', 'messages') }}
    {%- endif %}

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
