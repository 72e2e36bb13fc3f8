-- E1, E2: every assignment row that is not the one used for its (experiment_key, user_id)
-- as of D, with the rule and the reason: repeated exposures, every row of a crossover user,
-- rows with a missing key, user or time, unknown variants, exposures after D.
-- Assignment rows in = used rows + these rows (tested).
with

assignments as (

    select * from {{ ref('int_experiment_assignments_ranked') }}

),

final as (

    select
        as_of_date,
        assignment_row_id,
        set_aside_rule_id,
        set_aside_reason,
        experiment_key,
        user_id,
        variant_as_logged as variant,
        assigned_at

    from assignments
    where not is_used

)

select * from final
