"""The form of benchmarks/bench_text_vs_form.py: a request's ``expect`` slots as a TripRequest, defaults as documented."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from codriver.planning import Location, TripRequest
from codriver.tools.geocoding import Gazetteer, GazetteerEntry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_text_vs_form import FormError, form_request

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))  # a Wednesday
START = Location(place_id="osm:way/1")
FACTS: dict[str, Any] = {"categories": frozenset({"museum", "cafe", "bar"}), "cuisines": frozenset({"japanese"})}
GAZETTEER = Gazetteer(
    [
        GazetteerEntry("Kiasma", 60.17, 24.94, "place", "osm:way/2", "museum", ("Kiasma",)),
        GazetteerEntry("Kiasma", 60.17, 24.94, "place", "osm:node/3", "museum", ("Kiasma",)),
    ],
    region="test",
)


def form(**expect: Any) -> TripRequest | None:
    return form_request(expect, now=NOW, origin=START, gazetteer=GAZETTEER, facts=FACTS)


def plannable(**expect: Any) -> TripRequest:
    request = form(**expect)
    assert request is not None, f"{expect} makes a form to plan"
    return request


def clock(moment: datetime) -> str:
    return moment.strftime("%d.%m. %H:%M")


def test_a_return_after_midnight_is_the_next_day() -> None:
    request = plannable(date="2026-12-11", depart="21:00", interests=["bar"], **{"return": "02:00+1"})
    assert (clock(request.depart_at), clock(request.return_by)) == ("11.12. 21:00", "12.12. 02:00")
    assert request.interests == {"bar": 1.0}


def test_defaults_leave_now_today_and_a_part_of_the_day_is_its_hours() -> None:
    today = plannable(interests=["museum"])
    assert (clock(today.depart_at), clock(today.return_by)) == ("09.12. 10:00", "09.12. 18:00")
    evening = plannable(date="2026-12-12", part_of_day="evening", meals=["dinner"])
    assert (clock(evening.depart_at), clock(evening.return_by)) == ("12.12. 18:00", "12.12. 22:00")
    length = plannable(date="2026-12-13", duration_h=3, interests=["museum"])
    assert (clock(length.depart_at), clock(length.return_by)) == ("13.12. 09:00", "13.12. 12:00")


def test_food_places_and_money_are_the_forms_fields() -> None:
    request = plannable(
        date="2026-12-10",
        part_of_day="afternoon",
        cuisine=["japanese", "georgian"],
        must_visit=["Kiasma"],
        price="cheap",
        adults=2,
        not_met=["georgian"],
    )
    assert [(m.meal, m.cuisine) for m in request.meals] == [("lunch", ["japanese"])]  # the meal the hours cover
    assert request.must_visit == ["osm:way/2"]  # the first place of that exact name
    assert request.interests == {}  # a must-visit and a meal: no default interests
    assert request.budget == 50  # cheap: 25 per person
    assert [w.said for w in request.not_met] == ["georgian"]


def test_nothing_to_plan_is_skipped_and_an_unknown_name_is_no_form() -> None:
    assert form(ask=True, date="2026-12-10") is None
    assert form(not_met=["Louvre"]) is None
    assert form(interests=["beach"], not_met=["beach"]) is None
    with pytest.raises(FormError, match="Kiasmo"):
        form(must_visit=["Kiasmo"])
