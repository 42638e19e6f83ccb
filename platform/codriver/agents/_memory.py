"""What the agents remember about a traveller within a trip (and across trips).

Cold start from natural language: every utterance is read for stated preferences
("I'm vegan", "we love museums", "no bars") and for rejections ("we have been there",
"not Kiasma") of places recently shown. The memory is plain data, saved with the trip.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from codriver.agents._reader import read_request
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["TripMemory"]

_REJECT = re.compile(
    r"\b(been there|seen (?:it|that)|already (?:been|visited|seen|went)|not again|don'?t like (?:it|that)|"
    r"not (?:that|this) one|no thanks|something else|we'?ve been|i'?ve been)\b"
)


class TripMemory(BaseModel):
    """Preferences stated and places rejected, most recent last."""

    diet: list[str] = Field(default_factory=list)
    interests: dict[str, float] = Field(default_factory=dict)
    avoid: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list, description="catalogue IDs the traveller turned down")
    accepted: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="what was said, verbatim, newest last")

    def absorb(
        self,
        text: str,
        *,
        now: datetime,
        shown: Sequence[str] = (),
        gazetteer: Gazetteer | None = None,
    ) -> list[str]:
        """Learn from one utterance; return the catalogue IDs it rejected.

        ``shown`` are the IDs just put in front of the traveller (a recommendation, the
        stops of a plan), newest first: "been there" without a name rejects the first.
        """
        self.notes = [*self.notes[-19:], text]
        draft = read_request(text, now=now)
        for diet in draft.fields.get("diet", []):
            if diet not in self.diet:
                self.diet.append(diet)
        for category, weight in draft.fields.get("interests", {}).items():
            self.interests[category] = max(weight, self.interests.get(category, 0.0))
        for category in draft.fields.get("avoid_categories", []):
            self.interests.pop(category, None)
            if category not in self.avoid:
                self.avoid.append(category)
        rejected: list[str] = []
        lowered = fold(text)
        if _REJECT.search(text.casefold()) or re.search(r"\bnot\b", lowered):
            named = [poi for poi in shown if gazetteer is not None and _named(gazetteer, poi, lowered)]
            if named:
                rejected = named
            elif _REJECT.search(text.casefold()) and shown:
                rejected = [shown[0]]
        for poi in rejected:
            if poi not in self.rejected:
                self.rejected.append(poi)
        return rejected


def _named(gazetteer: Gazetteer, poi_id: str, folded_text: str) -> bool:
    place = gazetteer.lookup(poi_id)
    if place is None:
        return False
    name = fold(place.name)
    return len(name) >= 3 and re.search(rf"\b{re.escape(name)}\b", folded_text) is not None
