"""HTTP mode: the traveller, car and world drive a running ``codriver serve`` through its ``/v1`` API.

One run registers a user, adds the scenario's vehicle (with a head-unit key), asks for the
plan in the traveller's words (``POST /v1/plan``), says the later messages
(``POST /v1/trips/{id}/chat``), then drives on the **server's clock** (read from
``GET /v1/trips/{id}/next``): the car follows the current itinerary and reports telemetry
(``PUT /v1/vehicles/{id}/state``), the world's events are posted
(``POST /v1/trips/{id}/events``), the traveller decides on the recommendations it is shown
(``.../recommendations/{id}/decision``), and every new itinerary version is read back.

The server's clock must stand at the scenario's start (``codriver serve --clock
START@WALLxSPEED``); with ``xSPEED`` a run takes the trip's duration divided by SPEED. The
region tools (the same region data as the server's) check the catalogue and re-verify
each version.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from codriver.errors import CodriverError, ToolBadResponse
from codriver.planning import Itinerary, ItineraryStop, RegionTools
from codriver.simulators._result import Observed, ReplanRecord, ScenarioResult, Turn, conclude
from codriver.simulators._runner import TravellerFactory, mind_change_at, rule_traveller
from codriver.simulators._scenario import (
    ChargerOutEvent,
    ClosedEvent,
    DelayEvent,
    Scenario,
    ScenarioEvent,
    WeatherEvent,
    WishEvent,
)
from codriver.simulators._vehicle import VehicleSim
from codriver.simulators._world import World
from codriver.tools.geo import parse_latlon
from codriver.tools.home import InMemoryHome, climate_device

__all__ = ["api_event", "run_scenario_http"]

_PASSWORD = "simulated traveller"  # noqa: S105  (a throw-away account on the server under test)
_MAX_QUESTIONS = 3


# How long (real seconds) a report made ahead of the server's clock waits for that clock to catch up.
_CLOCK_WAIT_S = 120.0


class _Api:
    """Calls with one user's or one head-unit's credentials; a 5xx or unexpected answer raises."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(self, method: str, path: str, auth: str, **kwargs: Any) -> httpx.Response:
        response = await self.http.request(method, path, headers={"Authorization": f"Bearer {auth}"}, **kwargs)
        if response.status_code >= 500 or response.status_code in (401, 403, 404, 429):
            msg = f"{method} {path} answered {response.status_code}: {response.text[:500]}"
            raise ToolBadResponse(msg)
        return response

    async def ok(self, method: str, path: str, auth: str, **kwargs: Any) -> Any:
        response = await self.call(method, path, auth, **kwargs)
        if response.status_code >= 300:
            msg = f"{method} {path} answered {response.status_code}: {response.text[:500]}"
            raise ToolBadResponse(msg)
        return response.json() if response.content else None

    async def register(self, email: str) -> str:
        created = await self.http.post("/v1/users", json={"email": email, "password": _PASSWORD})
        token = await self.http.post("/v1/auth/token", json={"email": email, "password": _PASSWORD})
        if created.status_code != 201 or token.status_code != 201:
            msg = f"cannot register a simulated user: {created.status_code} {created.text[:300]} / {token.text[:300]}"
            raise ToolBadResponse(msg)
        return str(token.json()["access_token"])


def _vehicle_body(scenario: Scenario) -> dict[str, Any]:
    spec = scenario.vehicle
    body: dict[str, Any] = {"name": f"{scenario.persona.name}'s car", "powertrain": spec.powertrain}
    if spec.powertrain == "ev":
        body |= {
            "battery_kwh": spec.battery_kwh,
            "consumption_kwh_per_100km": spec.consumption_kwh_per_100km,
            "max_charge_kw": spec.max_charge_kw,
            "connectors": list(spec.connectors),
        }
    return body


