"""A second real region, Liechtenstein: imported, read and planned with nothing tuned to Helsinki.

The extract is osm2pgsql's test data (``liechtenstein-2013-08-03.osm.pbf``, © OpenStreetMap
contributors, ODbL 1.0), kept in ``benchmarks/data/regions``: German names, another country's
holidays and currency, towns named as where things are.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from real_regions import load, place_id, read

from codriver.agents._understand import Understanding, region_facts
from codriver.planning import plan_trip
from codriver.planning._region_world import RegionTools

VADUZ = ZoneInfo("Europe/Vaduz")
NOW = datetime(2027, 4, 20, 10, 15, tzinfo=VADUZ)  # a Tuesday


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> RegionTools:
    return load(tmp_path_factory, "liechtenstein-2013-08-03.osm.pbf", "liechtenstein")


_id = place_id


def _read(tools: RegionTools, text: str) -> Understanding:
    return read(tools, text, now=NOW, start="Residence")


def test_the_region_is_imported_with_its_zone_country_and_towns(tools: RegionTools) -> None:
    assert tools.region.timezone == "Europe/Vaduz"
    assert region_facts(tools)["country"] == "LI"
    assert tools.gazetteer is not None
    towns = {t.name: t.category for t in tools.gazetteer.localities}
    assert towns["Vaduz"] == "town"
    assert towns["Schaan"] == "village"
    assert tools.gazetteer.resolve("Triesenberg").kind == "locality"


def test_a_town_named_is_never_a_place_said_missing(tools: RegionTools) -> None:
    near = _read(tools, "a coffee in Vaduz this afternoon")
    assert not near.not_understood  # the day starts in Vaduz: nothing lost
    assert not _read(tools, "a day in Vaduz").not_understood  # read: no "none of these words could be read"
    away = _read(tools, "lunch somewhere Italian in Schaan")
    said = {n.said: (n.kind, n.reason) for n in away.not_understood}
    assert said["Schaan"][0] == "not_read"  # the plan is not held to Schaan, and says so
    assert "not only in Schaan" in said["Schaan"][1]
    start = _read(tools, "from Triesen to the Kunstmuseum Liechtenstein")
    assert start.stated["origin"]["name"] == "Triesen"
    assert start.stated["destination"]["place_id"] == _id(tools, "Kunstmuseum Liechtenstein")
    river = _read(tools, "somewhere with a view down over the Rhine valley")
    assert river.stated["interests"] == {"viewpoint": 1.0}
    assert [(n.said, n.kind) for n in river.not_understood] == [("the Rhine", "not_read")]  # the Rhein, no stop
    hotel = _read(tools, "start at hotel schaanerhof and end the day at the Park-Hotel Sonnenhof")
    assert hotel.stated["origin"]["place_id"] == _id(tools, "Schaanerhof")
    abroad = _read(tools, "drive over to Bad Ragaz this afternoon")
    assert [(n.said, n.kind) for n in abroad.not_understood] == [("Bad Ragaz", "not_here")]
    heidi = _read(tools, "Heidi's village at Maienfeld")
    assert "Maienfeld" in [n.said for n in heidi.not_understood if n.kind == "not_here"]
    slip = _read(tools, "skimusem in vaduz then lunch at the Ratskeller")  # first word, one letter off
    assert slip.stated["must_visit"] == [_id(tools, "Skimuseum"), _id(tools, "Ratskeller")]


def test_names_without_their_town_or_country_holidays_and_francs(tools: RegionTools) -> None:
    read = _read(tools, "Whit Monday 10 to 4, the Kunstmuseum and the Landesmuseum, 2 adults, max 80 francs")
    assert read.stated["date"] == date(2027, 5, 17).isoformat()
    assert read.stated["budget"] == 80.0
    assert set(read.stated["must_visit"]) == {
        _id(tools, "Kunstmuseum Liechtenstein"),
        _id(tools, "Liechtensteinisches Landesmuseum Vaduz"),
    }
    assert _read(tools, "St Joseph's Day afternoon").stated["date"] == "2028-03-19"  # passed this year
    assert _read(tools, "Monday 5/3 from 9 to 5").stated["date"] == "2027-05-03"  # the order that is a Monday
    per_head = _read(tools, "30 CHF each for lunch, there are 4 of us")
    assert per_head.stated["budget"] == 120.0


def test_a_request_in_german(tools: RegionTools) -> None:
    read = _read(tools, "morgen 12\u201318 Uhr, 4 Erwachsene: Kunstmuseum und danach ein thailändisches Abendessen")
    assert read.stated["date"] == "2027-04-21"
    assert read.stated["party"]["adults"] == 4
    assert [m["meal"] for m in read.stated["meals"]] == ["dinner"]
    assert read.stated["cuisine"][0]["values"] == ["thai"]
    holiday = _read(tools, "Staatsfeiertag 15.8., 12-18 Uhr, Kunstmuseum und danach ein thailändisches Abendessen")
    assert holiday.stated["date"] == "2027-08-15"
    assert holiday.not_understood == []  # every word of it was read: no "this looks like German" note
    gluten = _read(tools, "heute Abend glutenfrei essen gehen")
    assert gluten.stated["diet"] == ["gluten_free"]
    assert [(n.said, n.kind) for n in gluten.not_understood] == [("glutenfrei", "not_here")]  # no place tagged


def test_a_typed_request_plans_and_passes_the_verifier(tools: RegionTools) -> None:
    read = _read(tools, "Saturday 10:00-15:00, Kunstmuseum Liechtenstein and lunch, 2 adults")
    assert read.request is not None
    plan = plan_trip(read.request, tools)
    assert plan.status == "feasible"
    assert [v for v in plan.violations if v.severity == "error"] == []  # hours unknown here are warnings
    visited = [s.poi_id for s in plan.stops]
    assert _id(tools, "Kunstmuseum Liechtenstein") in visited
    assert any(s.kind == "meal" for s in plan.stops)
    assert plan.stops[0].depart_at is not None
    assert plan.stops[0].depart_at.astimezone(VADUZ).hour == 10


def test_what_a_new_user_typed_on_the_second_region(tools: RegionTools) -> None:
    """Found by a helper's trial of 60 requests of its own wording through the CLI (fixed in the same round)."""
    museums = _read(tools, "Visit the Liechtenstein National Museum on Tuesday. Then the stamp museum and coffee.")
    assert museums.stated["must_visit"] == [
        _id(tools, "Liechtensteinisches Landesmuseum Vaduz"),
        _id(tools, "Postmuseum"),
    ]  # both had been said to be missing
    assert not museums.not_understood
    castle = _read(tools, "i want to see vaduz castle from close and have fondue for dinner")
    assert castle.stated["must_visit"] == [_id(tools, "Schloss Vaduz")]  # had been "no place called 'See Vaduz Castle'"
    assert castle.stated["cuisine"][0]["values"][0] == "swiss"  # fondue had been dropped
    assert not _read(tools, "the Rhine monument in Schaan").not_understood  # where the monument is: no wish
    german = _read(tools, "Ich möchte morgen das Kunstmuseum besuchen und danach im Restaurant Torkel zu Mittag essen.")
    assert german.stated["date"] == "2027-04-21"  # "morgen" had been lost, the plan made for today
    (lunch,) = german.stated["meals"]
    assert (lunch["meal"], lunch["near"]["place_id"]) == ("lunch", _id(tools, "Torkel"))  # not a visit at 09:00
    assert not german.not_understood
    three = _read(tools, "wir sind zu dritt, günstig essen, zurück um 15 Uhr")
    assert three.stated["party"]["adults"] == 3
    assert three.stated["price"] == "cheap"
    assert three.stated["return_by"].endswith("T15:00:00+02:00")
    charge = _read(tools, "ev charging stop please, my tesla is at 20%, and a museum")
    assert [(n.said, n.kind) for n in charge.not_understood] == [("charging stop", "not_here")]  # no charger here
    stay = _read(tools, "we arrive at 11 and must leave by 13:30, something quick to see and fast food")
    assert (stay.stated["depart_at"][11:16], stay.stated["return_by"][11:16]) == ("11:00", "13:30")
    fast = _read(tools, "lunch at mcdonalds in triesen and then the gasometer")
    assert fast.stated["meals"][0]["near"]["name"] == "McDonald's"  # the apostrophe left out when typed
    party = _read(tools, "gasthof sonne in triesen for 6 people, 2 of them kids, 200 chf")
    assert (party.stated["party"]["adults"], party.stated["party"]["children"]) == (4, 2)
    assert not any("not said" in a for a in party.assumptions)  # had assumed "2 children (how many was not said)"
    assert any("200 CHF compared as 200 EUR" in a for a in party.assumptions)
    family = _read(tools, "family with 2 kids, a playground")
    assert (family.stated["party"]["adults"], family.stated["party"]["children"]) == (2, 2)


