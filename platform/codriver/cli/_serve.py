"""``codriver serve``: the HTTP API (uvicorn), with the trip scheduler inside by default."""

from __future__ import annotations

import importlib
import logging
from typing import Annotated, Any

import typer

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.scheduling import Clock, SystemClock, parse_warp
from codriver.settings import load_settings

__all__ = ["ClockOption", "command", "load_factory", "make_clock"]

ClockOption = Annotated[
    str | None,
    typer.Option(
        "--clock",
        help="simulated time ORIGIN[@WALL_ORIGIN]xSPEED (ISO times with offsets), e.g. 2026-06-01T08:00+03:00x60",
    ),
]
PlannerOption = Annotated[
    str | None, typer.Option("--planner", help="MODULE:FACTORY building the TripPlanner from the runtime")
]
AssistantOption = Annotated[
    str | None, typer.Option("--assistant", help="MODULE:FACTORY building the TripAssistant from the runtime")
]


def make_clock(text: str | None) -> Clock:
    """The clock of ``--clock`` (real time without it)."""
    if not text:
        return SystemClock()
    try:
        return parse_warp(text)
    except ValueError as exc:
        raise InputError(str(exc), field="clock") from exc


def load_factory(spec: str | None, runtime: Runtime) -> Any:
    """``module:function`` called with the runtime (None without a spec)."""
    if not spec:
        return None
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        msg = f"{spec!r} is not MODULE:FACTORY"
        raise InputError(msg, field="factory")
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        msg = f"cannot load {spec}: {exc}"
        raise InputError(msg, field="factory") from exc
    return factory(runtime)


def command(  # noqa: PLR0917  (typer options)
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port")] = 8000,
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="run trip jobs here (off: run `codriver scheduler`)")
    ] = True,
    clock: ClockOption = None,
    planner: PlannerOption = None,
    assistant: AssistantOption = None,
    rate: Annotated[float, typer.Option(min=0.1, help="requests per second per credential")] = 20.0,
    burst: Annotated[int, typer.Option(min=1, help="requests allowed at once per credential")] = 40,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the web-app and head-unit API under /v1 (OpenAPI at /v1/openapi.json)."""
    import uvicorn  # noqa: PLC0415  (the web stack loads only for this verb)

    from codriver.api import ApiSettings, create_app  # noqa: PLC0415

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_level.lower() != "debug":  # APScheduler logs every run of every job at INFO
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    runtime = Runtime(load_settings())
    api = ApiSettings(scheduler=scheduler, rate_per_s=rate, rate_burst=burst)
    app = create_app(
        runtime,
        planner=load_factory(planner, runtime),
        assistant=load_factory(assistant, runtime),
        clock=make_clock(clock),
        api_settings=api,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=2, access_log=False)


if __name__ == "__main__":  # python -m codriver.cli._serve (before the verb is registered)
    typer.run(command)
