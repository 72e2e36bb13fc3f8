-- E1, E2: no assignment row is silently dropped: rows in app.experiment_assignments =
-- rows used (one per non-crossover user) + rows in the audit. Returns a row when not.
{{ config(tags=["experiments"]) }}

with

source_rows as (

    select count(*) as row_count
    from (
        {%- if source_table_exists('app', 'experiment_assignments') %}
            select * from {{ source('app', 'experiment_assignments') }}
        {%- else %}
        -- The table is missing: no rows.
        {{ empty_source_rows('app', 'experiment_assignments') }}
        {%- endif %}
    ) as assignments

),

used_rows as (

    select count(*) as row_count
    from {{ ref('int_experiment_assignments_ranked') }}
    where is_used

),

analysed_users as (

    select count(*) as row_count
    from {{ ref('fct_experiment_user_outcomes') }}
    where not is_crossover

),

audited_rows as (

    select count(*) as row_count
    from {{ ref('audit_experiments__assignments_set_aside') }}

),

final as (

    select
        source_rows.row_count as source_rows,
        used_rows.row_count as used_rows,
        audited_rows.row_count as audited_rows,
        analysed_users.row_count as analysed_users

    from source_rows
    cross join used_rows
    cross join audited_rows
    cross join analysed_users
    where
        source_rows.row_count <> used_rows.row_count + audited_rows.row_count
        or used_rows.row_count <> analysed_users.row_count

)

select * from final
