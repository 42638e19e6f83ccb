"""Explanations built from catalogue facts only, so every word of them is true.

An explanation is a short list of facts about a place, each read from the catalogue or
computed by a tool: opening hours at the time asked, diets and cuisine as tagged,
the exact detour or distance, wheelchair access and entry fees. Nothing the model
writes goes into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from codriver.tools.places import PlaceResult

__all__ = ["explain_place", "place_facts"]

_DIET_WORDS = {
    "vegan": "vegan",
    "vegetarian": "vegetarian",
    "halal": "halal",
    "kosher": "kosher",
    "gluten_free": "gluten-free",
    "lactose_free": "lactose-free",
}


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def place_facts(place: PlaceResult, *, diets: Sequence[str] = ()) -> list[str]:
    """The true, short facts about ``place`` worth telling, most relevant first."""
    facts: list[str] = []
    hours = place.hours
    if hours.state == "open":
        facts.append(f"open until {_clock(hours.open_until)}" if hours.open_until else "open now")
    elif hours.state == "closed":
        facts.append(f"opens at {_clock(hours.opens_at)}" if hours.opens_at else "closed then")
    else:
        facts.append("opening hours unknown")
    for diet in diets:
        value = place.diets.get(diet)
        if value == "only":
            facts.append(f"{_DIET_WORDS.get(diet, diet)} only")
        elif value in {"yes", "limited"}:
            facts.append(f"{_DIET_WORDS.get(diet, diet)} options" + (" (limited)" if value == "limited" else ""))
    if place.cuisine:
        facts.append(", ".join(c.replace("_", " ") for c in place.cuisine[:2]) + " cuisine")
    if place.detour_s is not None:
        facts.append(f"{max(1, round(place.detour_s / 60))} min detour")
    elif place.distance_m is not None:
        facts.append(
            f"{place.distance_m / 1000:.1f} km away" if place.distance_m >= 1000 else f"{place.distance_m:.0f} m away"
        )
    if place.wheelchair in {"yes", "designated"}:
        facts.append("wheelchair accessible")
    if place.fee is False:
        facts.append("free entry")
    return facts


def explain_place(place: PlaceResult, *, diets: Sequence[str] = (), limit: int = 4) -> str:
    """One line such as ``"Kasvis (restaurant): open until 22:00, vegan options, 4 min detour"``."""
    label = (
        f"{place.name or place.category.replace('_', ' ')} ({(place.subcategory or place.category).replace('_', ' ')})"
    )
    return f"{label}: " + ", ".join(place_facts(place, diets=diets)[:limit])
