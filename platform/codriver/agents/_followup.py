"""Follow-ups on a planned trip: the one path from a chat message to the trip's revised request.

The CLI's chat (the planner agent) and the API's chat (``POST /v1/trips/{id}/chat``) both
call :func:`follow_up`, so one message changes a trip the same way in both. Three kinds of
change need the plan itself and are read here (:func:`read_follow_up`): "make it cheaper"
(its cost), "drop the second museum" (its stops in visiting order) and relative shifts of
the times ("leave an hour later"). Everything else ("add a café", "back by five", "bring
back Amos Rex") is read by the request reader and put over the trip's request
(:func:`refine_request`): "add" adds to what the trip has, a time said lands on the trip's
day, and the request's ``understood`` says what the traveller's words changed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from autogen_core.models import ChatCompletionClient
from pydantic import ValidationError

from codriver.agents._lexicon import INTEREST_WORDS, NUMBER_WORDS
from codriver.agents._understand import PlanContext, Understanding, Understood, _chip, understand
from codriver.planning import Itinerary, TripRequest, UnderstoodField
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["FollowUp", "follow_up", "read_follow_up", "refine_request"]

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -1}
_CHEAPER = re.compile(
    r"\b(?:cheaper|less expensive|spend less|save (?:some )?money|lower (?:the )?budget|too expensive)\b"
)
_DROP = re.compile(
    r"\b(?:drop|remove|skip|cancel|take out|leave out|get rid of|no more)\s+(?:the\s+)?"
    r"(?:(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+)?(?P<what>[\w' -]{2,40}?)\s*(?:[,.!?]|$| and )"
)
_AMOUNT = r"(?P<amount>half an|\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>hours?|hrs?|h|minutes?|mins?)"
_WAY = r"(?P<way>later|earlier|sooner)"
#: "leave an hour later", "start 30 minutes earlier", "come back half an hour later", "be home 2 hours sooner"
_SHIFT = re.compile(
    r"\b(?P<end>leave|leaving|start|starting|depart|departing|set off|setting off|head out|go|going|"
    r"(?:come|coming|be|get|getting) (?:back|home)|return|returning|back|home|finish|finishing|end|ending)"
    rf"(?: (?:the trip|us|it))?\s+(?:by\s+)?{_AMOUNT}\s*{_UNIT}\s+{_WAY}\b"
)
_LEAVING = frozenset(
    {"leave", "leaving", "start", "starting", "depart", "departing", "set", "setting", "head", "go", "going"}
)
#: "we can stay until 9pm", "stay out till 21:00": the new latest return (when the reader did not read it)
_STAY_UNTIL = re.compile(
    r"\b(?:stay|stay out|be out|out|keep going)\s+(?:un)?til+\s+(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*"
    r"(?P<half>am|pm)?\b"
)
#: "dinner instead of lunch", "only dinner": the meals said replace the trip's
_REPLACE_MEALS = re.compile(r"\b(?:instead|rather than|only|just)\b")
_MEAL_WORDS = {"lunch", "dinner", "breakfast", "brunch"}


@dataclass(frozen=True)
class FollowUp:
    """The trip's request changed by the message, and what to tell the traveller.

    ``request`` is the trip's request when the message changes nothing; ``understood`` is what the
    message was read as, each time on the trip's own day.
    """

    request: TripRequest
    said: str
    understood: list[Understood] = field(default_factory=list)
    understanding: Understanding | None = None
    questions: list[str] = field(default_factory=list)


def _amount(said: str) -> float:
    if said == "half an":
        return 0.5
    if said in NUMBER_WORDS:
        return float(NUMBER_WORDS[said])
    return float(said.replace(",", "."))


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _shifted(text: str, request: TripRequest) -> FollowUp | None:
    """The trip with its departure or return moved by the amount said ("leave an hour later")."""
    found = list(_SHIFT.finditer(text))
    if not found:
        return None
    depart, back = request.depart_at, request.return_by
    heard: list[Understood] = []
    for match in found:
        minutes = _amount(match["amount"]) * (60 if match["unit"].startswith("h") else 1)
        delta = timedelta(minutes=round(minutes)) * (1 if match["way"] == "later" else -1)
        if match["end"].split()[0] in _LEAVING:
            depart += delta
            heard.append(Understood(field="depart_at", value=depart.isoformat(), said=match.group(0)))
        else:
            back += delta
            heard.append(Understood(field="return_by", value=back.isoformat(), said=match.group(0)))
    if back <= depart:  # leaving later than the trip could last: it keeps its length
        back = depart + (request.return_by - request.depart_at)
    try:
        changed = request.model_copy(update={"depart_at": depart, "return_by": back})
        TripRequest.model_validate(changed.model_dump(mode="json"))
    except ValidationError:
        return None
    parts = []
    if depart != request.depart_at:
        parts.append(f"leaving at {_clock(depart)} instead of {_clock(request.depart_at)}")
    if back != request.return_by:
        parts.append(f"back by {_clock(back)} instead of {_clock(request.return_by)}")
    else:
        parts.append(f"still back by {_clock(back)}")
    return FollowUp(changed, f"Moving the trip: {', '.join(parts)}.", heard)


def _cheaper(request: TripRequest, itinerary: Itinerary | None, said: str) -> FollowUp | None:
    """A budget 30 % under what the plan costs, but never under what its must-visits and meals cost.

    The plan's optional stops can go to save money; a must-visit or a meal cannot go silently:
    when 30 % less would not pay for them, the budget goes down only to what they cost, and
    when even that is not lower, it stays and the reply says why.
    """
    spent = itinerary.totals.cost if itinerary is not None else 0.0
    current = min(v for v in (request.budget, spent or None) if v is not None) if (request.budget or spent) else None
    if current is None or current <= 0:
        return None
    wished = []
    if itinerary is not None:
        musts = set(request.must_visit)
        wished = [s for s in itinerary.stops[1:-1] if s.cost and (s.poi_id in musts or s.kind == "meal")]
    floor = float(math.ceil(sum(s.cost or 0.0 for s in wished)))
    target = float(int(current * 0.7))
    names = ", ".join(s.name for s in wished)
    if target >= floor:
        budget = target
        text = f"Lowering the budget to {budget:.0f} {request.currency} (the plan cost {spent:.0f})."
    elif floor < current:
        budget = floor
        text = (
            f"Lowering the budget to {budget:.0f} {request.currency} (the plan cost {spent:.0f}), not lower: "
            f"that is what {names} cost, and the must-visits and meals stay."
        )
    else:
        text = (
            f"The budget cannot go lower than {current:.0f} {request.currency} without dropping {names}: "
            "say which of them to leave out, or drop a stop."
        )
        return FollowUp(request, text)
    heard = [Understood(field="budget", value=budget, said=said)]
    return FollowUp(request.model_copy(update={"budget": budget}), text, heard)


def read_follow_up(message: str, request: TripRequest, itinerary: Itinerary | None) -> FollowUp | None:
    """The change a follow-up asks for that needs the plan or its times, or None when it asks none of these."""
    text = fold(message)
    cheaper = _CHEAPER.search(text)
    if cheaper:
        return _cheaper(request, itinerary, cheaper.group(0))
    shifted = _shifted(text, request)
    if shifted is not None:
        return shifted
    drop = _DROP.search(text)
    if drop is None or itinerary is None:
        return None
    what = drop["what"].strip()
    category = next(
        (c for pattern, c in INTEREST_WORDS.items() if re.fullmatch(rf"(?:{pattern})", what.rstrip("s") or what)),
        None,
    ) or next((c for pattern, c in INTEREST_WORDS.items() if re.fullmatch(rf"(?:{pattern})", what)), None)
    inner = [s for s in itinerary.stops[1:-1] if s.poi_id]
    if category is not None:
        matching = [s for s in inner if s.category == category]
    elif what in _MEAL_WORDS:
        meal = "lunch" if what == "brunch" else what
        matching = [s for s in inner if s.meal == meal]
    else:
        matching = [s for s in inner if what in fold(s.name)]
    if not matching:
        return None
    index = _ORDINALS.get(drop["nth"] or "first", 0)
    if index >= len(matching):
        return None
    stop = matching[index]
    assert stop.poi_id is not None
    constraints = request.constraints.model_copy(
        update={"avoid_places": sorted({*request.constraints.avoid_places, stop.poi_id})}
    )
    must = [p for p in request.must_visit if p != stop.poi_id]
    meals = request.meals
    if stop.meal is not None and what in _MEAL_WORDS:
        meals = [m for m in request.meals if m.meal != stop.meal]
    changed = request.model_copy(update={"constraints": constraints, "must_visit": must, "meals": meals})
    heard = [Understood(field="avoid_places", value=[stop.poi_id], said=drop.group(0).strip(" ,.!?"))]
    return FollowUp(changed, f"Removing {stop.name} from the plan.", heard)


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


def _meals(old: list[dict[str, Any]], stated: dict[str, Any], *, replace: bool) -> list[dict[str, Any]]:
    """The trip's meals with the ones said: "add dinner" keeps the lunch; "dinner instead" replaces it.

    A food wish said without a meal ("something vegan instead") goes on the meals there are (or a lunch);
    said with a meal ("dinner at an Italian place") it is that meal's only.
    """
    said = [dict(m) for m in stated.get("meals", [])]
    if said and replace:
        meals = said
    else:
        named = {m["meal"] for m in said}
        meals = [dict(m) for m in old if m["meal"] not in named] + said
    if "cuisine" in stated and not said:
        values = list(dict.fromkeys(v for wish in stated["cuisine"] for v in wish["values"]))
        meals = meals or [{"meal": "lunch", "earliest": "11:30", "latest": "14:30", "duration_min": 60}]
        for meal in meals:
            meal["cuisine"] = values
    return meals


def refine_request(
    previous: TripRequest,
    stated: dict[str, Any],
    *,
    itinerary: Itinerary | None = None,
    replace_meals: bool = False,
) -> TripRequest | None:
    """``previous`` with the fields a follow-up message states put over it (None: they do not fit together).

    Adding keeps what the trip has: meals said join the trip's meals (``replace_meals``: they
    replace them), places said become must-visits (and are no longer avoided), and a kind of
    place said once ("add a café") is one more stop of that kind than ``itinerary`` has.
    """
    merged: dict[str, Any] = {}
    old = previous.model_dump(mode="json")
    for key in ("origin", "destination", "budget"):
        if key in stated:
            merged[key] = stated[key]
    if "must_visit" in stated:
        merged["must_visit"] = list(dict.fromkeys([*old["must_visit"], *stated["must_visit"]]))
    for key in ("diet", "visit_minutes"):
        if key in stated:
            merged[key] = stated[key]
    if "meals" in stated or "cuisine" in stated:
        merged["meals"] = _meals(old["meals"], stated, replace=replace_meals)
    if "interests" in stated:
        merged["interests"] = {**old["interests"], **stated["interests"]}
    if "party" in stated:
        merged["party"] = stated["party"]
    if "vehicle" in stated:
        merged["vehicle"] = {**old["vehicle"], **stated["vehicle"]}
    constraints = dict(old["constraints"])
    for key in ("max_detour_min", "charging_networks", "max_stint_min"):
        if key in stated:
            constraints[key] = stated[key]
    if stated.get("max_per_category") == 1 and "interests" in stated:
        # "add a café" is one more café, not one stop per kind for the whole trip
        planned = itinerary.stops[1:-1] if itinerary is not None else []
        caps = dict(constraints.get("per_category") or {})
        for category in stated["interests"]:
            caps[category] = min(20, 1 + sum(1 for s in planned if s.category == category and s.kind == "visit"))
        constraints["per_category"] = caps
    if "must_visit" in stated:  # "bring back Amos Rex": no longer avoided
        constraints["avoid_places"] = [p for p in constraints["avoid_places"] if p not in stated["must_visit"]]
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


def _on_the_trips_day(items: list[Understood], request: TripRequest) -> list[Understood]:
    """What was understood, with the times and the day the trip now has (the reader dates them today)."""
    now: dict[str, Any] = {
        "depart_at": request.depart_at.isoformat(),
        "return_by": request.return_by.isoformat(),
        "date": request.depart_at.date().isoformat(),
    }
    if request.budget is not None:
        now["budget"] = request.budget
    return [item.model_copy(update={"value": now[item.field]}) if item.field in now else item for item in items]


#: an assumption of the request that a field said later makes stale
_ASSUMED_FIELD = {"leaving at": "depart_at", "back by": "return_by", "no budget": "budget", "no interests": "interests"}


def _remembered(request: TripRequest, heard: list[Understood]) -> TripRequest:
    """``request`` whose ``understood`` and ``assumptions`` say what the follow-up's words changed."""
    if not heard:
        return request
    fields = {u.field for u in heard}
    kept = [u for u in request.understood if u.field not in fields]
    new = [
        UnderstoodField(field=u.field, said=u.said[:300], text=(_chip(u) if u.value is not None else "")[:300])
        for u in heard
        if u.said
    ]
    assumptions = [
        a for a in request.assumptions if not any(a.startswith(w) and f in fields for w, f in _ASSUMED_FIELD.items())
    ]
    return request.model_copy(update={"understood": [*kept, *new][-60:], "assumptions": assumptions})


