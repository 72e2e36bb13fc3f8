-- Brief deliverable 1, rule A5 (window A4): id, created_at and last_active of the users who
-- signed up in the 30 days ending with the as-of date D (dbt var `as_of_date`).
-- `dbt compile --select deliverable_1_new_users --vars '{as_of_date: 2026-03-31}'` prints it.
{%- set bounds = window_bounds() %}

with

users as (

    select * from {{ ref('int_app_users') }}

),

new_users as (

    select
        user_id as id,
        created_at,
        last_active

    from users
    where
        created_at >= {{ bounds.window_start }}
        and created_at < {{ bounds.window_end }}

)

select * from new_users
order by created_at asc, id asc
