"""Typed requests against the same requests given as a form: does the text plan as well? (issue 12)

Usage: ``python benchmarks/bench_text_vs_form.py [--only SET] [--limit N] [--show-dev-differences] [--control]
[--json]``

Issue 12's first "Done when" line, measured on the understanding sets (``understanding_dev*.yaml``
and ``understanding_heldout*.yaml``). For each request:

* the FORM is a ``TripRequest`` built directly from the request's ``expect`` slots (the writers'
  reading, not ground truth of the region): the date (default today), the departure and return,
  a length or a part of the day, else the defaults docs/agents.md describes (leaving at 09:00 or
  now; back by 19:00, 21:30 with a dinner, within 2-8 hours, after the meals' hours); interests;
  must-visits, start and end by their catalogue name, exact, through the region's gazetteer;
  meals in their usual hours with the cuisine (a cuisine said without a meal goes on the meal whose
  hours the trip covers most); diet; budget or a price word as a cap; party; vehicle; and the
  wishes the writers expect the region cannot meet as ``not_met``; its interests are marked as said
  (``understood``), so a plan without one of those kinds is short of a wish on both sides. Requests
  whose ``expect`` asks a question, or holds nothing plannable beyond wishes the region cannot meet,
  are skipped;
* the TEXT is ``understand(text)``'s request, on the same context (same start, same "now").

Both are planned by the engine ``codriver plan`` uses (``RegionTools.load`` + ``plan_trip``, its
defaults) and compared on what a traveller would notice. The text plan is as good as the form plan
when it has: the same day; departure and return within 15 min (the return the plan was made for: a
plan back earlier because it has nothing more to do differs in content, which the next criteria
judge); the same start and end; every
must-visit the form plan visits; every meal the form plan has, of the same kind and, when the form
asked one, a cuisine the form asked; the diet respected wherever the form plan respects it; a status
no worse (feasible or not, as the verifier found: a text plan that passes where the form's fails is
not worse; ``all_same_status`` is the stricter figure that counts it as a difference, as before
2026-12-07); and every wish the form could not meet reported (``relaxed``). A text that gets a
question instead of a plan is as good on nothing.

``--show-dev-differences`` lists the development sets' differing requests; held-out sets are only
ever reported in aggregate. ``--control`` plans the form a second time and compares it with itself
(the optimizer runs against a time limit, so a busy machine can change a plan): the floor of noise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_understanding import DEVELOPMENT, HELD_OUT, SETS, Regions, request_sets
from codriver.agents import understand
from codriver.agents._cuisine import read_cuisines
from codriver.agents._lexicon import MEAL_WINDOWS
from codriver.agents._understand import _DEFAULT_INTERESTS, _PRICE_CAP
from codriver.agents._when import part_window
from codriver.planning import (
    Itinerary,
    ItineraryStop,
    Location,
    MealWish,
    Party,
    RegionTools,
    TripRequest,
    VehicleSpec,
    WishNotMet,
    plan_trip,
)
from codriver.regions import CATEGORIES
from codriver.tools.geocoding import Gazetteer, fold

WINDOW_SLACK = timedelta(minutes=15)
CRITERIA = ("day", "window", "start_end", "must_visit", "meals", "diet", "status", "not_met")
_VEHICLE = ("powertrain", "soc", "reserve_soc", "target_soc", "battery_kwh", "connectors")
_PLANNABLE = {"date", "depart", "return", "duration_h", "part_of_day", "must_visit", "origin", "destination"}
_PLANNABLE |= {"meals", "diet", "budget", "price", "adults", "children", "accessibility", *_VEHICLE}
_DIET_OK = {"yes", "only"}


# -- the form ----------------------------------------------------------------------------------
class FormError(ValueError):
    """The ``expect`` slots do not make a request (a name that is no catalogue name, a window backwards)."""


def catalogue_id(gazetteer: Gazetteer, name: str) -> str:
    """The catalogue ID of the place whose ``name`` is exactly ``name`` (the first, where several share it)."""
    for entry in gazetteer.entries:
        if entry.kind == "place" and entry.place_id and entry.name == name:
            return entry.place_id
    msg = f"no catalogue place is named exactly {name!r}"
    raise FormError(msg)


def _window(expect: dict[str, Any], now: datetime, meals: list[str]) -> tuple[datetime, datetime]:
    """Departure and return from the slots, with the reader's documented defaults where they say nothing."""
    day = date.fromisoformat(expect["date"]) if "date" in expect else now.date()
    part = expect.get("part_of_day")

    def at(clock: str, on: date = day) -> datetime:
        return datetime.combine(on, datetime.strptime(clock, "%H:%M").time(), now.tzinfo)  # noqa: DTZ007

    if "depart" in expect:
        depart = at(expect["depart"])
    else:
        depart = at(part_window(part)[0].strftime("%H:%M") if part else "09:00")
        if "return" in expect and "duration_h" in expect:
            depart = at(expect["return"]) - timedelta(hours=float(expect["duration_h"]))
        if depart < now:  # leaving now, on the quarter hour
            depart = (now + timedelta(minutes=-now.minute % 15)).replace(second=0, microsecond=0)
    if "return" in expect:
        clock, _, next_day = expect["return"].partition("+")
        back = at(clock, day + timedelta(days=1 if next_day else 0))
    elif "duration_h" in expect:
        back = depart + timedelta(hours=float(expect["duration_h"]))
    elif part and part_window(part)[1] > depart.time():
        back = at(part_window(part)[1].strftime("%H:%M"), depart.date())
    else:
        latest = at("21:30" if "dinner" in meals else "19:00", depart.date())
        back = max(min(depart + timedelta(hours=8), latest), depart + timedelta(hours=2))
        ends = [at(MEAL_WINDOWS[m][1].strftime("%H:%M"), depart.date()) for m in meals]
        back = max([back, *(end for end in ends if end > depart)])
    return depart, back


