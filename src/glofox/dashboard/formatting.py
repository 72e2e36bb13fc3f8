"""How the dashboard shows numbers. The e2e tests format the values they query the same way."""

from __future__ import annotations

from decimal import Decimal

EMPTY = "n/a"


def count(value: int | None) -> str:
    return EMPTY if value is None else f"{int(value):,}"


def rate(numerator: int | None, denominator: int | None) -> str:
    """Numerator / denominator at the level shown (A11: an empty denominator shows n/a)."""
    if numerator is None or not denominator:
        return EMPTY
    return f"{Decimal(int(numerator)) / Decimal(int(denominator)):.2%}"


def fraction(value: float | Decimal | None) -> str:
    return EMPTY if value is None else f"{Decimal(str(value)):.2%}"


def money(value: float | Decimal | None) -> str:
    return EMPTY if value is None else f"{Decimal(str(value)):,.2f}"


def days(value: float | Decimal | None) -> str:
    return EMPTY if value is None else f"{float(value):,.1f} days"


def ratio_caption(numerator: int | None, denominator: int | None) -> str:
    return f"{count(numerator)} / {count(denominator)}"


def p_value(value: float | None) -> str:
    if value is None:
        return EMPTY
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
