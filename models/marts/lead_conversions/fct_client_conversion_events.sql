-- Part 1 (L8, L11, L12 / D7, D10): one row per user of L2 with the 17 columns of brief
-- figure 1.6.1 in that order. Times are shown in the zone of the user's branch (L7, L8);
-- lead_status is CLIENT when the user has a usable purchase, else LEAD with NULL conversion
-- columns (L11).
-- Issue 6: incremental on PostgreSQL: a run rebuilds only the users whose purchases (kept or
-- set aside) or dim_user rows were written since this mart's newest row, or every user when a
-- dim_branch row was (zones, L6), and replaces their rows (delete+insert on user_id).
-- depends_on: {{ ref('stg_glofox__membership_purchases') }}
-- depends_on: {{ ref('stg_glofox__credit_pack_purchases') }}
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
        source('glofox', 'dim_branch'),
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

        select {{ clean_text('dim_user.user_id') }} as user_id
        from {{ source('glofox', 'dim_user') }} as dim_user
        where {{ row_version('dim_user') }} > {{ newest_row_version(this) }}

        union

        select {{ clean_text('all_users.user_id') }} as user_id
        from {{ source('glofox', 'dim_user') }} as all_users
        where exists (
            select 1
            from {{ source('glofox', 'dim_branch') }} as dim_branch
            where {{ row_version('dim_branch') }} > {{ newest_row_version(this) }}
        )
    ),

{% endif -%}
users as (
    select * from {{ ref('int_users_converted') }}
    {%- if is_incremental() %}
        where user_id in (select changed_users.user_id from changed_users)
    {%- endif %}
),

final as (
    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(branch_id as {{ dbt.type_string() }}) as branch_id,
        cast(
            {{ to_local_time('user_created_at', 'timezone_id') }} as {{ dbt.type_timestamp() }}
        ) as local_user_created_at,
        cast(
            case when conversion_event_type is null then 'LEAD' else 'CLIENT' end
            as {{ dbt.type_string() }}
        ) as lead_status,
        cast(conversion_event_type as {{ dbt.type_string() }}) as client_conversion_event_type,
        cast(conversion_event_id as {{ dbt.type_string() }}) as client_conversion_event_id,
        cast(
            {{ to_local_time('conversion_event_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as client_conversion_event_local_created_at,
        cast(conversion_event_name as {{ dbt.type_string() }}) as client_conversion_event_name,
        cast(
            conversion_event_source as {{ dbt.type_string() }}
        ) as client_conversion_event_source,
        cast(first_membership_id as {{ dbt.type_string() }}) as first_user_membership_id,
        cast(
            {{ to_local_time('first_membership_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as first_local_membership_purchased_at,
        cast(first_membership_name as {{ dbt.type_string() }}) as first_membership_name,
        cast(first_membership_source as {{ dbt.type_string() }}) as first_membership_source,
        cast(first_credit_pack_id as {{ dbt.type_string() }}) as first_credit_pack_id,
        cast(
            {{ to_local_time('first_credit_pack_purchased_at', 'timezone_id') }}
            as {{ dbt.type_timestamp() }}
        ) as first_local_credit_pack_purchase_at,
        cast(first_credit_pack_name as {{ dbt.type_string() }}) as first_credit_pack_name,
        cast(first_credit_pack_source as {{ dbt.type_string() }}) as first_credit_pack_source
    from users
)

select * from final