def _meal_covered(depart: datetime, back: datetime) -> str:
    """The meal whose usual hours the trip covers most."""

    def covered(meal: str) -> float:
        first, last = (datetime.combine(depart.date(), t, depart.tzinfo) for t in MEAL_WINDOWS[meal])
        return (min(back, last) - max(depart, first)).total_seconds()

    return max(("lunch", "dinner", "breakfast"), key=covered)


def form_request(
    expect: dict[str, Any],
    *,
    now: datetime,
    origin: Location,
    gazetteer: Gazetteer,
    facts: dict[str, Any],
    region: str = "helsinki",
) -> TripRequest | None:
    """The request a form filled with ``expect``'s slots gives, or None when there is nothing to plan.

    Raises :class:`FormError` when the slots do not make a valid request.
    """
    interests = [c for c in expect.get("interests", []) if c in facts["categories"]]
    cuisine = [c for c in expect.get("cuisine", []) if c in facts["cuisines"]]
    if expect.get("ask") or not (set(expect) & _PLANNABLE or interests or cuisine):
        return None
    meals = list(expect.get("meals", []))
    depart, back = _window(expect, now, meals)
    if cuisine and not meals:
        meals = [_meal_covered(depart, back)]
    wishes = [MealWish(meal=m, earliest=MEAL_WINDOWS[m][0], latest=MEAL_WINDOWS[m][1], cuisine=cuisine) for m in meals]
    party = Party(
        adults=expect.get("adults", 1),
        children=expect.get("children", 0),
        accessibility=expect.get("accessibility", []),
    )
    budget = expect.get("budget")
    if budget is None and expect.get("price") in _PRICE_CAP:
        budget = _PRICE_CAP[expect["price"]] * party.size
    must_visit = [catalogue_id(gazetteer, name) for name in expect.get("must_visit", [])]
    avoid = [c for c in expect.get("avoid", []) if c in CATEGORIES]
    weights = dict.fromkeys(interests, 1.0) or ({} if must_visit or wishes else dict(_DEFAULT_INTERESTS))
    try:
        return TripRequest(
            region=region,
            origin=Location(place_id=catalogue_id(gazetteer, expect["origin"])) if "origin" in expect else origin,
            destination=Location(place_id=catalogue_id(gazetteer, expect["destination"]))
            if "destination" in expect
            else None,
            depart_at=depart,
            return_by=back,
            party=party,
            budget=budget,
            interests={c: w for c, w in weights.items() if c not in avoid and c in facts["categories"]},
            must_visit=must_visit,
            diet=expect.get("diet", []),
            meals=wishes,
            vehicle=VehicleSpec(**{k: expect[k] for k in _VEHICLE if k in expect}),
            constraints={"avoid_categories": avoid},
            # the kinds the writers read from the words are asked for, as the reader's are (a plan without one
            # says so); the form stands for the same words
            understood=[{"field": "interests", "said": ", ".join(interests)}] if interests else [],
            not_met=[
                WishNotMet(said=w, reason="the writers expect no such place here") for w in expect.get("not_met", [])
            ],
        )
    except ValueError as exc:
        raise FormError(str(exc).splitlines()[0]) from exc


