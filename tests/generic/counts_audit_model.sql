{#- A counts table of the data-quality page (`model`) holds exactly the rows of the
    audit model it counts, per input table x rule x reason: fails with every group whose count
    differs (or that is missing on either side). `input_table` is a column of the audit model
    or a quoted literal, as in the macro audit_row_counts. -#}
{% test counts_audit_model(model, audit_model, reason_column, input_table, rule_column='set_aside_rule_id') %}

with

audited as (
    select
        cast({{ input_table }} as {{ dbt.type_string() }}) as input_table,
        cast({{ rule_column }} as {{ dbt.type_string() }}) as rule_id,
        cast({{ reason_column }} as {{ dbt.type_string() }}) as reason
    from {{ ref(audit_model) }}
),

expected as (
    select input_table, rule_id, reason, count(*) as row_count
    from audited
    group by input_table, rule_id, reason
),

actual as (
    select input_table, rule_id, reason, row_count
    from {{ model }}
),

differences as (
    (select 'expected, not counted' as problem, * from expected
        except all
        select 'expected, not counted' as problem, * from actual)
    union all
    (select 'counted, not expected' as problem, * from actual
        except all
        select 'counted, not expected' as problem, * from expected)
)

select * from differences

{% endtest %}
