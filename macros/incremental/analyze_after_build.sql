{#- Issue 6: a post-hook that refreshes the planner's statistics of the table a model just
    wrote, in the model's own transaction, so the next model of the same run is planned with
    them rather than before autovacuum has looked at the new table (without them PostgreSQL
    picked joins that spilled to disk for minutes at 1M users). ANALYZE (a 30,000-row sample,
    about 0.2 s at 1M rows) runs when the table has no statistics yet (a new or fully
    rebuilt table) or when this transaction inserted or deleted more than a tenth of its rows;
    a small incremental run skips it. Views and other engines: nothing. -#}
{% macro analyze_after_build() -%}
    {{ return(adapter.dispatch('analyze_after_build', 'glofox_analytics')()) }}
{%- endmacro %}

{% macro default__analyze_after_build() -%}
{%- endmacro %}

{% macro postgres__analyze_after_build() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        do $analyze_after_build$
        begin
            if not exists (
                select 1 from pg_stats
                where schemaname = '{{ this.schema }}' and tablename = '{{ this.identifier }}'
            ) or (
                select
                    pg_stat_get_xact_tuples_inserted(tables.oid)
                    + pg_stat_get_xact_tuples_deleted(tables.oid)
                    > 0.1 * greatest(tables.reltuples, 1)
                from pg_class as tables
                where tables.oid = to_regclass('{{ this }}')
            ) then
                analyze {{ this }};
            end if;
        end
        $analyze_after_build$
    {%- endif -%}
{%- endmacro %}
