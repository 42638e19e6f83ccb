"""``codriver serve``: the HTTP API (uvicorn), with the trip scheduler inside by default.

With ``--workers N`` (N > 1) uvicorn runs N worker processes that each build the app
from the options this process puts in ``CODRIVER_SERVE_OPTIONS`` (:func:`worker_app`).
Trip jobs must run in exactly one process, so then no worker runs the scheduler: this
process starts one ``codriver scheduler`` beside the workers (same clock, planner and
assistant) and stops it on exit, unless ``--no-scheduler`` says another one runs
elsewhere. Each worker rate-limits on its own and caches credentials for
``auth_cache_s``.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codriver.errors import InputError

if TYPE_CHECKING:
    from codriver.bootstrap import Runtime
    from codriver.scheduling import Clock

__all__ = ["OPTIONS_ENV", "ClockOption", "command", "load_factory", "make_clock", "pinned_clock", "worker_app"]

#: The environment variable that hands the options of ``serve`` to its worker processes.
OPTIONS_ENV = "CODRIVER_SERVE_OPTIONS"

ClockOption = Annotated[
    str | None,
    typer.Option(
        "--clock",
        help="simulated time ORIGIN[@WALL_ORIGIN]xSPEED (ISO times with offsets), e.g. 2026-06-01T08:00+03:00x60",
    ),
]
LLM_CHOICES = ("local", "openai", "replay", "none")
PlannerOption = Annotated[
    str | None, typer.Option("--planner", help="MODULE:FACTORY building the TripPlanner from the runtime")
]
AssistantOption = Annotated[
    str | None, typer.Option("--assistant", help="MODULE:FACTORY building the AssistantPort from the runtime")
]


def make_clock(text: str | None) -> Clock:
    """The clock of ``--clock`` (real time without it)."""
    from codriver.scheduling import SystemClock, parse_warp  # noqa: PLC0415  (the CLI imports a verb's modules when it runs)

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


def pinned_clock(text: str | None) -> str | None:
    """``--clock`` with its wall origin filled in (now), so that several processes agree on the time."""
    if not text:
        return text
    make_clock(text)  # InputError for a malformed clock, before any process starts
    head, _, speed = text.rpartition("x")
    origin, _, wall = head.partition("@")
    return text if wall else f"{origin}@{datetime.now(UTC).isoformat()}x{speed}"


def _logging(log_level: str) -> None:
    from codriver.api import RequestIdFilter  # noqa: PLC0415  (the web stack loads only for this verb)

    fmt = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
    logging.basicConfig(level=log_level.upper(), format=fmt)
    for handler in logging.getLogger().handlers:  # every line written while answering names its request
        handler.addFilter(RequestIdFilter())
    if log_level.lower() != "debug":  # APScheduler logs every run of every job at INFO
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _app(options: dict[str, Any]) -> Any:
    from codriver.api import AgentsAssistant, ApiSettings, EnginePlanner, create_app, default_planner  # noqa: PLC0415  (the web stack loads only for this verb)
    from codriver.bootstrap import Runtime  # noqa: PLC0415
    from codriver.settings import load_settings  # noqa: PLC0415

    runtime = Runtime(load_settings())
    api = ApiSettings(scheduler=options["scheduler"], rate_per_s=options["rate"], rate_burst=options["burst"])
    planner = load_factory(options["planner"], runtime)
    assistant = load_factory(options["assistant"], runtime)
    if assistant is None and options.get("llm"):
        planner = planner or default_planner(runtime)
        if not isinstance(planner, EnginePlanner):
            msg = "--llm sets the model of the built-in agents, which need the built-in planner"
            raise InputError(msg, field="llm")
        assistant = AgentsAssistant(planner, runtime, backend=options["llm"])
    return create_app(
        runtime, planner=planner, assistant=assistant, clock=make_clock(options["clock"]), api_settings=api
    )


def worker_app() -> Any:
    """The app of one ``--workers`` process, from the options in ``CODRIVER_SERVE_OPTIONS`` (uvicorn factory)."""
    options = json.loads(os.environ[OPTIONS_ENV])
    _logging(options["log_level"])
    return _app(options)


def _scheduler_process(options: dict[str, Any]) -> subprocess.Popen[bytes]:
    """``codriver scheduler`` with the same clock, planner and assistant (beside the workers)."""
    args = [sys.executable, "-m", "codriver.cli._scheduler", "--log-level", options["log_level"]]
    for name in ("clock", "planner", "assistant"):
        if options[name]:
            args += [f"--{name}", options[name]]
    return subprocess.Popen(args)  # noqa: S603  (our own interpreter and options)


def command(  # noqa: PLR0917  (typer options)
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port")] = 8000,
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="run trip jobs here (off: run `codriver scheduler`)")
    ] = True,
    clock: ClockOption = None,
    planner: PlannerOption = None,
    assistant: AssistantOption = None,
    rate: Annotated[float, typer.Option(min=0.1, help="requests per second per credential (per worker)")] = 20.0,
    burst: Annotated[int, typer.Option(min=1, help="requests allowed at once per credential (per worker)")] = 40,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="worker processes (more than 1: the scheduler runs in its own process)")
    ] = 1,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="the agents' model: local, openai, replay, or none (rules only); default: settings"),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the web-app and head-unit API under /v1 (OpenAPI at /v1/openapi.json) and the web app at /."""
    import uvicorn  # noqa: PLC0415  (the web stack loads only for this verb)

    if llm is not None and llm not in LLM_CHOICES:
        msg = f"--llm {llm!r} is not one of {', '.join(LLM_CHOICES)}"
        raise InputError(msg, field="llm")
    _logging(log_level)
    options: dict[str, Any] = {
        "scheduler": scheduler,
        "clock": pinned_clock(clock),
        "planner": planner,
        "assistant": assistant,
        "rate": rate,
        "burst": burst,
        "llm": llm,
        "log_level": log_level,
    }
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "timeout_graceful_shutdown": 2,
        "access_log": False,
    }
    if workers == 1:
        uvicorn.run(_app(options), **common)
        return
    jobs = _scheduler_process(options) if scheduler else None
    os.environ[OPTIONS_ENV] = json.dumps({**options, "scheduler": False})
    try:
        # a worker imports the whole service before it answers the supervisor's pings: on a
        # busy machine that takes longer than uvicorn's 5 s default, and it would be killed
        uvicorn.run(
            "codriver.cli._serve:worker_app", factory=True, workers=workers, timeout_worker_healthcheck=120, **common
        )
    finally:
        if jobs is not None:
            jobs.terminate()
            try:
                jobs.wait(timeout=15)
            except subprocess.TimeoutExpired:
                jobs.kill()
                jobs.wait()


if __name__ == "__main__":  # python -m codriver.cli._serve (before the verb is registered)
    typer.run(command)
