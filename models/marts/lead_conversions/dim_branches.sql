-- L6 / D5: one row per kept branch (L1-cleaned values as given) with the zone its local times
-- use and where that zone came from.
with

branches as (
    select * from {{ ref('int_branches_zoned') }}
),

conversion_policies as (
    select * from {{ ref('branch_conversion_policies') }}
),

final as (
    select
        cast(branches.branch_id as {{ dbt.type_string() }}) as branch_id,
        cast(branches.branch_name as {{ dbt.type_string() }}) as branch_name,
        cast(branches.email as {{ dbt.type_string() }}) as email,
        cast(branches.city as {{ dbt.type_string() }}) as city,
        cast(branches.country as {{ dbt.type_string() }}) as country,
        cast(branches.timezone_id as {{ dbt.type_string() }}) as timezone_id,
        cast(branches.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(branches.resolved_timezone_id as {{ dbt.type_string() }}) as resolved_timezone_id,
        cast(branches.resolved_timezone_source as {{ dbt.type_string() }})
            as resolved_timezone_source,
        -- Brief Part 2: which purchases this gym counts as a conversion (seed; ALL if unlisted).
        cast(
            coalesce(conversion_policies.conversion_policy, 'ALL') as {{ dbt.type_string() }}
        ) as conversion_policy
    from branches
    left join conversion_policies
        on branches.branch_id = conversion_policies.branch_id
)

select * from final
