-- Every fct_membership_purchases row, cleaned (L1 / D1), with its effective time (L3 / D3), the
-- name and source read from the details JSON (L4 / D4), and its fate (L3 / D3): kept, or set
-- aside because it is not usable or because another row of the same membership_id sorts first.
-- Materialised as a table: the JSON is parsed once here, then read by the lead models and the
-- audit (L5) without a second scan of the source.
-- Issue 6: incremental on PostgreSQL (the source is append-only): a run reads the source rows
-- written since the last build and every other row of their membership_ids, whose L3 order they
-- may change (macro append_only_source_rows), and replaces those membership_ids (delete+insert).
-- Other engines rebuild the table.
{{ config(
    materialized=incremental_on_postgres(),
    unique_key='membership_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['membership_id']}, {'columns': ['user_id']}],
    pre_hook=[
        "{{ reset_when_inputs_replaced(newest_row_version(this), [source('glofox', 'fct_membership_purchases')]) }}",
        "{{ stage_previous_watermark() }}",
    ],
) }}

with

source as (
    {{ append_only_source_rows(source('glofox', 'fct_membership_purchases'), 'membership_id') }}
),

cleaned as (
    select
        {{ clean_text('membership_id') }} as membership_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('branch_id') }} as branch_id,
        membership_purchased_at,
        created_at,
        coalesce(membership_purchased_at, created_at) as effective_purchased_at,
        {{ clean_text(
            json_scalar_text('membership_purchase_details', 'name')
        ) }} as membership_name,
        {{ clean_text(
            json_scalar_text('membership_purchase_details', 'source')
        ) }} as membership_source,
        source_row_version,
        {{ source_watermark() }} as source_watermark
    from source
),

usable as (
    select
        *,
        membership_id is not null
        and user_id is not null
        and effective_purchased_at is not null as is_usable
    from cleaned
),

ranked as (
    select
        *,
        row_number() over (
            partition by is_usable, membership_id
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('user_id') }} asc,
                {{ collate_bytewise('branch_id') }} asc nulls last,
                {{ collate_bytewise('membership_name') }} asc nulls last,
                {{ collate_bytewise('membership_source') }} asc nulls last
        ) as membership_row_number
    from usable
),

final as (
    select
        membership_id,
        user_id,
        branch_id,
        membership_purchased_at,
        created_at,
        effective_purchased_at,
        membership_name,
        membership_source,
        case
            when not is_usable then 'L3'
            when membership_row_number > 1 then 'L3'
        end as set_aside_rule_id,
        case
            when membership_id is null then 'membership_id is NULL or blank'
            when user_id is null then 'user_id is NULL or blank'
            when effective_purchased_at is null
                then 'membership_purchased_at and created_at are both NULL'
            when membership_row_number > 1
                then 'duplicate membership_id: another row sorts first (D3 order) and is kept'
        end as set_aside_reason,
        source_row_version,
        source_watermark
    from ranked
)

select * from final
