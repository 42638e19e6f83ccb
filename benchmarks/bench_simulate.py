"""Scenario suite: expectations met, catalogue faithfulness, leaks, and simulation throughput.

Usage: ``python benchmarks/bench_simulate.py [--runs N] [--seed S] [--llm none|local|openai]
[--travellers rule,llm] [--ray WORKERS] [PATHS...]``

Runs every scenario of ``scenarios/`` (or the paths given) ``--runs`` times against the
agent team, with a simulated car, world and home, once per traveller kind (``rule``: the
deterministic traveller; ``llm``: the LLM-driven one, embedded SmolLM2 by default, with its
response cache emptied first so the model really runs). Prints expectations met / total,
places shown that are not in the region's catalogue (target 0), hidden-preference leaks in
what travellers said (target 0), re-plan latency, mean satisfaction and precision@k, and
scenario runs per minute (wall clock, region import excluded). With ``--ray W`` the
rule-based suite also runs on a local Ray instance with W worker CPUs, and both times and
the speed-up are printed.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.simulators import (
    ScenarioResult,
    SimOptions,
    load_scenario,
    scenario_paths,
    scenario_tools,
    simulate,
    summarise,
)

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _print(label: str, results: list[ScenarioResult], elapsed: float) -> bool:
    summary = summarise(results)
    latencies = [x for r in results for x in r.timing.get("replan_latency_s", [])]
    print(f"--- {label}: {len(results)} runs")
    print(f"expectations met             {summary['expectations_met']}/{summary['expectations_total']}")
    print(f"runs with every expectation  {summary['runs_passed']}/{summary['runs']}")
    print(f"places outside the catalogue {summary['places_outside_catalogue']} (target 0)")
    print(f"hidden-preference leaks      {summary['leaks']} (target 0)")
    print(f"mean satisfaction (1-5)      {summary['mean_rating']}")
    print(f"mean precision@5             {summary['mean_precision_at_k']}")
    print(f"model calls (agents)         {summary['model_calls']}")
    print(
        f"model calls (traveller)      {summary['traveller_calls']}, guard fallbacks {summary['traveller_fallbacks']}"
    )
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
    return bool(summary["runs_passed"] == summary["runs"] and summary["leaks"] == 0)


def _timed(
    files: list[Path], runtime: Runtime, args: argparse.Namespace, **kwargs: Any
) -> tuple[list[ScenarioResult], float]:
    began = time.perf_counter()
    results = simulate(files, runtime=runtime, runs=args.runs, seed=args.seed, **kwargs)
    return results, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(SCENARIOS)])
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario (seeds S, S+1, ...)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--llm", default="none", help="the agents' backend: none (rules only), local or openai")
    parser.add_argument("--travellers", default="rule", help="comma-separated: rule, llm")
    parser.add_argument("--ray", type=int, default=0, metavar="WORKERS", help="also run on Ray with this many CPUs")
    args = parser.parse_args()
    files = scenario_paths(args.paths)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp)))
        began = time.perf_counter()
        for path in files:  # import the region and build the tools before timing
            scenario_tools(runtime, load_scenario(path))
        print(f"scenarios {len(files)} x runs {args.runs}, agents llm={args.llm}")
        print(f"region import and tools      {time.perf_counter() - began:8.2f} s (not counted below)")
        local: dict[str, tuple[list[ScenarioResult], float]] = {}
        kinds = args.travellers.split(",")
        for kind in kinds:
            options = SimOptions.model_validate({"llm": args.llm, "traveller": kind})
            if kind == "llm":
                from codriver.llm import make_chat_client

                # Load the model once outside the timing (as a long simulation would).
                make_chat_client(runtime.settings, backend=options.traveller_backend, cache=False)
            results, elapsed = _timed(files, runtime, args, options=options)
            ok &= _print(f"local, {kind} traveller", results, elapsed)
            local[kind] = (results, elapsed)
        if args.ray:
            import ray

            ray.init(num_cpus=args.ray, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
            try:
                for kind in kinds:
                    options = SimOptions.model_validate({"llm": args.llm, "traveller": kind})
                    # A fresh response cache: the workers' model must really run, as it did locally.
                    fresh = Settings(data_dir=Path(tmp), llm={"cache_dir": Path(tmp) / f"llm-cache-ray-{kind}"})
                    results, elapsed = _timed(files, Runtime(fresh), args, options=options, executor="ray")
                    ok &= _print(f"ray ({args.ray} workers), {kind} traveller", results, elapsed)
                    before, took = local[kind]
                    same = [r.reproducible() for r in results] == [r.reproducible() for r in before]
                    print(
                        f"ray speed-up vs local ({kind:4}) {took / elapsed:8.2f}x "
                        f"(local {took:.1f} s, ray {elapsed:.1f} s incl. worker start; same results: {same})"
                    )
            finally:
                ray.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
