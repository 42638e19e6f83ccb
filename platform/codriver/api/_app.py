"""The app factory: no settings, engine or scheduler exist until :func:`create_app` is called.

``create_app(runtime_or_settings, *, planner=..., assistant=..., home=..., clock=...)``
builds the FastAPI app; its lifespan builds the :class:`Services` (migrating the
database), starts the trip scheduler (unless disabled) and resumes unfinished planning
jobs. Tests pass fakes for the ports and override dependencies as usual.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.types import Scope

from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._cache import TtlCache
from codriver.api._engine_planner import EnginePlanner
from codriver.api._errors import ErrorBody, install_error_handlers
from codriver.api._hub import NoticeHub
from codriver.api._input_guard import InputGuard
from codriver.api._limits import Admission, BodySizeLimit, RateLimit, TokenBuckets
from codriver.api._ports import AssistantPort, TripPlanner
from codriver.api._request_id import RequestId
from codriver.api._services import Services, TripService
from codriver.api._settings import ApiSettings
from codriver.api._trip_schemas import PlanIn
from codriver.api.routes import ROUTERS
from codriver.api.routes.plan import start_plan_job
from codriver.bootstrap import Runtime
from codriver.scheduling import ActionRunner, Clock, SystemClock, TripScheduler
from codriver.settings import Settings
from codriver.store import claim_plan_job, session_scope, unfinished_plan_jobs, update_plan_job
from codriver.tools.home import HomeAutomation

__all__ = ["API_VERSION", "WEB_APP_DIR", "build_services", "create_app", "default_planner"]

logger = logging.getLogger(__name__)
API_VERSION = "1.0.0"
#: The web app: plain ES modules and CSS, served as they are (no build step, no CDN).
WEB_APP_DIR = Path(__file__).resolve().parent / "web"
#: A planning job is started at most this often (first run included) before it is given up.
MAX_PLAN_ATTEMPTS = 3


def default_planner(runtime: Runtime) -> TripPlanner:
    """The planning engine over the runtime's regions."""
    return EnginePlanner(runtime)


def build_services(
    runtime: Runtime,
    *,
    api: ApiSettings,
    planner: TripPlanner | None = None,
    assistant: AssistantPort | None = None,
    home: HomeAutomation | None = None,
    clock: Clock | None = None,
    buckets: TokenBuckets | None = None,
) -> Services:
    """The services of one process (the API and ``codriver scheduler`` build the same)."""
    clock = clock or SystemClock()
    planner = planner or default_planner(runtime)
    if assistant is None:
        if not isinstance(planner, EnginePlanner):
            msg = "give an assistant when the planner is not the engine's"
            raise TypeError(msg)
        assistant = AgentsAssistant(planner, runtime)
    hub = NoticeHub()
    engine = runtime.engine
    trips = TripService(engine, planner=planner, assistant=assistant, clock=clock, hub=hub)
    return Services(
        engine=engine,
        settings=runtime.settings,
        api=api,
        planner=planner,
        assistant=assistant,
        home=home,
        clock=clock,
        hub=hub,
        buckets=buckets or TokenBuckets(rate=api.rate_per_s, burst=api.rate_burst),
        trips=trips,
        auth_cache=TtlCache(ttl_s=api.auth_cache_s),
        admission=Admission(limit=api.max_in_flight, wait_s=api.queue_wait_s),
    )


def make_scheduler(services: Services, *, name: str = "default") -> TripScheduler:
    """The trip scheduler over the services' database, clock and home."""
    runner = ActionRunner(
        services.engine, clock=services.clock, ops=services.trips, home=services.home, config=services.api.jobs
    )
    return TripScheduler(services.engine, runner, clock=services.clock, name=name)


