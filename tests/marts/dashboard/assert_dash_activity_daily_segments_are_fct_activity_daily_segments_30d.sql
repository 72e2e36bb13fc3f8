-- dash_activity_daily_segments holds exactly the rows of fct_activity_daily_segments_30d,
-- one for one, with their numbers unchanged (it only adds labels). Fails with every row
-- that differs.
{%- set columns = [
    'as_of_date', 'activity_date', 'branch_id', 'acquisition_source', 'new_users',
    'converted_new_users', 'new_user_revenue', 'active_users', 'messages', 'paying_users',
    'active_paying_users', 'payments', 'revenue', 'retention_cohort_users', 'retained_users',
] %}

with

dashboard as (
    select {{ columns | join(', ') }}
    from {{ ref('dash_activity_daily_segments') }}
),

mart as (
    select {{ columns | join(', ') }}
    from {{ ref('fct_activity_daily_segments_30d') }}
),

only_in_dashboard as (
    select * from dashboard
    except all
    select * from mart
),

only_in_mart as (
    select * from mart
    except all
    select * from dashboard
),

final as (
    select
        'only in dash_activity_daily_segments' as problem,
        *
    from only_in_dashboard
    union all
    select
        'only in fct_activity_daily_segments_30d' as problem,
        *
    from only_in_mart
)

select * from final
