"""Hand-written fakes of the API's ports (cosmicpython style): small, deterministic, inspectable.

``FakePlanner`` plans over a six-place catalogue around central Helsinki: start, the
must-visits (or the best places of the traveller's interests), end; drives at 10 m/s.
``FakeAssistant`` reads a handful of phrases and records every call. Both are importable
by ``codriver serve --planner api_fakes:planner --assistant api_fakes:assistant``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from codriver.api import AssistantContext, ChatReply, PlaceBrief, Suggestion, TripChange, revise_request
from codriver.api._ports import Alternative, ChargerOption, PlaceHit, RegionBrief, RegionMap, RoadLayer
from codriver.errors import InputError, PlaceNotFound
from codriver.planning import Itinerary, ItineraryLeg, ItineraryStop, Location, Totals, TripRequest
from codriver.tools.geo import LatLon, haversine_m

SPEED_MPS = 10.0
CATALOGUE: dict[str, PlaceBrief] = {
    p.poi_id: p
    for p in [
        PlaceBrief(poi_id="osm:node/1", name="Ateneum", category="museum", lat=60.1700, lon=24.9441),
        PlaceBrief(poi_id="osm:node/2", name="Kappeli", category="cafe", lat=60.1674, lon=24.9476),
        PlaceBrief(poi_id="osm:node/3", name="Kiasma", category="museum", lat=60.1718, lon=24.9368),
        PlaceBrief(poi_id="osm:node/4", name="Ravintola Savoy", category="restaurant", lat=60.1673, lon=24.9447),
        PlaceBrief(
            poi_id="osm:node/5", name="Esplanadi charger", category="charging_station", lat=60.1676, lon=24.9460
        ),
        PlaceBrief(poi_id="osm:node/6", name="Kaivopuisto", category="park", lat=60.1565, lon=24.9560),
    ]
}
ORIGIN = LatLon(60.1699, 24.9384)
# The fake's chargers: one with sockets and power recorded, one without (unverified).
CHARGERS: dict[str, ChargerOption] = {
    c.poi_id: c
    for c in [
        ChargerOption.model_validate(
            {
                "poi_id": "osm:node/5",
                "name": "Esplanadi charger",
                "lat": 60.1676,
                "lon": 24.9460,
                "distance_m": 0.0,
                "sockets": [{"connector": "ccs", "count": 2, "power_kw": 50.0}, {"connector": "type2", "count": 1}],
                "power_kw": 50.0,
                "network": "Helen",
                "operator": "Helen Oy",
                "verified": True,
                "current": False,
            }
        ),
        ChargerOption.model_validate(
            {
                "poi_id": "osm:node/7",
                "name": "Charging station",
                "lat": 60.1690,
                "lon": 24.9420,
                "distance_m": 0.0,
                "power_kw": 11.0,
                "verified": False,
                "assumed_socket": "Type 2 AC",
                "current": False,
            }
        ),
    ]
}
BOUNDS = (24.93, 60.15, 24.96, 60.18)


def drive_s(a: LatLon, b: LatLon) -> float:
    return round(haversine_m(a, b) / SPEED_MPS, 1)


def _point(location: Location) -> tuple[LatLon, str | None, str]:
    if location.point is not None:
        return location.point, location.place_id, location.name or "point"
    ref = location.place_id or location.name or ""
    place = CATALOGUE.get(ref) or next((p for p in CATALOGUE.values() if p.name == ref), None)
    if place is None:
        msg = f"no place {ref!r} in the fake catalogue"
        raise PlaceNotFound(msg, field="origin")
    return LatLon(place.lat, place.lon), place.poi_id, place.name or ref


@dataclass
class FakePlanner:
    """A :class:`~codriver.api.TripPlanner` over :data:`CATALOGUE`."""

    closed: set[str] = field(default_factory=set)
    plans: list[TripRequest] = field(default_factory=list)
    replans: list[TripChange] = field(default_factory=list)
    visit_min: float = 45.0
    delay_s: float = 0.0

    async def plan(self, request: TripRequest) -> Itinerary:
        self.plans.append(request)
        if self.delay_s:
            import asyncio

            await asyncio.sleep(self.delay_s)
        start, start_id, start_name = _point(request.origin)
        end, end_id, end_name = _point(request.end)
        wanted = [CATALOGUE[m] for m in request.must_visit if m in CATALOGUE]
        unknown = [m for m in request.must_visit if m not in CATALOGUE]
        if unknown:
            msg = f"must_visit: {unknown[0]!r} is not a catalogue place"
            raise PlaceNotFound(msg, field=f"must_visit.{request.must_visit.index(unknown[0])}")
        if request.stops is not None:  # the traveller's own stops, in their order
            wanted = [CATALOGUE[c.poi_id] for c in request.stops if c.poi_id in CATALOGUE]
        elif not wanted:
            liked = sorted(request.interests, key=lambda c: -request.interests[c])
            wanted = [p for c in liked for p in CATALOGUE.values() if p.category == c][:2]
        battery = request.vehicle.battery_kwh
        per_m = request.vehicle.consumption_kwh_per_100km / 100_000
        soc = request.vehicle.soc
        t = request.depart_at
        stops = [
            ItineraryStop(
                poi_id=start_id,
                name=start_name,
                kind="start",
                lat=start.lat,
                lon=start.lon,
                arrive_at=None,
                depart_at=t,
            )
        ]
        legs: list[ItineraryLeg] = []
        here = start
        charge: ChargerOption | None = None
        if request.vehicle.powertrain == "ev" and soc < 0.3:  # a charging stop first, at the chosen charger
            allowed = request.constraints.use_chargers or list(CHARGERS)
            charge = CHARGERS[next(c for c in allowed if c in CHARGERS)]
        for place in [*([charge] if charge is not None else []), *wanted, None]:
            if isinstance(place, ChargerOption):
                there = LatLon(place.lat, place.lon)
                metres, seconds = haversine_m(here, there), drive_s(here, there)
                energy = metres * per_m
                legs.append(
                    ItineraryLeg(
                        from_index=len(stops) - 1,
                        distance_m=round(metres, 1),
                        duration_s=seconds,
                        energy_kwh=round(energy, 4),
                        geometry={"type": "LineString", "coordinates": [[here.lon, here.lat], [there.lon, there.lat]]},
                    )
                )
                t, before, soc = t + timedelta(seconds=seconds), soc - energy / battery, 0.8
                leave = t + timedelta(minutes=30)
                stops.append(
                    ItineraryStop(
                        poi_id=place.poi_id,
                        name=place.name,
                        kind="charge",
                        lat=place.lat,
                        lon=place.lon,
                        arrive_at=t,
                        depart_at=leave,
                        soc_before=round(before, 4),
                        soc_after=soc,
                        energy_kwh=round((soc - before) * battery, 2),
                        power_kw=place.power_kw,
                    )
                )
                t, here = leave, there
                continue

            there = end if place is None else LatLon(place.lat, place.lon)
            metres = haversine_m(here, there)
            seconds = drive_s(here, there)
            energy = metres * per_m if request.vehicle.powertrain == "ev" else None
            legs.append(
                ItineraryLeg(
                    from_index=len(stops) - 1,
                    distance_m=round(metres, 1),
                    duration_s=seconds,
                    energy_kwh=round(energy, 4) if energy is not None else None,
                    geometry={"type": "LineString", "coordinates": [[here.lon, here.lat], [there.lon, there.lat]]},
                )
            )
            t = t + timedelta(seconds=seconds)
            if energy is not None:
                soc -= energy / battery
            if place is None:
                stops.append(
                    ItineraryStop(
                        poi_id=end_id,
                        name=end_name,
                        kind="end",
                        lat=end.lat,
                        lon=end.lon,
                        arrive_at=t,
                        depart_at=None,
                        soc_before=round(soc, 4) if energy is not None else None,
                    )
                )
                break
            leave = t + timedelta(minutes=self.visit_min)
            stops.append(
                ItineraryStop(
                    poi_id=place.poi_id,
                    name=place.name or place.poi_id,
                    kind="visit",
                    lat=place.lat,
                    lon=place.lon,
                    arrive_at=t,
                    depart_at=leave,
                    category=place.category,
                    explanation=f"A {place.category} you like.",
                )
            )
            t, here = leave, there
        status = "feasible" if t <= request.return_by else "infeasible"
        return Itinerary(
            status=status,
            region=request.region or "helsinki",
            timezone="Europe/Helsinki",
            stops=stops,
            legs=legs,
            totals=Totals(
                distance_m=round(sum(leg.distance_m for leg in legs), 1),
                drive_s=sum(leg.duration_s for leg in legs),
                duration_s=(t - request.depart_at).total_seconds(),
                visits=len(wanted),
            ),
            request=request,
        )

    async def replan(
        self, request: TripRequest, current: Itinerary, change: TripChange, *, car: LatLon | None, now: datetime
    ) -> Itinerary:
        self.replans.append(change)
        revised = revise_request(request, current, change, car=car, now=now)
        planned = await self.plan(revised)
        return planned.model_copy(update={"request": revised})  # as the engine's plans carry theirs

    def region_id(self, name: str | None) -> int | None:
        if name not in {None, "helsinki"}:
            from codriver.errors import RegionNotFound

            msg = f"no region {name!r}"
            raise RegionNotFound(msg, field="region")
        return None

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        return drive_s(a, b)

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        return "closed" if poi_id in self.closed else "open"

    def place(self, region: str | None, poi_id: str) -> PlaceBrief | None:
        return CATALOGUE.get(poi_id)

    def regions(self) -> list[RegionBrief]:
        return [
            RegionBrief(
                name="helsinki", bounds=BOUNDS, timezone="Europe/Helsinki", default=True, attribution="fake roads"
            )
        ]

    def region_map(self, name: str | None) -> RegionMap:
        self.region_id(name)
        line = [ORIGIN.lon, ORIGIN.lat, *(x for p in CATALOGUE.values() for x in (p.lon, p.lat))]
        return RegionMap(
            name="helsinki", bounds=BOUNDS, roads=[RoadLayer(cls="major", lines=[line])], attribution="fake roads"
        )

    def search_places(self, region: str | None, text: str, *, near: LatLon | None, limit: int) -> list[PlaceHit]:
        self.region_id(region)
        found = [p for p in CATALOGUE.values() if text.casefold() in (p.name or "").casefold()]
        return [
            PlaceHit(
                name=p.name or p.poi_id,
                kind="place",
                poi_id=p.poi_id,
                category=p.category,
                lat=p.lat,
                lon=p.lon,
                score=1.0,
            )
            for p in found[:limit]
        ]

    def chargers(self, request: TripRequest, itinerary: Itinerary, index: int, *, limit: int) -> list[ChargerOption]:
        stop = itinerary.stops[index]
        if not 0 < index < len(itinerary.stops) - 1 or not stop.charges:
            msg = f"the car does not charge at stop {index}"
            raise InputError(msg, field="index")
        here = LatLon(stop.lat, stop.lon)
        options = [
            c.model_copy(
                update={
                    "current": c.poi_id == stop.charger,
                    "distance_m": round(haversine_m(here, LatLon(c.lat, c.lon))),
                }
            )
            for c in CHARGERS.values()
        ]
        return sorted(options, key=lambda c: (not c.current, c.distance_m))[:limit]

    def alternatives(self, itinerary: Itinerary, index: int, *, limit: int) -> list[Alternative]:
        stop = itinerary.stops[index]
        if not 0 < index < len(itinerary.stops) - 1 or stop.kind not in {"visit", "meal"}:
            msg = f"stop {index} cannot be replaced"
            raise InputError(msg, field="index")
        taken = {s.poi_id for s in itinerary.stops}
        return [
            Alternative(
                poi_id=p.poi_id,
                name=p.name,
                category=p.category,
                lat=p.lat,
                lon=p.lon,
                detour_min=0.0,
                hours="closed" if p.poi_id in self.closed else "open",
                explanation=f"{p.category} instead of {stop.name}",
            )
            for p in CATALOGUE.values()
            if p.poi_id not in taken and p.category != "charging_station"
        ][:limit]


@dataclass
class FakeAssistant:
    """A :class:`~codriver.api.AssistantPort` that reads a few phrases and records its calls."""

    calls: list[tuple[str, Any]] = field(default_factory=list)

    async def plan_text(self, text: str, context: AssistantContext) -> TripRequest:
        self.calls.append(("plan_text", text))
        if "museum" not in text:
            msg = "say what you would like to see (e.g. a museum)"
            raise InputError(msg, field="text")
        day = context.now + timedelta(days=1)
        depart = day.replace(hour=7, minute=0, second=0, microsecond=0)
        return TripRequest(
            origin=Location(lat=ORIGIN.lat, lon=ORIGIN.lon),
            depart_at=depart,
            return_by=depart + timedelta(hours=8),
            interests={"museum": 1.0},
        )

    async def chat(self, message: str, context: AssistantContext) -> ChatReply:
        self.calls.append(("chat", message))
        if "cafe" in message and context.request is not None:
            request = context.request.model_copy(update={"must_visit": [*context.request.must_visit, "osm:node/2"]})
            return ChatReply(reply="Added Kappeli, a café on the way.", request=request)
        return ChatReply(reply=f"You have {len(context.itinerary.stops) if context.itinerary else 0} stops.")

    async def recommend(self, context: AssistantContext, *, limit: int) -> list[Suggestion]:
        self.calls.append(("recommend", context.next_stop))
        return [
            Suggestion(poi_id="osm:node/999", name="Made Up Bistro", category="restaurant", explanation="invented"),
            Suggestion(poi_id="osm:node/2", name="Kappeli", category="cafe", explanation="Café, 2 min detour."),
            Suggestion(poi_id="osm:node/6", name="Kaivopuisto", category="park", explanation="Park by the sea."),
        ][: limit + 1]

    async def replan(self, change: TripChange, context: AssistantContext) -> tuple[TripChange, str]:
        self.calls.append(("replan", change.kind))
        if (
            change.kind == "wish" and change.text and not any(c.isalpha() for c in change.text)
        ):  # as the agents' reading
            msg = f"Nothing in the wish {change.text!r} can be planned: no words to read."
            raise InputError(msg, field="text")
        return change, f"re-planned for {change.kind}"


def planner(runtime: object) -> FakePlanner:
    """Factory for ``codriver serve --planner api_fakes:planner``."""
    del runtime
    return FakePlanner()


def assistant(runtime: object) -> FakeAssistant:
    """Factory for ``codriver serve --assistant api_fakes:assistant``."""
    del runtime
    return FakeAssistant()
