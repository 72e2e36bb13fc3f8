-- A5: app.users rows = users (int_app_users) + user rows set aside for A5
-- (audit_app__rows_set_aside). Fails with a row when the counts disagree, or when an id
-- set aside as a copy has no user.
{{ config(tags=['activity']) }}

with

user_rows as (

    {%- if source_table_exists('app', 'users') %}
        select * from {{ source('app', 'users') }}
    {%- else %}
    -- The table is missing: no rows.
    {{ empty_source_rows('app', 'users') }}
    {%- endif %}

),

users as (

    select * from {{ ref('int_app_users') }}

),

set_aside as (

    select * from {{ ref('audit_app__rows_set_aside') }}
    where input_table = 'app.users' and set_aside_rule_id = 'A5'

),

copies_without_user as (

    select count(*) as copies_without_user
    from set_aside
    left join users
        on set_aside.user_id = users.user_id
    where set_aside.user_id is not null and users.user_id is null

),

compared as (

    select
        (select count(*) from user_rows) as user_rows_in,
        (select count(*) from users) as users_kept,
        (select count(*) from set_aside) as rows_set_aside,
        copies_without_user.copies_without_user

    from copies_without_user

)

select * from compared
where user_rows_in != users_kept + rows_set_aside or copies_without_user > 0
