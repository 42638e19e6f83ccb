"""``codriver simulate``: run scenario files against the agents (or a running server) with simulated travellers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json


def command(
    paths: Annotated[list[Path], typer.Argument(help="scenario files or folders of *.yaml")],
    *,
    runs: Annotated[int, typer.Option(min=1, max=1000, help="runs of each scenario (seeds S, S+1, ...)")] = 1,
    seed: Annotated[int, typer.Option(help="seed of the first run")] = 0,
    llm: Annotated[
        str, typer.Option("--llm", help="the agents' model backend: none (rules only), local, openai")
    ] = "none",
    traveller: Annotated[
        Literal["rule", "llm"], typer.Option(help="rule: deterministic (CI); llm: a model words what it says")
    ] = "rule",
    traveller_llm: Annotated[
        str | None, typer.Option("--traveller-llm", help="the LLM traveller's backend (default: --llm, else local)")
    ] = None,
    executor: Annotated[
        Literal["local", "ray"], typer.Option(help="local: one run after the other; ray: Ray tasks")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (--executor ray; default: a local one)")
    ] = None,
    api: Annotated[
        str | None,
        typer.Option("--api", help="drive a running `codriver serve` at this URL (clock at the scenario start)"),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="folder for results.json and report.html")] = None,
    as_json: JsonOption = False,
) -> None:
    """Play scenarios (traveller, car, world, home) and check their expectations; exit 1 if one fails."""
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    from codriver.simulators import (  # noqa: PLC0415  (AutoGen loads slowly)
        ScenarioResult,
        SimOptions,
        scenario_paths,
        simulate,
        summarise,
        write_report,
    )

    files = scenario_paths(list(paths))
    with runtime() as rt:
        columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("simulating", total=len(files) * runs)

            def done(result: ScenarioResult) -> None:
                bar.update(task, advance=1, description=f"{result.scenario} (seed {result.seed})")

            options = SimOptions(llm=llm, traveller=traveller, traveller_llm=traveller_llm, api=api)
            results = simulate(
                files,
                runtime=rt,
                runs=runs,
                seed=seed,
                options=options,
                executor=executor,
                address=address,
                on_result=done,
            )
    summary = summarise(results)
    if report is not None:
        write_report(results, report)
    if as_json:
        print_json({"summary": summary, "results": [r.model_dump(mode="json") for r in results]})
    else:
        for result in results:
            mark = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
            console.print(f"{mark} {result.scenario} seed={result.seed} rating={result.rating}")
            for item in result.expectations:
                if not item.passed:
                    console.print(f"    {item.name}: {item.detail}")
        console.print(
            f"expectations met {summary['expectations_met']}/{summary['expectations_total']}, "
            f"places outside the catalogue {summary['places_outside_catalogue']}, "
            f"leaks {summary['leaks']}, mean rating {summary['mean_rating']}"
        )
        if report is not None:
            console.print(f"report: {report / 'report.html'}")
    if summary["runs_passed"] != summary["runs"]:
        raise typer.Exit(1)
