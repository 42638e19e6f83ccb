"""CLI start-up: wall time of ``codriver --help`` against the interpreter and the eager imports, same run.

Usage: ``python benchmarks/bench_startup.py [--runs 9]``

Each figure is the median (and the minimum) of ``--runs`` fresh interpreters, run in
turn so that every command sees the same machine load:

- ``python -c pass``: the interpreter alone, the floor;
- ``codriver --help``, ``codriver plan --help``, ``codriver pois --help``: the CLI as
  shipped (each verb imports its libraries when it runs);
- ``eager --help``: ``codriver --help`` after importing what every verb's module imported
  at the top before the verbs became lazy (OR-Tools, pandas, SQLAlchemy, networkx, SciPy,
  httpx, APScheduler, ...): the start-up every command paid.

Exits 2 when the median of ``codriver --help`` is 1 s or more (the target of issue 16).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET_S = 1.0
CLI = "import sys; sys.argv[0] = 'codriver'; from codriver.cli import run; run()"
# What the modules of the verbs imported at their top before they became lazy.
EAGER = (
    "codriver.bootstrap",
    "codriver.planning",
    "codriver.regions.importer",
    "codriver.regions.summary",
    "codriver.scheduling",
    "codriver.settings",
    "codriver.tools.charging",
    "codriver.tools.geocoding",
    "codriver.tools.home",
    "codriver.tools.opening_hours",
    "codriver.tools.places",
    "codriver.tools.routing",
    "httpx",
    "pydantic",
    "rich.progress",
    "rich.table",
)

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "codriver --help": [sys.executable, "-c", CLI, "--help"],
    "codriver plan --help": [sys.executable, "-c", CLI, "plan", "--help"],
    "codriver pois --help": [sys.executable, "-c", CLI, "pois", "--help"],
    "eager --help": [sys.executable, "-c", "; ".join(f"import {m}" for m in EAGER) + "; " + CLI, "--help"],
}


def wall_s(command: list[str]) -> float:
    """Seconds from start to exit of one fresh process (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache: the first run reads every .pyc from disk
        wall_s(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(wall_s(command))
    print(f"start-up, {args.runs} runs each, interleaved (seconds)")
    print(f"{'command':<24} {'median':>7} {'min':>7}")
    for name, values in times.items():
        print(f"{name:<24} {statistics.median(values):7.3f} {min(values):7.3f}")
    ours = statistics.median(times["codriver --help"])
    eager = statistics.median(times["eager --help"])
    print(f"codriver --help: {ours:.3f} s, {eager / ours:.1f}x faster than the eager imports ({eager:.3f} s)")
    if ours >= TARGET_S:
        print(f"FAIL: codriver --help takes {ours:.3f} s (target < {TARGET_S:.0f} s)")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
