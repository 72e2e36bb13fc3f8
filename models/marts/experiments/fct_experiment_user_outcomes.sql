-- E1-E4: one row per (experiment_key, user_id) assigned by the end of the as-of date D,
-- with the user's windows, whether each window has fully elapsed by D + 1 day 00:00 (E2)
-- and the outcomes. Outcomes are NULL while the window is open and for crossovers, which
-- are excluded from the analysis (E1) but kept and flagged here.
-- The 30-day definitions are the activity marts' own: valid payments from
-- int_payments_deduplicated (A1, A2), messages from stg_app__messages, first payments and
-- their follow-up from int_first_payments_followed_up (A10), 30-day windows from the
-- activity_windows macros, D from window_bounds (A4).
{%- set bounds = window_bounds() %}

with

assigned_users as (

    select * from {{ ref('int_experiment_users_assigned') }}

),

payments as (

    select * from {{ ref('int_payments_deduplicated') }}

),

messages as (

    select * from {{ ref('stg_app__messages') }}

),

first_payments as (

    select * from {{ ref('int_first_payments_followed_up') }}

),

windowed as (

    -- E2: conversion window [assigned_at, +30 days); the retention window adds the 30-day
    -- follow-up of a first payment made in the conversion window: 60 days in all.
    select
        as_of_date,
        experiment_key,
        user_id,
        variant,
        assigned_at,
        exposures,
        is_crossover,
        crossover_at,
        {{ thirty_day_window_end('assigned_at') }} as conversion_window_end,
        {{ follow_up_end(thirty_day_window_end('assigned_at')) }} as retention_window_end

    from assigned_users

),

active_in_window as (

    -- E3: a payment or a message in [assigned_at, assigned_at + 30 days).
    select
        windowed.experiment_key,
        windowed.user_id

    from windowed
    inner join payments
        on
            windowed.user_id = payments.user_id
            and {{ in_half_open_window(
                'payments.paid_at', 'windowed.assigned_at', 'windowed.conversion_window_end'
            ) }}

    union

    select
        windowed.experiment_key,
        windowed.user_id

    from windowed
    inner join messages
        on
            windowed.user_id = messages.user_id
            and {{ in_half_open_window(
                'messages.sent_at', 'windowed.assigned_at', 'windowed.conversion_window_end'
            ) }}

),

joined as (

    select
        windowed.as_of_date,
        windowed.experiment_key,
        windowed.user_id,
        windowed.variant,
        windowed.assigned_at,
        windowed.exposures,
        windowed.is_crossover,
        windowed.crossover_at,
        windowed.conversion_window_end,
        windowed.retention_window_end,
        -- E2: a window counts once it has fully elapsed by D + 1 day 00:00.
        windowed.conversion_window_end <= {{ bounds.window_end }} as conversion_window_elapsed,
        windowed.retention_window_end <= {{ bounds.window_end }} as retention_window_elapsed,
        active_in_window.user_id is not null as has_activity_in_window,
        first_payments.first_paid_at,
        -- E4: the first payment (ever, as in A10) falls in [assigned_at, + 30 days) ...
        coalesce(
            {{ in_half_open_window(
                'first_payments.first_paid_at',
                'windowed.assigned_at',
                'windowed.conversion_window_end'
            ) }},
            false
        ) as first_paid_in_window,
        -- ... and another payment follows within (first, first + 30 days] (A10's rule).
        coalesce(first_payments.is_retained, false) as is_followed_up

    from windowed
    left join active_in_window
        on
            windowed.experiment_key = active_in_window.experiment_key
            and windowed.user_id = active_in_window.user_id
    left join first_payments
        on windowed.user_id = first_payments.user_id

),

final as (

    select
        as_of_date,
        experiment_key,
        user_id,
        variant,
        assigned_at,
        exposures,
        is_crossover,
        conversion_window_end,
        retention_window_end,
        not is_crossover and conversion_window_elapsed as is_conversion_eligible,
        not is_crossover and not conversion_window_elapsed as is_conversion_in_progress,
        not is_crossover and retention_window_elapsed as is_retention_eligible,
        not is_crossover and not retention_window_elapsed as is_retention_in_progress,
        case
            when not is_crossover and conversion_window_elapsed then has_activity_in_window
        end as converted_30d,
        case
            when not is_crossover and retention_window_elapsed then first_paid_in_window
        end as paid_in_30d,
        case
            when not is_crossover and retention_window_elapsed
                then first_paid_in_window and is_followed_up
        end as retained_30d,
        first_paid_at,
        -- The outcomes whatever the as-of date, for fct_experiment_arm_metrics' earlier days.
        crossover_at,
        has_activity_in_window,
        first_paid_in_window,
        is_followed_up

    from joined

)

select * from final
