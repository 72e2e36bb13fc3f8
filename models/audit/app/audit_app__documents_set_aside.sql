-- A1, A2: every payment-stream document that is not a payment, with the rule that set it
-- aside (A1 duplicate _id, A2 not a valid payment) and the precise reason. With
-- int_payments_deduplicated it accounts for every row of app.payment_events.
with

payment_events as (

    select * from {{ ref('stg_app__payment_events') }}

),

set_aside as (

    select
        event_row_id,
        loaded_at,
        document,
        payment_id,
        set_aside_rule_id,
        set_aside_reason_code,
        set_aside_reason,
        duplicate_of_event_row_id

    from payment_events
    where not is_payment

)

select * from set_aside
