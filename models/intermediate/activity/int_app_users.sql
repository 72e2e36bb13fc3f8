-- A5: the app users, one row per id: of the rows app.users holds for an id, the earliest
-- signup (stg_app__users.id_copy_number = 1). A table indexed on the signup time, so each
-- day's batch of the daily facts reads its day's signups only.
{{ config(
    materialized='table',
    indexes=[
        {'columns': ['user_id'], 'unique': true},
        {'columns': ['created_at']},
    ],
) }}

with

users as (

    select * from {{ ref('stg_app__users') }}

),

kept as (

    select
        user_id,
        created_at,
        last_active

    from users
    where id_copy_number = 1

)

select * from kept
