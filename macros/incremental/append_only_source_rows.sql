{#- Issue 6: the source rows an incremental staging model reads (the body of its `source` CTE),
    each with its version as `source_row_version`. A full build: every row. An incremental run:
    the rows at or above the last build's watermark (temporary table `previous_build` of the
    pre-hook stage_previous_watermark), and the earlier rows of the same `key_column` values
    (after clean_text, L1), whose order within their key the new rows may change (L2 / L3):
    the model then replaces those keys (delete+insert). The earlier rows are found with a
    semi-join, not an OR: with an OR over a subquery PostgreSQL re-runs the subquery per row
    once its result outgrows work_mem. -#}
{% macro append_only_source_rows(relation, key_column) -%}
    select
        source_rows.*,
        {{ row_version('source_rows') }} as source_row_version
    from {{ relation }} as source_rows
    {%- if is_incremental() %}
        where
            {{ row_version('source_rows') }}
            >= (select previous_build.source_watermark from previous_build)

        union all

        select
            source_rows.*,
            {{ row_version('source_rows') }} as source_row_version
        from {{ relation }} as source_rows
        where
            {{ row_version('source_rows') }}
            < (select previous_build.source_watermark from previous_build)
            and {{ clean_text('source_rows.' ~ key_column) }} in (
                select {{ clean_text('new_rows.' ~ key_column) }}
                from {{ relation }} as new_rows
                where
                    {{ row_version('new_rows') }}
                    >= (select previous_build.source_watermark from previous_build)
            )
    {%- endif %}
{%- endmacro %}
