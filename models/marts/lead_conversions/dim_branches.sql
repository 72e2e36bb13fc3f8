-- L6 / D5: one row per kept branch (L1-cleaned values as given) with the zone its local times
-- use and where that zone came from.
with

branches as (
    select * from {{ ref('int_branches_zoned') }}
),

final as (
    select
        cast(branch_id as {{ dbt.type_string() }}) as branch_id,
        cast(branch_name as {{ dbt.type_string() }}) as branch_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(timezone_id as {{ dbt.type_string() }}) as timezone_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(resolved_timezone_id as {{ dbt.type_string() }}) as resolved_timezone_id,
        cast(resolved_timezone_source as {{ dbt.type_string() }}) as resolved_timezone_source
    from branches
)

select * from final
