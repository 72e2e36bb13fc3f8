-- Fine grain for dashboards (A5-A10): per day x branch x country x acquisition source, the
-- numerators and denominators for D, no rates. Days of D's window carry new users (by
-- signup day), their conversions and revenue (A5, A6, A9) and the day's senders and payers
-- (A7, A8); days of the retention cohort period carry the cohort users by first-payment day
-- (A10). Counts of new users, revenue and cohort users add up over days to metrics_30d;
-- counts of distinct users per day (active, paying) add up over segments, not over days.
{%- set bounds = window_bounds() %}

with

user_activity as (

    select * from {{ ref('int_user_activity_windowed') }}

),

messages as (

    select * from {{ ref('stg_app__messages') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

segments as (

    select * from {{ ref('int_users_segmented') }}

),

signups as (

    -- A5, A9: new users on their signup day.
    select
        cast(created_at as date) as activity_date,
        user_id,
        1 as new_users,
        case when is_converted_new_user then 1 else 0 end as converted_new_users,
        0 as messages,
        0 as payments,
        0 as revenue,
        0 as new_user_revenue,
        0 as retention_cohort_users,
        0 as retained_users

    from user_activity
    where is_new_user

),

message_days as (

    -- A7: messages in the window by day and non-NULL sender.
    select
        cast(sent_at as date) as activity_date,
        user_id,
        0 as new_users,
        0 as converted_new_users,
        count(*) as messages,
        0 as payments,
        0 as revenue,
        0 as new_user_revenue,
        0 as retention_cohort_users,
        0 as retained_users

    from messages
    where
        user_id is not null
        and sent_at >= {{ bounds.window_start }}
        and sent_at < {{ bounds.window_end }}
    group by cast(sent_at as date), user_id

),

payment_days as (

    -- A6, A8: payments in the window by day and user; new users' revenue apart.
    select
        cast(payments.paid_at as date) as activity_date,
        payments.user_id,
        0 as new_users,
        0 as converted_new_users,
        0 as messages,
        count(*) as payments,
        sum(payments.amount) as revenue,
        sum(case when user_activity.is_new_user then payments.amount else 0 end)
            as new_user_revenue,
        0 as retention_cohort_users,
        0 as retained_users

    from payments
    inner join user_activity
        on payments.user_id = user_activity.user_id
    where
        payments.paid_at >= {{ bounds.window_start }}
        and payments.paid_at < {{ bounds.window_end }}
    group by cast(payments.paid_at as date), payments.user_id

),

cohort_days as (

    -- A10: D's retention cohort by first-payment day.
    select
        cast(cohort_first_paid_at as date) as activity_date,
        user_id,
        0 as new_users,
        0 as converted_new_users,
        0 as messages,
        0 as payments,
        0 as revenue,
        0 as new_user_revenue,
        1 as retention_cohort_users,
        case when is_retained_user then 1 else 0 end as retained_users

    from user_activity
    where is_retention_cohort_user

),

user_days as (

    select
        activity_date,
        user_id,
        sum(new_users) as new_users,
        sum(converted_new_users) as converted_new_users,
        sum(messages) as messages,
        sum(payments) as payments,
        sum(revenue) as revenue,
        sum(new_user_revenue) as new_user_revenue,
        sum(retention_cohort_users) as retention_cohort_users,
        sum(retained_users) as retained_users

    from (
        select * from signups
        union all
        select * from message_days
        union all
        select * from payment_days
        union all
        select * from cohort_days
    ) as unioned
    group by activity_date, user_id

),

segmented as (

    select
        user_days.*,
        coalesce(segments.branch_id, 'unknown') as branch_id,
        coalesce(segments.country, 'unknown') as country,
        coalesce(segments.acquisition_source, 'unknown') as acquisition_source

    from user_days
    left join segments
        on cast(user_days.user_id as text) = segments.user_key

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        activity_date,
        branch_id,
        country,
        acquisition_source,
        cast(sum(new_users) as bigint) as new_users,
        cast(sum(converted_new_users) as bigint) as converted_new_users,
        cast(sum(new_user_revenue) as numeric) as new_user_revenue,
        count(*) filter (where messages > 0) as active_users,
        cast(sum(messages) as bigint) as messages,
        count(*) filter (where payments > 0) as paying_users,
        count(*) filter (where messages > 0 and payments > 0) as active_paying_users,
        cast(sum(payments) as bigint) as payments,
        cast(sum(revenue) as numeric) as revenue,
        cast(sum(retention_cohort_users) as bigint) as retention_cohort_users,
        cast(sum(retained_users) as bigint) as retained_users

    from segmented
    group by activity_date, branch_id, country, acquisition_source

)

select * from final
