"""A third real region, Monaco: French names, days and hours, read and planned with nothing tuned to Helsinki.

The extract is QuackOSM's test data (``monaco-2023-12-26.osm.pbf``, © OpenStreetMap contributors,
ODbL 1.0), kept in ``benchmarks/data/regions``: French names and requests, Monaco's holidays,
districts rather than towns, no charging station.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from real_regions import load, place_id, read

from codriver.agents import route_message
from codriver.agents._understand import region_facts
from codriver.planning import plan_trip
from codriver.planning._region_world import RegionTools

MONACO = ZoneInfo("Europe/Monaco")
NOW = datetime(2027, 5, 11, 9, 0, tzinfo=MONACO)  # a Tuesday


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> RegionTools:
    return load(tmp_path_factory, "monaco-2023-12-26.osm.pbf", "monaco")


_id = place_id
_read = partial(read, now=NOW, start="Hôtel de Paris")  # a traveller starting at the Hôtel de Paris


def test_the_region_is_imported_with_its_zone_and_country(tools: RegionTools) -> None:
    assert tools.region.timezone == "Europe/Monaco"
    assert region_facts(tools)["country"] == "MC"


@pytest.mark.parametrize(
    ("text", "day", "depart", "back"),
    [
        ("le 19 novembre", "2027-11-19", None, None),
        ("samedi prochain de 10h à 14h", "2027-05-15", "10:00", "14:00"),
        ("le 1er juin à 9h30, retour pour 18h", "2027-06-01", "09:30", "18:00"),
        ("dimanche 16/05 entre 14h et 18h", "2027-05-16", "14:00", "18:00"),
        ("après-demain jusqu'à 22h", "2027-05-13", None, "22:00"),
        ("lundi de Pentecôte", "2027-05-17", None, None),  # a holiday by its French name, with its weekday
        ("la Fête-Dieu", "2027-05-27", None, None),
        ("on National Day", "2027-11-19", None, None),  # Monaco's: the Sovereign Prince's Day
        ("à Noël", "2027-12-25", None, None),
    ],
)
def test_french_days_and_hours(tools: RegionTools, text: str, day: str, depart: str | None, back: str | None) -> None:
    read = _read(tools, text)
    assert read.stated["date"] == day
    assert (read.stated.get("depart_at", "")[11:16] or None) == depart
    assert (read.stated.get("return_by", "")[11:16] or None) == back
    assert not read.questions


def test_a_french_length_and_part_of_day_and_an_english_length_in_h(tools: RegionTools) -> None:
    assert _read(tools, "demain soir, un bar").stated["part_of_day"] == "evening"
    assert _read(tools, "pendant 3 heures, un musée").stated["duration_h"] == 3.0
    english = _read(tools, "a 3h visit of a museum on Saturday")
    assert english.stated["duration_h"] == 3.0  # "a 3h" is no French "à 3h": no departure at three
    assert "depart_at" not in english.stated


def test_a_holiday_named_is_the_day_not_a_place_said_missing(tools: RegionTools) -> None:
    read = _read(tools, "for the Fête du Prince, lunch and the cathedral")
    assert read.stated["date"] == "2027-11-19"
    assert read.not_understood == []  # had been "no place called 'Fête du Prince'"
    assert read.stated["must_visit"] == [_id(tools, "Cathédrale Notre-Dame-Immaculée")]


def test_french_meals_food_diets_and_party(tools: RegionTools) -> None:
    lunch = _read(tools, "samedi de 10h à 14h, déjeuner dans un restaurant japonais")
    assert [(m["meal"], m.get("cuisine")) for m in lunch.stated["meals"]] == [("lunch", ["japanese"])]
    assert "must_visit" not in lunch.stated  # "japonais" had been the Jardin Japonais
    dinner = _read(tools, "samedi, dîner végétarien vers 20h, pas trop cher, à deux")
    assert [m["meal"] for m in dinner.stated["meals"]] == ["dinner"]
    assert dinner.stated["diet"] == ["vegetarian"]
    assert dinner.stated["price"] == "cheap"
    assert dinner.stated["party"]["adults"] == 2
    family = _read(tools, "dimanche avec 2 adultes et 2 enfants, une aire de jeux puis déjeuner italien pour 4")
    assert (family.stated["party"]["adults"], family.stated["party"]["children"]) == (2, 2)
    assert family.stated["interests"] == {"playground": 1.0}
    assert family.stated["cuisine"][0]["values"] == ["italian"]
    assert not family.not_understood  # no "read 'adultes' as 'adults'" and no "looks like French" note
    assert not any(a.startswith("read '") for a in family.assumptions)
    hours = _read(tools, "Demain, le Palais princier, déjeuner vers 13h, retour à l'hôtel vers 18h")
    (noon,) = hours.stated["meals"]
    assert (noon["earliest"], noon["latest"]) == ("12:30", "14:30")  # the meal's hour, said in French
    assert hours.stated["return_by"][11:16] == "18:00"
    assert not hours.not_understood
    fine = _read(tools, "Jeudi 20 mai, dîner gastronomique pour 2, budget 300 euros")
    assert [m["meal"] for m in fine.stated["meals"]] == ["dinner"]
    lebanese = _read(tools, "vendredi matin, puis déjeuner libanais")
    assert [n.reason for n in lebanese.not_understood] == ["no place serving Lebanese food in this region"]
    ev = _read(tools, "Je suis en voiture électrique, batterie à 30%, je voudrais voir le Jardin Exotique demain")
    assert ev.stated["vehicle"] == {"powertrain": "ev", "soc": 0.3}
    assert not ev.not_understood
    assert not any(a.startswith("read '") for a in ev.assumptions)
    refused = _read(tools, "pas de musée, une plage et un verre ce soir")
    assert refused.stated["avoid_categories"] == ["museum"]
    assert set(refused.stated["interests"]) == {"beach", "bar"}


def test_landmarks_said_in_french_and_english(tools: RegionTools) -> None:
    palace = _read(tools, "Whit Monday: the palace, the casino and a japanese lunch, back by six")
    assert palace.stated["must_visit"] == [
        _id(tools, "Palais princier de Monaco"),
        _id(tools, "Casino de Monte Carlo"),  # not the supermarket called "Casino", nor "no such kind of place"
    ]
    assert palace.not_understood == []
    listed = _read(tools, "musee oceanographique, palais princier et cathedrale le 3 mars de 10h à 17h")
    assert listed.stated["must_visit"] == [
        _id(tools, "Musée Océanographique"),
        _id(tools, "Palais princier de Monaco"),
        _id(tools, "Cathédrale Notre-Dame-Immaculée"),  # a unique landmark listed bare
    ]
    assert _read(tools, "la cathédrale puis un café").stated["must_visit"] == [
        _id(tools, "Cathédrale Notre-Dame-Immaculée")
    ]


def test_a_place_said_to_be_abroad_is_not_one_here(tools: RegionTools) -> None:
    read = _read(tools, "tomorrow go to Sanremo in Italy for the market, lunch italian, back by 7pm")
    assert "must_visit" not in read.stated  # had been the café "San Remo" in Monaco
    assert [(n.said, n.kind) for n in read.not_understood] == [("Sanremo", "not_here")]


def test_what_a_new_user_typed_on_the_third_region(tools: RegionTools) -> None:
    """Found by a helper's trial of 76 requests of its own wording through the CLI (fixed in the same round)."""
    evening = _read(tools, "a romantic evening friday: sunset viewpoint, dinner at 8:30, then a bar")
    (dinner,) = evening.stated["meals"]
    assert (dinner["earliest"], dinner["latest"]) == ("20:00", "22:00")  # had been 08:00-10:00
    where = _read(tools, "14/05 dinner at a french restaurant for 2 at 9pm, budget 200")
    (late,) = where.stated["meals"]
    assert late["earliest"] == "20:30"  # had ended at 21:00, when the trip starts
    assert where.stated["party"]["adults"] == 2
    morning = _read(tools, "next friday morning, the cathedral then brunch, back at 11:30")
    assert morning.stated["return_by"][11:16] == "11:30"  # had been 23:30
    after = _read(tools, "tomorrow after lunch till 6, the rose garden and the naval museum")
    assert (after.stated["depart_at"][11:16], after.stated["return_by"][11:16]) == ("13:30", "18:00")
    assert "meals" not in after.stated  # that lunch is over before the trip
    zoe = _read(tools, "my Renault Zoe needs to be charged to 80% before we visit the oceanographic museum")
    assert zoe.stated["vehicle"]["powertrain"] == "ev"
    assert zoe.stated["vehicle"]["target_soc"] == 0.8
    assert "soc" not in zoe.stated["vehicle"]  # the charge wanted, not the charge now
    assert any(n.kind == "not_here" for n in zoe.not_understood)  # no charger in the region, said
    italian = _read(tools, "no italian food please, lunch saturday and the japanese garden")
    assert [n.said for n in italian.not_understood] == ["no italian food"]  # had been ignored silently
    guard = _read(tools, "show me the prince's palace and the changing of the guard")
    assert [n.said for n in guard.not_understood] == ["changing of the guard"]
    shul = _read(tools, "kosher dinner on friday and then the synagogue")
    assert shul.stated["must_visit"] == [_id(tools, "Synagogue de Monaco")]
    near = _read(tools, "halal lunch tomorrow near fontvieille and the naval museum")
    said = {n.said: n.reason for n in near.not_understood}
    assert "not only in Fontvieille" in said["fontvieille"]  # another district, under 3 km away: had been lost
    ev = "electric car, visit the exotic garden and charge somewhere on the way tomorrow afternoon"
    assert route_message(ev, has_plan=False) == "planner"  # a trip to plan, not a search near the car
    assert route_message("any good coffee on the way?", has_plan=False) == "recommender"


def test_a_french_request_plans_and_passes_the_verifier(tools: RegionTools) -> None:
    read = _read(tools, "samedi de 10h à 16h, le musée océanographique et un déjeuner, nous sommes deux")
    assert read.request is not None
    plan = plan_trip(read.request, tools)
    assert plan.status == "feasible"
    assert [v for v in plan.violations if v.severity == "error"] == []
    assert _id(tools, "Musée Océanographique") in [s.poi_id for s in plan.stops]
    lunch = [s for s in plan.stops if s.meal == "lunch"]
    assert lunch
    assert lunch[0].arrive_at is not None
    assert 11 <= lunch[0].arrive_at.astimezone(MONACO).hour < 15
    assert plan.stops[0].depart_at is not None
    assert plan.stops[0].depart_at.astimezone(MONACO).hour >= 10