def api_event(event: ScenarioEvent, plan: Itinerary, sim: VehicleSim) -> dict[str, Any] | None:
    """The ``POST /v1/trips/{id}/events`` body for a world event (None: nothing to report)."""
    at = {"occurred_at": sim.now.isoformat()}
    ahead = [s for s in plan.stops[1:-1] if s.arrive_at is not None and s.arrive_at > sim.now]
    if isinstance(event, DelayEvent):
        return {"kind": "delay", "minutes": event.minutes, **at}
    if isinstance(event, ClosedEvent):
        target = event.target.casefold()
        stop = next(
            (s for s in ahead if s.kind != "charge" and target in (s.name.casefold(), (s.category or ""))), None
        )
        return {"kind": "closure", "poi_id": stop.poi_id, **at} if stop is not None and stop.poi_id else None
    if isinstance(event, ChargerOutEvent):
        charger = next((s for s in ahead if s.charger is not None and s.poi_id), None)
        return {"kind": "charger_broken", "poi_id": charger.poi_id, **at} if charger is not None else None
    if isinstance(event, WishEvent):
        return {"kind": "wish", "text": event.text[:500], **at}
    if isinstance(event, WeatherEvent):
        sim.temperature_c = event.temperature_c
        return None
    msg = f"unknown event {event!r}"  # pragma: no cover - the union is closed
    raise TypeError(msg)


def _home(scenario: Scenario, tools: RegionTools) -> tuple[float, float] | None:
    point = parse_latlon(scenario.persona.home)
    if point is not None:
        return point.lat, point.lon
    if tools.gazetteer is None:
        return None
    try:
        found = tools.gazetteer.resolve(scenario.persona.home)
    except CodriverError:
        return None
    return found.lat, found.lon


def _first_answer(itinerary: Itinerary) -> str:
    if itinerary.status == "feasible":
        return f"Planned {len(itinerary.stops) - 2} stops."
    problems = "; ".join(v.message for v in itinerary.errors[:3])
    return f"No plan meets every wish ({problems})."


