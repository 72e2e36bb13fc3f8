-- Dashboard: one row per row of fct_lead_conversions (L13), i.e. per lead its ALL
-- row and per event filter it converted under its CLIENT row, with the lead's labels exactly
-- as the lead page shows them (branch name, country in its most common spelling, the gym's
-- conversion policy, signup cohort month) and the days from signup to the event (L8 local
-- times). The page's drill-down lists and its exact median time to conversion read it
-- through the indexes below (dbt `indexes`): ORDER BY signup time, user_id LIMIT 500 is an
-- index range read (the few members who signed up at the same time sorted by user_id), the
-- exact median an index-ordered OFFSET whose filters are checked in the index (the labels'
-- keys follow the days in it). The listed members' event details come from
-- fct_lead_conversions (its hash index on user_id).
-- No B-tree holds a text from the sources, whose kilobytes an index entry (2,704 bytes at
-- most) may not hold (D19): user ids are in no index here, branch names (or ids), countries
-- and sources are indexed by their md5 (branch_key, country_key, source_key: 16 bytes; the
-- page compares the label too); signup_month (YYYY-MM) and gym_policy (the seed's three
-- values) are bounded and indexed as they are.
-- The post-hook gives the planner the table's statistics at once: without them (until
-- autovacuum has analysed the new table, half a minute or more after the build) it takes a value
-- of the drill-downs for a few dozen rows and sorts all its members instead of reading the
-- first 500 in index order (0.3-1 s at 1M users instead of ~10 ms). The build runs no VACUUM:
-- until autovacuum has marked the new table's pages all-visible, the median's index-only scan
-- also visits heap pages.
{{ config(
    materialized='table',
    indexes=[
        {'columns': ['client_conversion_event_filter', 'branch_key', 'local_user_created_at']},
        {'columns': ['client_conversion_event_filter', 'country_key', 'local_user_created_at']},
        {'columns': ['client_conversion_event_filter', 'signup_month', 'local_user_created_at']},
        {'columns': ['client_conversion_event_filter', 'gym_policy', 'local_user_created_at']},
        {'columns': [
            'client_conversion_event_filter', 'is_client', 'source_key', 'local_user_created_at'
        ]},
        {'columns': [
            'client_conversion_event_filter', 'is_client', 'days_to_conversion',
            'country_key', 'branch_key', 'gym_policy', 'signup_month', 'source_key'
        ]},
    ],
    post_hook="analyze {{ this }}",
) }}

with

lead_rows as (
    select * from {{ ref('fct_lead_conversions') }}
),

dim_branches as (
    select * from {{ ref('dim_branches') }}
),

-- Countries are grouped case-insensitively ('poland' and 'Poland' are kept as given in
-- dim_branches, L1); the label is the most common spelling.
country_labels as (
    select * from {{ ref('dash_country_labels') }}
),

branches as (
    select
        dim_branches.branch_id,
        dim_branches.branch_name,
        dim_branches.conversion_policy,
        country_labels.country_label as country
    from dim_branches
    left join country_labels
        on lower(dim_branches.country) = country_labels.country_key
),

labelled as (
    select
        lead_rows.client_conversion_event_filter,
        lead_rows.user_id,
        coalesce(branches.branch_name, lead_rows.branch_id, '(no branch)') as branch,
        coalesce(branches.country, '(unknown)') as country,
        coalesce(branches.conversion_policy, '(unknown)') as gym_policy,
        coalesce(to_char(lead_rows.local_user_created_at, 'YYYY-MM'), '(unknown)')
            as signup_month,
        lead_rows.local_user_created_at,
        lead_rows.lead_status = 'CLIENT' as is_client,
        coalesce(lead_rows.client_conversion_event_source, '(no source)') as source_label,
        -- An infinite time (kept as given, L1) has no number of days: unknown, not an error.
        case
            when
                isfinite(lead_rows.client_conversion_event_local_created_at)
                and isfinite(lead_rows.local_user_created_at)
                then extract(
                    epoch from lead_rows.client_conversion_event_local_created_at
                    - lead_rows.local_user_created_at
                ) / 86400.0
        end as days_to_conversion
    from lead_rows
    left join branches
        on lead_rows.branch_id = branches.branch_id
),

final as (
    select
        *,
        cast(md5(branch) as uuid) as branch_key,
        cast(md5(country) as uuid) as country_key,
        cast(md5(source_label) as uuid) as source_key
    from labelled
)

select * from final
