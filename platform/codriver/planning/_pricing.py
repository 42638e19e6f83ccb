"""Rules of thumb the engine and the verifier share: what a stop costs and how long it lasts.

OSM rarely records prices: ``price_level`` for meals and ``fee`` for entries are used when
tagged, else a typical figure of the category. Costs are per person in the request's
currency (figures are euros), for a visit or a meal; children pay like adults (a planning
estimate, erring high).
"""

from __future__ import annotations

from typing import Protocol

__all__ = [
    "DEFAULT_VISIT_MIN",
    "FOOD_MEALS",
    "PricedPlace",
    "cost_per_person",
    "visit_minutes",
]

#: Minutes a visit of each category usually takes (the request's visit_minutes override it).
DEFAULT_VISIT_MIN: dict[str, int] = {
    "museum": 90,
    "gallery": 60,
    "attraction": 90,
    "entertainment": 120,
    "park": 45,
    "beach": 60,
    "playground": 30,
    "viewpoint": 20,
    "artwork": 10,
    "square": 15,
    "historic": 20,
    "place_of_worship": 20,
    "library": 45,
    "cafe": 30,
    "bar": 60,
    "restaurant": 60,
    "fast_food": 30,
    "supermarket": 20,
}
_FALLBACK_VISIT_MIN = 30

#: Which meals a food category can serve.
FOOD_MEALS: dict[str, tuple[str, ...]] = {
    "restaurant": ("lunch", "dinner"),
    "cafe": ("breakfast", "lunch"),
    "fast_food": ("breakfast", "lunch", "dinner"),
}

_ENTRY_EUR = {"museum": 15.0, "gallery": 10.0, "attraction": 20.0, "entertainment": 25.0}
_MEAL_EUR = {"restaurant": 25.0, "cafe": 10.0, "fast_food": 12.0, "bar": 15.0}
_PRICE_LEVEL_EUR = (12.0, 20.0, 35.0, 60.0)


class PricedPlace(Protocol):
    """The catalogue fields a price is estimated from."""

    @property
    def category(self) -> str: ...
    @property
    def price_level(self) -> int | None: ...
    @property
    def fee(self) -> bool | None: ...


def cost_per_person(place: PricedPlace, kind: str) -> float:
    """Estimated cost (EUR) per person of a ``visit`` or ``meal`` at ``place``; other stops cost 0."""
    if kind == "meal":
        if place.price_level is not None:
            return _PRICE_LEVEL_EUR[place.price_level - 1]
        return _MEAL_EUR.get(place.category, 20.0)
    if kind != "visit":
        return 0.0
    if place.fee is False:
        return 0.0
    if place.fee is True:
        return _ENTRY_EUR.get(place.category, 10.0)
    if place.category in _MEAL_EUR:  # a café or bar visited for itself: a drink
        return _MEAL_EUR[place.category] / 2
    return _ENTRY_EUR.get(place.category, 0.0)


def visit_minutes(category: str, preferences: dict[str, int]) -> int:
    """Minutes to stay at a place of ``category``: the traveller's preference, else the default."""
    return preferences.get(category) or DEFAULT_VISIT_MIN.get(category, _FALLBACK_VISIT_MIN)
