-- L12 (with L1, L2): fct_client_conversion_events has exactly one row per distinct non-blank
-- user_id of dim_user, counted here straight from the source. Returns a row when not.
with

source_users as (
    select count(distinct {{ clean_text('user_id') }}) as user_count
    from {{ source('glofox', 'dim_user') }}
),

mart_users as (
    select
        count(*) as row_count,
        count(distinct user_id) as user_count
    from {{ ref('fct_client_conversion_events') }}
),

compared as (
    select
        source_users.user_count as source_user_count,
        mart_users.row_count as mart_row_count,
        mart_users.user_count as mart_user_count
    from source_users
    cross join mart_users
)

select * from compared
where
    mart_row_count <> source_user_count
    or mart_user_count <> source_user_count
