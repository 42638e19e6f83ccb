"""Request understanding: free text → ``TripRequest``, or the question to ask first.

Two readers work together. The rule reader (:mod:`._reader`) finds what the text states,
with evidence. The model, when there is one, fills only the fields the rules left empty,
under a JSON schema whose values are enumerations of ours, and a value it proposes is
kept only when the text supports it (a number it reads must appear in the text, a
category must be named by one of its words). Whatever is still missing gets a documented
default, or — for what cannot be guessed (where the trip starts, an EV's charge) — a
follow-up question.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from codriver.agents._lexicon import DIET_WORDS, INTEREST_WORDS, MEAL_WINDOWS, MEAL_WORDS
from codriver.agents._reader import RequestDraft, is_negated, read_request
from codriver.planning import DIETS, Location, TripRequest, VehicleSpec
from codriver.regions import CATEGORIES
from codriver.tools.geocoding import Gazetteer

__all__ = ["ModelHints", "PlanContext", "Understanding", "understand"]

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Diet = Literal[DIETS]  # type: ignore[valid-type]
_DEFAULT_INTERESTS = {"attraction": 0.6, "museum": 0.5, "park": 0.5, "cafe": 0.4, "viewpoint": 0.4}
_SYSTEM = (
    "You read a car-trip request and fill a JSON form. Fill a field only when the request says it; "
    "otherwise leave it null or empty."
)


class ModelHints(BaseModel):
    """What the model may propose; every value is constrained by this schema."""

    interests: list[Category] = Field(default_factory=list, max_length=5)
    avoid: list[Category] = Field(default_factory=list, max_length=5)
    diet: list[Diet] = Field(default_factory=list, max_length=3)
    meals: list[Literal["breakfast", "lunch", "dinner"]] = Field(default_factory=list, max_length=3)
    powertrain: Literal["ev", "ice"] | None = None
    battery_percent: int | None = Field(default=None, ge=0, le=100)
    adults: int | None = Field(default=None, ge=1, le=20)
    children: int | None = Field(default=None, ge=0, le=20)
    budget: float | None = Field(default=None, ge=0, le=100_000)


class PlanContext(BaseModel):
    """What is known before the text is read: the clock, the region, the user and car."""

    now: datetime = Field(description="aware, in the region's zone")
    region: str
    origin: Location | None = Field(default=None, description="home or the car's position")
    vehicle: VehicleSpec | None = None
    diet: list[str] = Field(default_factory=list)
    interests: dict[str, float] = Field(default_factory=dict)
    charging_networks: tuple[str, ...] = ()


class Understanding(BaseModel):
    """The outcome: a request to plan, or the questions to ask first."""

    stated: dict[str, Any] = Field(description="fields the text states")
    evidence: dict[str, str] = Field(default_factory=dict, description="field -> the words it came from")
    source: dict[str, Literal["rules", "model"]] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list, description="defaults used, said to the user")
    questions: list[str] = Field(default_factory=list, description="follow-up questions; empty when ready")
    unresolved_places: list[str] = Field(default_factory=list)
    request: TripRequest | None = None


def _words_for(value: str, table: dict[str, str]) -> str:
    return "|".join(pattern for pattern, target in table.items() if target == value) or re.escape(value)


def _grounded(text: str, value: str, table: dict[str, str]) -> bool:
    """Whether the text names ``value`` at least once without negating it ("no museums")."""
    return any(
        not is_negated(text, match.start()) for match in re.finditer(rf"\b(?:{_words_for(value, table)})\b", text)
    )


def _number_in(text: str, number: float, unit: str) -> bool:
    """Whether ``number`` stands in the text next to its unit (a bare "10" of "10:00" is not a count)."""
    value = rf"(?<![\d.:]){round(number)}(?![\d:])"
    return re.search(rf"{value}\s*(?:{unit})|(?:{unit})\s*{value}", text) is not None


_PEOPLE = r"adults?|people|persons?|of us|kids?|children|child|grown-?ups?"
_MONEY = r"€|eur\w*|euros?|\$|dollars?|£|pounds?|budget|max|under"
_PERCENT = r"%|percent|per cent"


def merge_hints(draft: RequestDraft, hints: ModelHints, text: str) -> dict[str, str]:
    """Add the model's grounded proposals to ``draft`` for fields it lacks; return their sources."""
    lowered = text.casefold()
    added: dict[str, str] = {}
    fields = draft.fields
    interests = [c for c in hints.interests if _grounded(lowered, c, INTEREST_WORDS)]
    if interests and "interests" not in fields:
        fields["interests"] = dict.fromkeys(interests, 1.0)
        added["interests"] = "model"
    avoid = [c for c in hints.avoid if _grounded(lowered, c, INTEREST_WORDS)]
    if avoid and "avoid_categories" not in fields:
        fields["avoid_categories"] = sorted(set(avoid))
        added["avoid_categories"] = "model"
    diet = [d for d in hints.diet if _grounded(lowered, d, DIET_WORDS)]
    if diet and "diet" not in fields:
        fields["diet"] = sorted(set(diet))
        added["diet"] = "model"
    meals = [m for m in hints.meals if _grounded(lowered, m, MEAL_WORDS)]
    if meals and "meals" not in fields:
        fields["meals"] = [
            {
                "meal": m,
                "earliest": MEAL_WINDOWS[m][0].isoformat("minutes"),
                "latest": MEAL_WINDOWS[m][1].isoformat("minutes"),
                "duration_min": 60,
            }
            for m in dict.fromkeys(meals)
        ]
        added["meals"] = "model"
    vehicle = dict(fields.get("vehicle", {}))
    if (
        hints.battery_percent is not None
        and "soc" not in vehicle
        and _number_in(lowered, hints.battery_percent, _PERCENT)
    ):
        vehicle["soc"] = hints.battery_percent / 100
        vehicle.setdefault("powertrain", "ev")
        added["vehicle"] = "model"
    if vehicle != fields.get("vehicle", {}):
        fields["vehicle"] = vehicle
    if hints.budget is not None and "budget" not in fields and _number_in(lowered, hints.budget, _MONEY):
        fields["budget"] = float(hints.budget)
        added["budget"] = "model"
    if "party" not in fields and hints.adults is not None and _number_in(lowered, hints.adults, _PEOPLE):
        children = hints.children if hints.children is not None and _number_in(lowered, hints.children, _PEOPLE) else 0
        fields["party"] = {"adults": hints.adults, "children": children, "accessibility": []}
        added["party"] = "model"
    return added


