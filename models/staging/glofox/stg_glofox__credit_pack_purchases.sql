-- Every fct_credit_pack_purchases row, cleaned (L1 / D1), with its effective time (L3 / D3), the
-- name and source read from the details JSON (L4 / D4), and its fate (L3 / D3): kept, or set
-- aside because it is not usable or because another row of the same credit_pack_id sorts first.
-- Materialised as a table: the JSON is parsed once here, then read by the lead models and the
-- audit (L5) without a second scan of the source.
{{ config(materialized='table') }}

with

source as (
    select * from {{ source('glofox', 'fct_credit_pack_purchases') }}
),

cleaned as (
    select
        {{ clean_text('credit_pack_id') }} as credit_pack_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('branch_id') }} as branch_id,
        credit_pack_purchased_at,
        created_at,
        coalesce(credit_pack_purchased_at, created_at) as effective_purchased_at,
        {{ clean_text(
            json_scalar_text('credit_pack_purchase_details', 'name')
        ) }} as credit_pack_name,
        {{ clean_text(
            json_scalar_text('credit_pack_purchase_details', 'source')
        ) }} as credit_pack_source
    from source
),

usable as (
    select
        *,
        credit_pack_id is not null
        and user_id is not null
        and effective_purchased_at is not null as is_usable
    from cleaned
),

ranked as (
    select
        *,
        row_number() over (
            partition by is_usable, credit_pack_id
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('user_id') }} asc,
                {{ collate_bytewise('branch_id') }} asc nulls last,
                {{ collate_bytewise('credit_pack_name') }} asc nulls last,
                {{ collate_bytewise('credit_pack_source') }} asc nulls last
        ) as credit_pack_row_number
    from usable
),

final as (
    select
        credit_pack_id,
        user_id,
        branch_id,
        credit_pack_purchased_at,
        created_at,
        effective_purchased_at,
        credit_pack_name,
        credit_pack_source,
        case
            when not is_usable then 'L3'
            when credit_pack_row_number > 1 then 'L3'
        end as set_aside_rule_id,
        case
            when credit_pack_id is null then 'credit_pack_id is NULL or blank'
            when user_id is null then 'user_id is NULL or blank'
            when effective_purchased_at is null
                then 'credit_pack_purchased_at and created_at are both NULL'
            when credit_pack_row_number > 1
                then 'duplicate credit_pack_id: another row sorts first (D3 order) and is kept'
        end as set_aside_reason
    from ranked
)

select * from final
