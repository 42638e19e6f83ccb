"""The tools a served model calls: search places, check hours, plan, verify, re-plan, recommend.

Each tool is an AutoGen ``FunctionTool`` over one trip's :class:`~._session.TripSession`.
Arguments are validated here whatever the model's schema support: a catalogue ID the
region does not have, or a stop the plan does not have, is an error the model reads as
the tool's result (``is_error``), never a place that reaches the traveller. Results are
JSON with catalogue IDs. What the tools of one turn found is kept in a :class:`TurnLedger`,
from which the agent builds its answer (see :mod:`._served_agents`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from autogen_core.tools import FunctionTool

from codriver.agents._facts import place_facts
from codriver.agents._lexicon import MEAL_WINDOWS
from codriver.agents._replanning_flow import trip_state
from codriver.agents._session import TripSession
from codriver.agents._understand import Category, Diet, build_request
from codriver.errors import InputError
from codriver.planning import (
    ChargerOut,
    Delay,
    Itinerary,
    NewWish,
    PlaceClosed,
    RegionWorld,
    ReplanEvent,
    ReplanResult,
    Requirements,
    StopSkipped,
    Violation,
    replan,
    verify,
    verify_trip,
)
from codriver.planning import (
    plan_trip as engine_plan,
)
from codriver.tools.geo import LatLon
from codriver.tools.places import PlaceResult, make_query

__all__ = ["ServedTools", "TurnLedger", "verify_itinerary"]

MealName = Literal["breakfast", "lunch", "dinner"]
EventKind = Literal["delay", "closed", "charger_out", "skip", "meal_now"]


@dataclass
class TurnLedger:
    """What the tools of one agent turn found: the IDs they returned, plans, picks, refusals."""

    seen: dict[str, str | None] = field(default_factory=dict)  # catalogue ID -> name, from tool results
    plan: Itinerary | None = None  # the engine's latest plan of this turn
    replanned: ReplanResult | None = None  # the engine's latest repair of this turn
    previous: Itinerary | None = None  # the plan the repair started from
    picks: list[str] = field(default_factory=list)  # IDs the recommender chose (all seen this turn)
    refused: list[str] = field(default_factory=list)  # IDs the model named that the catalogue or plan lacks
    calls: list[str] = field(default_factory=list)  # tool names, in the order called


def verify_itinerary(itinerary: Itinerary, session: TripSession) -> list[Violation]:
    """The independent verifier's findings on ``itinerary`` (its request against the region)."""
    request = itinerary.request
    if request is None:
        return [Violation(code="INVALID_ITINERARY", message="the plan carries no request to check against")]
    tools = session.tools
    if request.multi_day:
        return verify_trip(itinerary, tools)
    world = RegionWorld(tools, request)
    return verify(itinerary, world, Requirements.from_request(request, tools.zone, world, interests=True))


def _stops_json(itinerary: Itinerary) -> list[dict[str, Any]]:
    return [
        {
            "id": s.poi_id,
            "name": s.name,
            "kind": s.kind,
            "arrive": s.arrive_at.strftime("%H:%M") if s.arrive_at else None,
            "depart": s.depart_at.strftime("%H:%M") if s.depart_at else None,
        }
        for s in itinerary.stops
    ]


def _violations_json(violations: list[Violation]) -> list[dict[str, Any]]:
    return [{"code": v.code, "severity": v.severity, "message": v.message} for v in violations]


