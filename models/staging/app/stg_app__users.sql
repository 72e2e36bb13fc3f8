-- App users, renamed (A5): one row per source row. Ids stay UUIDs; created_at is the signup
-- time (UTC). The replica may hold an id more than once (or none): id_copy_number ranks the
-- rows of one id, 1 for the row kept as the user (int_app_users), the earliest signup (NULL
-- last), then the latest last_active (NULL last); the other copies and the rows without an
-- id are listed in audit_app__rows_set_aside (A5).
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

),

ranked as (

    select
        user_id,
        created_at,
        last_active,
        case
            when user_id is not null
                then row_number() over (
                    partition by user_id
                    order by created_at asc nulls last, last_active desc nulls last
                )
        end as id_copy_number

    from renamed

)

select * from ranked
