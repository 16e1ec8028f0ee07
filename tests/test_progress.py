"""The progress bar: drawn on a terminal's standard error for long runs only."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from kubelint.pipeline import Options, run_check
from kubelint.progress import STAGES, ProgressBar, progress_bar

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "formats"


class Terminal(io.StringIO):
    """A stream that says it is a terminal, to see what the bar draws."""

    def isatty(self) -> bool:
        return True


def test_the_pipeline_reports_each_file() -> None:
    calls: list[tuple[str, int, int]] = []
    run_check([str(DATA / "shop.yaml"), str(DATA / "broken.yaml")], Options(progress=lambda *call: calls.append(call)))
    assert [call for call in calls if call[0] == "load"] == [("load", 1, 2), ("load", 2, 2)]
    assert all(stage in STAGES and 0 < done <= total for stage, done, total in calls)


def test_the_bar_draws_after_the_delay_and_erases_itself() -> None:
    terminal = Terminal()
    with progress_bar(terminal, delay=0) as bar:
        assert isinstance(bar, ProgressBar)
        bar("load", 1, 3)
        bar("load", 2, 5)
    drawn = terminal.getvalue()
    assert "Checking files" in drawn and "2/5" in drawn


def test_a_short_run_draws_nothing() -> None:
    terminal = Terminal()
    with progress_bar(terminal, delay=60) as bar:
        assert bar is not None
        bar("load", 1, 1)
        assert bar.bar is None
    assert terminal.getvalue() == ""


def test_no_bar_off_a_terminal() -> None:
    with progress_bar(io.StringIO(), delay=0) as bar:
        assert bar is None


def test_machine_output_stays_clean_with_stderr_on_a_terminal() -> None:
    """stderr on a pseudo-terminal, stdout a pipe: the SARIF is intact and the quick run drew nothing."""
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kubelint", "check", str(DATA / "shop.yaml"), "--format", "sarif"],
            stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "TERM": "xterm"}, check=False,
        )
        os.close(follower)
        follower = -1
        drawn = b""
        try:
            while chunk := os.read(leader, 4096):
                drawn += chunk
        except OSError:
            pass  # the terminal closed: everything was read
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert result.returncode == 1
    assert json.loads(result.stdout)["version"] == "2.1.0"
    assert b"Checking files" not in drawn
