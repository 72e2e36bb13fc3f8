{#- Issue 6, on-run-end: VACUUM (ANALYZE) the tables tagged `dashboard` that this run built,
    in one statement, outside any transaction (dbt runs on-run-end hooks so). Done at the end of
    the run because a VACUUM can only mark pages all-visible once every transaction older than
    their rows has ended: run as a model's post-hook, it finds the concurrent models' open
    transactions and marks nothing, and the dashboard's index-only scans (the exact median of
    dash_lead_members) then visit the heap for every row. PostgreSQL only. -#}
{% macro vacuum_dashboard_relations(results) %}
    {%- set relations = [] -%}
    {%- if execute and target.type == 'postgres' -%}
        {%- for result in results -%}
            {%- set node = result.node -%}
            {%- if node.resource_type == 'model' and result.status == 'success'
                and 'dashboard' in node.tags and node.config.materialized == 'table' -%}
                {%- do relations.append(adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.alias)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if relations -%}
        vacuum (analyze) {{ relations | join(', ') }}
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}
