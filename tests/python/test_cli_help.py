"""Every `glofox` command explains itself with --help, in words a user has.

Rule ids and issue numbers belong in the models, tests and docs (docs/rules.md), not in what
a user reads at the terminal.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from glofox import cli

# A rule id (L9, A10, E5-E9, D19) or a reference to an issue or to the spec files.
CODES = re.compile(r"\b[LAED]\d{1,2}\b|\bissue\b|\bspec\b", re.IGNORECASE)


def _sub_commands() -> list[str]:
    parser = cli.build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def _help(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glofox.cli", *args, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_sub_command_is_listed() -> None:
    assert {"dbt", "db", "exec", "run", "dashboard", "solution"} <= set(_sub_commands())


@pytest.mark.parametrize("command", ["", *_sub_commands()])
def test_help_describes_the_command_without_rule_codes(command: str) -> None:
    result = _help(*([command] if command else []))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("usage: glofox"), text
    # A description beyond the usage line and the option list.
    prose = [line for line in text.splitlines()[1:] if line and not line.startswith(" ")]
    assert any(len(line.split()) >= 4 for line in prose), text
    found = sorted({m.group(0) for m in CODES.finditer(text)})
    assert not found, f"`glofox {command} --help` shows {found}:\n{text}"


def test_dbt_passes_its_arguments_options_included_to_dbt() -> None:
    # `glofox dbt --version` must reach dbt itself, not argparse.
    result = subprocess.run(
        [sys.executable, "-m", "glofox.cli", "dbt", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "installed:" in result.stdout, result.stdout
