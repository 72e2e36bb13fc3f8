{#- Issue 6: second pre-hook of the incremental staging models (after
    reset_when_inputs_replaced). In an incremental run it keeps the newest source watermark of
    the model (the low-water mark of its last build) in the temporary table `previous_build`
    (dropped at the end of the model's transaction), which the model reads once, then deletes
    the rows that came from source rows at or above it (`source_row_version`): the run reads
    those source rows again (rows of transactions that were still running at the last build
    are among them) and inserts them anew. Without this, a source row read twice whose key is
    NULL (which delete+insert cannot match) would be stored twice whenever a long transaction
    anywhere in the cluster held the watermark back. -#}
{% macro stage_previous_watermark() -%}
    {%- if is_incremental() -%}
        create temporary table previous_build on commit drop as
        select coalesce(max(previous.source_watermark), -1) as source_watermark
        from {{ this }} as previous;

        delete from {{ this }}
        where source_row_version >= (select previous_build.source_watermark from previous_build)
    {%- endif -%}
{%- endmacro %}
