-- E1, E2: every logged assignment row with its fate for the as-of date D. A row is used
-- when it is valid, is the earliest exposure of its (experiment_key, user_id) and the user
-- was never logged in the other variant; every other row carries the rule and reason that
-- set it aside (listed by audit_experiments__assignments_set_aside).
{%- set bounds = window_bounds() %}

with

assignments as (

    select * from {{ ref('stg_app__experiment_assignments') }}

),

checked as (

    select
        assignment_row_id,
        user_id,
        experiment_key,
        variant,
        variant_as_logged,
        assigned_at,
        case
            when user_id is null then 'E1'
            when experiment_key is null then 'E1'
            when variant is null or variant not in ('control', 'treatment') then 'E1'
            when assigned_at is null then 'E2'
            -- E2: as of D, an exposure after the end of D has not happened yet.
            when assigned_at >= {{ bounds.window_end }} then 'E2'
        end as invalid_rule,
        case
            when user_id is null then 'missing user_id'
            when experiment_key is null then 'missing experiment_key'
            when variant is null or variant not in ('control', 'treatment')
                then 'unknown variant (not control or treatment)'
            when assigned_at is null then 'missing assigned_at'
            when assigned_at >= {{ bounds.window_end }} then 'assigned after the as-of date'
        end as invalid_reason

    from assignments

),

ranked as (

    -- E1: exposures of one (experiment_key, user_id) in time order; a user seen in both
    -- variants is a crossover. Ties: variant, then row id, so the choice is deterministic.
    select
        assignment_row_id,
        row_number() over (
            partition by experiment_key, user_id
            order by assigned_at asc, {{ collate_bytewise("variant") }} asc, assignment_row_id asc
        ) as exposure_sequence,
        min(variant) over (partition by experiment_key, user_id)
        <> max(variant) over (partition by experiment_key, user_id) as is_crossover_user

    from checked
    where invalid_rule is null

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        checked.assignment_row_id,
        checked.user_id,
        checked.experiment_key,
        checked.variant,
        checked.variant_as_logged,
        checked.assigned_at,
        ranked.exposure_sequence,
        coalesce(ranked.is_crossover_user, false) as is_crossover_user,
        coalesce(
            checked.invalid_rule is null
            and not ranked.is_crossover_user
            and ranked.exposure_sequence = 1,
            false
        ) as is_used,
        case
            when checked.invalid_rule is not null then checked.invalid_rule
            when ranked.is_crossover_user then 'E1'
            when ranked.exposure_sequence > 1 then 'E1'
        end as set_aside_rule_id,
        case
            when checked.invalid_rule is not null then checked.invalid_reason
            when ranked.is_crossover_user then 'crossover: user logged in both variants'
            when ranked.exposure_sequence > 1 then 'repeated exposure: not the earliest'
        end as set_aside_reason

    from checked
    left join ranked
        on checked.assignment_row_id = ranked.assignment_row_id

)

select * from final
