"""FastAPI dependencies and their ``Annotated`` aliases (``SessionDep``, ``CurrentUser``, ...).

Two kinds of credentials arrive as ``Authorization: Bearer ...``: a web-app token
(``cdu_...``: the user) and a head-unit key (``cdv_...``: one vehicle, acting for its
owner). A head-unit key reaches only its own vehicle and its owner's trips; web-app
routes need a user token. Foreign IDs answer 404, exactly like missing ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Header, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from codriver.api._limits import charge_failed
from codriver.api._security import KEY_PREFIX, TOKEN_PREFIX, hash_secret
from codriver.api._services import Services
from codriver.api._settings import MAX_ID
from codriver.errors import InputError
from codriver.store import (
    RecordNotFound,
    Trip,
    Vehicle,
    owned_trip,
    owned_vehicle,
    session_scope,
    user_for_token,
    vehicle_for_key,
)

__all__ = [
    "AnyPrincipal",
    "CurrentUser",
    "HeadUnitTrip",
    "HeadUnitVehicle",
    "IfMatch",
    "Principal",
    "ServicesDep",
    "SessionDep",
    "TripDep",
    "VehicleDep",
    "bearer",
    "get_services",
    "principal_key",
    "reachable_vehicle",
    "recheck",
    "short_read",
]

T = TypeVar("T")
#: Worker threads for :func:`short_read` on a network database (below the engine's pool size).
SHORT_READ_THREADS = 8

bearer = HTTPBearer(auto_error=False, description="web-app token (cdu_...) or head-unit key (cdv_...)")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (web app), or a vehicle's head-unit acting for its owner."""

    user_id: int
    vehicle_id: int | None = None
    token_hash: str | None = None

    @property
    def is_head_unit(self) -> bool:
        """Whether the credential is a head-unit key."""
        return self.vehicle_id is not None


async def get_services(request: Request) -> Services:
    """The app's services (built by :func:`~codriver.api.create_app`)."""
    services = getattr(request.app.state, "services", None)
    if not isinstance(services, Services):
        msg = "the app has no services: build it with create_app() and start it (lifespan)"
        raise TypeError(msg)
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def short_read(services: Services, fn: Callable[..., T], *args: Any) -> T:
    """Run a short read by primary key or index in a worker thread of its own pool.

    Never on the event loop, not even on SQLite: a read there waits for a pooled
    connection, and the connections may be held by requests that wait for the loop (the
    whole server froze so under 16 head-units). Its own threads (fewer than pooled
    connections) mean no short read waits behind slow routes in the shared thread pool.
    """
    limiter = services.extras.get("short_reads")
    if not isinstance(limiter, anyio.CapacityLimiter):
        limiter = anyio.CapacityLimiter(SHORT_READ_THREADS)
        services.extras["short_reads"] = limiter
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


async def admitted(services: ServicesDep) -> AsyncIterator[None]:
    """One of the process's turns for a request session (503 + Retry-After when none comes in time)."""
    async with services.admission.turn():
        yield


def get_session(
    services: ServicesDep, _turn: Annotated[None, Depends(admitted, scope="function")]
) -> Iterator[Session]:
    """A session committed when the request succeeds (taken only with a turn: see :class:`Admission`)."""
    with session_scope(services.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _lookup(services: Services, secret: str, digest: str) -> Principal | None:
    with session_scope(services.engine) as session:
        if secret.startswith(KEY_PREFIX):
            vehicle = vehicle_for_key(session, key_hash=digest)
            if vehicle is not None and vehicle.id is not None:
                return Principal(user_id=vehicle.user_id, vehicle_id=vehicle.id)
        elif secret.startswith(TOKEN_PREFIX):
            user = user_for_token(session, token_hash=digest, now=services.clock.now())
            if user is not None and user.id is not None:
                return Principal(user_id=user.id, token_hash=digest)
    return None


async def recheck(services: Services, secret: str, principal: Principal, trip_id: int | None = None) -> bool:
    """Whether ``secret`` still names ``principal`` (and its user still owns ``trip_id``), from the database.

    No cache: a long-lived stream asks this every few seconds to notice a rotated key, a
    signed-out token or a deleted trip.
    """

    def check() -> bool:
        again = _lookup(services, secret, hash_secret(secret))
        if again is None or again != principal:
            return False
        if trip_id is None:
            return True
        with session_scope(services.engine) as session:
            trip = session.get(Trip, trip_id)
            return trip is not None and trip.user_id == principal.user_id

    return await short_read(services, check)


async def get_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    request: Request,
) -> Principal:
    """The caller, from a bearer token or head-unit key (401 when missing, unknown or expired).

    Answers are cached for ``ApiSettings.auth_cache_s`` per process: a revoked token or a
    rotated key stops working in this process at once, in others within that time.
    """
    if credentials is None or not credentials.credentials:
        detail = "sign in: send Authorization: Bearer <token or head-unit key>"
        raise _unauthorized(detail)
    secret = credentials.credentials
    digest = hash_secret(secret)
    cached = services.auth_cache.get(digest)
    principal = cached if isinstance(cached, Principal) else None
    if principal is None:
        principal = await short_read(services, _lookup, services, secret, digest)
        if principal is None:
            charge_failed(services.buckets, request.scope)  # guessing costs the address's bucket
            detail = "unknown or expired credential: sign in again (POST /v1/auth/token)"
            raise _unauthorized(detail)
        services.auth_cache.put(digest, principal)
        services.buckets.remember(digest, principal_key(principal))
    return principal