class ServedTools:
    """The tools of one trip, bound to its session; :meth:`begin_turn` starts a fresh ledger."""

    def __init__(self, session: TripSession) -> None:
        self.session = session
        self.ledger = TurnLedger()

    def begin_turn(self) -> TurnLedger:
        """A new ledger for the turn about to run."""
        self.ledger = TurnLedger()
        return self.ledger

    # -- grounding helpers ------------------------------------------------------------------
    def _place(self, poi_id: str, at: datetime | None = None) -> PlaceResult:
        places = self.session.tools.places
        if poi_id not in places.index.position:
            self.ledger.refused.append(poi_id)
            msg = f"no place {poi_id!r} in the catalogue of this region; use an ID returned by search_places"
            raise ValueError(msg)
        place = places.get_sync(poi_id, at=at)
        self.ledger.seen[place.poi_id] = place.name
        return place

    def _at(self, text: str | None) -> datetime:
        """An aware time from ``HH:MM`` (today of the trip) or ISO text; default: the trip's now."""
        session = self.session
        now = session.state.at or session.context.now
        if not text:
            return now
        try:
            if len(text) <= 5:
                return datetime.combine(now.date(), time.fromisoformat(text), tzinfo=now.tzinfo)
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            msg = f"time {text!r} is neither HH:MM nor ISO 8601 (2026-12-18T12:30)"
            raise ValueError(msg) from exc
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=now.tzinfo)

    def _position(self) -> LatLon:
        session = self.session
        if session.state.lat is not None and session.state.lon is not None:
            return LatLon(session.state.lat, session.state.lon)
        if session.itinerary is not None and session.itinerary.stops:
            first = session.itinerary.stops[0]
            return LatLon(first.lat, first.lon)
        region = session.tools.region
        return LatLon((region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2)

    # -- the tools --------------------------------------------------------------------------
    async def search_places(
        self,
        *,
        categories: Annotated[list[Category] | None, "any of these kinds of place"] = None,
        name: Annotated[str | None, "part of the place's name, as the traveller wrote it"] = None,
        near: Annotated[str | None, "a catalogue ID to search around; none: the car or the trip's start"] = None,
        open_at: Annotated[str | None, "HH:MM (the trip's day) or ISO time: only places open then"] = None,
        diets: Annotated[list[Diet] | None, "every one of these diets served"] = None,
        cuisine: Annotated[list[str] | None, "OSM cuisine values, e.g. pizza, thai"] = None,
        limit: Annotated[int, "at most this many places (1-10)"] = 6,
    ) -> str:
        """Catalogue places matching the filters, nearest first, with their IDs and hours."""
        self.ledger.calls.append("search_places")
        centre = self._place(near) if near else None
        at = self._at(open_at)
        query = make_query(
            categories=categories or [],
            name=name or None,
            near=LatLon(centre.lat, centre.lon) if centre else (None if name else self._position()),
            open_at=at if open_at else None,
            diets=diets or [],
            cuisine=cuisine or [],
            limit=max(1, min(limit, 10)),
        )
        places = self.session.tools.places
        memory = self.session.memory
        rejected, avoided = set(memory.rejected), set(memory.avoid)
        found = [p for p in places.search_sync(query) if p.poi_id not in rejected and p.category not in avoided]
        if not open_at:  # hours at the trip's time, not the clock's, without leaving closed places out
            found = [p.model_copy(update={"hours": places.get_sync(p.poi_id, at=at).hours}) for p in found]
        rows = []
        for place in found:
            self.ledger.seen[place.poi_id] = place.name
            rows.append(
                {
                    "id": place.poi_id,
                    "name": place.name,
                    "category": place.category,
                    "hours_at": at.strftime("%H:%M"),
                    "state": place.hours.state,
                    "distance_m": round(place.distance_m) if place.distance_m is not None else None,
                    "facts": place_facts(place, diets=diets or [])[:3],
                }
            )
        return json.dumps(rows, ensure_ascii=False)

    async def check_hours(
        self,
        poi_id: Annotated[str, "catalogue ID from search_places or the plan"],
        at: Annotated[str, "HH:MM (the trip's day) or ISO time"],
    ) -> str:
        """Whether the place is open at that time, and when it opens or closes."""
        self.ledger.calls.append("check_hours")
        place = self._place(poi_id, self._at(at))
        hours = place.hours
        return json.dumps(
            {
                "id": place.poi_id,
                "name": place.name,
                "state": hours.state,
                "at": hours.at.isoformat(),
                "open_until": hours.open_until.isoformat() if hours.open_until else None,
                "opens_at": hours.opens_at.isoformat() if hours.opens_at else None,
                "opening_hours": place.opening_hours,
            },
            ensure_ascii=False,
        )

    async def plan_trip(
        self,
        *,
        day: Annotated[str, "the trip's day, YYYY-MM-DD"],
        depart: Annotated[str, "leaving time, HH:MM"],
        back_by: Annotated[str, "latest return, HH:MM"],
        origin: Annotated[str | None, "catalogue ID of the start; none: the traveller's home or car"] = None,
        destination: Annotated[str | None, "catalogue ID of the end; none: back to the start"] = None,
        must_visit: Annotated[list[str] | None, "catalogue IDs the plan must visit"] = None,
        interests: Annotated[list[Category] | None, "kinds of place the traveller likes"] = None,
        meals: Annotated[list[MealName] | None, "meals to take on the way"] = None,
        cuisine: Annotated[list[str] | None, "OSM cuisine values for the meals"] = None,
        diet: Annotated[list[Diet] | None, "diets every meal place must serve"] = None,
        budget: Annotated[float | None, "most the whole party spends, EUR"] = None,
        adults: Annotated[int, "adults travelling"] = 1,
        children: Annotated[int, "children travelling"] = 0,
    ) -> str:
        """Plan the day with the engine (optimizer, charging planner, verifier); the stops with IDs and times."""
        self.ledger.calls.append("plan_trip")
        session = self.session
        for poi_id in [p for p in (origin, destination) if p] + list(must_visit or []):
            self._place(poi_id)
        try:
            on = date.fromisoformat(day)
            zone = session.context.now.tzinfo
            depart_at = datetime.combine(on, time.fromisoformat(depart), tzinfo=zone)
            return_by = datetime.combine(on, time.fromisoformat(back_by), tzinfo=zone)
        except ValueError as exc:
            msg = f"day must be YYYY-MM-DD and depart/back_by HH:MM ({exc})"
            raise ValueError(msg) from exc
        if return_by <= depart_at:
            return_by += timedelta(days=1)
        stated: dict[str, Any] = {
            "date": on.isoformat(),
            "depart_at": depart_at.isoformat(),
            "return_by": return_by.isoformat(),
            "must_visit": list(dict.fromkeys(must_visit or [])),
            "interests": dict.fromkeys(interests or [], 1.0),
            "diet": sorted(set(diet or [])),
            "meals": [
                {
                    "meal": meal,
                    "earliest": MEAL_WINDOWS[meal][0].isoformat("minutes"),
                    "latest": MEAL_WINDOWS[meal][1].isoformat("minutes"),
                    "duration_min": 60,
                    "cuisine": list(cuisine or []),
                }
                for meal in dict.fromkeys(meals or [])
            ],
            "party": {"adults": max(1, adults), "children": max(0, children)},
        }
        if origin:
            stated["origin"] = {"place_id": origin}
        if destination:
            stated["destination"] = {"place_id": destination}
        if budget is not None:
            stated["budget"] = budget
        avoid = sorted(set(session.memory.avoid))
        if avoid:
            stated["avoid_categories"] = avoid
        context = session.context.model_copy(update={"diet": session.memory.diet})
        request, assumptions, questions = build_request(stated, context)
        if request is None:
            raise ValueError(" ".join(questions) or "the request does not fit")
        itinerary = await asyncio.to_thread(engine_plan, request, session.tools)
        self.ledger.plan = itinerary
        for stop in itinerary.stops:
            if stop.poi_id:
                self.ledger.seen[stop.poi_id] = stop.name
        return json.dumps(
            {
                "status": itinerary.status,
                "stops": _stops_json(itinerary),
                "violations": _violations_json(itinerary.violations),
                "assumptions": assumptions,
            },
            ensure_ascii=False,
        )

    async def verify_plan(self) -> str:
        """Check the latest plan independently (hours at arrival, travel times, budget, window, charge, meals)."""
        self.ledger.calls.append("verify_plan")
        itinerary = self._latest()
        if itinerary is None:
            msg = "there is no plan to verify yet: call plan_trip first"
            raise ValueError(msg)
        found = await asyncio.to_thread(verify_itinerary, itinerary, self.session)
        errors = [v for v in found if v.severity == "error"]
        return json.dumps({"valid": not errors, "violations": _violations_json(found)}, ensure_ascii=False)

    def _latest(self) -> Itinerary | None:
        ledger = self.ledger
        if ledger.replanned is not None:
            return ledger.replanned.itinerary
        return ledger.plan or self.session.itinerary

    async def replan_trip(
        self,
        event: Annotated[EventKind, "what happened"],
        poi_id: Annotated[str | None, "for closed, charger_out, skip: the stop's catalogue ID in the plan"] = None,
        minutes: Annotated[int | None, "for delay: minutes late"] = None,
        meal: Annotated[MealName | None, "for meal_now: which meal"] = None,
        diet: Annotated[list[Diet] | None, "for meal_now: diets the place must serve"] = None,
    ) -> str:
        """Repair the current plan after an event with the engine; the reason and the changes."""
        self.ledger.calls.append("replan_trip")
        session = self.session
        current = self._latest()
        if current is None:
            msg = "there is no plan to change yet"
            raise ValueError(msg)
        stop_ids = {s.poi_id for s in current.stops[1:-1] if s.poi_id} | {s.charger for s in current.stops if s.charger}
        if event in {"closed", "charger_out", "skip"} and poi_id not in stop_ids:
            if poi_id:
                self.ledger.refused.append(poi_id)
            msg = f"{poi_id!r} is not a stop of the plan; the plan's stops are {sorted(stop_ids)}"
            raise ValueError(msg)
        planned: ReplanEvent
        if event == "delay":
            planned = Delay(minutes=max(1, min(minutes or 15, 24 * 60)))
        elif event == "closed":
            planned = PlaceClosed(poi_id=str(poi_id))
        elif event == "charger_out":
            planned = ChargerOut(poi_id=str(poi_id))
        elif event == "skip":
            planned = StopSkipped(poi_id=str(poi_id))
        else:
            now = session.state.at or session.context.now
            planned = NewWish(
                meal=meal or ("dinner" if now.hour >= 16 else "lunch"),
                diet=sorted(set(diet or []) | set(session.memory.diet)),
                within_min=60,
            )
        at = session.state.at or session.context.now
        try:
            result = await asyncio.to_thread(
                replan, current, planned, session.tools, state=trip_state(session, current, at)
            )
        except InputError as exc:
            raise ValueError(str(exc)) from exc
        if self.ledger.previous is None:
            self.ledger.previous = current
        self.ledger.replanned = result
        for stop in result.itinerary.stops:
            if stop.poi_id:
                self.ledger.seen[stop.poi_id] = stop.name
        return json.dumps(
            {
                "reason": result.reason,
                "dropped": result.diff.dropped,
                "added": result.diff.added,
                "stops": _stops_json(result.itinerary),
                "status": result.itinerary.status,
            },
            ensure_ascii=False,
        )

    async def recommend_places(
        self, poi_ids: Annotated[list[str], "catalogue IDs returned by search_places this turn, best first"]
    ) -> str:
        """Show these places to the traveller (at most three)."""
        self.ledger.calls.append("recommend_places")
        unknown = [p for p in poi_ids if p not in self.ledger.seen]
        if unknown:
            self.ledger.refused.extend(unknown)
            msg = f"{unknown} were not returned by search_places in this turn; recommend only IDs it returned"
            raise ValueError(msg)
        rejected = set(self.session.memory.rejected)
        self.ledger.picks = [p for p in dict.fromkeys(poi_ids) if p not in rejected][:3]
        return json.dumps({"shown": self.ledger.picks}, ensure_ascii=False)

    # -- the tool sets ----------------------------------------------------------------------
    def _tool(self, func: Any, name: str) -> FunctionTool:
        return FunctionTool(func, description=(func.__doc__ or name).strip(), name=name, strict=False)

    def planner_tools(self) -> list[FunctionTool]:
        """search_places, check_hours, plan_trip, verify_plan."""
        return [
            self._tool(self.search_places, "search_places"),
            self._tool(self.check_hours, "check_hours"),
            self._tool(self.plan_trip, "plan_trip"),
            self._tool(self.verify_plan, "verify_plan"),
        ]

    def recommender_tools(self) -> list[FunctionTool]:
        """search_places, check_hours, recommend_places."""
        return [
            self._tool(self.search_places, "search_places"),
            self._tool(self.check_hours, "check_hours"),
            self._tool(self.recommend_places, "recommend_places"),
        ]

    def replanner_tools(self) -> list[FunctionTool]:
        """check_hours, replan_trip, verify_plan."""
        return [
            self._tool(self.check_hours, "check_hours"),
            self._tool(self.replan_trip, "replan_trip"),
            self._tool(self.verify_plan, "verify_plan"),
        ]
