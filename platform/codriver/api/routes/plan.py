"""Planning: ``POST /v1/plan`` (inline, or as a job to poll), jobs, and chat about a trip."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, status
from fastapi.responses import JSONResponse

from codriver.agents import MAX_TEXT, meals_moved, no_longer_planned
from codriver.api._deps import CurrentUser, ServicesDep, SessionDep, TripDep
from codriver.api._errors import ErrorBody, heard, status_of
from codriver.api._ports import ChatReply, NeedsAnswer
from codriver.api._services import Services
from codriver.api._trip_schemas import ChatIn, ChatOut, PlanIn, PlanJobPublic, TripDetail
from codriver.api.routes._convert import trip_detail
from codriver.errors import CodriverError, InputError
from codriver.planning import Itinerary, TripRequest
from codriver.store import PlanJob, create_plan_job, latest_itinerary, owned_plan_job, session_scope, update_plan_job

router = APIRouter(tags=["planning"])
REQUEST = frozenset(TripRequest.model_fields)
logger = logging.getLogger(__name__)


def _read(answer: TripRequest | ChatReply) -> tuple[TripRequest, Itinerary | None]:
    """The request of a text, and the itinerary the agents made of it when they planned it already."""
    if not isinstance(answer, ChatReply):
        return answer, None
    if answer.request is None:  # the agents' question, with what they read of the text
        raise NeedsAnswer(
            answer.reply or "the request could not be understood",
            understood=answer.understood,
            not_understood=answer.not_understood,
        )
    return answer.request, answer.itinerary  # their verified itinerary is stored, not planned again


async def run_plan_job(services: Services, job_id: str, user_id: int, body: PlanIn) -> int | None:
    """Plan ``body`` for the job: running -> done (with the trip) or failed (with the error body)."""
    now = services.clock.now
    await anyio.to_thread.run_sync(
        lambda: update_plan_job(
            services.engine, job_id=job_id, at=now(), status="running", stage="planning", progress=0.1
        )
    )
    try:
        request, made = body.request, None
        if request is None:
            assert body.text is not None
            context = await anyio.to_thread.run_sync(lambda: services.trips.context(None, user_id))
            if body.origin is not None:
                context = context.model_copy(update={"origin": body.origin})
            if body.vehicle_id is not None:  # the car the agents plan for, as the stored trip will have it
                vehicle_id = body.vehicle_id
                spec = await anyio.to_thread.run_sync(lambda: services.trips.vehicle(user_id, vehicle_id))
                context = context.model_copy(update={"vehicle": spec})
            await anyio.to_thread.run_sync(
                lambda: update_plan_job(services.engine, job_id=job_id, at=now(), stage="understanding", progress=0.2)
            )
            request, made = _read(await services.assistant.plan_text(body.text, context))
        planned = await services.trips.plan(
            user_id, request, title=body.title, vehicle_id=body.vehicle_id, trip_id=body.trip_id, planned=made
        )
    except Exception as exc:
        field = getattr(exc, "field", None)
        if isinstance(exc, InputError) and body.request is not None and field and field.split(".")[0] in REQUEST:
            exc.field = f"request.{field}"  # the path in this body, as a validation error names it
        if isinstance(exc, CodriverError):
            error = ErrorBody(str(exc), getattr(exc, "field", None), status=status_of(exc), **heard(exc))
        else:  # a bug: the job must not stay "running" for ever
            logger.exception("planning job %s failed", job_id)
            error = ErrorBody(
                f"internal error while planning ({type(exc).__name__}): it has been logged", None, status=500
            )
        await anyio.to_thread.run_sync(
            lambda: update_plan_job(
                services.engine, job_id=job_id, at=now(), status="failed", stage="failed", error=error
            )
        )
        raise
    trip_id = planned.trip.id
    await anyio.to_thread.run_sync(
        lambda: update_plan_job(
            services.engine, job_id=job_id, at=now(), status="done", stage="done", progress=1.0, trip_id=trip_id
        )
    )
    return trip_id


def start_plan_job(services: Services, job_id: str, user_id: int, body: PlanIn) -> asyncio.Task[int | None]:
    """Run a planning job in the background of this process (kept until it ends)."""
    task = asyncio.create_task(run_plan_job(services, job_id, user_id, body), name=f"plan-job-{job_id}")
    services.background.add(task)

    def done(t: asyncio.Task[int | None]) -> None:
        services.background.discard(t)
        if not t.cancelled():
            t.exception()  # retrieved: the failure is in the job row already

    task.add_done_callback(done)
    return task


def _job_public(job: PlanJob) -> PlanJobPublic:
    return PlanJobPublic.model_validate(job.model_dump(exclude={"user_id", "body", "attempts"}))


@router.post(
    "/plan",
    status_code=status.HTTP_201_CREATED,
    response_model=TripDetail,
    responses={202: {"model": PlanJobPublic, "description": "still planning: poll GET /v1/jobs/{id}"}},
)
async def plan(body: PlanIn, principal: CurrentUser, services: ServicesDep) -> Any:
    """Plan a trip from free text or a structured request and return it with its itinerary.

    Planning that takes longer than the inline limit (or ``background: true``) answers
    202 with a job to poll at ``GET /v1/jobs/{id}``.
    """
    job_id = uuid.uuid4().hex
    user_id = principal.user_id

    def create() -> None:
        with session_scope(services.engine) as session:
            create_plan_job(session, job_id=job_id, user_id=user_id, body=body.model_dump(mode="json"))

    await anyio.to_thread.run_sync(create)
    task = start_plan_job(services, job_id, user_id, body)
    if not body.background:
        try:
            trip_id = await asyncio.wait_for(asyncio.shield(task), timeout=services.api.plan_inline_s)
        except TimeoutError:
            pass
        else:
            assert trip_id is not None

            def load() -> TripDetail:
                with session_scope(services.engine) as session:
                    trip = services.trips.load_trip(trip_id)
                    return trip_detail(trip, latest_itinerary(session, trip_id=trip_id), services)

            return await anyio.to_thread.run_sync(load)

    def job() -> PlanJobPublic:
        with session_scope(services.engine) as session:
            return _job_public(owned_plan_job(session, user_id=user_id, job_id=job_id))

    data = (await anyio.to_thread.run_sync(job)).model_dump(mode="json")
    return JSONResponse(data, status_code=status.HTTP_202_ACCEPTED, headers={"Location": f"/v1/jobs/{job_id}"})


@router.get("/jobs/{job_id}", response_model=PlanJobPublic)
def job(
    job_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")],
    session: SessionDep,
    principal: CurrentUser,
) -> PlanJobPublic:
    """A planning job: queued, running, done (``trip_id``) or failed (``error``)."""
    return _job_public(owned_plan_job(session, user_id=principal.user_id, job_id=job_id))


@router.post("/trips/{trip_id}/chat", response_model=ChatOut)
async def chat(body: ChatIn, trip: TripDep, principal: CurrentUser, services: ServicesDep) -> ChatOut:
    """Talk about the trip; when the assistant revises the request, the trip is re-planned."""
    assert trip.id is not None
    trip_id, user_id = trip.id, principal.user_id
    row = await anyio.to_thread.run_sync(services.trips.load_latest, trip_id)
    itinerary = services.trips.itinerary_of(row) if row is not None else None
    context = await anyio.to_thread.run_sync(lambda: services.trips.context(trip, user_id, itinerary=itinerary))
    answer = await services.assistant.chat(body.message[:MAX_TEXT], context)
    if len(body.message) > MAX_TEXT:  # read up to there, as POST /v1/plan: what was left unread is said
        unread = {
            "said": body.message[MAX_TEXT : MAX_TEXT + 40],
            "reason": f"only the first {MAX_TEXT} characters are read",
        }
        answer = answer.model_copy(
            update={
                "reply": f"{answer.reply} (Only the first {MAX_TEXT:,} characters of your message were read.)",
                "not_understood": [*answer.not_understood, unread],
            }
        )
    read_back = {"understood": answer.understood, "not_understood": answer.not_understood}
    if answer.request is None:
        return ChatOut(reply=answer.reply, replanned=False, itinerary_version=row.version if row else None, **read_back)
    request = TripRequest.model_validate(answer.request)
    try:
        planned = await services.trips.plan(
            user_id,
            request,
            title=None,
            vehicle_id=None,
            trip_id=trip_id,
            reason=f"chat: {body.message[:200]}",
            expected_version=trip.current_version,  # made from this version: 409 if another came first
            planned=answer.itinerary,  # the served agents' verified plan of the revision, when they made one
        )
    except InputError as exc:
        # The assistant's revision is ours, not the traveller's input: the planner's words about it
        # (field names, catalogue IDs) are logged, the traveller hears that the trip is unchanged.
        logger.warning("chat revision of trip %s could not be planned: %s", trip_id, exc)
        return ChatOut(
            reply="That change could not be planned, so the trip stays as it was. Could you say it another way?",
            replanned=False,
            itinerary_version=row.version if row else None,
            **read_back,
        )
    version = planned.row.version if planned.row is not None else None
    reply = answer.reply
    if itinerary is not None and planned.row is not None:  # what the change cost is said, never dropped silently
        after = services.trips.itinerary_of(planned.row)
        lost = no_longer_planned(itinerary, after)
        if lost:
            reply += f" No longer in the plan: {', '.join(lost)}."
        moved = meals_moved(itinerary, after)
        if moved:
            reply += f" Changed: {'; '.join(moved)}."
        if after.status != "feasible" and after.relaxed:
            reply += f" No plan meets every wish; the closest gives up: {', '.join(after.relaxed)}."
    services.trips.publish(trip_id, "chat", {"message": body.message, "reply": reply}, dedupe_key=None)
    return ChatOut(reply=reply, replanned=True, itinerary_version=version, **read_back)
