-- Every dim_branch row, cleaned (L1 / D1), with its fate (L6 / D5): kept, or set aside because
-- its branch_id is NULL or blank, or because another row of the same branch_id sorts first.
with

source as (
    select * from {{ source('glofox', 'dim_branch') }}
),

cleaned as (
    select
        {{ clean_text('branch_id') }} as branch_id,
        {{ clean_text('name') }} as branch_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('city') }} as city,
        {{ clean_text('country') }} as country,
        {{ clean_text('timezone_id') }} as timezone_id,
        created_at
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by branch_id
            order by
                created_at asc nulls last,
                {{ collate_bytewise('timezone_id') }} asc nulls last,
                {{ collate_bytewise('country') }} asc nulls last,
                {{ collate_bytewise('branch_name') }} asc nulls last,
                {{ collate_bytewise('email') }} asc nulls last,
                {{ collate_bytewise('city') }} asc nulls last
        ) as branch_row_number
    from cleaned
),

final as (
    select
        branch_id,
        branch_name,
        email,
        city,
        country,
        timezone_id,
        created_at,
        case
            when branch_id is null then 'L6'
            when branch_row_number > 1 then 'L6'
        end as set_aside_rule_id,
        case
            when branch_id is null then 'branch_id is NULL or blank'
            when branch_row_number > 1
                then 'duplicate branch_id: its first row (by created_at) is kept'
        end as set_aside_reason
    from ranked
)

select * from final
