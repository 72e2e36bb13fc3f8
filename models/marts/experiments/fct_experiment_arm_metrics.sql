-- E2-E6: per experiment, arm and metric for the as-of date D: the assigned users, the
-- crossovers (by the arm of their first exposure, excluded everywhere else, E1), the users
-- whose window has elapsed (n), how many of them had the outcome (successes) and the users
-- still in progress (E2). Both arms of every experiment are present, with zeros when an
-- arm has no users, so a missing arm is visible. Goal metrics: converted_30d (E3) and
-- retained_30d (E4, intention-to-treat); retained_30d_among_payers is the secondary,
-- labelled figure E4 allows.
{%- set bounds = window_bounds() %}

with

outcomes as (

    select * from {{ ref('fct_experiment_user_outcomes') }}

),

experiments as (

    select distinct experiment_key from outcomes

),

arms as (

    select 'control' as variant
    union all
    select 'treatment' as variant

),

metrics as (

    select
        'converted_30d' as metric,
        true as is_goal_metric
    union all
    select
        'retained_30d' as metric,
        true as is_goal_metric
    union all
    select
        'retained_30d_among_payers' as metric,
        false as is_goal_metric

),

per_user_metric as (

    select
        outcomes.experiment_key,
        outcomes.variant,
        outcomes.is_crossover,
        'converted_30d' as metric,
        outcomes.is_conversion_eligible as is_eligible,
        outcomes.is_conversion_in_progress as is_in_progress,
        outcomes.converted_30d as is_success
    from outcomes

    union all

    select
        outcomes.experiment_key,
        outcomes.variant,
        outcomes.is_crossover,
        'retained_30d' as metric,
        outcomes.is_retention_eligible as is_eligible,
        outcomes.is_retention_in_progress as is_in_progress,
        outcomes.retained_30d as is_success
    from outcomes

    union all

    -- E4 secondary: among eligible users whose first payment fell in the window.
    select
        outcomes.experiment_key,
        outcomes.variant,
        outcomes.is_crossover,
        'retained_30d_among_payers' as metric,
        coalesce(outcomes.is_retention_eligible and outcomes.paid_in_30d, false) as is_eligible,
        outcomes.is_retention_in_progress as is_in_progress,
        outcomes.retained_30d as is_success
    from outcomes

),

counted as (

    select
        experiment_key,
        variant,
        metric,
        count(*) filter (where not is_crossover) as assigned_users,
        count(*) filter (where is_crossover) as crossover_users,
        count(*) filter (where is_eligible) as eligible_users,
        count(*) filter (where is_eligible and is_success) as successes,
        count(*) filter (where is_in_progress) as in_progress_users

    from per_user_metric
    group by experiment_key, variant, metric

),

final as (

    select
        {{ bounds.as_of_date }} as as_of_date,
        experiments.experiment_key,
        arms.variant,
        metrics.metric,
        metrics.is_goal_metric,
        cast(coalesce(counted.assigned_users, 0) as bigint) as assigned_users,
        cast(coalesce(counted.crossover_users, 0) as bigint) as crossover_users,
        cast(coalesce(counted.eligible_users, 0) as bigint) as eligible_users,
        cast(coalesce(counted.successes, 0) as bigint) as successes,
        cast(counted.successes as {{ type_double() }})
        / nullif(counted.eligible_users, 0) as rate,
        cast(coalesce(counted.in_progress_users, 0) as bigint) as in_progress_users

    from experiments
    cross join arms
    cross join metrics
    left join counted
        on
            experiments.experiment_key = counted.experiment_key
            and arms.variant = counted.variant
            and metrics.metric = counted.metric

)

select * from final
