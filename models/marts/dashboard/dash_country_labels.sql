-- Dashboard: how the pages label a country, in one place. dim_branches keeps each
-- branch's country as given (L1), so 'poland' and 'Poland' are two spellings of one country:
-- the pages group countries case-insensitively and show each group in its most common
-- spelling (most branches, then the spelling's own order). Read by dash_lead_members,
-- dash_activity_new_users and the activity page's segment labels. A table (~100 rows), as
-- the dashboard's exposures read tables.
{{ config(materialized='table') }}

with

dim_branches as (
    select * from {{ ref('dim_branches') }}
),

spellings as (
    select
        lower(country) as country_key,
        country,
        count(*) as branches
    from dim_branches
    where country is not null
    group by lower(country), country
),

final as (
    select distinct on (country_key)
        country_key,
        country as country_label
    from spellings
    order by country_key asc, branches desc, country asc
)

select * from final