def create_app(
    runtime_or_settings: Runtime | Settings,
    *,
    planner: TripPlanner | None = None,
    assistant: AssistantPort | None = None,
    home: HomeAutomation | None = None,
    clock: Clock | None = None,
    api_settings: ApiSettings | None = None,
    on_ready: Callable[[Services], None] | None = None,
) -> FastAPI:
    """The Codriver HTTP API (``/v1``, OpenAPI at ``/v1/openapi.json``)."""
    runtime = runtime_or_settings if isinstance(runtime_or_settings, Runtime) else Runtime(runtime_or_settings)
    api = api_settings or ApiSettings()
    buckets = TokenBuckets(rate=api.rate_per_s, burst=api.rate_burst)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client: httpx.AsyncClient | None = None
        home_port = home
        if home_port is None:  # the runtime's choice: Home Assistant when configured, else no home
            client = httpx.AsyncClient()
            home_port = runtime.home(client)
        services = build_services(
            runtime, api=api, planner=planner, assistant=assistant, home=home_port, clock=clock, buckets=buckets
        )
        app.state.services = services
        scheduler: TripScheduler | None = None
        if api.scheduler:
            scheduler = make_scheduler(services)
            await scheduler.start()
            services.trips.version_hooks.append(lambda trip_id: _sync(scheduler, trip_id))
            services.extras["scheduler"] = scheduler
        _resume_jobs(services)
        if on_ready is not None:
            on_ready(services)
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown()
            for task in list(services.background):
                task.cancel()
            if client is not None:
                await client.aclose()

    app = FastAPI(
        title="Codriver",
        version=API_VERSION,
        summary="Plan, recommend and repair car trips: web-app and head-unit API.",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # outermost last: rate limit, then read the body (bounded), then check it
    app.add_middleware(InputGuard, now=_now)
    app.add_middleware(BodySizeLimit, max_bytes=api.max_body_bytes)
    app.add_middleware(RateLimit, buckets=buckets)
    app.add_middleware(RequestId)  # outermost: every answer, a refusal too, carries its X-Request-ID
    v1 = APIRouter(prefix="/v1")

    @v1.get("/health", tags=["service"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness: the process answers (on the event loop: no worker thread, no database).

        ``now`` is the server's clock (ISO 8601 with offset): head-units and simulators set
        their reports' ``recorded_at`` by it (reports from its future are refused).
        """
        services = getattr(request.app.state, "services", None)
        now = services.clock.now().isoformat() if services is not None else None
        return {"status": "ok", "version": API_VERSION, "now": now}

    for router in ROUTERS:
        v1.include_router(router)
    app.include_router(v1)
    if api.web_app and WEB_APP_DIR.is_dir():
        # mounted last: /v1 routes win, everything else is the web app's files (index.html at /)
        app.mount("/", StaticFiles(directory=WEB_APP_DIR, html=True), name="web")
    return app


def _now(scope: Scope) -> datetime:
    """The app's clock (tests fix it), else the wall clock."""
    services = getattr(getattr(scope.get("app"), "state", None), "services", None)
    return services.clock.now() if isinstance(services, Services) else datetime.now(UTC)


async def _sync(scheduler: TripScheduler, trip_id: int) -> None:
    await scheduler.sync_trip(trip_id)


def _resume_jobs(services: Services) -> None:
    """Run again the planning jobs a previous process left unfinished (each in one process only).

    A job already started :data:`MAX_PLAN_ATTEMPTS` times (each ended by the service
    stopping, e.g. a crash while planning it) is marked failed with the reason instead of
    being run once more at every restart; so is one whose stored request no longer reads.
    """
    with session_scope(services.engine) as session:
        jobs = [(j.id, j.user_id, j.body, j.updated_at, j.attempts) for j in unfinished_plan_jobs(session)]
    for job_id, user_id, body, seen_at, attempts in jobs:
        now = services.clock.now()
        if not claim_plan_job(services.engine, job_id=job_id, seen_at=seen_at, at=now):
            continue  # another worker of this service resumed it
        try:
            request = PlanIn.model_validate(body)
        except ValidationError as exc:
            _give_up(
                services, job_id, f"the stored request no longer reads ({exc.error_count()} problems): send it again"
            )
            continue
        if attempts >= MAX_PLAN_ATTEMPTS:
            reason = f"planning was interrupted {attempts} times (the service stopped while planning): send it again"
            _give_up(services, job_id, reason)
            continue
        logger.info("resuming planning job %s (attempt %s of %s)", job_id, attempts + 1, MAX_PLAN_ATTEMPTS)
        start_plan_job(services, job_id, user_id, request)


def _give_up(services: Services, job_id: str, reason: str) -> None:
    logger.warning("planning job %s failed: %s", job_id, reason)
    error = ErrorBody(reason, None, status=503)
    update_plan_job(
        services.engine, job_id=job_id, at=services.clock.now(), status="failed", stage="failed", error=error
    )
