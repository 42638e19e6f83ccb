"""The app under test: a fresh SQLite file, fake planner and assistant, a fixed clock, no scheduler thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from api_fakes import ORIGIN, FakeAssistant, FakePlanner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from codriver.api import ApiSettings, Services, create_app
from codriver.scheduling import FixedClock
from codriver.settings import Settings

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
FAST = ApiSettings(scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000)


@dataclass
class Api:
    """The app under test and its fakes."""

    app: FastAPI
    client: TestClient
    planner: FakePlanner
    assistant: FakeAssistant
    clock: FixedClock

    @property
    def services(self) -> Services:
        services = self.app.state.services
        assert isinstance(services, Services)
        return services

    def user(self, email: str = "ann@example.org") -> dict[str, str]:
        """Register ``email`` and return its auth headers."""
        created = self.client.post("/v1/users", json={"email": email, "password": "correct horse"})
        assert created.status_code == 201, created.text
        token = self.client.post("/v1/auth/token", json={"email": email, "password": "correct horse"})
        assert token.status_code == 201, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def vehicle(self, headers: dict[str, str], **fields: Any) -> int:
        body = {"name": "Ioniq", "powertrain": "ev", "battery_kwh": 77.4, "connectors": ["ccs", "type2"], **fields}
        response = self.client.post("/v1/vehicles", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def key(self, headers: dict[str, str], vehicle_id: int) -> dict[str, str]:
        response = self.client.post(f"/v1/vehicles/{vehicle_id}/api-key", headers=headers)
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['api_key']}"}

    def plan(self, headers: dict[str, str], vehicle_id: int | None = None, **request: Any) -> dict[str, Any]:
        response = self.client.post(
            "/v1/plan", json={"request": trip_request(**request), "vehicle_id": vehicle_id}, headers=headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


def trip_request(**overrides: Any) -> dict[str, Any]:
    """A structured day trip from central Helsinki, tomorrow 07:00 UTC, back by 15:00."""
    depart = NOW + timedelta(hours=3)
    body: dict[str, Any] = {
        "origin": {"lat": ORIGIN.lat, "lon": ORIGIN.lon, "name": "Home"},
        "depart_at": depart.isoformat(),
        "return_by": (depart + timedelta(hours=8)).isoformat(),
        "must_visit": ["osm:node/1", "osm:node/3"],
        "vehicle": {"powertrain": "ev", "soc": 0.8},
    }
    body.update(overrides)
    return body


def make_api(settings: Settings, **api_overrides: Any) -> Iterator[Api]:
    planner, assistant, clock = FakePlanner(), FakeAssistant(), FixedClock(NOW)
    app = create_app(
        settings,
        planner=planner,
        assistant=assistant,
        clock=clock,
        api_settings=FAST.model_copy(update=api_overrides),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(app, client, planner, assistant, clock)
