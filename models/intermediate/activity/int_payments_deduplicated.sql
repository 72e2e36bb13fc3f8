-- A1, A2: the valid payments, one row per _id (the first loaded copy, when it is valid).
-- Everything else from the stream is in audit_app__documents_set_aside.
with

first_copies as (

    select * from {{ ref('int_payment_first_copies') }}

),

payments as (

    select
        payment_id,
        user_id,
        payment_amount as amount,
        paid_at,
        loaded_at,
        document_key

    from first_copies
    where set_aside_reason_code is null

)

select * from payments
