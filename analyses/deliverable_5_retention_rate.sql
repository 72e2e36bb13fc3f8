-- Brief deliverable 5, rule A10 (rates A11): the cohort is every user whose first payment
-- ever falls in the 30 days before D's window, [D - 59 days, D - 29 days); a member is
-- retained when another payment follows within (first, first + 30 days]. Every member's
-- follow-up has fully elapsed by the end of D. NULL when the cohort is empty. "Ever" starts
-- on the first day of the daily facts (var activity_facts_begin), as for metrics_30d.
{%- set bounds = window_bounds() %}
{%- set begin = activity_facts_begin_at() %}

with

payments as (

    select * from {{ ref('int_payments_deduplicated') }}
    where paid_at >= {{ begin }}

),

ordered as (

    -- A10: first and next payment per user, by time then _id in byte order.
    select
        user_id,
        paid_at,
        row_number() over (
            partition by user_id
            order by paid_at asc, payment_id collate "C" asc
        ) as payment_sequence

    from payments

),

cohort as (

    select
        user_id,
        paid_at as first_paid_at

    from ordered
    where
        payment_sequence = 1
        and paid_at >= {{ bounds.cohort_start }}
        and paid_at < {{ bounds.cohort_end }}

),

followed_up as (

    select
        cohort.user_id,
        next_payment.paid_at is not null as is_retained

    from cohort
    left join ordered as next_payment
        on
            cohort.user_id = next_payment.user_id
            and next_payment.payment_sequence = 2
            and next_payment.paid_at <= {{ follow_up_end('cohort.first_paid_at') }}

),

rate as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        count(*) as retention_cohort_users,
        count(*) filter (where is_retained) as retained_users,
        cast(count(*) filter (where is_retained) as numeric)
        / nullif(count(*), 0) as retention_rate

    from followed_up

)

select * from rate