async def _ask_model(client: ChatCompletionClient, text: str) -> ModelHints | None:
    result = await client.create(
        [SystemMessage(content=_SYSTEM), UserMessage(content=text, source="user")],
        json_output=ModelHints,
        extra_create_args={"max_tokens": 160},
    )
    if not isinstance(result.content, str):
        return None
    try:
        return ModelHints.model_validate(json.loads(result.content))
    except (ValueError, ValidationError):
        return None


def _at(day: date, clock: time, now: datetime) -> datetime:
    return datetime.combine(day, clock, now.tzinfo)


def _round_up(moment: datetime, minutes: int = 15) -> datetime:
    extra = (-moment.minute) % minutes
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)


def _schedule(stated: dict[str, Any], context: PlanContext, assumptions: list[str]) -> tuple[datetime, datetime]:
    now = context.now
    day = date.fromisoformat(stated["date"]) if "date" in stated else now.date()
    if "depart_at" in stated:
        depart = datetime.fromisoformat(stated["depart_at"])
    else:
        depart = _at(day, time(9, 0), now)
        if depart < now:
            depart = _round_up(now)
        assumptions.append(f"leaving at {depart:%H:%M}")
    if "return_by" in stated:
        back = datetime.fromisoformat(stated["return_by"])
        if back <= depart and back.hour < 12:
            back += timedelta(hours=12)
    elif "duration_h" in stated:
        back = depart + timedelta(hours=float(stated["duration_h"]))
    else:
        dinner = any(m["meal"] == "dinner" for m in stated.get("meals", []))
        latest = _at(depart.date(), time(21, 30) if dinner else time(19, 0), now)
        back = max(min(depart + timedelta(hours=8), latest), depart + timedelta(hours=2))
        assumptions.append(f"back by {back:%H:%M}")
    return depart, back


def build_request(stated: dict[str, Any], context: PlanContext) -> tuple[TripRequest | None, list[str], list[str]]:
    """(request or None, assumptions, questions) from the stated fields and the context."""
    assumptions: list[str] = []
    questions: list[str] = []
    origin: Any = stated.get("origin") or context.origin
    if origin is None:
        questions.append("Where does the trip start? Give a place name, a street or coordinates.")
    vehicle_fields = {**(context.vehicle.model_dump() if context.vehicle else {}), **stated.get("vehicle", {})}
    vehicle = VehicleSpec.model_validate(vehicle_fields) if vehicle_fields else VehicleSpec()
    if vehicle.powertrain == "ev" and "soc" not in stated.get("vehicle", {}) and context.vehicle is None:
        questions.append("How charged is the battery now (in %)?")
    depart, back = _schedule(stated, context, assumptions)
    interests = stated.get("interests") or dict(context.interests)
    if not interests and not stated.get("must_visit") and not stated.get("meals"):
        interests = dict(_DEFAULT_INTERESTS)
        assumptions.append("no interests stated: sights, museums, parks and a café")
    for category in stated.get("avoid_categories", []):
        interests.pop(category, None)
    if questions:
        return None, assumptions, questions
    constraints = {
        key: stated[key]
        for key in ("max_detour_min", "charging_networks", "avoid_categories", "max_stint_min", "max_per_category")
        if key in stated
    }
    payload = {
        "region": context.region,
        "origin": origin,
        "destination": stated.get("destination"),
        "depart_at": depart,
        "return_by": back,
        "party": stated.get("party", {}),
        "budget": stated.get("budget"),
        "interests": interests,
        "must_visit": stated.get("must_visit", []),
        "diet": sorted(set(stated.get("diet", [])) | set(context.diet)),
        "meals": stated.get("meals", []),
        "visit_minutes": stated.get("visit_minutes", {}),
        "vehicle": vehicle,
        "constraints": constraints,
    }
    try:
        return TripRequest.model_validate(payload), assumptions, questions
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in exc.errors())
        return None, assumptions, [f"Something does not fit ({problems}). Could you rephrase the times or limits?"]


async def understand(
    text: str,
    *,
    context: PlanContext,
    gazetteer: Gazetteer | None = None,
    client: ChatCompletionClient | None = None,
) -> Understanding:
    """Read ``text`` into a request; ask the model (when given) only for what the rules missed."""
    draft = read_request(text, now=context.now, gazetteer=gazetteer, networks=context.charging_networks)
    sources: dict[str, Literal["rules", "model"]] = dict.fromkeys(draft.fields, "rules")
    if client is not None:
        hints = await _ask_model(client, text)
        if hints is not None:
            sources.update(dict.fromkeys(merge_hints(draft, hints, text), "model"))
    request, assumptions, questions = build_request(draft.fields, context)
    draft.assumptions.extend(assumptions)
    return Understanding(
        stated=draft.fields,
        evidence=draft.evidence,
        source=sources,
        assumptions=draft.assumptions,
        questions=questions,
        unresolved_places=draft.unresolved_places,
        request=request,
    )
