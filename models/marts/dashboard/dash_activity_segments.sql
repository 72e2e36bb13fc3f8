-- Dashboard and semantic layer: fct_activity_segments_30d (the 30-day numerators and
-- denominators per as-of date x branch x country x acquisition source, A5-A11) with the
-- labels analysts filter by, in one place: the branch's name (else its id), the country in
-- its one spelling (dash_country_labels, else as given) and the gym's conversion policy
-- (dim_branches, else 'unknown'). The activity page and the semantic model
-- activity_segments read it. A table (a few hundred rows per as-of date), as the
-- dashboard's exposures read tables.
-- Indexed on as_of_date: the page reads one D of the series (~3k of its rows per day).
{{ config(materialized='table', indexes=[{'columns': ['as_of_date']}]) }}

with

segments as (
    select * from {{ ref('fct_activity_segments_30d') }}
),

dim_branches as (
    select * from {{ ref('dim_branches') }}
),

country_labels as (
    select * from {{ ref('dash_country_labels') }}
),

final as (
    select
        segments.as_of_date,
        segments.branch_id,
        coalesce(dim_branches.branch_name, segments.branch_id) as branch,
        coalesce(country_labels.country_label, segments.country) as country,
        coalesce(dim_branches.conversion_policy, 'unknown') as gym_policy,
        segments.acquisition_source,
        segments.new_users,
        segments.new_user_revenue,
        segments.converted_new_users,
        segments.active_users,
        segments.active_paying_users,
        segments.retention_cohort_users,
        segments.retained_users
    from segments
    left join dim_branches
        on segments.branch_id = dim_branches.branch_id
    left join country_labels
        on lower(segments.country) = country_labels.country_key
)

select * from final
