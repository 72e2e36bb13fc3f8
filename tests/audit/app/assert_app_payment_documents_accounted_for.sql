-- A1, A2: documents in = payments + audited documents. Fails with a row when the counts of
-- app.payment_events, int_payments_deduplicated and audit_app__documents_set_aside disagree,
-- or when a row is both a payment and audited.
{{ config(tags=['activity']) }}

with

documents as (

    {%- if source_table_exists('app', 'payment_events') %}
        select * from {{ source('app', 'payment_events') }}
    {%- else %}
    -- The table is missing: no rows.
    {{ empty_source_rows('app', 'payment_events') }}
    {%- endif %}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

audited as (

    select * from {{ ref('audit_app__documents_set_aside') }}

),

overlapping as (

    select count(*) as overlapping_rows
    from payments
    inner join audited
        on payments.document_key = audited.document_key

),

compared as (

    select
        (select count(*) from documents) as documents_in,
        (select count(*) from payments) as payment_rows,
        (select count(*) from audited) as audited_rows,
        overlapping.overlapping_rows

    from overlapping

)

select * from compared
where documents_in != payment_rows + audited_rows or overlapping_rows > 0
