"""When the budget is the reason a wish has no stop: the cheapest the catalogue offers, against the budget.

A wish (a meal, a kind of place, a must-visit) the plan leaves out may be left out for
time, opening hours or money. When even the cheapest place that could meet it (of those
open within reach, priced from the catalogue as the engine prices stops) costs the party
more than the whole budget, money is the reason, and the plan says so with the figures,
rather than a reason that is not true ("no room in the plan").
"""

from __future__ import annotations

__all__ = ["over_budget"]


def over_budget(what: str, cost: float | None, *, budget: float | None, party_size: int, currency: str) -> str | None:
    """Why ``what`` has no stop when its cost for the party (``cost``) is over the whole budget, else None.

    "the cheapest lunch open within reach costs about 40.00 EUR for 4 people, over the budget of 10.00 EUR"
    """
    if budget is None or cost is None or cost <= budget + 0.005:
        return None
    people = "1 person" if party_size == 1 else f"{party_size} people"
    return f"{what} costs about {cost:.2f} {currency} for {people}, over the budget of {budget:.2f} {currency}"