# -- the comparison ----------------------------------------------------------------------------
def _ends(plan: Itinerary) -> tuple[datetime, datetime]:
    """When the plan leaves its start, and the latest return it was planned for."""
    out = plan.stops[0].depart_at
    assert out is not None
    assert plan.request is not None
    return out, plan.request.return_by


def _is(stop: ItineraryStop, place_id: str, name: str) -> bool:
    return stop.poi_id == place_id or fold(stop.name) == fold(name)


class Judge:
    """Compares a text plan with the form plan of the same request, criterion by criterion."""

    def __init__(self, tools: RegionTools) -> None:
        self.places = {e.poi_id: e for e in tools.places.index.entries}

    def name(self, place_id: str) -> str:
        """The catalogue name of ``place_id`` (the ID itself when it is none)."""
        entry = self.places.get(place_id)
        return entry.name or place_id if entry else place_id

    def _serves(self, stop: ItineraryStop, cuisines: list[str]) -> bool:
        """The stop's place serves one of ``cuisines``, or a dish the OSM vocabulary files under one (sushi)."""
        entry = self.places.get(stop.poi_id or "")
        served = set(entry.cuisine if entry else ())
        served |= {v for c in list(served) for wish in read_cuisines(c.replace("_", " ")) for v in wish.values}
        return bool(served & set(cuisines))

    def _diet_kept(self, plan: Itinerary, diets: Sequence[str]) -> bool:
        def ok(entry: Any, diet: str) -> bool:
            return entry.diets.get(diet) in _DIET_OK or (diet == "vegetarian" and entry.diets.get("vegan") in _DIET_OK)

        meals = [self.places.get(s.poi_id or "") for s in plan.stops if s.kind == "meal"]
        return all(entry is not None and ok(entry, d) for entry in meals for d in diets)

    def compare(self, form: TripRequest, form_plan: Itinerary, text_plan: Itinerary | None) -> dict[str, str]:
        """Criterion -> what falls short ("" when the text plan is as good)."""
        if text_plan is None:
            return dict.fromkeys(CRITERIA, "the text got a question, no plan")
        short: dict[str, str] = dict.fromkeys(CRITERIA, "")
        (form_out, form_back), (text_out, text_back) = _ends(form_plan), _ends(text_plan)
        if form_out.date() != text_out.date():
            short["day"] = f"{form_out:%a %d %b} / {text_out:%a %d %b}"
        if abs(form_out - text_out) > WINDOW_SLACK or abs(form_back - text_back) > WINDOW_SLACK:
            short["window"] = f"{form_out:%H:%M}-{form_back:%H:%M} / {text_out:%H:%M}-{text_back:%H:%M}"
        for end in (0, -1):
            a, b = form_plan.stops[end], text_plan.stops[end]
            if not _is(b, a.poi_id or "", a.name):
                short["start_end"] += f"{'start' if end == 0 else 'end'} {a.name} / {b.name}; "
        visited = [p for p in form.must_visit if any(s.poi_id == p for s in form_plan.stops)]
        missed = [self.name(p) for p in visited if not any(_is(s, p, self.name(p)) for s in text_plan.stops)]
        if missed:
            short["must_visit"] = f"missing {missed}"
        for wish in form.meals:
            if not any(s.meal == wish.meal for s in form_plan.stops):
                continue
            theirs = [s for s in text_plan.stops if s.meal == wish.meal]
            if not theirs:
                short["meals"] += f"no {wish.meal}; "
            elif wish.cuisine and not any(self._serves(s, wish.cuisine) for s in theirs):
                short["meals"] += f"{wish.meal} at {theirs[0].name}, not {'/'.join(wish.cuisine)}; "
        if form.diet and self._diet_kept(form_plan, form.diet) and not self._diet_kept(text_plan, form.diet):
            short["diet"] = f"{form.diet} not kept"
        # a text plan the verifier passes where the form's fails is not worse (the strict figure counts it apart)
        if form_plan.status != text_plan.status and not (
            form_plan.status == "infeasible" and text_plan.status == "feasible"
        ):
            short["status"] = f"{form_plan.status} / {text_plan.status}"
        said = fold(" ".join(text_plan.relaxed))
        unsaid = [w.said for w in form.not_met if fold(w.said) not in said]
        if unsaid:
            short["not_met"] = f"not said: {unsaid}"
        return {k: v.rstrip("; ") for k, v in short.items()}


