-- A1, A2: every payment-stream document that is not a payment, with the rule that set it
-- aside (A1 duplicate _id, A2 not a valid payment) and the precise reason. With
-- int_payments_deduplicated it accounts for every row of app.payment_events. The order of
-- the checks: a document that is no object or has no usable `_id` is A2; any other copy
-- than the first loaded of its `_id` is an A1 duplicate (int_payment_first_copies), even of
-- a malformed first copy; a first copy is set aside by its own A2 reason, if any.
with

payment_events as (

    select * from {{ ref('stg_app__payment_events') }}

),

first_copies as (

    select * from {{ ref('int_payment_first_copies') }}

),

classified as (

    select
        payment_events.document_key,
        payment_events.loaded_at,
        payment_events.document,
        payment_events.payment_id,
        payment_events.set_aside_reason_code as document_reason_code,
        payment_events.set_aside_reason as document_reason,
        case
            when payment_events.document_key != first_copies.document_key
                then first_copies.document_key
        end as duplicate_of_document_key

    from payment_events
    left join first_copies
        on payment_events.payment_id = first_copies.payment_id

),

set_aside as (

    select
        document_key,
        loaded_at,
        document,
        payment_id,
        case when duplicate_of_document_key is not null then 'A1' else 'A2' end
            as set_aside_rule_id,
        coalesce(
            case when duplicate_of_document_key is not null then 'duplicate_id' end,
            document_reason_code
        ) as set_aside_reason_code,
        -- One wording per reason, so the data-quality page counts them in a few rows; which
        -- copy was kept is duplicate_of_document_key.
        coalesce(
            case
                when duplicate_of_document_key is not null
                    then 'duplicate _id: the copy loaded first is kept (duplicate_of_document_key)'
            end,
            document_reason
        ) as set_aside_reason,
        duplicate_of_document_key

    from classified
    where duplicate_of_document_key is not null or document_reason_code is not null

)

select * from set_aside
