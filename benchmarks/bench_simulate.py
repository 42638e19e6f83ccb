"""Scenario suite with the rule-based traveller: expectations met, catalogue faithfulness, speed.

Usage: ``python benchmarks/bench_simulate.py [--runs N] [--seed S] [--llm none|local|openai] [PATHS...]``

Runs every scenario of ``scenarios/`` (or the paths given) ``--runs`` times against the
agent team, with a simulated car, world and home. Prints expectations met / total, places
shown that are not in the region's catalogue (target 0), re-plan latency, the mean
satisfaction and precision@k, and scenario runs per minute (wall clock, region import
excluded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autogen_core.models import ChatCompletionClient

from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.simulators import load_scenario, run_suite, scenario_paths, scenario_tools, summarise

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(SCENARIOS)])
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario (seeds S, S+1, ...)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--llm", default="none", help="none (rules only), local or openai")
    args = parser.parse_args()
    files = scenario_paths(args.paths)
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp)))
        began = time.perf_counter()
        for path in files:  # import the region and build the tools before timing
            scenario_tools(runtime, load_scenario(path))
        setup = time.perf_counter() - began

        def client() -> ChatCompletionClient | None:
            return None if args.llm == "none" else runtime.chat_client(args.llm)

        began = time.perf_counter()
        results = run_suite(files, runtime=runtime, runs=args.runs, seed=args.seed, client_factory=client)
        elapsed = time.perf_counter() - began
    summary = summarise(results)
    latencies = [x for r in results for x in r.timing.get("replan_latency_s", [])]
    print(f"scenarios {len(files)} x runs {args.runs} = {len(results)} runs, llm={args.llm}")
    print(f"region import and tools      {setup:8.2f} s (not counted below)")
    print(f"expectations met             {summary['expectations_met']}/{summary['expectations_total']}")
    print(f"runs with every expectation  {summary['runs_passed']}/{summary['runs']}")
    print(f"places outside the catalogue {summary['places_outside_catalogue']} (target 0)")
    print(f"mean satisfaction (1-5)      {summary['mean_rating']}")
    print(f"mean precision@5             {summary['mean_precision_at_k']}")
    print(f"model calls                  {summary['model_calls']}")
    if latencies:
        print(
            f"re-plan latency              median {statistics.median(latencies) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} re-plans"
        )
    print(f"scenario runs per minute     {len(results) / elapsed * 60:8.1f} ({elapsed:.1f} s)")
    for result in results:
        if not result.passed:
            failed = [f"{e.name}: {e.detail}" for e in result.expectations if not e.passed]
            print(f"FAILED {result.scenario} seed {result.seed}: {failed}")
    return 0 if summary["runs_passed"] == summary["runs"] else 1


if __name__ == "__main__":
    sys.exit(main())
