-- Fine-grain segments of the activity marts: each gym member's branch, the branch's country
-- and the acquisition source, from the lead-conversion marts (L7, L10). The acquisition
-- source is the source of the user's client conversion event (L10, filter ALL), else
-- 'unknown'; a user without a branch or country gets 'unknown' too. App user ids are UUIDs
-- and dim_user ids the same text, so the join compares the UUID's text with the id lowercased.
with

conversion_events as (

    select * from {{ ref('fct_client_conversion_events') }}

),

branches as (

    select * from {{ ref('dim_branches') }}

),

segmented as (

    select
        lower(conversion_events.user_id) as user_key,
        coalesce(conversion_events.branch_id, 'unknown') as branch_id,
        coalesce(branches.country, 'unknown') as country,
        coalesce(conversion_events.client_conversion_event_source, 'unknown')
            as acquisition_source

    from conversion_events
    left join branches
        on conversion_events.branch_id = branches.branch_id

),

deduplicated as (

    -- Ids that differ only in case would collide on user_key: keep one, deterministically.
    select distinct on (user_key)
        user_key,
        branch_id,
        country,
        acquisition_source

    from segmented
    order by user_key asc, branch_id collate "C" asc, acquisition_source collate "C" asc

)

select * from deduplicated
