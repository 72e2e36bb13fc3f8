-- audit_experiments__assignments_set_aside counted per rule and reason (E1, E2), for
-- the data-quality page.
{{ config(materialized='table') }}
{{ audit_row_counts(
    'audit_experiments__assignments_set_aside', 'set_aside_reason', "'app.experiment_assignments'"
) }}
