-- audit_glofox__rows_set_aside counted per input table, rule and reason (L2, L3, L5,
-- L6), for the data-quality page.
{{ config(materialized='table') }}
{{ audit_row_counts('audit_glofox__rows_set_aside', 'set_aside_reason', 'source_table') }}
