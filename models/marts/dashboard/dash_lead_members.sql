-- Dashboard: one row per row of fct_lead_conversions (L13), i.e. per lead its ALL
-- row and per event filter it converted under its CLIENT row, with the lead's labels exactly
-- as the lead page shows them (branch name, country in its most common spelling, the gym's
-- conversion policy, signup cohort month) and the days from signup to the event (L8 local
-- times). The page's drill-down lists and its exact median time to conversion read it
-- through the partial indexes below (ORDER BY signup time LIMIT 500; an index-ordered OFFSET);
-- the listed members' event details come from fct_lead_conversions (its index on user_id).
-- No index holds user_id, which may be kilobytes long (D19): the lists' tiebreak on user_id
-- is an incremental sort of the few members who signed up at the same time.
-- Narrow on purpose: at 1M users the build is the insert (~4 s) and these indexes (~12 s).
-- The build runs no VACUUM (no run-end maintenance): until autovacuum has marked the new
-- table's pages all-visible, the median's index-only scan also visits heap pages (~400 ms at
-- 1M users instead of ~50 ms).
{%- set all_rows = "where client_conversion_event_filter = 'ALL'" %}
{%- set labels = "branch, country, gym_policy, signup_month, source_label" %}
{{ config(
    materialized='table',
    post_hook=[
        "create index on {{ this }} (branch, local_user_created_at) " ~ all_rows,
        "create index on {{ this }} (country, local_user_created_at) " ~ all_rows,
        "create index on {{ this }} (signup_month, local_user_created_at) " ~ all_rows,
        "create index on {{ this }} (gym_policy, local_user_created_at) " ~ all_rows,
        "create index on {{ this }} (client_conversion_event_filter, source_label,"
        ~ " local_user_created_at) where is_client",
        "create index on {{ this }} (client_conversion_event_filter, days_to_conversion)"
        ~ " include (" ~ labels ~ ") where is_client and days_to_conversion is not null",
    ],
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

final as (
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
)

select * from final
