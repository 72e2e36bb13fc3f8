{#- Issue 6: the low-water mark of the transactions this build can see: every source row
    written by a transaction with a smaller id was committed and read by this build. Stored on
    the rows of an incremental staging model, so its next run reads the source rows whose
    version (row_version) is at least the newest stored mark: every row it has not seen, and
    a few it has (rows of transactions still running at the last build), which it recomputes
    the same way. PostgreSQL: pg_snapshot_xmin of the current snapshot, as a 32-bit xid like
    xmin. Other engines: NULL (they rebuild the table). -#}
{% macro source_watermark() -%}
    {{ return(adapter.dispatch('source_watermark', 'glofox_analytics')()) }}
{%- endmacro %}

{% macro default__source_watermark() -%}
    cast(null as bigint)
{%- endmacro %}

{% macro postgres__source_watermark() -%}
    cast(cast(pg_snapshot_xmin(pg_current_snapshot()) as text) as bigint) % 4294967296
{%- endmacro %}
