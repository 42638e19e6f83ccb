"""``codriver demo`` stores its plan for the demo account, which signs in to the web app and sees it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from codriver.api import ApiSettings, create_app
from codriver.bootstrap import Runtime
from codriver.cli._demo_web import DEMO_EMAIL, store_demo_trip
from codriver.planning import RegionTools, TripRequest, plan_trip
from codriver.scheduling import FixedClock
from codriver.settings import Settings


def test_the_demo_plan_is_the_demo_accounts_newest_trip(tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path))
    tools = RegionTools.load(runtime, "helsinki")
    request = TripRequest.model_validate(
        {
            "origin": "60.1699,24.9384",
            "depart_at": "2026-12-01T10:00:00+02:00",
            "return_by": "2026-12-01T15:00:00+02:00",
            "interests": {"museum": 1.0},
        }
    )
    itinerary = plan_trip(request, tools, max_candidates=8, time_limit_s=0.3)
    first, old_password = store_demo_trip(runtime, itinerary, title="Museums")
    second, password = store_demo_trip(runtime, itinerary, title="Museums again")
    assert second != first
    assert password != old_password
    app = create_app(
        runtime, clock=FixedClock(datetime(2026, 11, 30, tzinfo=UTC)), api_settings=ApiSettings(scheduler=False)
    )
    with TestClient(app) as client:
        stale = client.post("/v1/auth/token", json={"email": DEMO_EMAIL, "password": old_password})
        assert stale.status_code == 401, "each demo run replaces the password"
        token = client.post("/v1/auth/token", json={"email": DEMO_EMAIL, "password": password})
        assert token.status_code == 201, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        trips = client.get("/v1/trips", headers=headers).json()
        assert [t["title"] for t in trips] == ["Museums again", "Museums"]
        trip = client.get(f"/v1/trips/{second}", headers=headers).json()
        assert trip["region"] == "helsinki"
        stops = trip["itinerary"]["itinerary"]["stops"]
        assert [s["poi_id"] for s in stops] == [s.poi_id for s in itinerary.stops]
        page = client.get("/")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
