-- audit_app__unknown_senders counted per rule and reason (A7), for the
-- data-quality page.
{{ config(materialized='table') }}
{{ audit_row_counts('audit_app__unknown_senders', 'reason', "'app.messages'", 'rule_id') }}
