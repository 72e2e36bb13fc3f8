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


@pytest.fixture(scope="session")
def hypothesis_examples(request: pytest.FixtureRequest) -> int:
    return request.config.getoption("--hypothesis-examples") or 30
