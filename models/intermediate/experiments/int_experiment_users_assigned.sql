-- E1: one row per (experiment_key, user_id) among the valid assignments as of D: the
-- earliest exposure gives the variant and assigned_at; crossovers (both variants) are kept
-- here, flagged, so they can be counted; the outcomes leave them out of the analysis.
-- crossover_at is the first exposure in the other variant: the user is a crossover as of any
-- D whose end comes after it (fct_experiment_arm_metrics counts every D of the series).
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

crossovers as (

    select
        valid.experiment_key,
        valid.user_id,
        min(valid.assigned_at) as crossover_at

    from valid
    inner join first_exposures
        on
            valid.experiment_key = first_exposures.experiment_key
            and valid.user_id = first_exposures.user_id
    where valid.variant != first_exposures.variant
    group by valid.experiment_key, valid.user_id

),

final as (

    select
        per_user.as_of_date,
        per_user.experiment_key,
        per_user.user_id,
        first_exposures.variant,
        per_user.assigned_at,
        per_user.exposures,
        per_user.is_crossover,
        crossovers.crossover_at

    from per_user
    inner join first_exposures
        on
            per_user.experiment_key = first_exposures.experiment_key
            and per_user.user_id = first_exposures.user_id
    left join crossovers
        on
            per_user.experiment_key = crossovers.experiment_key
            and per_user.user_id = crossovers.user_id

)

select * from final
