-- Dashboard: the Activity page's daily chart, prepared: fct_activity_daily_segments_30d (per
-- day x branch x country x acquisition source, A5-A10) with the labels analysts filter by,
-- as dash_activity_segments gives them: the branch's name (else its id) and the country in
-- its one spelling (dash_country_labels, else as given). The page sums its rows per day,
-- week or month under the filters, one scan of a table of a few hundred rows per day,
-- instead of labelling every row at query time (a join on lower(country) per query, 0.2 s
-- at 1M users). A table.
{{ config(materialized='table') }}

with

daily as (
    select * from {{ ref('fct_activity_daily_segments_30d') }}
),

dim_branches as (
    select * from {{ ref('dim_branches') }}
),

country_labels as (
    select * from {{ ref('dash_country_labels') }}
),

final as (
    select
        daily.as_of_date,
        daily.activity_date,
        daily.branch_id,
        coalesce(dim_branches.branch_name, daily.branch_id) as branch,
        coalesce(country_labels.country_label, daily.country) as country,
        daily.acquisition_source,
        daily.new_users,
        daily.converted_new_users,
        daily.new_user_revenue,
        daily.active_users,
        daily.messages,
        daily.paying_users,
        daily.active_paying_users,
        daily.payments,
        daily.revenue,
        daily.retention_cohort_users,
        daily.retained_users
    from daily
    left join dim_branches
        on daily.branch_id = dim_branches.branch_id
    left join country_labels
        on lower(daily.country) = country_labels.country_key
)

select * from final
