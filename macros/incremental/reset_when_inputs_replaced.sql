{#- Issue 6: a pre-hook of an incremental model (PostgreSQL): in an incremental run, empty the
    model first when one of its inputs holds no row older than `mark` (the model's last
    build), i.e. the input was emptied or reloaded (truncate and load, a full refresh of an
    upstream model) rather than appended to. The run then rebuilds every row, in the same
    transaction (readers keep seeing the old rows until it commits). In a full build: nothing.
    Deleting or updating single rows of an append-only input is not detected: run
    `dbt build --full-refresh` after such a change. -#}
{% macro reset_when_inputs_replaced(mark, inputs) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
        {%- for input in inputs %}
            {{ 'or ' if not loop.first }}not exists (
                select 1 from {{ input }} as input_rows
                where {{ row_version('input_rows') }} < {{ mark }}
            )
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}