FIELD_GROUPS = ("window", "places", "meals", "diet", "budget", "party", "vehicle")


def request_differences(form: TripRequest, text: TripRequest, name: Callable[[str], str]) -> dict[str, str]:
    """Group of fields -> how the text's request differs from the form's ("" when the same); a diagnostic.

    Places compare by name (a place mapped as a node and as a building is one); cuisines are left out
    (the reader widens a dish to its cuisines on purpose, sushi -> sushi or japanese).
    """

    def where(location: Location | None) -> str:
        return name(location.place_id) if location is not None and location.place_id else str(location)

    def sides(group: str, request: TripRequest) -> Any:
        return {
            "window": (f"{request.depart_at:%d.%m. %H:%M}", f"{request.return_by:%d.%m. %H:%M}"),
            "places": (where(request.origin), where(request.destination), sorted(map(name, request.must_visit))),
            "meals": sorted(m.meal for m in request.meals),
            "diet": sorted(request.diet),
            "budget": request.budget,
            "party": request.party.model_dump(),
            "vehicle": request.vehicle.model_dump(exclude_defaults=True),
        }[group]

    found = {g: (sides(g, form), sides(g, text)) for g in FIELD_GROUPS}
    return {g: "" if a == b else f"{a} / {b}" for g, (a, b) in found.items()}


# -- the run -----------------------------------------------------------------------------------
def _timed(into: list[float], call: Callable[..., Any], *args: Any) -> Any:
    started = time.perf_counter()
    result = call(*args)
    into.append(time.perf_counter() - started)
    return result


def run_set(data: dict[str, Any], *, regions: Regions, limit: int | None, control: bool) -> dict[str, Any]:
    """The set's aggregates, with each compared request's shortfalls under ``rows`` (never printed for held-out)."""
    tools, facts, context = regions.of_set(data)
    gazetteer = tools.gazetteer
    assert gazetteer is not None
    judge = Judge(tools)
    now = context.now
    times: dict[str, list[float]] = {"understand": [], "plan": []}
    out: dict[str, Any] = {"requests": 0, "skipped": {}, "rows": [], "control": []}
    for item in data["requests"][:limit]:
        out["requests"] += 1
        try:
            assert context.origin is not None
            form = form_request(
                item["expect"],
                now=now,
                origin=context.origin,
                gazetteer=gazetteer,
                facts=facts,
                region=tools.region.name,
            )
        except FormError as exc:
            out["skipped"]["no valid form"] = out["skipped"].get("no valid form", 0) + 1
            out["rows"].append({"text": item["text"], "form_error": str(exc)})
            continue
        if form is None:
            reason = "asks first" if item["expect"].get("ask") else "nothing plannable here"
            out["skipped"][reason] = out["skipped"].get(reason, 0) + 1
            continue
        reading = understand(item["text"], context=context, gazetteer=gazetteer)
        understanding = _timed(times["understand"], asyncio.run, reading)
        text = understanding.request
        form_plan = _timed(times["plan"], plan_trip, form, tools)
        text_plan = _timed(times["plan"], plan_trip, text, tools) if text is not None else None
        short = judge.compare(form, form_plan, text_plan)
        out["rows"].append(
            {
                "text": item["text"],
                "short": short,
                "status_differs": text_plan is not None and text_plan.status != form_plan.status,
                "request": request_differences(form, text, judge.name) if text is not None else {},
                "no_plan": text is None,
                "questions": understanding.questions,
            }
        )
        if control:
            again = plan_trip(form, tools)
            out["control"].append(all(not v for v in judge.compare(form, form_plan, again).values()))
    rows = [r for r in out["rows"] if "short" in r]
    n = max(1, len(rows))
    out["compared"] = len(rows)
    out["as_good"] = {c: sum(not r["short"][c] for r in rows) / n for c in CRITERIA}
    out["as_good"]["all"] = sum(not any(r["short"].values()) for r in rows) / n
    # as before the text's better status counted as a difference: the same status on both sides
    out["as_good"]["all_same_status"] = sum(not any(r["short"].values()) and not r["status_differs"] for r in rows) / n
    out["text_asked"] = sum(r["no_plan"] for r in rows)
    asked = [r for r in rows if not r["no_plan"]]
    out["same_request"] = {g: sum(not r["request"][g] for r in asked) / max(1, len(asked)) for g in FIELD_GROUPS}
    out["median_ms"] = {k: round(1000 * statistics.median(v), 1) if v else None for k, v in times.items()}
    if control:
        out["control"] = sum(out["control"]) / max(1, len(out["control"]))
    else:
        del out["control"]
    return out


