"""One assistant behind every door: the same request gives the same itinerary.

The trip in words goes through the CLI (``codriver plan TEXT --json``), ``POST /v1/plan``,
a head-unit wish event (the trip planned without the wished place, then the car asks
for it before departure) and a simulator scenario, on the embedded Helsinki region with
the solvers in their repeatable mode. Each door must give the same stops in the same
order at the same times (within a minute).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
import pytest
import typer
from typer.testing import CliRunner

from codriver.agents import AssistantReply, TripAssistant
from codriver.api import ApiSettings, create_app
from codriver.bootstrap import Runtime
from codriver.cli import _plan
from codriver.planning import Itinerary, RegionTools, deterministic_search
from codriver.scheduling import FixedClock
from codriver.simulators import Scenario, run_scenario_async
from codriver.simulators import _runner as runner

NOW = datetime(2027, 5, 31, 8, 0, tzinfo=UTC)
TRIP = "On 2 June 2027 from 10:00 to 16:00 starting from Rautatientori, a museum and lunch"
WISH = "Kiasma please"
TEXT = f"{TRIP}, visiting Kiasma"
KIASMA = "osm:way/8042215"

Stop = tuple[str, str | None, datetime | None, datetime | None]


def _stops(itinerary: dict[str, Any]) -> list[Stop]:
    """(kind, place, arrival, departure) of each stop; the start and end by kind only (their labels differ)."""

    def at(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return [(s["kind"], s.get("poi_id"), at(s.get("arrive_at")), at(s.get("depart_at"))) for s in itinerary["stops"]]


def _same(a: list[Stop], b: list[Stop], door: str) -> None:
    assert [s[:2] for s in a] == [s[:2] for s in b], door
    for x, y in zip(a, b, strict=True):
        for t, u in zip(x[2:], y[2:], strict=True):
            assert (t is None) == (u is None), door
            if t is not None and u is not None:
                assert abs((t - u).total_seconds()) <= 60, f"{door}: {x} vs {y}"


def _cli(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[Stop]:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    app = typer.Typer()
    app.command()(_plan.command)
    with deterministic_search():
        result = CliRunner().invoke(app, [TEXT, "--llm", "none", "--json"])
    assert result.exit_code == 0, result.output
    return _stops(json.loads(result.stdout)["itinerary"])


async def _planned(client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """The trip ``POST /v1/plan`` made, waiting on its job when it answered 202."""
    response = await client.post("/v1/plan", json=body, headers=headers)
    assert response.status_code in {201, 202}, response.text
    for _ in range(600):
        if response.status_code == 201:
            return dict(response.json())
        job = response.json()
        if job.get("trip_id") is not None:
            return dict((await client.get(f"/v1/trips/{job['trip_id']}", headers=headers)).json())
        assert job["status"] in {"queued", "running"}, job
        await anyio.sleep(0.05)
        response = await client.get(f"/v1/jobs/{job['id']}", headers=headers)
    raise AssertionError(response.text)


async def _api(helsinki: Runtime) -> tuple[list[Stop], list[Stop]]:
    """``POST /v1/plan`` with the whole text, and the head unit's wish on the trip planned without it."""
    app = create_app(
        helsinki,
        clock=FixedClock(NOW),
        api_settings=ApiSettings(scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            user = {"email": "ann@example.org", "password": "correct horse"}
            assert (await client.post("/v1/users", json=user)).status_code == 201
            token = (await client.post("/v1/auth/token", json=user)).json()["access_token"]
            ann = {"Authorization": f"Bearer {token}"}
            planned = await _planned(client, {"text": TEXT}, ann)
            whole = _stops(planned["itinerary"]["itinerary"])

            car = await client.post("/v1/vehicles", json={"name": "Golf", "powertrain": "ice"}, headers=ann)
            assert car.status_code == 201, car.text
            vehicle = car.json()["id"]
            key = (await client.post(f"/v1/vehicles/{vehicle}/api-key", headers=ann)).json()["api_key"]
            trip = await _planned(client, {"text": TRIP, "vehicle_id": vehicle}, ann)
            assert KIASMA not in [s[1] for s in _stops(trip["itinerary"]["itinerary"])], "the wish adds the place"
            wish = {"kind": "wish", "text": WISH, "occurred_at": NOW.isoformat()}
            event = await client.post(
                f"/v1/trips/{trip['id']}/events", json=wish, headers={"Authorization": f"Bearer {key}"}
            )
            assert event.status_code in {200, 201, 202}, event.text
            latest = (await client.get(f"/v1/trips/{trip['id']}", headers=ann)).json()
            return whole, _stops(latest["itinerary"]["itinerary"])


async def _simulator(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[Stop]:
    plans: list[Itinerary] = []

    class Recording(TripAssistant):
        """The runner's assistant, keeping each plan it makes (the result reports only the drive)."""

        async def send(self, text: str) -> AssistantReply:
            reply = await super().send(text)
            if reply.itinerary is not None:
                plans.append(reply.itinerary)
            return reply

    monkeypatch.setattr(runner, "TripAssistant", Recording)
    scenario = Scenario.model_validate(
        {
            "name": "every-door",
            "start": NOW.isoformat(),
            "persona": {"name": "Ann", "household": {"ages": [40]}, "home": "Rautatientori", "talkativeness": 0.0},
            "vehicle": {"powertrain": "ice"},
            "request": TEXT,
        }
    )
    result = await run_scenario_async(scenario, RegionTools.load(helsinki, "helsinki"))
    assert result.plan_status == "feasible", result
    return _stops(plans[0].model_dump(mode="json"))


def test_the_cli_api_head_unit_and_simulator_plan_alike(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = _cli(helsinki, monkeypatch)
    assert KIASMA in [s[1] for s in cli if s[0] == "visit"], cli
    with deterministic_search():
        api, head_unit = anyio.run(_api, helsinki)
    simulator = anyio.run(_simulator, helsinki, monkeypatch)
    _same(api, cli, "POST /v1/plan")
    _same(head_unit, cli, "head-unit wish")
    _same(simulator, cli, "simulator")
