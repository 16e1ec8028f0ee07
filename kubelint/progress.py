"""A progress bar on standard error for long runs in a terminal.

Quiet by default: the bar appears only when standard error is a terminal
and the run has already taken ``DELAY`` seconds (a pre-commit hook or a
small check never shows it), and it is transient, erased before the report
is written, so it never mixes with the output, machine formats included.
The pipeline calls it as each file is checked
(:data:`kubelint.pipeline.Progress`).
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import IO, Any, Iterator

DELAY = 1.0
STAGES = {"load": "Checking files"}


class ProgressBar:
    """The pipeline's ``progress(stage, done, total)`` callback, drawing with rich."""

    def __init__(self, stream: IO[str], delay: float = DELAY) -> None:
        self.stream = stream
        self.delay = delay
        self.started = time.monotonic()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            self._start()
        task = self.tasks.get(stage)
        if task is None:
            task = self.tasks[stage] = self.bar.add_task(STAGES.get(stage, stage), total=total)
        self.bar.update(task, completed=done, total=total)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream)
        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self.bar.start()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def wanted(stream: IO[str]) -> bool:
    """A terminal that can redraw a line (not ``TERM=dumb``)."""
    return stream.isatty() and os.environ.get("TERM") != "dumb"


@contextmanager
def progress_bar(stream: IO[str] | None = None, delay: float = DELAY) -> Iterator[ProgressBar | None]:
    """A ProgressBar for ``stream`` (standard error) when it is a terminal, else None (no cost)."""
    stream = stream if stream is not None else sys.stderr
    if not wanted(stream):
        yield None
        return
    bar = ProgressBar(stream, delay)
    try:
        yield bar
    finally:
        bar.close()
