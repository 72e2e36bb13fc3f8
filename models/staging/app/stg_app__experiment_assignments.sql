-- The assignment log of the A/B tests, one row per source row, cleaned:
-- experiment_key trimmed, variant trimmed and lower-cased (' Treatment' is `treatment`),
-- blanks as NULL. Nothing is dropped here; int_experiment_assignments_ranked decides what
-- is used (E1, E2) and audit_experiments__assignments_set_aside lists the rest.
with

source as (

    {%- if source_table_exists('app', 'experiment_assignments') %}
        select * from {{ source('app', 'experiment_assignments') }}
    {%- else %}
    -- The table is missing: no rows, with its declared columns and types.
    {{ empty_source_rows('app', 'experiment_assignments') }}
    {%- endif %}

),

cleaned as (

    select
        user_id,
        nullif(btrim(experiment_key), '') as experiment_key,
        lower(nullif(btrim(variant), '')) as variant,
        variant as variant_as_logged,
        assigned_at

    from source

),

numbered as (

    select
        -- A stable id for the audit: rows identical in every column are interchangeable.
        row_number() over (
            order by
                {{ collate_bytewise("experiment_key") }} nulls last,
                user_id nulls last,
                assigned_at nulls last,
                {{ collate_bytewise("variant_as_logged") }} nulls last
        ) as assignment_row_id,
        user_id,
        experiment_key,
        variant,
        variant_as_logged,
        assigned_at

    from cleaned

)

select * from numbered
