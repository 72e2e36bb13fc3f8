-- A10: per paying user, the first payment ever and whether another payment follows within
-- 30 days, (first, first + 30 days]. Payments are ordered by paid_at, then _id in byte
-- order, so a second payment at the same instant as the first (another _id) counts as
-- "another payment that follows". The payments are those from the first day of the daily
-- facts (var `activity_facts_begin`) on, as metrics_30d's: one dated earlier counts for no
-- cohort (audit_app__rows_set_aside), and the user's next payment is the first.
{%- set begin = activity_facts_begin_at() %}
with

payments as (

    select * from {{ ref('int_payments_deduplicated') }}
    where paid_at >= {{ begin }}

),

sequenced as (

    select
        user_id,
        payment_id,
        amount,
        paid_at,
        row_number() over payment_order as payment_sequence,
        count(*) over (partition by user_id) as payment_count,
        -- the payment that follows, read on the first payment's row (a window, not a
        -- self-join of this CTE, whose row estimate made PostgreSQL nest loops over it, O(n^2))
        lead(payment_id) over payment_order as next_payment_id,
        lead(paid_at) over payment_order as next_paid_at

    from payments
    window payment_order as (
        partition by user_id
        order by paid_at asc, {{ collate_bytewise("payment_id") }} asc
    )

),

first_payments as (

    select
        user_id,
        payment_id as first_payment_id,
        amount as first_payment_amount,
        paid_at as first_paid_at,
        payment_count,
        next_payment_id,
        next_paid_at

    from sequenced
    where payment_sequence = 1

),

followed_up as (

    select
        first_payments.user_id,
        first_payments.first_payment_id,
        first_payments.first_payment_amount,
        first_payments.first_paid_at,
        {{ follow_up_end('first_payments.first_paid_at') }} as follow_up_ends_at,
        first_payments.next_payment_id,
        first_payments.next_paid_at,
        first_payments.payment_count,
        coalesce(
            first_payments.next_paid_at
            <= {{ follow_up_end('first_payments.first_paid_at') }},
            false
        ) as is_retained

    from first_payments

)

select * from followed_up
