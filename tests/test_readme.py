"""The README's Quickstart is what CI runs and what works on a fresh machine."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Quickstart has a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_exactly_two_commands() -> None:
    install_and_run, install_and_test = quickstart_commands()
    assert install_and_run.startswith("pip install . && kubelint ")
    assert install_and_test.startswith("pip install '.[test]' && ")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert quickstart_commands()[1] in ci


def test_quickstart_fixtures_exist() -> None:
    command = quickstart_commands()[0]
    target = command.split("kubelint check ", 1)[1].split()[0]
    assert (ROOT / target).exists(), f"{target} is missing"
