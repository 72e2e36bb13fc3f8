-- A1: every duplicate _id set aside has the same wording (which copy was kept is its own
-- column), so the data-quality page counts the duplicates in one row of
-- audit_app__documents_set_aside_counts, not one row per duplicate.
{{ config(tags=['activity']) }}
select set_aside_reason_code
from {{ ref('audit_app__documents_set_aside') }}
where set_aside_rule_id = 'A1'
group by set_aside_reason_code
having count(distinct set_aside_reason) > 1
