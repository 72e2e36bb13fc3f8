-- A1: one row per `_id`, its first loaded copy (by loaded_at, then the document's jsonb text
-- in byte order; copies equal in both are identical re-deliveries, ordered by document_key so
-- the choice is the same in every run), with that copy's A2 outcome. Decided over every
-- document staged so far, in every run, so it is exact however the documents were staged:
-- a later copy of an `_id` is a duplicate even when the first copy is malformed (a
-- re-delivery is not a correction). int_payments_deduplicated keeps the valid ones;
-- audit_app__documents_set_aside lists the other copies. A table, so the daily facts' batches
-- read their day of payments by an index on paid_at.
{{ config(
    materialized='table',
    indexes=[{'columns': ['payment_id'], 'type': 'hash'}, {'columns': ['paid_at']}],
) }}

with

payment_events as (

    select * from {{ ref('stg_app__payment_events') }}

),

ranked as (

    select
        payment_id,
        document_key,
        loaded_at,
        user_id,
        payment_amount,
        paid_at,
        set_aside_reason_code,
        row_number() over (
            partition by payment_id
            order by
                loaded_at asc,
                {{ collate_bytewise(json_document_text('document')) }} asc,
                document_key asc
        ) as delivery_number

    from payment_events
    where payment_id is not null

),

first_copies as (

    select
        payment_id,
        document_key,
        loaded_at,
        user_id,
        payment_amount,
        paid_at,
        set_aside_reason_code

    from ranked
    where delivery_number = 1

)

select * from first_copies
