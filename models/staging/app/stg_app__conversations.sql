-- Conversations, renamed. Not needed by A4-A12 but staged so messages can be traced.
with

source as (

    {%- if source_table_exists('app', 'conversations') %}
        select * from {{ source('app', 'conversations') }}
    {%- else %}
    -- The table is missing: no rows, with its declared columns and types.
    {{ empty_source_rows('app', 'conversations') }}
    {%- endif %}

),

renamed as (

    select
        id as conversation_id,
        created_at

    from source

)

select * from renamed
