"""``codriver scheduler``: the trip scheduler as its own process (with ``serve --no-scheduler``)."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codriver.cli._serve import AssistantOption, ClockOption, PlannerOption, load_factory, make_clock

if TYPE_CHECKING:
    from codriver.bootstrap import Runtime

__all__ = ["command"]


async def _run(
    runtime: Runtime, *, clock: str | None, planner: str | None, assistant: str | None, heartbeat: Path | None
) -> None:
    import httpx  # noqa: PLC0415

    from codriver.api import ApiSettings, build_services, make_scheduler  # noqa: PLC0415  (web stack on demand)

    async with httpx.AsyncClient() as client:
        services = build_services(
            runtime,
            api=ApiSettings(),
            planner=load_factory(planner, runtime),
            assistant=load_factory(assistant, runtime),
            home=runtime.home(client),
            clock=make_clock(clock),
        )
        scheduler = make_scheduler(services)
        scheduler.heartbeat = heartbeat
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await scheduler.start()
        logging.getLogger(__name__).info("scheduler running; jobs in %s", runtime.engine.url.render_as_string())
        try:
            await stop.wait()
        finally:
            scheduler.shutdown()


def command(
    clock: ClockOption = None,
    planner: PlannerOption = None,
    assistant: AssistantOption = None,
    log_level: Annotated[str, typer.Option(help="log level")] = "info",
    heartbeat: Annotated[
        Path | None, typer.Option(help="file touched every few seconds while the scheduler works (health checks)")
    ] = None,
) -> None:
    """Run trip jobs (pre-departure commands, checks, home actions, summaries) until stopped."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_level.lower() != "debug":  # APScheduler logs every run of every job at INFO
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    from codriver.bootstrap import Runtime  # noqa: PLC0415  (the CLI imports a verb's modules when it runs)
    from codriver.settings import load_settings  # noqa: PLC0415

    runtime = Runtime(load_settings())
    asyncio.run(_run(runtime, clock=clock, planner=planner, assistant=assistant, heartbeat=heartbeat))


if __name__ == "__main__":  # python -m codriver.cli._scheduler
    typer.run(command)
