"""Reading free-text requests: what each field comes from, and what must not be read."""

from __future__ import annotations

import pytest
from agents_support import NOW

from codriver.agents import ModelHints, read_request
from codriver.agents._reader import RequestDraft
from codriver.agents._understand import merge_hints
from codriver.planning._region_world import RegionTools


def test_times_party_diet_meals_and_vehicle() -> None:
    draft = read_request("Sunday with the kids, a museum, vegan lunch, back by 18:00, EV at 40 %", now=NOW)
    fields = draft.fields
    assert fields["date"] == "2026-11-29"
    assert fields["return_by"] == "2026-11-29T18:00:00+02:00"
    assert fields["party"]["children"] == 2
    assert fields["interests"] == {"museum": 1.0}
    assert fields["diet"] == ["vegan"]
    assert [m["meal"] for m in fields["meals"]] == ["lunch"]
    assert fields["vehicle"] == {"powertrain": "ev", "soc": 0.4}
    assert draft.evidence["diet"] == "vegan"


@pytest.mark.parametrize(
    ("text", "interests", "avoid"),
    [
        ("no bars, but museums please", {"museum": 1.0}, ["bar"]),
        ("I hate museums. Parks!", {"park": 1.0}, ["museum"]),
        ("maybe a gallery, definitely coffee", {"gallery": 0.5, "cafe": 1.0}, None),
    ],
)
def test_negation_and_soft_interests(text: str, interests: dict[str, float], avoid: list[str] | None) -> None:
    fields = read_request(text, now=NOW).fields
    assert fields["interests"] == interests
    assert fields.get("avoid_categories") == avoid


def test_afternoon_hours_without_am_pm() -> None:
    fields = read_request("from 10 until 4, back by 5", now=NOW).fields
    assert fields["depart_at"].endswith("T10:00:00+02:00")
    assert fields["return_by"].endswith("T16:00:00+02:00")


def test_nothing_is_read_from_a_request_that_says_nothing() -> None:
    assert read_request("hello there", now=NOW).fields == {}


def test_must_visit_places_resolve_through_the_gazetteer(tools: RegionTools) -> None:
    draft = read_request("Visit Kiasma, Amos Rex and Atlantis Museum", now=NOW, gazetteer=tools.gazetteer)
    assert tools.gazetteer is not None
    names = {tools.gazetteer.lookup(pid).name for pid in draft.fields["must_visit"]}  # type: ignore[union-attr]
    assert names == {"Kiasma", "Amos Rex"}
    assert draft.unresolved_places == ["Atlantis Museum"]


@pytest.mark.parametrize(
    ("text", "hints", "kept"),
    [
        ("leave at 10:00 with my 2 kids", {"adults": 10}, {}),
        ("no museums today, a park", {"interests": ["museum", "park"]}, {"interests": {"park": 1.0}}),
        ("battery is at 35 and we want a park", {"battery_percent": 35}, {}),
        ("the car has 35 per cent", {"battery_percent": 35}, {"vehicle": {"soc": 0.35, "powertrain": "ev"}}),
        ("something nice", {"interests": ["bar"], "diet": ["vegan"]}, {}),
    ],
)
def test_model_hints_are_kept_only_when_the_text_supports_them(
    text: str, hints: dict[str, object], kept: dict[str, object]
) -> None:
    draft = read_request(text, now=NOW)
    before = dict(draft.fields)
    merge_hints(draft, ModelHints.model_validate(hints), text)
    added = {k: v for k, v in draft.fields.items() if k not in before or before[k] != v}
    if "interests" in kept:
        # the reader may already have the park: only the museum must never come in
        assert "museum" not in draft.fields.get("interests", {})
    else:
        assert added == kept


def test_a_start_at_a_square_keeps_its_name(tools: RegionTools) -> None:
    draft = read_request("A museum, starting from Rautatientori.", now=NOW, gazetteer=tools.gazetteer)
    origin = draft.fields["origin"]
    assert tools.gazetteer is not None
    square = tools.gazetteer.lookup(origin["place_id"])  # the square itself (OSM place=square), not a hotel on it
    assert origin["name"] == "Rautatientori"  # its name kept for the plan
    assert square is not None
    assert (square.name, square.category) == ("Rautatientori", "square")
    assert abs(square.lat - 60.171) < 0.01
    assert abs(square.lon - 24.943) < 0.01


def test_a_street_start_keeps_its_name(tools: RegionTools) -> None:
    draft = read_request("A museum, starting from Bulevardi.", now=NOW, gazetteer=tools.gazetteer)
    origin = draft.fields["origin"]
    assert isinstance(origin, dict), origin
    assert origin["name"] == "Bulevardi"


@pytest.mark.parametrize(
    ("text", "hints", "kept"),
    [
        # a day, times, a place and a food word the rules missed, each borne out by the text
        ("we go on the 28th, the Ateneum, and some ramen", {"date": "2026-11-28"}, {"date": "2026-11-28"}),
        ("leaving at 10 tomorrow", {"date": "2026-12-10"}, {}),  # "10" is a clock here, not a date
        ("the trip", {"date": "2026-11-28"}, {}),
        ("out the door at ten, home late", {"depart": "10:00"}, {"depart_at": "2026-11-25T10:00:00+02:00"}),
        ("out the door soon", {"depart": "10:00"}, {}),
        ("lunch under 15 euros, cheap", {"back": "15:00"}, {}),  # a price, not the hour to be back
        ("Kiasma would be nice", {"places": ["Kiasma"]}, {"must_visit": ["osm:way/8042215"]}),
        ("a museum would be nice", {"places": ["Kiasma"]}, {}),  # the model's place, not the traveller's
        ("something with noodles", {"food": ["noodles"]}, {"cuisine": [{"said": "noodles"}]}),
        ("something nice", {"food": ["sushi"]}, {}),
    ],
)
def test_model_days_times_places_and_food_are_kept_only_when_borne_out(
    tools: RegionTools, text: str, hints: dict[str, object], kept: dict[str, object]
) -> None:
    draft = RequestDraft()  # nothing read by the rules: the grounding alone decides
    merge_hints(draft, ModelHints.model_validate(hints), text, now=NOW, gazetteer=tools.gazetteer)
    if "cuisine" in kept:
        assert [w["said"] for w in draft.fields["cuisine"]] == ["noodles"]
    else:
        assert draft.fields == kept
