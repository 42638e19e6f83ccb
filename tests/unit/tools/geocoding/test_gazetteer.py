"""The offline gazetteer on the embedded Helsinki region and on hand-made entries."""

from __future__ import annotations

import numpy as np
import pytest
from sqlmodel import select

from codriver.bootstrap import Runtime
from codriver.errors import InputError, PlaceNotFound
from codriver.regions import load_gazetteer
from codriver.store import Place, Region, session_scope
from codriver.tools.geocoding import Gazetteer, GazetteerEntry, fold
from codriver.tools.geocoding._gazetteer import place_names

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def region(helsinki: Runtime) -> Region:
    return helsinki.region("helsinki")


@pytest.fixture(scope="module")
def gazetteer(helsinki: Runtime, region: Region) -> Gazetteer:
    return load_gazetteer(helsinki.engine, region, helsinki.graph(region))


def _place(helsinki: Runtime, region: Region, name: str) -> Place:
    with session_scope(helsinki.engine) as session:
        return session.exec(select(Place).where(Place.region_id == region.id, Place.name == name)).one()


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Eteläesplanadi") == "etelaesplanadi"
    assert fold("  K-Market   Esplanadi ") == "k market esplanadi"
    assert fold("Café KÄMP") == "cafe kamp"
    assert fold("Straße") == "strasse"


def test_place_names_take_name_tags_only() -> None:
    tags = {
        "name": "Esplanadinpuisto",
        "name:sv": "Esplanadparken",
        "name:fi": "Esplanadinpuisto",
        "alt_name": "Espa;Espan puisto",
        "artist_name": "Walter Runeberg",
        "addr:housename": "Stockmann",
    }
    assert place_names("Esplanadinpuisto", tags) == ("Esplanadinpuisto", "Espa", "Espan puisto", "Esplanadparken")
    assert place_names(None, {"name:sv": "Kajen"}) == ("Kajen",)
    assert place_names(None, {"artist_name": "Somebody"}) == ()


