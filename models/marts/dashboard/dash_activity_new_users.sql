-- Dashboard: the activity page's drill-down, prepared: the new users of D
-- (dim_new_users_30d, A5) with the segment labels the page filters on, as the page labelled them at
-- query time: the branch's name (else its id, else 'unknown'), the country in its most common
-- spelling (else as given, else 'unknown') and the acquisition source (the source of the
-- user's client conversion event, L10, else 'unknown'), from the lead marts by the user's id.
-- Indexed on (as_of_date, created_at, id), the page's order, so the first rows come at once.
{{ config(
    materialized='table',
    indexes=[{'columns': ['as_of_date', 'created_at', 'id']}],
) }}

with

new_users as (
    select * from {{ ref('dim_new_users_30d') }}
),

dim_branches as (
    select * from {{ ref('dim_branches') }}
),

members as (
    select
        user_id,
        branch_id,
        client_conversion_event_source
    from {{ ref('fct_lead_conversions') }}
    where client_conversion_event_filter = 'ALL'
),

country_labels as (
    select * from {{ ref('dash_country_labels') }}
),

final as (
    select
        new_users.as_of_date,
        new_users.id,
        new_users.created_at,
        new_users.last_active,
        new_users.messages_in_window,
        new_users.payments_in_window,
        new_users.revenue_in_window,
        new_users.is_converted,
        coalesce(dim_branches.branch_name, members.branch_id, 'unknown') as branch,
        coalesce(country_labels.country_label, dim_branches.country, 'unknown') as country_label,
        coalesce(members.client_conversion_event_source, 'unknown') as acquisition_source
    from new_users
    left join members
        on cast(new_users.id as text) = members.user_id
    left join dim_branches
        on members.branch_id = dim_branches.branch_id
    left join country_labels
        on lower(dim_branches.country) = country_labels.country_key
)

select * from final
