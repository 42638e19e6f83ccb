"""The planner's work: understand, ask or plan, then summarise with facts.

Model calls per complete plan: one to read the request (only for what the rules missed)
and one to write a one-sentence summary; the itinerary itself, its times and every
explanation come from the planning engine and the catalogue.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from autogen_core.models import SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from codriver.agents._session import TripSession
from codriver.agents._understand import Understanding, build_request, describe, understand
from codriver.planning import Itinerary, TripRequest, plan_trip
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["PlanReply", "mentions_other_place", "plan_text", "summarise", "template_summary"]

_SUMMARY_SYSTEM = (
    "You write one friendly sentence (at most 40 words) summarising a day trip for the traveller. "
    "Mention only places from the plan."
)


class _Summary(BaseModel):
    summary: str = Field(max_length=300)


@dataclass
class PlanReply:
    """What the planner answers: a plan, a question, or why no plan fits."""

    kind: Literal["plan", "question", "infeasible"]
    text: str
    itinerary: Itinerary | None = None
    understanding: Understanding | None = None


def _clock(value: Any) -> str:
    return value.strftime("%H:%M") if value is not None else "--:--"


def template_summary(itinerary: Itinerary) -> str:
    """A factual summary of the plan, every figure read from the itinerary."""
    stops = itinerary.stops
    inner = list(stops[1:-1])
    parts = []
    for stop in inner:
        what = stop.meal or (stop.category or stop.kind).replace("_", " ")
        if stop.kind == "charge":
            what = "charging"
        parts.append(f"{stop.name} ({what}, {_clock(stop.arrive_at)}-{_clock(stop.depart_at)})")
    totals = itinerary.totals
    head = f"Leaving {stops[0].name} at {_clock(stops[0].depart_at)}"
    body = f"{len(inner)} stop{'s' if len(inner) != 1 else ''}: " + "; ".join(parts) if parts else "no stops"
    tail = f"arriving at {stops[-1].name} at {_clock(stops[-1].arrive_at)}"
    figures = f"{totals.distance_m / 1000:.1f} km, {totals.drive_s / 60:.0f} min driving"
    if totals.cost:
        figures += f", about {totals.cost:.0f} {itinerary.request.currency if itinerary.request else 'EUR'}"
    return f"{head}; {body}; {tail} ({figures})."


def mentions_other_place(text: str, gazetteer: Gazetteer | None, allowed: Iterable[str | None]) -> bool:
    """Whether ``text`` names a place or street of the region other than the ``allowed`` names."""
    if gazetteer is None:
        return False
    kept = {fold(name) for name in allowed if name}
    folded = fold(text)
    for entry in gazetteer.entries:
        name = fold(entry.name)
        if len(name) >= 5 and name not in kept and re.search(rf"\b{re.escape(name)}\b", folded):
            return True
    return False


def _mentions_foreign_place(text: str, session: TripSession, itinerary: Itinerary) -> bool:
    return mentions_other_place(text, session.tools.gazetteer, (s.name for s in itinerary.stops))


async def summarise(session: TripSession, itinerary: Itinerary) -> str:
    """One sentence from the model if it stays within the plan's places, else the template."""
    facts = template_summary(itinerary)
    client = session.client
    if client is None or not itinerary.stops:
        return facts
    result = await client.create(
        [SystemMessage(content=_SUMMARY_SYSTEM), UserMessage(content=f"Plan: {facts}", source="user")],
        json_output=_Summary,
        extra_create_args={"max_tokens": 90},
    )
    try:
        text = _Summary.model_validate(json.loads(str(result.content))).summary.strip()
    except (ValueError, ValidationError):
        return facts
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].strip()
    request = itinerary.request
    wished = " ".join([*request.diet, *request.interests, *(m.meal for m in request.meals)]) if request else ""
    if not _faithful(sentence, f"{facts} {wished.replace('_', ' ')}") or _mentions_foreign_place(
        sentence, session, itinerary
    ):
        return facts
    return f"{sentence}\n{facts}"


# Words a friendly sentence about a day may use beyond the plan's own: a small model's "island" or
# "capital city" is a claim about the place, not a greeting, and is not shown
_FRIENDLY_WORDS = """
    enjoy enjoyable enjoying lovely great nice wonderful perfect relaxed relaxing pleasant fun have has your
    you with from then after before start starting starts begin begins beginning day trip plan planned visit
    visits visiting explore exploring stop stops see seeing time morning afternoon evening lunch dinner
    breakfast coffee back home return returning leave leaving arrive arriving ends end ending finish along way
    some the and for this that will get take taking head heading full short walk walking drive driving
    delicious good best sights culture art museum museums park parks church café cafe restaurant meal food
    around into are our its all both first next last finally before while there here ready spend spending
    calm quiet easy gentle busy near nearby close
"""
_FRIENDLY = frozenset(_FRIENDLY_WORDS.split())


def _faithful(sentence: str, facts: str) -> bool:
    """A usable sentence: long enough, every number one of the plan's, every other word the plan's or friendly."""
    if len(sentence) < 12 or not sentence.endswith((".", "!")):
        return False
    if not all(number in facts for number in re.findall(r"\d+(?:[:.,]\d+)?", sentence)):
        return False
    known = set(fold(facts).split()) | _FRIENDLY
    return all(word in known for word in re.findall(r"[^\W\d_]{3,}", fold(sentence)))


