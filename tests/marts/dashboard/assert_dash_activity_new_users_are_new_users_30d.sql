-- dash_activity_new_users holds exactly the rows of dim_new_users_30d (A5), one for one
-- with the same values (its labels: tests/python/test_dashboard_queries.py). Fails with every
-- difference.
with

drill as (
    select * from {{ ref('dash_activity_new_users') }}
),

new_users as (
    select * from {{ ref('dim_new_users_30d') }}
),

drill_rows as (
    select
        as_of_date,
        id,
        created_at,
        last_active,
        messages_in_window,
        payments_in_window,
        revenue_in_window,
        is_converted
    from drill
),

only_in_drill as (
    select
        'only in dash_activity_new_users' as problem,
        *
    from drill_rows
    except all
    select
        'only in dash_activity_new_users' as problem,
        *
    from new_users
),

only_in_new_users as (
    select
        'only in dim_new_users_30d' as problem,
        *
    from new_users
    except all
    select
        'only in dim_new_users_30d' as problem,
        *
    from drill_rows
),

row_differences as (
    select * from only_in_drill
    union all
    select * from only_in_new_users
),

total_differences as (
    select
        'not one row per new user' as problem,
        (select count(*) from drill) as drill_users,
        (select count(*) from new_users) as new_users
    where (select count(*) from drill) <> (select count(*) from new_users)
)

select
    problem,
    cast(id as {{ dbt.type_string() }}) as id
from row_differences
union all
select
    problem,
    cast(drill_users as {{ dbt.type_string() }}) as id
from total_differences