class _HttpRun:
    """One scenario against the server: the state shared by the steps below."""

    def __init__(self, run: Observed, api: _Api, tools: RegionTools, poll_s: float) -> None:
        self.run, self.api, self.tools, self.poll_s = run, api, tools, poll_s
        self.user = self.key = ""
        self.vehicle_id = self.trip_id = 0
        self.version = 0
        self.plans: dict[int, Itinerary] = {}
        self.decided: set[int] = set()

    def say(self, who: str, text: str) -> None:
        self.run.transcript.append(Turn(who=who, text=text))

    async def state(self, sim: VehicleSim | None, lat: float, lon: float, at: datetime) -> None:
        body: dict[str, Any] = {"recorded_at": at.isoformat(), "lat": lat, "lon": lon}
        if sim is not None and sim.soc is not None:
            body["soc"] = round(sim.soc, 4)
        elif sim is None and self.run.scenario.vehicle.powertrain == "ev":
            body["soc"] = self.run.scenario.vehicle.soc
        if sim is not None and sim.temperature_c is not None:
            body["outside_c"] = sim.temperature_c
        path = f"/v1/vehicles/{self.vehicle_id}/state"
        deadline = time.monotonic() + _CLOCK_WAIT_S
        while True:
            response = await self.api.call("PUT", path, self.key, json=body)
            ahead = response.status_code == 422 and response.json().get("field") == "recorded_at"
            if not ahead or time.monotonic() > deadline:
                break
            # the server refuses reports from its future: wait for its (warp) clock to reach the car's
            await asyncio.sleep(self.poll_s)
        if response.status_code >= 300:
            msg = f"PUT {path} answered {response.status_code}: {response.text[:500]}"
            raise ToolBadResponse(msg)

    async def fetch(self, version: int | None = None) -> Itinerary:
        """The itinerary of ``version`` (default: the current one), read once."""
        if version is None:
            trip = await self.api.ok("GET", f"/v1/trips/{self.trip_id}", self.user)
            version = int(trip["current_version"])
        if version not in self.plans:
            data = await self.api.ok("GET", f"/v1/trips/{self.trip_id}/itineraries/{version}", self.user)
            self.plans[version] = Itinerary.model_validate(data["itinerary"])
        self.version = max(self.version, version)
        return self.plans[version]

    async def plan(self, first: str) -> None:
        """Ask for the plan; answer what the server says is missing, up to three times."""
        run, person = self.run, self.run.traveller
        text = await person.opening(first)
        for _ in range(_MAX_QUESTIONS + 1):
            self.say("traveller", text)
            body: dict[str, Any] = {"text": text, "vehicle_id": self.vehicle_id, "title": run.scenario.name[:120]}
            point = parse_latlon(run.scenario.persona.home)
            if point is not None:  # as in process: a coordinates home is given as the origin
                body["origin"] = {"lat": point.lat, "lon": point.lon, "name": "Home"}
            response = await self.api.call("POST", "/v1/plan", self.user, json=body)
            if response.status_code == 202:
                response = await self._job(response.json()["id"])
            data = response.json()
            if response.status_code < 300 and data.get("id") is not None:
                self.trip_id = int(data["id"])
                plan = await self.fetch()
                run.first_answer = _first_answer(plan)
                self.say("server", run.first_answer)
                run.first_plan = run.plan = plan
                return
            run.first_answer = str(data.get("detail") or data.get("error", {}).get("detail") or data)
            self.say("server", run.first_answer)
            answer = await person.reply(run.first_answer)
            if answer is None:
                return
            text = f"{text}. {answer}"

    async def _job(self, job_id: str) -> httpx.Response:
        while True:
            response = await self.api.call("GET", f"/v1/jobs/{job_id}", self.user)
            job = response.json()
            if job["status"] == "done":
                return await self.api.call("GET", f"/v1/trips/{job['trip_id']}", self.user)
            if job["status"] == "failed":
                return httpx.Response(400, json=job["error"] or {"detail": "planning failed"})
            await asyncio.sleep(self.poll_s)

    async def chat(self, line: str) -> None:
        text = await self.run.traveller.refine(line)
        self.say("traveller", text)
        answer = await self.api.ok("POST", f"/v1/trips/{self.trip_id}/chat", self.user, json={"message": text})
        self.say("server", answer["reply"])
        if answer["replanned"] and answer["itinerary_version"]:
            self.run.plan = await self.fetch(int(answer["itinerary_version"]))

    async def change(self, record: ReplanRecord, body: dict[str, Any], who: str) -> None:
        """Post an event; adopt the version it produced."""
        record.message = str(body.get("text") or body["kind"])
        self.say(who, f"{body['kind']}: {record.message}")
        tick = time.perf_counter()
        answer = await self.api.ok("POST", f"/v1/trips/{self.trip_id}/events", self.key, json=body)
        self.run.latencies.append(round(time.perf_counter() - tick, 4))
        record.agent = "server"
        self.say("server", str(answer.get("explanation") or ""))
        version = answer.get("itinerary_version")
        if version is not None and int(version) > self.version:
            self.run.plan = await self.fetch(int(version))
            record.replanned = True
            record.status = self.run.plan.status

    async def decide(self, recommendations: list[dict[str, Any]]) -> None:
        """The traveller's verdict on each new pending recommendation it has an opinion on."""
        person = self.run.traveller
        for rec in recommendations:
            if rec["id"] in self.decided or rec["outcome"] != "pending":
                continue
            self.decided.add(rec["id"])
            self.run.pick(rec["poi_id"], rec.get("name"), rec.get("category"))
            if person.likes(rec.get("name") or "", rec.get("category")) is None:
                continue  # indifferent: leaves it pending
            said = await person.respond_to(rec["poi_id"], rec.get("name") or "", rec.get("category"))
            accepted = said is None
            body = {"outcome": "accepted" if accepted else "rejected", "reason": (said or "")[:500] or None}
            path = f"/v1/trips/{self.trip_id}/recommendations/{rec['id']}/decision"
            await self.api.ok("POST", path, self.key, json=body)
            self.say("traveller", f"{body['outcome']} {rec.get('name')}: {said or ''}".strip())
            if accepted:
                self.run.plan = await self.fetch()

    async def drive(self) -> None:
        """Follow the plan on the server's clock until arrival, reporting and reacting."""
        run, scenario = self.run, self.run.scenario
        plan = run.plan
        assert plan is not None
        assert plan.stops[0].depart_at is not None
        depart = plan.stops[0].depart_at
        sim = run.sim = VehicleSim(scenario.vehicle, depart, plan.stops[0].lat, plan.stops[0].lon)
        run.home = InMemoryHome(
            [climate_device(scenario.home.entity_id, current_c=scenario.home.indoor_c, mode="off")],
            clock=lambda: sim.now,
        )
        world = World(scenario.events, depart)
        mind = mind_change_at(run.traveller, run.seed, depart, plan.stops[-1].arrive_at or depart)
        fired = False
        while True:
            nxt = await self.api.ok("GET", f"/v1/trips/{self.trip_id}/next", self.key)
            now = datetime.fromisoformat(nxt["now"])
            if int(nxt["itinerary_version"]) > self.version:
                run.plan = await self.fetch(int(nxt["itinerary_version"]))
            plan = run.plan
            assert plan is not None
            end = plan.stops[-1].arrive_at or now
            if now > sim.now:
                sim.advance(plan, min(now, end))
                await self.state(sim, sim.lat, sim.lon, sim.now)
            if now >= depart:
                await self.decide(nxt["recommendations"])
            upcoming = world.next_time()
            if upcoming is not None and upcoming <= min(now, end):  # later ones happen after arrival
                await self._world(world, plan, sim, depart)
                continue
            if mind is not None and mind <= min(now, end):
                mind = None
                ahead = [s for s in plan.stops[1:-1] if s.arrive_at is not None and s.arrive_at > sim.now]
                await self._mind(ahead, sim, depart)
                continue
            preheat = scenario.home.preheat_min
            if preheat is not None and not fired and now >= end - timedelta(minutes=preheat):
                await run.home.set_climate(scenario.home.entity_id, scenario.home.target_c, "heat")
                fired = True
            if now >= end:
                run.arrival = end
                break
            await asyncio.sleep(self.poll_s)
        run.replans.extend(
            ReplanRecord(at_min=late.at_min, event=late.kind, message=None, status="after arrival")
            for late in world.pending()
        )

    async def _world(self, world: World, plan: Itinerary, sim: VehicleSim, depart: datetime) -> None:
        fired = world.take()
        event = fired.kind
        minutes = round((sim.now - depart).total_seconds() / 60, 2)
        record = ReplanRecord(at_min=minutes, event=event, message=None)
        body = api_event(fired, plan, sim)
        if body is not None:
            await self.change(record, body, "world")
        self.run.replans.append(record)

    async def _mind(self, ahead: list[ItineraryStop], sim: VehicleSim, depart: datetime) -> None:
        said = await self.run.traveller.mind_change(ahead)
        minutes = round((sim.now - depart).total_seconds() / 60, 2)
        record = ReplanRecord(at_min=minutes, event="mind_change", message=said)
        if said is not None:
            body = {"kind": "wish", "text": said[:500], "occurred_at": sim.now.isoformat()}
            await self.change(record, body, "traveller")
        self.run.replans.append(record)


