"""dbt-score rules and filters of this project (`make conventions`; pyproject.toml enables them).

Ownership is written once, as dbt groups with owners (models/_groups.yml): every model and
seed belongs to a group, so these rules read the group where dbt-score's own `has_owner` and
`seed_has_owner` look for a `meta.owner` we do not keep.
"""

from dbt_score import Model, RuleViolation, Seed, rule, rule_filter


@rule
def model_has_group_owner(model: Model) -> RuleViolation | None:
    """A model belongs to a dbt group, whose owner dbt requires."""
    if not (model.group or model.meta.get("owner")):
        return RuleViolation(message="Model is in no group (models/_groups.yml).")
    return None


@rule
def seed_has_group_owner(seed: Seed) -> RuleViolation | None:
    """A seed belongs to a dbt group, whose owner dbt requires."""
    if not (seed.config.get("group") or seed.config.get("meta", {}).get("owner")):
        return RuleViolation(message="Seed is in no group (models/_groups.yml).")
    return None


@rule_filter
def is_read_by_analysts(model: Model) -> bool:
    """Public models analysts query (the dashboard's own relations excluded)."""
    return model.access == "public" and "dashboard" not in (model.tags or [])