def _print_set(name: str, entry: dict[str, Any], *, show: bool) -> None:
    skipped = ", ".join(f"{k} {v}" for k, v in entry["skipped"].items()) or "none"
    print(f"\n== {name}: {entry['requests']} requests, {entry['compared']} compared, skipped: {skipped}")
    print(f"   the text got a question instead of a plan: {entry['text_asked']}")
    same = ", ".join(f"{g} {share:.1%}" for g, share in entry["same_request"].items())
    print(f"   the text's request the same as the form's (a diagnostic, not a criterion): {same}")
    for criterion, share in entry["as_good"].items():
        label = {"all": "text plan as good as the form plan", "all_same_status": "  the same, status equal too"}
        print(f"   {label.get(criterion, criterion):<36} {share:6.1%}")
    if "control" in entry:
        print(f"   control: the form planned twice, the same: {entry['control']:.1%}")
    ms = entry["median_ms"]
    print(f"   median plan {ms['plan']} ms, median understanding {ms['understand']} ms")
    if not show:
        return
    for row in entry["rows"]:
        if "form_error" in row:
            print(f"   FORM {row['text']!r}: {row['form_error']}")
        elif row["no_plan"]:
            print(f"   DIFF {row['text']!r}\n        no plan, a question: {' '.join(row['questions'])}")
        elif any(row["short"].values()):
            found = "; ".join(f"{k}: {v}" for k, v in row["short"].items() if v)
            print(f"   DIFF {row['text']!r}\n        {found}")
        asked = "; ".join(f"{k}: {v}" for k, v in row.get("request", {}).items() if v)
        if asked:
            print(f"   REQUEST {row['text']!r}\n        {asked}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only these sets (repeatable; e.g. 'development 2')")
    parser.add_argument("--limit", type=int, help="the first N requests of each set")
    parser.add_argument("--show-dev-differences", action="store_true", help="list the development sets' differences")
    parser.add_argument("--control", action="store_true", help="also plan each form twice (the noise floor)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = {k: v for k, v in {**SETS, **HELD_OUT}.items() if k in DEVELOPMENT or k in HELD_OUT}
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        regions = Regions(Path(tmp))
        for set_name, data in request_sets(names, args.only):
            report[set_name] = run_set(data, regions=regions, limit=args.limit, control=args.control)
            if set_name not in DEVELOPMENT:
                del report[set_name]["rows"]  # held-out: aggregates only, never a request
            if not args.json:
                _print_set(set_name, report[set_name], show=args.show_dev_differences and set_name in DEVELOPMENT)
    if args.json:
        for entry in report.values():
            entry.pop("rows", None)
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
