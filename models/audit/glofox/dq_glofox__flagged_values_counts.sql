-- dq_glofox__flagged_values counted per input table, rule and check (L6, L7, L8),
-- for the data-quality page.
{{ config(materialized='table') }}
{{ audit_row_counts('dq_glofox__flagged_values', 'check_name', 'source_table', 'rule_id') }}