def test_every_named_place_and_every_street_is_indexed(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    with session_scope(helsinki.engine) as session:
        named = session.exec(select(Place.place_id).where(Place.region_id == region.id, Place.name.is_not(None))).all()  # type: ignore[union-attr]
    indexed = {e.place_id for e in gazetteer.entries if e.kind == "place"}
    assert set(named) <= indexed
    graph = helsinki.graph(region)
    streets = {str(n) for n in graph.name if str(n).strip()}
    assert {e.name for e in gazetteer.entries if e.kind == "street"} == streets
    assert len(streets) > 20


def test_load_gazetteer_builds_once(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    assert load_gazetteer(helsinki.engine, region, helsinki.graph(region)) is gazetteer


def test_catalogue_id_resolves_exactly(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    kiasma = _place(helsinki, region, "Kiasma")
    found = gazetteer.resolve(f" {kiasma.place_id} ")
    assert (found.place_id, found.name, found.lat, found.lon) == (kiasma.place_id, "Kiasma", kiasma.lat, kiasma.lon)
    assert (found.kind, found.score, found.source) == ("place", 1.0, "gazetteer")
    with pytest.raises(PlaceNotFound, match=r"no place osm:node/1 in region 'helsinki'"):
        gazetteer.resolve("osm:node/1")


def test_names_resolve_whatever_the_case_and_accents(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    kamp = _place(helsinki, region, "Hotel Kämp")
    found = gazetteer.resolve("HOTEL KAMP")
    assert found.place_id == kamp.place_id
    assert found.score == 1.0
    assert gazetteer.resolve("ateneum").place_id == _place(helsinki, region, "Ateneum").place_id


def test_a_typo_still_resolves(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    found = gazetteer.resolve("Kiasmaa")
    assert found.place_id == _place(helsinki, region, "Kiasma").place_id
    assert 0.8 <= found.score < 1.0


def test_swedish_and_short_names_find_the_place(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    park = _place(helsinki, region, "Esplanadinpuisto")
    assert park.tags.get("name:sv") == "Esplanadparken"
    found = gazetteer.resolve("esplanadparken")
    assert (found.place_id, found.name, found.matched) == (park.place_id, "Esplanadinpuisto", "Esplanadparken")
    assert gazetteer.resolve("Espa").place_id == park.place_id


def test_equally_good_places_are_ambiguous_and_listed_with_ids(
    helsinki: Runtime, region: Region, gazetteer: Gazetteer
) -> None:
    parking = _place(helsinki, region, "Stockmann Q-Park")
    roof = _place(helsinki, region, "Stockmann Roof")
    with pytest.raises(InputError) as caught:
        gazetteer.resolve("Stockmann")
    message = str(caught.value)
    assert not isinstance(caught.value, PlaceNotFound)
    assert message.startswith("ambiguous 'Stockmann': ")
    assert f"{parking.place_id} Stockmann Q-Park (parking)" in message
    assert f"{roof.place_id} Stockmann Roof (bar)" in message


def test_a_chain_name_is_ambiguous_and_the_list_is_capped(gazetteer: Gazetteer) -> None:
    with pytest.raises(
        InputError, match=r"ambiguous 'Hesburger': (osm:node/\d+ Hesburger \(fast_food\), ){4}"
    ) as caught:
        gazetteer.resolve("Hesburger")
    assert str(caught.value).count("Hesburger (fast_food)") == 5


def test_streets_resolve_to_a_point_on_the_street(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    street = gazetteer.resolve("Mannerheimintie")
    assert (street.kind, street.place_id, street.name) == ("street", None, "Mannerheimintie")
    graph = helsinki.graph(region)
    edges = np.flatnonzero(graph.name == "Mannerheimintie")
    mid_lat = (graph.lat[graph.edge_u[edges]] + graph.lat[graph.edge_v[edges]]) / 2
    mid_lon = (graph.lon[graph.edge_u[edges]] + graph.lon[graph.edge_v[edges]]) / 2
    assert any(
        (lat, lon) == (street.lat, street.lon) for lat, lon in zip(mid_lat.tolist(), mid_lon.tolist(), strict=True)
    )
    # Not at one end: between the street's extremes.
    assert mid_lat.min() < street.lat < mid_lat.max()


def test_a_street_and_a_place_of_the_same_name(helsinki: Runtime, region: Region, gazetteer: Gazetteer) -> None:
    cafe = _place(helsinki, region, "Eteläesplanadi")
    with pytest.raises(InputError, match="street:Eteläesplanadi") as caught:
        gazetteer.resolve("Etelaesplanadi")
    assert cafe.place_id in str(caught.value)
    street = gazetteer.resolve("street:Eteläesplanadi")
    assert (street.kind, street.name) == ("street", "Eteläesplanadi")


def test_unknown_names_are_not_found(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound, match=r"no place or street called 'Xyzzy plugh' in region 'helsinki'"):
        gazetteer.resolve("Xyzzy plugh")
    # the National Museum is outside the extract; the National Library is no hint for it
    with pytest.raises(PlaceNotFound) as caught:
        gazetteer.resolve("Kansallismuseo")
    assert "Kansalliskirjasto" not in str(caught.value)
    with pytest.raises(PlaceNotFound, match="no street called"):
        gazetteer.resolve("street:Kiasma")
    with pytest.raises(InputError, match="empty place name"):
        gazetteer.resolve("   ")


def test_every_distinctive_word_must_be_in_what_is_found(gazetteer: Gazetteer) -> None:
    # one word of a longer name matching well is not the place: "Lost In Helsinki" is no station,
    # and a memorial medallion of another church is not Temppeliaukio church
    with pytest.raises(PlaceNotFound) as caught:
        gazetteer.resolve("Helsinki Central Station")
    assert "osm:" not in str(caught.value)
    assert "Lost In Helsinki" not in str(caught.value)
    with pytest.raises(PlaceNotFound):
        gazetteer.resolve("Temppeliaukio church")
    # a kind word the place is tagged with, or a case ending, still finds it
    assert gazetteer.resolve("Esplanadi park").name == "Esplanadinpuisto"
    assert gazetteer.resolve("Kiasma museum").name == "Kiasma"
    assert gazetteer.resolve("Oodi library").name == "Helsingin keskustakirjasto Oodi"


async def test_geocode_ranks_and_limits(gazetteer: Gazetteer) -> None:
    results = await gazetteer.geocode("Ateneum", limit=3)
    assert len(results) == 3
    assert results[0].name == "Ateneum"
    assert results[0].score == 1.0
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert all(0 <= r.score <= 1 for r in results)
    assert all(r.source == "gazetteer" for r in results)
    streets = await gazetteer.geocode("street:esplanadi", limit=10)
    assert {r.name for r in streets} == {"Eteläesplanadi", "Pohjoisesplanadi"}
    assert await gazetteer.geocode("osm:node/1") == []
    assert await gazetteer.geocode("") == []


# -- hand-made entries -----------------------------------------------------------------


def _entry(place_id: str | None, name: str, *aliases: str, kind: str = "place") -> GazetteerEntry:
    return GazetteerEntry(
        name=name,
        lat=60.0,
        lon=25.0,
        kind="street" if kind == "street" else "place",
        place_id=place_id,
        category="cafe" if kind == "place" else "residential",
        aliases=(name, *aliases),
    )


def test_one_place_matched_by_two_names_is_not_ambiguous() -> None:
    gazetteer = Gazetteer(
        [_entry("osm:node/1", "Vanha kauppahalli", "Gamla saluhallen", "Old Market Hall")], region="t"
    )
    found = gazetteer.resolve("Old Market Hall")
    assert (found.place_id, found.matched) == ("osm:node/1", "Old Market Hall")


def test_an_exact_match_beats_a_partial_one() -> None:
    gazetteer = Gazetteer([_entry("osm:node/1", "Aalto"), _entry("osm:node/2", "Aalto Café Bar")], region="t")
    assert gazetteer.resolve("aalto").place_id == "osm:node/1"


def test_empty_gazetteer_finds_nothing() -> None:
    gazetteer = Gazetteer([], region="empty")
    with pytest.raises(PlaceNotFound, match="region 'empty'"):
        gazetteer.resolve("Kiasma")


def test_a_square_and_its_street_are_one_place(gazetteer: Gazetteer) -> None:
    found = gazetteer.resolve("Rautatientori")  # OSM place=square and a drive street of the same name
    assert (found.kind, found.category, found.name) == ("place", "square", "Rautatientori")