def test_a_town_before_a_linking_word_is_the_town_and_the_hotel_is_where_one_starts(tools: RegionTools) -> None:
    assert _read(tools, "from Triesen and a museum").stated["origin"]["name"] == "Triesen"
    then = _read(tools, "lunch in Schaan then museum")
    assert [n.said for n in then.not_understood] == ["Schaan"]  # not "Schaan ... museum", a place named after it
    hotel = _read(tools, "Friday, starting from the hotel at 9, a museum")
    assert hotel.not_understood == []  # had said "no place found for 'the hotel'"
    assert hotel.stated["depart_at"].endswith("T09:00:00+02:00")


def test_an_evening_said_of_one_thing_leaves_room_for_the_lunch(tools: RegionTools) -> None:
    read = _read(tools, "Date: 15 August 2027, castle, fireworks in the evening. Lunch: regional food.")
    assert "part_of_day" not in read.stated  # the whole day had been the evening, the lunch impossible
    assert any("kept for what it was said of" in a for a in read.assumptions)
    assert [n.reason for n in read.not_understood if n.said == "fireworks"] == [
        "events are not in the catalogue (it holds places): check the day's programme"
    ]
    assert read.request is not None
    plan = plan_trip(read.request, tools)
    assert any(s.meal == "lunch" for s in plan.stops)
    errands = _read(tools, "pharmacy then supermarket then back to the hotel")
    assert errands.stated["max_per_category"] == 1  # one of each, not two pharmacies


def test_sights_described_in_english_by_the_words_of_their_german_names(tools: RegionTools) -> None:
    centre = _read(tools, "the geographic centre of Liechtenstein, a playground")
    assert centre.stated["must_visit"] == [_id(tools, "Geografischer Mittelpunkt von Liechtenstein")]
    road = _read(tools, "Roman road and the rhine monument, then lunch")
    assert road.stated["must_visit"] == [_id(tools, "Römerstrasse"), _id(tools, "Rheindenkmal")]
    ruins = _read(tools, "the castle ruins at Schellenberg")
    assert ruins.stated["must_visit"] == [_id(tools, "Burgruinie Unterer Schellenberg")]