def _retimed(previous: TripRequest, stated: dict[str, Any]) -> dict[str, str]:
    """New departure and return times: the clock times said, on the trip's day (or the day said).

    The reader dates a bare "back by 16:30" on the day the message is written; for a
    trip planned for another day it is that day's 16:30. Moving only the day keeps both
    times; moving only the departure past the return keeps the trip's length.
    """
    depart, back = previous.depart_at, previous.return_by
    zone = depart.tzinfo
    day = date.fromisoformat(stated["date"]) if "date" in stated else depart.date()
    shift = day - depart.date()
    new_depart = depart + shift
    new_back = back + shift
    if "depart_at" in stated:
        new_depart = datetime.combine(day, datetime.fromisoformat(stated["depart_at"]).time(), tzinfo=zone)
    if "return_by" in stated:
        new_back = datetime.combine(day, datetime.fromisoformat(stated["return_by"]).time(), tzinfo=zone)
        if new_back <= new_depart and new_back.hour < 12:  # "back by 5" in the afternoon
            new_back += timedelta(hours=12)
    elif new_back <= new_depart:
        new_back = new_depart + (back - depart)
    if (new_depart, new_back) == (depart, back):
        return {}
    return {"depart_at": new_depart.isoformat(), "return_by": new_back.isoformat()}


def refine_request(previous: TripRequest, stated: dict[str, Any]) -> TripRequest | None:
    """``previous`` with the fields a follow-up message states put over it."""
    merged: dict[str, Any] = {}
    old = previous.model_dump(mode="json")
    mapping = {"origin": "origin", "destination": "destination", "budget": "budget"}
    for key, target in mapping.items():
        if key in stated:
            merged[target] = stated[key]
    if "must_visit" in stated:
        merged["must_visit"] = list(dict.fromkeys([*old["must_visit"], *stated["must_visit"]]))
    for key in ("diet", "meals", "visit_minutes"):
        if key in stated:
            merged[key] = stated[key]
    if "cuisine" in stated:
        # "something vegan instead", "sushi for lunch": the food wish goes on the meals there are (or a lunch)
        values = [v for wish in stated["cuisine"] for v in wish["values"]]
        meals = [dict(m) for m in merged.get("meals", old["meals"])] or [
            {"meal": "lunch", "earliest": "11:30", "latest": "14:30", "duration_min": 60}
        ]
        for meal in meals:
            meal["cuisine"] = list(dict.fromkeys(values))
        merged["meals"] = meals
    if "interests" in stated:
        merged["interests"] = {**old["interests"], **stated["interests"]}
    if "party" in stated:
        merged["party"] = stated["party"]
    if "vehicle" in stated:
        merged["vehicle"] = {**old["vehicle"], **stated["vehicle"]}
    constraints = dict(old["constraints"])
    # max_per_category is left out: "add a café" is one more café, not one stop per kind for the whole trip
    for key in ("max_detour_min", "charging_networks", "max_stint_min"):
        if key in stated:
            constraints[key] = stated[key]
    if "avoid_places" in stated:
        constraints["avoid_places"] = sorted(set(constraints["avoid_places"]) | set(stated["avoid_places"]))
        merged["must_visit"] = [
            p for p in merged.get("must_visit", old["must_visit"]) if p not in stated["avoid_places"]
        ]
    if "avoid_categories" in stated:
        constraints["avoid_categories"] = sorted(set(constraints["avoid_categories"]) | set(stated["avoid_categories"]))
        merged["interests"] = {
            k: v for k, v in merged.get("interests", old["interests"]).items() if k not in stated["avoid_categories"]
        }
    merged["constraints"] = constraints
    merged.update(_retimed(previous, stated))
    try:
        return TripRequest.model_validate({**old, **merged})
    except ValidationError:
        return None


async def plan_text(session: TripSession, text: str) -> PlanReply:
    """Plan (or re-plan with the new wishes) from free text, or ask what is missing."""
    if session.pending_text:
        text = f"{session.pending_text}. {text}"
        session.pending_text = None
    session.memory.absorb(text, now=session.context.now, shown=session.shown, gazetteer=session.tools.gazetteer)
    context = session.context.model_copy(
        update={"diet": session.memory.diet, "interests": session.context.interests or session.memory.interests}
    )
    understanding = await understand(text, context=context, gazetteer=session.tools.gazetteer, client=session.client)
    session.understanding = understanding
    request = understanding.request
    if session.request is not None and session.itinerary is not None:
        request = refine_request(session.request, understanding.stated) or request
    elif request is None and understanding.questions:
        session.pending_text = text
        return PlanReply("question", " ".join(understanding.questions), understanding=understanding)
    if request is None:
        request, _, questions = build_request(understanding.stated, context)
        if request is None:
            session.pending_text = text
            return PlanReply("question", " ".join(questions), understanding=understanding)
    request = request.model_copy(
        update={
            "constraints": request.constraints.model_copy(
                update={
                    "avoid_categories": sorted(set(request.constraints.avoid_categories) | set(session.memory.avoid))
                }
            )
        }
    )
    itinerary = await asyncio.to_thread(plan_trip, request, session.tools)
    session.request = request
    session.adopt(itinerary)
    summary = await summarise(session, itinerary)
    heard = describe(understanding.understood)
    notes = [f"Understood: {heard}."] if heard else []
    if understanding.assumptions:
        notes.append(f"Assumed: {', '.join(understanding.assumptions)}.")
    if understanding.not_understood:
        notes.append("Not met: " + "; ".join(f"{n.said} ({n.reason})" for n in understanding.not_understood) + ".")
    if itinerary.status != "feasible":
        problems = "; ".join(v.message for v in itinerary.errors[:3])
        relaxed = f" Closest plan gives up: {', '.join(itinerary.relaxed)}." if itinerary.relaxed else ""
        text_out = f"No plan meets every wish ({problems}).{relaxed}\n{summary}"
        return PlanReply("infeasible", "\n".join([text_out, *notes]), itinerary, understanding)
    return PlanReply("plan", "\n".join([summary, *notes]), itinerary, understanding)
