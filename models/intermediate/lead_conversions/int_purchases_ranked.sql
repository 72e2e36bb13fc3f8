-- The rules both purchase tables share, written once: every membership and credit-pack row,
-- cleaned (L1 / D1), with its effective time (L3 / D3), the name and source read from the
-- details JSON (L4 / D4) and its fate (L3): set aside when it is not usable or another row of
-- the same purchase id sorts first, else kept and ranked among the same user's purchases of its
-- type (L9 / D8): effective time, then created_at (NULL last), then purchase id byte order.
-- Rank 1 is the user's first membership / first credit pack. Whether the user is a kept user
-- (L5) is decided where purchases meet users: int_users_converted and the audit.
with

memberships as (
    select * from {{ ref('stg_glofox__membership_purchases') }}
),

credit_packs as (
    select * from {{ ref('stg_glofox__credit_pack_purchases') }}
),

purchases as (
    select * from memberships
    union all
    select * from credit_packs
),

cleaned as {{ cte_materialized() }} (
    -- Computed once a row: the sorts below compare the name and source in byte order, and
    -- without MATERIALIZED PostgreSQL reads the details JSON again for the rows' values.
    select
        purchase_type,
        {{ clean_text('purchase_id') }} as purchase_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('branch_id') }} as branch_id,
        purchased_at,
        created_at,
        coalesce(purchased_at, created_at) as effective_purchased_at,
        {{ clean_text(json_scalar_text('purchase_details', 'name')) }} as purchase_name,
        {{ clean_text(json_scalar_text('purchase_details', 'source')) }} as purchase_source
    from purchases
),

usable as (
    select
        *,
        purchase_id is not null
        and user_id is not null
        and effective_purchased_at is not null as is_usable
    from cleaned
),

deduplicated as (
    -- L3 / D3: one row per purchase id and type. Each sort leads with the id in byte order:
    -- the partitions are the same, and byte comparisons are much cheaper than the collation's.
    select
        *,
        row_number() over (
            partition by {{ collate_bytewise('purchase_id') }}, purchase_type, is_usable
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('user_id') }} asc,
                {{ collate_bytewise('branch_id') }} asc nulls last,
                {{ collate_bytewise('purchase_name') }} asc nulls last,
                {{ collate_bytewise('purchase_source') }} asc nulls last
        ) as purchase_row_number
    from usable
),

fated as (
    select
        *,
        is_usable and purchase_row_number = 1 as is_kept
    from deduplicated
),

ranked as (
    -- L9 / D8: the kept purchases per user and type, first one first
    select
        *,
        row_number() over (
            partition by {{ collate_bytewise('user_id') }}, purchase_type, is_kept
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('purchase_id') }} asc
        ) as purchase_order
    from fated
),

final as (
    select
        purchase_type,
        purchase_id,
        user_id,
        branch_id,
        purchased_at,
        created_at,
        effective_purchased_at,
        purchase_name,
        purchase_source,
        case when is_kept then purchase_order end as purchase_rank,
        case when not is_kept then 'L3' end as set_aside_rule_id,
        case
            when purchase_id is null then 'purchase id is NULL or blank'
            when user_id is null then 'user_id is NULL or blank'
            when effective_purchased_at is null then 'purchase time and created_at are both NULL'
            when not is_kept
                then 'duplicate purchase id: its first row (by purchase time) is kept'
        end as set_aside_reason
    from ranked
)

select * from final
