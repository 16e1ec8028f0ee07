"""Measuring one command as a child process: CPU, wall time and peak memory.

The machine is shared and has two cores, so wall time alone says little:
CPU time (user + system) comes from ``os.wait4``, which on Linux includes
every descendant the child waited for (worker processes too), and peak
memory is the child's maximum resident set size. Repeated commands report
the median and how far the runs spread.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sample:
    """One run of one command."""

    cpu_seconds: float
    wall_seconds: float
    max_rss_mb: float
    exit_code: int


@dataclass(frozen=True, slots=True)
class Measurement:
    """Medians over repeated runs, and the spread of CPU time: (max - min) / median."""

    cpu_seconds: float
    wall_seconds: float
    max_rss_mb: float
    cpu_spread: float
    runs: int
    exit_code: int

    def to_json(self) -> dict[str, float]:
        return {
            "cpu_seconds": round(self.cpu_seconds, 4),
            "wall_seconds": round(self.wall_seconds, 4),
            "max_rss_mb": round(self.max_rss_mb, 1),
            "cpu_spread": round(self.cpu_spread, 3),
            "runs": self.runs,
            "exit_code": self.exit_code,
        }


def run_child(command: list[str], stdout: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``command`` to its end with its output in ``stdout``; what it cost."""
    with open(stdout, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    rss_bytes = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Sample(usage.ru_utime + usage.ru_stime, wall, rss_bytes / 2**20, process.returncode)


def summarize(samples: list[Sample]) -> Measurement:
    cpu = [s.cpu_seconds for s in samples]
    middle = statistics.median(cpu)
    return Measurement(
        cpu_seconds=middle,
        wall_seconds=statistics.median(s.wall_seconds for s in samples),
        max_rss_mb=statistics.median(s.max_rss_mb for s in samples),
        cpu_spread=(max(cpu) - min(cpu)) / middle if middle else 0.0,
        runs=len(samples),
        exit_code=samples[-1].exit_code,
    )
