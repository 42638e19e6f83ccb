"""The web app after ``codriver demo``: the demo plan stored for a local demo account, then served.

The account lives in the configured database like any other (created once); each demo run
gives it a fresh random password, printed on the screen, and adds its plan as a new trip,
so the web app opens on it.
"""

from __future__ import annotations

import secrets
from typing import Any

from codriver.bootstrap import Runtime
from codriver.planning import Itinerary
from codriver.store import append_itinerary, create_trip, create_user, session_scope, user_by_email

__all__ = ["DEMO_EMAIL", "serve_demo", "store_demo_trip"]

DEMO_EMAIL = "demo@codriver.localhost"


def store_demo_trip(runtime: Runtime, itinerary: Itinerary, *, title: str) -> tuple[int, str]:
    """Store ``itinerary`` as a new trip of the demo account (created on first use): (trip ID, new password)."""
    from codriver.api import hash_password  # noqa: PLC0415  (the web stack loads only here)

    assert itinerary.request is not None
    region = runtime.region(itinerary.region)
    password = secrets.token_urlsafe(9)
    password_hash = hash_password(password)
    with session_scope(runtime.engine) as session:
        user = user_by_email(session, email=DEMO_EMAIL)
        if user is None:
            user = create_user(session, email=DEMO_EMAIL, password_hash=password_hash, display_name="Demo")
        else:
            user.password_hash = password_hash
            session.add(user)
        assert user.id is not None
        trip = create_trip(
            session,
            user_id=user.id,
            title=title[:120],
            request=itinerary.request.model_dump(mode="json"),
            region_id=region.id,
        )
        assert trip.id is not None
        trip_id = trip.id
    append_itinerary(
        runtime.engine,
        trip_id=trip_id,
        document=itinerary.model_dump(mode="json"),
        status=itinerary.status,
        reason="codriver demo",
    )
    return trip_id, password


def serve_demo(runtime: Runtime, *, host: str, port: int, trip_id: int, password: str, say: Any) -> None:
    """Serve the API and the web app until Ctrl-C, telling how to sign in."""
    import uvicorn  # noqa: PLC0415

    from codriver.api import create_app  # noqa: PLC0415

    app = create_app(runtime)
    say(f"Web app: http://{host}:{port}/#/trips/{trip_id} — sign in as {DEMO_EMAIL} / {password}  (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2, access_log=False)
