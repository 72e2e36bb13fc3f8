-- Every dim_user row, cleaned (L1 / D1), with its fate (L2 / D2): kept, or set aside because
-- its user_id is NULL or blank, or because another row of the same user_id sorts first.
with

source as (
    select * from {{ source('glofox', 'dim_user') }}
),

cleaned as (
    select
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('branch_id') }} as branch_id,
        {{ clean_text('name') }} as user_name,
        {{ clean_text('email') }} as email,
        created_at
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
                then 'duplicate user_id: its first row (by created_at) is kept'
        end as set_aside_reason
    from ranked
)

select * from final