async def follow_up(
    message: str,
    *,
    request: TripRequest,
    itinerary: Itinerary | None,
    context: PlanContext,
    gazetteer: Gazetteer | None = None,
    client: ChatCompletionClient | None = None,
) -> FollowUp:
    """The trip's request as ``message`` changes it: the one path of every chat about a planned trip.

    ``request`` comes back unchanged (with ``questions`` or a ``said`` that explains) when
    the message changes nothing that can be planned.
    """
    plan_change = read_follow_up(message, request, itinerary)
    if plan_change is not None:
        return FollowUp(
            _remembered(plan_change.request, plan_change.understood),
            plan_change.said,
            _on_the_trips_day(plan_change.understood, plan_change.request),
        )
    understanding = await understand(
        message, context=context.model_copy(update={"request": request}), gazetteer=gazetteer, client=client
    )
    if understanding.questions:
        return FollowUp(request, "", understanding=understanding, questions=understanding.questions)
    stated = dict(understanding.stated)
    # "add a café": one café more (refine_request), not one stop per kind for the whole trip
    heard = [u for u in understanding.understood if not (u.field == "max_per_category" and "interests" in stated)]
    stay = _STAY_UNTIL.search(fold(message))
    if stay is not None and "return_by" not in stated:
        hour = int(stay["hour"]) % 12 + (12 if stay["half"] == "pm" else 0) if stay["half"] else int(stay["hour"])
        if 0 <= hour < 24:
            clock = request.return_by.replace(hour=hour, minute=int(stay["minute"] or 0))
            stated["return_by"] = clock.isoformat()
            heard.append(Understood(field="return_by", value=stated["return_by"], said=stay.group(0)))
    revised = refine_request(
        request, stated, itinerary=itinerary, replace_meals=bool(_REPLACE_MEALS.search(fold(message)))
    )
    if revised is None or revised == request:
        return FollowUp(request, "", _on_the_trips_day(heard, request), understanding)
    heard = _on_the_trips_day(heard, revised)
    return FollowUp(_remembered(revised, heard), "", heard, understanding)