def principal_key(principal: Principal) -> str:
    """The rate-limit bucket of a principal: one per head-unit, one per user (all their tokens)."""
    return f"v:{principal.vehicle_id}" if principal.vehicle_id is not None else f"u:{principal.user_id}"


AnyPrincipal = Annotated[Principal, Depends(get_principal)]


def get_user(principal: AnyPrincipal) -> Principal:
    """A web-app user (403 for a head-unit key)."""
    if principal.is_head_unit:
        detail = "a head-unit key cannot use the web-app API"
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)
    return principal


CurrentUser = Annotated[Principal, Depends(get_user)]


def reachable_vehicle(session: Session, principal: Principal, vehicle_id: int) -> Vehicle:
    """The vehicle ``vehicle_id`` if the caller reaches it: its owner, or its own head-unit (404 otherwise)."""
    if principal.vehicle_id is not None and principal.vehicle_id != vehicle_id:
        msg = f"no vehicle {vehicle_id}: a head-unit key reaches only its own vehicle"
        raise RecordNotFound(msg, field="vehicle_id")
    return owned_vehicle(session, user_id=principal.user_id, vehicle_id=vehicle_id)


def get_vehicle(
    session: SessionDep, principal: CurrentUser, vehicle_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Vehicle:
    """The signed-in user's vehicle from the path (404 otherwise)."""
    return reachable_vehicle(session, principal, vehicle_id)


def get_head_unit_vehicle(
    session: SessionDep, principal: AnyPrincipal, vehicle_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Vehicle:
    """The vehicle from the path, for its head-unit or its owner (404 otherwise)."""
    return reachable_vehicle(session, principal, vehicle_id)


VehicleDep = Annotated[Vehicle, Depends(get_vehicle)]
HeadUnitVehicle = Annotated[Vehicle, Depends(get_head_unit_vehicle)]


def get_trip(session: SessionDep, principal: CurrentUser, trip_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Trip:
    """The signed-in user's trip from the path (404 otherwise)."""
    return owned_trip(session, user_id=principal.user_id, trip_id=trip_id)


def get_head_unit_trip(
    session: SessionDep, principal: AnyPrincipal, trip_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Trip:
    """A trip of the caller's (or the head-unit's owner's) from the path (404 otherwise)."""
    return owned_trip(session, user_id=principal.user_id, trip_id=trip_id)


TripDep = Annotated[Trip, Depends(get_trip)]
HeadUnitTrip = Annotated[Trip, Depends(get_head_unit_trip)]


def get_if_match(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='the itinerary version your change is based on (3, "3" or W/"3", as in ETag): 409 if the'
            " trip has moved on",
            max_length=40,
        ),
    ] = None,
) -> int | None:
    """The trip version in ``If-Match`` (None when absent or ``*``); 422 on ``If-Match`` when unreadable."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or int(text) > MAX_ID:
        msg = f'If-Match must be a trip version such as "3" (the ETag of GET /v1/trips/{{id}}), not {if_match!r}'
        raise InputError(msg, field="If-Match")
    return int(text)


IfMatch = Annotated[int | None, Depends(get_if_match)]
