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
from typing import Any, Literal

from autogen_core.models import SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from codriver.agents._followup import follow_up, refine_request
from codriver.agents._session import TripSession
from codriver.agents._understand import NotUnderstood, Understanding, build_request, describe, understand
from codriver.planning import CAR_POSITION, Itinerary, TripRequest, plan_trip
from codriver.tools.geocoding import Gazetteer, fold

__all__ = [
    "PlanReply",
    "mentions_other_place",
    "no_longer_planned",
    "plan_text",
    "refine_request",
    "summarise",
    "template_summary",
]

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
    start = f"from {CAR_POSITION}" if stops[0].name == CAR_POSITION else stops[0].name  # a re-plan's start
    head = f"Leaving {start} at {_clock(stops[0].depart_at)}"
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


async def plan_text(session: TripSession, text: str) -> PlanReply:
    """Plan (or re-plan with the new wishes) from free text, or ask what is missing.

    A message about a planned trip is read by :func:`follow_up`, the path the API's chat takes too.
    """
    if session.request is not None and session.itinerary is not None and not session.pending_text:
        return await _follow_up(session, text, session.request, session.itinerary)
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
    if request is None and understanding.questions:
        session.pending_text = text
        return PlanReply("question", " ".join(understanding.questions), understanding=understanding)
    if request is None:
        request, _, questions = build_request(understanding.stated, context)
        if request is None:
            session.pending_text = text
            return PlanReply("question", " ".join(questions), understanding=understanding)
    notes = []
    heard = describe(understanding.understood)
    if heard:
        notes.append(f"Understood: {heard}.")
    if understanding.assumptions:
        notes.append(f"Assumed: {', '.join(understanding.assumptions)}.")
    return await _plan(session, request, understanding, notes, understanding.not_understood)


async def _follow_up(session: TripSession, text: str, request: TripRequest, itinerary: Itinerary) -> PlanReply:
    """A planned trip changed by ``text``; nothing planned when it changes nothing."""
    session.memory.absorb(text, now=session.context.now, shown=session.shown, gazetteer=session.tools.gazetteer)
    change = await follow_up(
        text,
        request=request,
        itinerary=itinerary,
        context=session.context,
        gazetteer=session.tools.gazetteer,
        client=session.client,
    )
    understanding = change.understanding
    session.understanding = (
        understanding.model_copy(update={"understood": change.understood})
        if understanding is not None
        else Understanding(stated={}, understood=change.understood)
    )
    if change.questions:
        return PlanReply("question", " ".join(change.questions), understanding=session.understanding)
    unmet = understanding.not_understood if understanding is not None else []
    if change.request == request:
        lines = [change.said] if change.said else []
        if unmet:
            lines.append("Not met: " + "; ".join(f"{n.said} ({n.reason})" for n in unmet) + ".")
        lines.append(_ASK_CHANGE if not change.said else "")
        return PlanReply("question", "\n".join(x for x in lines if x), understanding=session.understanding)
    heard = describe(change.understood)
    notes = [change.said] if change.said else []
    if heard:
        notes.append(f"Understood: {heard}.")
    return await _plan(session, change.request, session.understanding, notes, list(unmet))


_ASK_CHANGE = "What would you like to change: times, places, food or the budget?"


def no_longer_planned(before: Itinerary, after: Itinerary) -> list[str]:
    """The places and meals of ``before`` that ``after`` no longer has, in words (a meal at another place is kept).

    Every front end says them after a change, so no wish leaves the plan unsaid.
    """
    present = {s.poi_id for s in after.stops}
    meals = {s.meal for s in after.stops if s.kind == "meal"}
    gone = []
    for stop in before.stops[1:-1]:
        if stop.kind == "meal" and stop.meal not in meals:
            gone.append(f"the {stop.meal} ({stop.name})")
        elif stop.kind == "visit" and stop.poi_id not in present:
            gone.append(stop.name)
    return gone


def meals_moved(before: Itinerary, after: Itinerary) -> list[str]:
    """The meals ``after`` takes at another place than ``before`` did, in words ("lunch now at X (was Y)")."""
    was = {s.meal: s.name for s in before.stops if s.kind == "meal" and s.meal}
    return [
        f"{s.meal} now at {s.name} (was {was[s.meal]})"
        for s in after.stops
        if s.kind == "meal" and s.meal in was and was[s.meal] != s.name
    ]


async def _plan(
    session: TripSession,
    request: TripRequest,
    understanding: Understanding | None,
    notes: list[str],
    unmet: list[NotUnderstood],
) -> PlanReply:
    """Plan ``request`` as the trip's new version and say it, with what no plan could keep."""
    request = request.model_copy(
        update={
            "constraints": request.constraints.model_copy(
                update={
                    "avoid_categories": sorted(set(request.constraints.avoid_categories) | set(session.memory.avoid))
                }
            )
        }
    )
    before = session.itinerary
    itinerary = await asyncio.to_thread(plan_trip, request, session.tools)
    session.request = request
    session.context = session.context.model_copy(update={"request": request})
    session.adopt(itinerary)
    summary = await summarise(session, itinerary)
    if unmet:
        notes.append("Not met: " + "; ".join(f"{n.said} ({n.reason})" for n in unmet) + ".")
    lost = no_longer_planned(before, itinerary) if before is not None else []
    if lost:
        notes.append(f"No longer in the plan: {', '.join(lost)}.")
    moved = meals_moved(before, itinerary) if before is not None else []
    if moved:
        notes.append(f"Changed: {'; '.join(moved)}.")
    if itinerary.status != "feasible":
        problems = "; ".join(v.message for v in itinerary.errors[:3])
        relaxed = f" Closest plan gives up: {', '.join(itinerary.relaxed)}." if itinerary.relaxed else ""
        text_out = f"No plan meets every wish ({problems}).{relaxed}\n{summary}"
        return PlanReply("infeasible", "\n".join([text_out, *notes]), itinerary, understanding)
    return PlanReply("plan", "\n".join([summary, *notes]), itinerary, understanding)
