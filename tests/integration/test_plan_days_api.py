"""``POST /v1/plan`` with a trip of several days: the real engine on the embedded Helsinki region."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from codriver.api import ApiSettings, create_app
from codriver.bootstrap import Runtime
from codriver.scheduling import FixedClock

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def test_the_plan_endpoint_returns_each_day_and_the_nights(helsinki: Runtime) -> None:
    app = create_app(
        helsinki,
        clock=FixedClock(NOW),
        api_settings=ApiSettings(scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000, plan_inline_s=120),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        user = {"email": "days@example.org", "password": "correct horse"}
        assert client.post("/v1/users", json=user).status_code == 201
        headers = {"Authorization": f"Bearer {client.post('/v1/auth/token', json=user).json()['access_token']}"}
        request = {
            "origin": {"lat": 60.1675, "lon": 24.9525, "name": "Kauppatori"},
            "depart_at": "2026-06-05T09:00:00+03:00",  # Friday
            "return_by": "2026-06-06T17:00:00+03:00",  # Saturday
            "interests": {"museum": 1.0},
            "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:00"}],
        }
        response = client.post("/v1/plan", json={"request": request}, headers=headers)
        assert response.status_code == 201, response.text
        trip = response.json()
        itinerary = trip["itinerary"]["itinerary"]
        assert itinerary["status"] == "feasible", itinerary["violations"]
        assert len(itinerary["days"]) == 2
        (night,) = itinerary["nights"]
        days = itinerary["days"]
        assert days[0]["stops"][-1]["poi_id"] == night["poi_id"] == days[1]["stops"][0]["poi_id"]
        assert [len([s for s in d["stops"] if s["meal"] == "lunch"]) for d in days] == [1, 1]
        # existing clients read the trip as before: one list of stops, the night a stop of kind "stay"
        kinds = [s["kind"] for s in itinerary["stops"]]
        assert (kinds[0], kinds[-1], kinds.count("stay")) == ("start", "end", 1)
        assert itinerary["totals"]["nights"] == 1
        # stored as planned: the trip read back holds the days
        again = client.get(f"/v1/trips/{trip['id']}", headers=headers).json()
        assert len(again["itinerary"]["itinerary"]["days"]) == 2
