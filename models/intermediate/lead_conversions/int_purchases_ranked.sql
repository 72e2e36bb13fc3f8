-- L5 and L9 / D8: the kept purchases of both types (after L3), each marked as set aside (L5)
-- when its user is not a kept user (L2), else ranked among the user's purchases of its type:
-- effective time, then created_at (NULL last), then purchase id byte order. Rank 1 is the
-- user's first membership / first credit pack.
-- Issue 6: incremental on PostgreSQL: a run re-ranks only the users whose purchases (or
-- dim_user rows) were written since this model's newest row, and replaces their rows
-- (delete+insert on user_id). Other engines rebuild the table.
{{ config(
    materialized=incremental_on_postgres(),
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['user_id']}],
    pre_hook="{{ reset_when_inputs_replaced(newest_row_version(this), [
        ref('stg_glofox__membership_purchases'),
        ref('stg_glofox__credit_pack_purchases'),
        source('glofox', 'dim_user'),
    ]) }}",
) }}

with

{% if is_incremental() -%}
    changed_users as (
        select memberships.user_id
        from {{ ref('stg_glofox__membership_purchases') }} as memberships
        where {{ row_version('memberships') }} > {{ newest_row_version(this) }}

        union

        select credit_packs.user_id
        from {{ ref('stg_glofox__credit_pack_purchases') }} as credit_packs
        where {{ row_version('credit_packs') }} > {{ newest_row_version(this) }}

        union

        -- a new or changed dim_user row can turn purchases of an unknown user (L5) into a user's
        select {{ clean_text('dim_user.user_id') }} as user_id
        from {{ source('glofox', 'dim_user') }} as dim_user
        where {{ row_version('dim_user') }} > {{ newest_row_version(this) }}
    ),

{% endif -%}
memberships as (
    select * from {{ ref('stg_glofox__membership_purchases') }}
    where
        set_aside_rule_id is null
    {% if is_incremental() %}
            and user_id in (select changed_users.user_id from changed_users)
        {% endif %}
),

credit_packs as (
    select * from {{ ref('stg_glofox__credit_pack_purchases') }}
    where
        set_aside_rule_id is null
    {% if is_incremental() %}
            and user_id in (select changed_users.user_id from changed_users)
        {% endif %}
),

users as (
    select * from {{ ref('stg_glofox__users') }}
    where
        set_aside_rule_id is null
    {% if is_incremental() %}
            and user_id in (select changed_users.user_id from changed_users)
        {% endif %}
),

purchases as (
    select
        cast('MEMBERSHIP' as {{ dbt.type_string() }}) as purchase_type,
        membership_id as purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        membership_name as purchase_name,
        membership_source as purchase_source
    from memberships

    union all

    select
        cast('USER_CREDIT' as {{ dbt.type_string() }}) as purchase_type,
        credit_pack_id as purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        credit_pack_name as purchase_name,
        credit_pack_source as purchase_source
    from credit_packs
),

matched as (
    select
        purchases.*,
        users.user_id is not null as is_user_known
    from purchases
    left join users
        on purchases.user_id = users.user_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by is_user_known, user_id, purchase_type
            order by
                effective_purchased_at asc,
                created_at asc nulls last,
                {{ collate_bytewise('purchase_id') }} asc
        ) as purchase_row_number
    from matched
),

final as (
    select
        purchase_type,
        purchase_id,
        user_id,
        branch_id,
        effective_purchased_at,
        created_at,
        purchase_name,
        purchase_source,
        case when is_user_known then purchase_row_number end as purchase_rank,
        case when not is_user_known then 'L5' end as set_aside_rule_id,
        case
            when not is_user_known then 'user_id is not a user of dim_user (after L2)'
        end as set_aside_reason
    from ranked
)

select * from final
