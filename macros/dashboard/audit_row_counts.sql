{#- The data-quality page's counts of an audit model, as a small table: rows per input
    table x rule x reason. `input_table` is a column of the audit model (SQL) or, for models of
    one input table, a quoted literal. The audit model itself stays a view with its meaning
    (it is what the "input = used + audited" tests read); this only counts it once per build. -#}
{% macro audit_row_counts(audit_model, reason_column, input_table, rule_column='set_aside_rule_id') %}

with

audited as (
    select * from {{ ref(audit_model) }}
),

final as (
    select
        cast({{ input_table }} as {{ dbt.type_string() }}) as input_table,
        cast({{ rule_column }} as {{ dbt.type_string() }}) as rule_id,
        cast({{ reason_column }} as {{ dbt.type_string() }}) as reason,
        count(*) as row_count
    from audited
    group by 1, 2, 3
)

select * from final

{% endmacro %}
