-- L6 / D5: every time-zone name the engine knows (PostgreSQL: pg_timezone_names), with its
-- lower-case form for the case-insensitive match of dim_branch.timezone_id.
with

known_time_zones as (
    {{ known_time_zones(source('postgres', 'pg_timezone_names')) }}
),

final as (
    select
        timezone_id,
        lower(timezone_id) as timezone_id_lower
    from known_time_zones
)

select * from final
