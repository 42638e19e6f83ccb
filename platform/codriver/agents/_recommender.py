"""The POI recommender: tools find and rank candidates, the model chooses among their IDs.

1. The wish ("something quick and vegan") is read into a place query: categories, diets,
   cuisines of the region, price, opening at the time of arrival, accessibility.
2. The places tool finds candidates near the car or along the rest of the route, with
   exact detours; constraints the user stated (avoid, max detour, rejected places) are
   applied as filters, never left to the model.
3. Candidates are ranked by the user's interests, diets and history.
4. The model picks up to ``k`` of them through a tool whose only argument is an array of
   the candidates' catalogue IDs (an enumeration in the JSON schema); a pick outside the
   set is rejected and never shown.
5. Each pick is explained with facts from the catalogue (:mod:`._facts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from autogen_core import FunctionCall
from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage
from autogen_core.tools import ToolSchema
from pydantic import BaseModel, Field

from codriver.agents._facts import explain_place, place_facts
from codriver.agents._reader import read_request
from codriver.tools.charging import ChargerFilter, ChargerResult, OsmChargers
from codriver.tools.geo import LatLon
from codriver.tools.places import DIETS, EmbeddedPlaces, PlaceQuery, PlaceResult

__all__ = ["Pick", "RecommendationContext", "Recommendations", "choose_tool", "pick_of", "recommend"]

_FOOD = ["restaurant", "cafe", "fast_food"]
_SYSTEM = (
    "You recommend places to a traveller. Call choose_places with the IDs of the best "
    "matches for the wish, best first. Only IDs from the list exist."
)


class RecommendationContext(BaseModel):
    """Where the car is, what the traveller wants, and what they said before."""

    position: LatLon
    at: datetime = Field(description="aware: when the car would arrive at the place (roughly now)")
    wish: str = ""
    destination: LatLon | None = Field(default=None, description="the rest of the route, when driving")
    max_detour_min: float = Field(default=10.0, ge=0)
    radius_m: float = Field(default=2_000.0, gt=0)
    diet: list[str] = Field(default_factory=list)
    interests: dict[str, float] = Field(default_factory=dict)
    avoid_categories: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list, description="catalogue IDs the user turned down")
    ratings: dict[str, int] = Field(default_factory=dict, description="poi_id -> 1..5 from feedback")
    wheelchair: bool = False
    max_price_level: int | None = Field(default=None, ge=1, le=4)
    connectors: list[str] = Field(default_factory=list, description="the EV's connectors, for charging wishes")
    charging_networks: list[str] = Field(default_factory=list, description="only these networks, when given")


class Pick(BaseModel):
    """One recommendation: a catalogue place and why."""

    poi_id: str
    name: str | None
    category: str
    lat: float
    lon: float
    explanation: str
    facts: list[str]
    score: float
    detour_s: float | None = None
    distance_m: float | None = None


def pick_of(place: PlaceResult, *, diets: Sequence[str], score: float = 0.0) -> Pick:
    """``place`` as a recommendation, explained with catalogue facts only."""
    return Pick(
        poi_id=place.poi_id,
        name=place.name,
        category=place.category,
        lat=place.lat,
        lon=place.lon,
        explanation=explain_place(place, diets=diets),
        facts=place_facts(place, diets=diets),
        score=score,
        detour_s=place.detour_s,
        distance_m=place.distance_m,
    )


class Recommendations(BaseModel):
    """What was shown, what was considered, and what the model tried that was refused."""

    picks: list[Pick]
    considered: list[str] = Field(description="candidate IDs offered to the model, ranked")
    refused: list[str] = Field(default_factory=list, description="IDs the model named outside the candidates")
    chosen_by: str = Field(description="model | ranking (no model, or the model gave nothing usable)")
    query: dict[str, Any] = Field(default_factory=dict)


def _wish_query(
    context: RecommendationContext, cuisines: set[str]
) -> tuple[PlaceQuery, dict[str, float], list[str], float]:
    draft = read_request(context.wish, now=context.at)
    fields = draft.fields
    lowered = context.wish.casefold()
    interests = dict(fields.get("interests", {}))
    categories = list(interests)
    if fields.get("meals") or re.search(r"\b(eat|food|hungry|bite|snack|meal)\b", lowered):
        categories += [c for c in _FOOD if c not in categories]
    if re.search(r"\b(quick|fast|snack|bite)\b", lowered):
        categories += [c for c in _FOOD if c not in categories]
    diet_words = set(DIETS)
    wanted_cuisine = sorted(
        c for c in cuisines - diet_words if re.search(rf"\b{re.escape(c.replace('_', ' '))}\b", lowered)
    )
    if wanted_cuisine and not categories:
        categories = list(_FOOD)
    avoid = set(context.avoid_categories) | set(fields.get("avoid_categories", []))
    categories = [c for c in categories if c not in avoid]
    diets = sorted(set(context.diet) | set(fields.get("diet", [])))
    cheap = re.search(r"\b(cheap|budget|inexpensive|affordable)\b", lowered)
    max_price = 2 if cheap else context.max_price_level
    query = PlaceQuery(
        categories=categories,
        cuisine=wanted_cuisine,
        diets=diets,
        max_price_level=max_price,
        wheelchair=context.wheelchair,
        open_at=context.at,
        near=context.position,
        radius_m=context.radius_m,
        limit=60,
    )
    weights = {**context.interests, **interests}
    detour = min(context.max_detour_min, float(fields.get("max_detour_min", context.max_detour_min)))
    return query, weights, sorted(avoid), detour


def _score(place: PlaceResult, context: RecommendationContext, weights: dict[str, float]) -> float:
    """Higher is better: interest and diet fit, liked before, short detour or distance."""
    score = weights.get(place.category, 0.5 if not weights else 0.2)
    score += sum(
        0.3 if place.diets.get(d) == "only" else 0.2 for d in context.diet if place.diets.get(d) in {"yes", "only"}
    )
    rating = context.ratings.get(place.poi_id)
    if rating is not None:
        score += (rating - 3) * 0.15
    if place.hours.state == "open":
        score += 0.1
    if place.detour_s is not None:
        score -= place.detour_s / 1800
    elif place.distance_m is not None:
        score -= place.distance_m / 5000
    return round(score, 4)


def choose_tool(candidates: Sequence[str], k: int) -> ToolSchema:
    """The one tool the model may call: an array of candidate IDs, enumerated."""
    return ToolSchema(
        name="choose_places",
        description="Recommend places to the traveller, best first.",
        parameters={
            "type": "object",
            "properties": {
                "poi_ids": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(candidates)},
                    "minItems": 1,
                    "maxItems": k,
                    "description": "catalogue IDs from the candidate list",
                }
            },
            "required": ["poi_ids"],
        },
    )


def _candidate_lines(ranked: Sequence[PlaceResult], diets: Sequence[str]) -> str:
    # Names and tags are data: they are quoted as JSON strings, never as instructions.
    rows = [
        {"id": p.poi_id, "name": p.name, "category": p.category, "facts": place_facts(p, diets=diets)[:3]}
        for p in ranked
    ]
    return json.dumps(rows, ensure_ascii=False)


async def _model_choice(
    client: ChatCompletionClient, wish: str, ranked: Sequence[PlaceResult], diets: Sequence[str], k: int
) -> tuple[list[str], list[str]]:
    """(valid IDs chosen, refused IDs) from one constrained tool call."""
    return await _model_choice_rows(client, wish, [p.poi_id for p in ranked], _candidate_lines(ranked, diets), k)


async def _model_choice_rows(
    client: ChatCompletionClient, wish: str, ids: list[str], rows: str, k: int
) -> tuple[list[str], list[str]]:
    prompt = f"Wish: {wish or 'a good stop'}\nCandidates (JSON data): {rows}"
    result = await client.create(
        [SystemMessage(content=_SYSTEM), UserMessage(content=prompt, source="user")],
        tools=[choose_tool(ids, k)],
        tool_choice="required",
        extra_create_args={"max_tokens": 120},
    )
    chosen: list[str] = []
    refused: list[str] = []
    calls = result.content if isinstance(result.content, list) else []
    for call in calls:
        if not isinstance(call, FunctionCall) or call.name != "choose_places":
            continue
        try:
            arguments = json.loads(call.arguments)
        except ValueError:
            continue
        for poi_id in arguments.get("poi_ids", []) if isinstance(arguments, dict) else []:
            if not isinstance(poi_id, str):
                continue
            if poi_id in ids and poi_id not in chosen:
                chosen.append(poi_id)
            elif poi_id not in ids:
                refused.append(poi_id)
    return chosen[:k], refused


_CHARGING = re.compile(r"\b(charg\w*|plug in|top up|battery (?:is )?low|low battery|ev station)\b")


def _charger_facts(station: ChargerResult) -> list[str]:
    facts = []
    if station.compatibility == "compatible":
        power = f" {station.usable_power_kw:.0f} kW" if station.usable_power_kw else ""
        facts.append(f"{'/'.join(station.matched_connectors)}{power} fits your car")
    else:
        facts.append("sockets not recorded: check the connector on arrival")
    if station.network or station.operator:
        facts.append(str(station.network or station.operator))
    if station.detour_s is not None:
        facts.append(f"{max(1, round(station.detour_s / 60))} min detour")
    elif station.distance_m is not None:
        facts.append(f"{station.distance_m / 1000:.1f} km away")
    if station.fee is False:
        facts.append("free")
    return facts


async def _recommend_chargers(
    context: RecommendationContext, chargers: OsmChargers, client: ChatCompletionClient | None, k: int
) -> Recommendations:
    draft = read_request(context.wish, now=context.at)
    networks = tuple(context.charging_networks or draft.fields.get("charging_networks", []))
    flt = ChargerFilter(connectors=tuple(context.connectors), networks=networks)
    detour = min(context.max_detour_min, float(draft.fields.get("max_detour_min", context.max_detour_min)))
    if context.destination is not None:
        found = chargers.along_route_sync(context.position, context.destination, (), flt, detour * 60)
    else:
        found = chargers.near_sync(context.position, context.radius_m * 5, flt)
    rejected = set(context.rejected)
    # Known-compatible stations first, then unknown ones (flagged); nearest first within each.
    ranked = sorted(
        (c for c in found if c.poi_id not in rejected),
        key=lambda c: (c.compatibility != "compatible", c.detour_s or 0.0, c.distance_m or 0.0, c.poi_id),
    )[:8]
    chosen: list[str] = []
    refused: list[str] = []
    if client is not None and ranked:
        rows = json.dumps(
            [{"id": c.poi_id, "name": c.name, "facts": _charger_facts(c)} for c in ranked], ensure_ascii=False
        )
        chosen, refused = await _model_choice_rows(client, context.wish, [c.poi_id for c in ranked], rows, k)
    chosen_by = "model" if chosen else "ranking"
    chosen = chosen or [c.poi_id for c in ranked[:k]]
    by_id = {c.poi_id: c for c in ranked}
    picks = [
        Pick(
            poi_id=c.poi_id,
            name=c.name,
            category="charging_station",
            lat=c.lat,
            lon=c.lon,
            explanation=f"{c.name or 'Charging station'} (charging station): " + ", ".join(_charger_facts(c)),
            facts=_charger_facts(c),
            score=0.0,
            detour_s=c.detour_s,
            distance_m=c.distance_m,
        )
        for c in (by_id[i] for i in chosen)
    ]
    return Recommendations(
        picks=picks,
        considered=[c.poi_id for c in ranked],
        refused=refused,
        chosen_by=chosen_by,
        query=flt.model_dump(mode="json"),
    )


async def recommend(
    context: RecommendationContext,
    *,
    places: EmbeddedPlaces,
    chargers: OsmChargers | None = None,
    client: ChatCompletionClient | None = None,
    k: int = 3,
    shortlist: int = 8,
) -> Recommendations:
    """Up to ``k`` grounded recommendations for ``context`` (places, or chargers for a charging wish)."""
    if chargers is not None and _CHARGING.search(context.wish.casefold()):
        return await _recommend_chargers(context, chargers, client, k)
    cuisines = {c for e in places.index.entries for c in e.cuisine}
    query, weights, avoid, max_detour_min = _wish_query(context, cuisines)
    if context.destination is not None:
        found = places.along_route_sync(
            context.position,
            context.destination,
            query=query.model_copy(update={"near": None, "radius_m": None}),
            max_detour_s=max_detour_min * 60,
            depart_at=context.at,
        )
    else:
        found = places.search_sync(query)
    rejected = set(context.rejected)
    candidates = [p for p in found if p.poi_id not in rejected and p.category not in avoid]
    ranked = sorted(candidates, key=lambda p: (-_score(p, context, weights), p.poi_id))[:shortlist]
    chosen: list[str] = []
    refused: list[str] = []
    if client is not None and ranked:
        chosen, refused = await _model_choice(client, context.wish, ranked, context.diet or query.diets, k)
    chosen_by = "model" if chosen else "ranking"
    if not chosen:
        chosen = [p.poi_id for p in ranked[:k]]
    by_id = {p.poi_id: p for p in ranked}
    diets = query.diets
    picks = [pick_of(p, diets=diets, score=_score(p, context, weights)) for p in (by_id[i] for i in chosen)]
    return Recommendations(
        picks=picks,
        considered=[p.poi_id for p in ranked],
        refused=refused,
        chosen_by=chosen_by,
        query=query.model_dump(mode="json", exclude_none=True),
    )
