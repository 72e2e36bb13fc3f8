"""pytest configuration shared by every test module (see harness.py for the database helpers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hypothesis-examples",
        type=int,
        default=None,
        help="examples per differential (hypothesis) test; default: a few dozen (CI-sized)",
    )
    parser.addoption(
        "--spark",
        action="store_true",
        default=False,
        help="run the Spark parity tests (make test-spark, in .venv-spark); without it they skip",
    )
    parser.addoption(
        "--spark-examples",
        type=int,
        default=4,
        help="random dirty inputs built on both Spark and PostgreSQL (default 4, ~40 s each)",
    )


@pytest.fixture(scope="session")
def hypothesis_examples(request: pytest.FixtureRequest) -> int:
    return request.config.getoption("--hypothesis-examples") or 30
