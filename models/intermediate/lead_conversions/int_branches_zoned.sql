-- L6 / D5: each kept branch with the zone its local times use, and where that zone came from:
-- its timezone_id when PostgreSQL knows it (case-insensitive, canonical spelling), else the
-- zone of its country's capital (seed country_capital_timezones, case-insensitive), else UTC.
with

branches as (
    select * from {{ ref('stg_glofox__branches') }}
    where set_aside_rule_id is null
),

time_zones as (
    select * from {{ ref('stg_postgres__time_zones') }}
),

capital_time_zones as (
    select
        lower(country) as country_lower,
        timezone_id as capital_timezone_id
    from {{ ref('country_capital_timezones') }}
),

matched as (
    select
        branches.branch_id,
        branches.branch_name,
        branches.email,
        branches.city,
        branches.country,
        branches.timezone_id,
        branches.created_at,
        time_zones.timezone_id as known_timezone_id,
        capital_time_zones.capital_timezone_id
    from branches
    left join time_zones
        on lower(branches.timezone_id) = time_zones.timezone_id_lower
    left join capital_time_zones
        on lower(branches.country) = capital_time_zones.country_lower
),

final as (
    select
        branch_id,
        branch_name,
        email,
        city,
        country,
        timezone_id,
        created_at,
        coalesce(known_timezone_id, capital_timezone_id, 'UTC') as resolved_timezone_id,
        case
            when known_timezone_id is not null then 'timezone_id'
            when capital_timezone_id is not null then 'country_capital'
            else 'default_utc'
        end as resolved_timezone_source
    from matched
)

select * from final
