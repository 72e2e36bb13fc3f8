-- Every dim_user row, cleaned (L1 / D1), with its fate (L2 / D2): kept, or set aside because
-- its user_id is NULL or blank, or because another row of the same user_id sorts first.
-- Materialised as a table with an index on user_id: the lead models read the kept users by id
-- (an incremental run only the changed ones), and the D2 dedupe sort runs once per build.
-- Issue 6: incremental on PostgreSQL (the source is append-only): a run reads the source rows
-- written since the last build and every other row of their user_ids, whose D2 order they may
-- change (macro append_only_source_rows), and replaces those user_ids (delete+insert). Other
-- engines rebuild the table.
{{ config(
    materialized=incremental_on_postgres(),
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['user_id']}],
    pre_hook=[
        "{{ reset_when_inputs_replaced(newest_row_version(this), [source('glofox', 'dim_user')]) }}",
        "{{ stage_previous_watermark() }}",
    ],
) }}

with

source as (
    {{ append_only_source_rows(source('glofox', 'dim_user'), 'user_id') }}
),

cleaned as (
    select
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('branch_id') }} as branch_id,
        {{ clean_text('name') }} as user_name,
        {{ clean_text('email') }} as email,
        created_at,
        source_row_version,
        {{ source_watermark() }} as source_watermark
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by
                created_at asc nulls last,
                {{ collate_bytewise('branch_id') }} asc nulls last,
                {{ collate_bytewise('user_name') }} asc nulls last,
                {{ collate_bytewise('email') }} asc nulls last
        ) as user_row_number
    from cleaned
),

final as (
    select
        user_id,
        branch_id,
        user_name,
        email,
        created_at,
        case
            when user_id is null then 'L2'
            when user_row_number > 1 then 'L2'
        end as set_aside_rule_id,
        case
            when user_id is null then 'user_id is NULL or blank'
            when user_row_number > 1
                then 'duplicate user_id: another row sorts first (D2 order) and is kept'
        end as set_aside_reason,
        source_row_version,
        source_watermark
    from ranked
)

select * from final
