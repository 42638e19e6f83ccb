"""Follow-ups on a planned trip that name no field: "make it cheaper", "drop the second museum".

Everything else a follow-up says ("add a café", "we'll be back by five", "swap lunch for
something vegan") is read by the request reader and put over the trip's request; these
two need the plan itself (its cost, its stops), so they are read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codriver.agents._lexicon import INTEREST_WORDS
from codriver.planning import Itinerary, TripRequest
from codriver.tools.geocoding import fold

__all__ = ["FollowUp", "read_follow_up"]

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -1}
_CHEAPER = re.compile(
    r"\b(?:cheaper|less expensive|spend less|save (?:some )?money|lower (?:the )?budget|too expensive)\b"
)
_DROP = re.compile(
    r"\b(?:drop|remove|skip|cancel|take out|leave out|get rid of|no more)\s+(?:the\s+)?"
    r"(?:(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+)?(?P<what>[\w' -]{2,40}?)\s*(?:[,.!?]|$| and )"
)


@dataclass(frozen=True)
class FollowUp:
    """The trip's request changed by the message, and what to tell the traveller."""

    request: TripRequest
    said: str


def read_follow_up(message: str, request: TripRequest, itinerary: Itinerary | None) -> FollowUp | None:
    """The change a follow-up asks for that needs the plan, or None when it asks none of these."""
    text = fold(message)
    if _CHEAPER.search(text):
        spent = itinerary.totals.cost if itinerary is not None else 0.0
        current = (
            min(v for v in (request.budget, spent or None) if v is not None) if (request.budget or spent) else None
        )
        if current is None or current <= 0:
            return None
        budget = float(int(current * 0.7))
        return FollowUp(
            request.model_copy(update={"budget": budget}),
            f"Lowering the budget to {budget:.0f} {request.currency} (the plan cost {spent:.0f}).",
        )
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
    elif what in {"lunch", "dinner", "breakfast", "brunch"}:
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
    if stop.meal is not None and what in {"lunch", "dinner", "breakfast", "brunch"}:
        meals = [m for m in request.meals if m.meal != stop.meal]
    changed = request.model_copy(update={"constraints": constraints, "must_visit": must, "meals": meals})
    return FollowUp(changed, f"Removing {stop.name} from the plan.")
