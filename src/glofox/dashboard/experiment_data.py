"""The Experiments page's data: the per-arm rows of the experiment mart, as
glofox.experiment_report (the module behind `glofox experiment-report`) takes them, so the
page and the command give the same numbers, checks and verdict."""

from __future__ import annotations

from glofox import experiment_report
from glofox.dashboard import queries

RELATIONS = (experiment_report.RELATION,)

Q_ARM_ROWS = queries.register(
    "experiment_arm_rows",
    """
    select
        as_of_date,
        experiment_key,
        variant,
        metric,
        assigned_users,
        crossover_users,
        eligible_users,
        successes,
        in_progress_users
    from marts.fct_experiment_arm_metrics
    order by experiment_key, variant, metric
    """,
)


def rows(version: str) -> list[experiment_report.ArmRow]:
    frame = queries.frame(Q_ARM_ROWS, version)
    return [
        experiment_report.ArmRow(
            as_of_date=row.as_of_date,
            experiment_key=str(row.experiment_key),
            variant=str(row.variant),
            metric=str(row.metric),
            assigned_users=int(row.assigned_users),
            crossover_users=int(row.crossover_users),
            eligible_users=int(row.eligible_users),
            successes=int(row.successes),
            in_progress_users=int(row.in_progress_users),
        )
        for row in frame.itertuples(index=False)
    ]
