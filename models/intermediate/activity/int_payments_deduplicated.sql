-- A1, A2: the valid payments, one row per _id (the first loaded copy). Everything else
-- from the stream is in audit_app__documents_set_aside.
with

payment_events as (

    select * from {{ ref('stg_app__payment_events') }}

),

payments as (

    select
        payment_id,
        user_id,
        payment_amount as amount,
        paid_at,
        loaded_at,
        event_row_id

    from payment_events
    where is_payment

)

select * from payments
