-- E2-E6 as a daily series: per as-of date D (every day from the first assignment, at the
-- earliest the var activity_facts_begin, through
-- the var as_of_date), experiment, arm and metric: the assigned users, the crossovers (by the
-- arm of their first exposure, excluded everywhere else, E1), the users whose window has
-- elapsed by D (n), how many of them had the outcome (successes) and the users still in
-- progress (E2). So `glofox experiment-report --as-of` answers for any day without a
-- rebuild. Both arms of every experiment are present, with zeros when an arm has no users,
-- so a missing arm is visible. Goal metrics: converted_30d (E3) and retained_30d (E4,
-- intention-to-treat); retained_30d_among_payers is the secondary, labelled figure E4 allows.
-- A user's outcomes do not depend on D (each window is read only once it has elapsed); D
-- decides who is assigned (assigned_at before the end of D), who is a crossover
-- (crossover_at before it) and whose window has elapsed.
{%- set as_of = "cast('" ~ activity_as_of_date() ~ "' as date)" %}

with

outcomes as (

    select * from {{ ref('fct_experiment_user_outcomes') }}

),

bounds as (

    -- From the first assignment, but not before the first day of the activity facts.
    select
        greatest(
            min(cast(assigned_at as date)), cast('{{ var("activity_facts_begin") }}' as date)
        ) as first_day,
        {{ as_of }} as last_day

    from outcomes

),

days as (

    select
        day as as_of_date,
        cast({{ dbt.dateadd('day', 1, 'day') }} as {{ dbt.type_timestamp() }}) as day_end

    from ({{ activity_days('(select first_day from bounds)', '(select last_day from bounds)') }})
        as series

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

as_of_days as (

    -- E2: each user on every D whose end comes after the first exposure.
    select
        days.as_of_date,
        outcomes.experiment_key,
        outcomes.variant,
        coalesce(outcomes.crossover_at < days.day_end, false) as is_crossover,
        outcomes.conversion_window_end <= days.day_end as conversion_window_elapsed,
        outcomes.retention_window_end <= days.day_end as retention_window_elapsed,
        outcomes.has_activity_in_window,
        outcomes.first_paid_in_window,
        outcomes.is_followed_up

    from outcomes
    inner join days
        on outcomes.assigned_at < days.day_end

),

per_user_metric as (

    select
        as_of_date,
        experiment_key,
        variant,
        is_crossover,
        'converted_30d' as metric,
        not is_crossover and conversion_window_elapsed as is_eligible,
        not is_crossover and not conversion_window_elapsed as is_in_progress,
        has_activity_in_window as is_success
    from as_of_days

    union all

    select
        as_of_date,
        experiment_key,
        variant,
        is_crossover,
        'retained_30d' as metric,
        not is_crossover and retention_window_elapsed as is_eligible,
        not is_crossover and not retention_window_elapsed as is_in_progress,
        first_paid_in_window and is_followed_up as is_success
    from as_of_days

    union all

    -- E4 secondary: among eligible users whose first payment fell in the window.
    select
        as_of_date,
        experiment_key,
        variant,
        is_crossover,
        'retained_30d_among_payers' as metric,
        not is_crossover and retention_window_elapsed and first_paid_in_window as is_eligible,
        not is_crossover and not retention_window_elapsed as is_in_progress,
        first_paid_in_window and is_followed_up as is_success
    from as_of_days

),

counted as (

    select
        as_of_date,
        experiment_key,
        variant,
        metric,
        count(*) filter (where not is_crossover) as assigned_users,
        count(*) filter (where is_crossover) as crossover_users,
        count(*) filter (where is_eligible) as eligible_users,
        count(*) filter (where is_eligible and is_success) as successes,
        count(*) filter (where is_in_progress) as in_progress_users

    from per_user_metric
    group by as_of_date, experiment_key, variant, metric

),

final as (

    select
        days.as_of_date,
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

    from days
    cross join experiments
    cross join arms
    cross join metrics
    left join counted
        on
            days.as_of_date = counted.as_of_date
            and experiments.experiment_key = counted.experiment_key
            and arms.variant = counted.variant
            and metrics.metric = counted.metric

)

select * from final
