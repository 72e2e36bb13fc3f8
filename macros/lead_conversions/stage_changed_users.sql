{#- Issue 6: pre-hook of the incremental lead models (int_purchases_ranked,
    fct_client_conversion_events). In an incremental run it writes the ids of the users to
    rebuild into the temporary table `changed_users` (dropped at the end of the model's
    transaction) and analyzes it: the users with purchases (kept or set aside, L3) or user
    rows (L2) written since this model's newest row and, with `with_branch_changes`, every
    user when a dim_branch row was (zones, L6); then it deletes those users' rows from the
    model, which appends their new rows (incremental_strategy 'append'): a changed user may
    have no row left (their only purchase moved to another user's, L3), which a delete+insert
    on user_id would not delete. The model then reads `changed_users`. A real
    table, not a CTE: PostgreSQL cannot estimate a filter on row versions (it guesses a third
    of the rows, so it joined every user), but it plans well with the table's real row count.
    Must run after reset_when_inputs_replaced (a reset makes every user changed). -#}
{% macro stage_changed_users(with_branch_changes=false) -%}
    {%- if is_incremental() -%}
        create temporary table changed_users on commit drop as
        with

        last_build as materialized (
            select {{ newest_row_version(this) }} as row_version
        )

        select memberships.user_id
        from {{ ref('stg_glofox__membership_purchases') }} as memberships
        where {{ row_version('memberships') }} > (select last_build.row_version from last_build)

        union

        select credit_packs.user_id
        from {{ ref('stg_glofox__credit_pack_purchases') }} as credit_packs
        where {{ row_version('credit_packs') }} > (select last_build.row_version from last_build)

        union

        -- new user rows can also turn purchases of an unknown user (L5) into a user's
        select users.user_id
        from {{ ref('stg_glofox__users') }} as users
        where {{ row_version('users') }} > (select last_build.row_version from last_build)
        {%- if with_branch_changes %}

        union

        select all_users.user_id
        from {{ ref('stg_glofox__users') }} as all_users
        where exists (
            select 1
            from {{ source('glofox', 'dim_branch') }} as dim_branch
            where
                {{ row_version('dim_branch') }}
                > (select last_build.row_version from last_build)
        )
        {%- endif %};

        analyze changed_users;

        -- their rows go now: a changed user may have no row left to insert (their only
        -- purchase moved to another user, L3), which delete+insert on user_id would miss
        delete from {{ this }}
        where user_id in (select changed_users.user_id from changed_users)
    {%- endif -%}
{%- endmacro %}

{#- Issue 6: the filter of the models that read `changed_users`: in an incremental run, `column`
    is one of the changed users; in a full build, true (every user). -#}
{% macro is_changed_user(column) -%}
    {%- if is_incremental() -%}
        {{ column }} in (select changed_users.user_id from changed_users)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
