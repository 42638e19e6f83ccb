"""Evaluation of a scenario's expectations against what happened in the run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

from codriver.planning import Itinerary
from codriver.simulators._scenario import Expectations, parse_meal_before
from codriver.simulators._traveller import VisitedStop

__all__ = ["ExpectationResult", "RunFacts", "evaluate"]

_EXPLANATION = re.compile(r"no plan meets|not found in region|could not|because|gives up|\(no ", re.IGNORECASE)


class ExpectationResult(BaseModel):
    """One expectation: passed or not, and why."""

    name: str
    passed: bool
    detail: str


@dataclass
class RunFacts:
    """What the runner observed, as the expectations need it."""

    plans: list[Itinerary]
    first_answer: str
    first_plan: Itinerary | None
    visited: list[VisitedStop]
    min_soc: float | None
    arrival: datetime | None
    home_actions: list[datetime]
    outside_catalogue: list[str]
    rating: int
    ev: bool
    verifier_errors: list[list[str]] = field(default_factory=list)  # per plan, codes the verifier found


def evaluate(expect: Expectations, facts: RunFacts) -> list[ExpectationResult]:
    """Every expectation the scenario sets, evaluated."""
    out: list[ExpectationResult] = []
    if expect.feasible is not None:
        statuses = [p.status for p in facts.plans]
        refuted = [codes for codes in facts.verifier_errors if codes]
        ok = bool(statuses) and all(s == "feasible" for s in statuses) and not refuted
        passed = ok if expect.feasible else not any(s == "feasible" for s in statuses)
        detail = f"plan statuses: {statuses or 'no plan'}; verifier errors: {refuted or 'none'}"
        out.append(ExpectationResult(name="feasible", passed=passed, detail=detail))
    if expect.never_below_soc is not None:
        if not facts.ev:
            out.append(ExpectationResult(name="never_below_soc", passed=True, detail="combustion car: no SoC"))
        else:
            low = facts.min_soc
            passed = low is not None and low >= expect.never_below_soc - 1e-9
            detail = f"lowest SoC {low:.3f} vs {expect.never_below_soc:.3f}" if low is not None else "never driven"
            out.append(ExpectationResult(name="never_below_soc", passed=passed, detail=detail))
    if expect.meal_before is not None:
        meal, limit = parse_meal_before(expect.meal_before)
        times = [
            datetime.fromisoformat(v.arrive_at) for v in facts.visited if v.kind == "meal" and (v.meal or meal) == meal
        ]
        hits = [t for t in times if t.hour * 60 + t.minute <= limit]
        detail = f"{meal} stops reached at {[t.strftime('%H:%M') for t in times] or 'none'}"
        out.append(ExpectationResult(name="meal_before", passed=bool(hits), detail=detail))
    if expect.home_action_before_arrival is not None:
        lead = expect.home_action_before_arrival
        if facts.arrival is None:
            out.append(ExpectationResult(name="home_action_before_arrival", passed=False, detail="never arrived"))
        else:
            leads = [(facts.arrival - t).total_seconds() / 60 for t in facts.home_actions]
            passed = any(m >= lead - 1e-6 for m in leads)
            detail = f"home actions {[round(m, 1) for m in leads] or 'none'} min before arrival; wanted >= {lead:g}"
            out.append(ExpectationResult(name="home_action_before_arrival", passed=passed, detail=detail))
    if expect.max_places_outside_catalogue is not None:
        n = len(facts.outside_catalogue)
        out.append(
            ExpectationResult(
                name="max_places_outside_catalogue",
                passed=n <= expect.max_places_outside_catalogue,
                detail=f"{n} outside the catalogue: {facts.outside_catalogue[:5]}",
            )
        )
    if expect.answered_with_explanation is not None:
        plan = facts.first_plan
        impossible = plan is None or plan.status != "feasible"
        explained = bool(_EXPLANATION.search(facts.first_answer))
        passed = (impossible and explained) == expect.answered_with_explanation
        detail = f"plan {'none' if plan is None else plan.status}; answer: {facts.first_answer[:160]!r}"
        out.append(ExpectationResult(name="answered_with_explanation", passed=passed, detail=detail))
    if expect.min_rating is not None:
        out.append(
            ExpectationResult(
                name="min_rating",
                passed=facts.rating >= expect.min_rating,
                detail=f"rating {facts.rating} vs {expect.min_rating}",
            )
        )
    return out