async def run_scenario_http(
    scenario: Scenario,
    tools: RegionTools,
    *,
    api_url: str,
    seed: int = 0,
    path: str = "",
    traveller: TravellerFactory = rule_traveller,
    transport: httpx.AsyncBaseTransport | None = None,
    poll_s: float = 0.25,
) -> ScenarioResult:
    """Run ``scenario`` against the server at ``api_url`` (its clock at the scenario's start).

    Each run registers its own user. ``poll_s`` is the real-time pause between polls.
    """
    run = Observed(scenario=scenario, traveller=traveller(scenario, seed), path=path, seed=seed, mode="http")
    async with httpx.AsyncClient(base_url=api_url.rstrip("/"), timeout=300.0, transport=transport) as http:
        api = _Api(http)
        step = _HttpRun(run, api, tools, poll_s)
        step.user = await api.register(f"sim-{scenario.name}-{seed}-{uuid.uuid4().hex[:12]}@simulation.invalid")
        vehicle = await api.ok("POST", "/v1/vehicles", step.user, json=_vehicle_body(scenario))
        step.vehicle_id = int(vehicle["id"])
        step.key = (await api.ok("POST", f"/v1/vehicles/{step.vehicle_id}/api-key", step.user))["api_key"]
        home = _home(scenario, tools)
        if home is not None:  # the car is at home: a coordinates home becomes the trip's origin
            # reported at the server's clock when that is still before the start (it refuses reports from its future)
            server_now = (await http.get("/v1/health")).json().get("now")
            at = min(scenario.start, datetime.fromisoformat(server_now)) if server_now else scenario.start
            await step.state(None, home[0], home[1], at)
        await step.plan(scenario.first_message)
        if step.trip_id:
            for line in scenario.later_messages:
                await step.chat(line)
            plan = run.plan
            if plan is not None and plan.status == "feasible" and len(plan.stops) >= 2 and plan.stops[0].depart_at:
                await step.drive()
        plans = [step.plans[v] for v in sorted(step.plans)]
    return await conclude(run, tools, plans)
