-- E1: one row per (experiment_key, user_id) among the valid assignments as of D: the
-- earliest exposure gives the variant and assigned_at; crossovers (both variants) are kept
-- here, flagged, so they can be counted; the outcomes leave them out of the analysis.
with

assignments as (

    select * from {{ ref('int_experiment_assignments_ranked') }}

),

valid as (

    select * from assignments
    where exposure_sequence is not null

),

per_user as (

    select
        as_of_date,
        experiment_key,
        user_id,
        min(assigned_at) as assigned_at,
        count(*) as exposures,
        bool_or(is_crossover_user) as is_crossover

    from valid
    group by as_of_date, experiment_key, user_id

),

first_exposures as (

    select
        experiment_key,
        user_id,
        variant

    from valid
    where exposure_sequence = 1

),

final as (

    select
        per_user.as_of_date,
        per_user.experiment_key,
        per_user.user_id,
        first_exposures.variant,
        per_user.assigned_at,
        per_user.exposures,
        per_user.is_crossover

    from per_user
    inner join first_exposures
        on
            per_user.experiment_key = first_exposures.experiment_key
            and per_user.user_id = first_exposures.user_id

)

select * from final
