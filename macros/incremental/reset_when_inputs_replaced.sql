{#- Issue 6: a pre-hook of an incremental model (PostgreSQL): in an incremental run, empty the
    model first when one of its inputs holds no row older than `mark` (the model's last
    build), i.e. the input was emptied or reloaded (truncate and load, a full refresh of an
    upstream model) rather than appended to. The run then rebuilds every row, in the same
    transaction (readers keep seeing the old rows until it commits). In a full build: nothing.
    Deleting or updating single rows of an append-only input is not detected: run
    `dbt build --full-refresh` after such a change. `mark` is the model's newest row version
    (the transaction of its last build), also for the staging models: their source watermark
    is held back by any long transaction elsewhere in the cluster, which would look like a
    reload and rebuild the model whole. -#}
{% macro reset_when_inputs_replaced(mark, inputs) -%}
    {%- if is_incremental() -%}
        -- the mark once (a scan of the model), not once per input
        with last_build as materialized (
            select {{ mark }} as row_version
        )

        delete from {{ this }}
        where
        {%- for input in inputs %}
            {{ 'or ' if not loop.first }}not exists (
                select 1 from {{ input }} as input_rows
                where {{ row_version('input_rows') }} < (select last_build.row_version from last_build)
            )
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}
