-- audit_app__documents_set_aside counted per rule and reason (A1, A2), for the
-- data-quality page.
{{ config(materialized='table') }}
{{ audit_row_counts('audit_app__documents_set_aside', 'set_aside_reason', "'app.payment_events'") }}
