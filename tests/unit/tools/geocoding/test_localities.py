"""Towns, villages and districts of an extract: read once, kept beside the graph, found by the gazetteer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codriver.errors import PlaceNotFound
from codriver.tools.geocoding import Gazetteer, GazetteerEntry, cached_locality_entries, locality_entries

_EXTRACT = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="47.1410" lon="9.5210" version="1">
    <tag k="place" v="town"/><tag k="name" v="Vaduz"/><tag k="name:en" v="Vaduz"/>
  </node>
  <node id="2" lat="47.1660" lon="9.5090" version="1">
    <tag k="place" v="village"/><tag k="name" v="Schaan"/><tag k="alt_name" v="Schan"/>
  </node>
  <node id="3" lat="47.1400" lon="9.5200" version="1">
    <tag k="place" v="square"/><tag k="name" v="Peter-Kaiser-Platz"/>
  </node>
  <node id="4" lat="47.1000" lon="9.5000" version="1"><tag k="place" v="village"/></node>
  <node id="5" lat="47.0620" lon="9.5900" version="1">
    <tag k="place" v="hamlet"/><tag k="name" v="Malbun"/>
  </node>
  <node id="6" lat="47.1500" lon="9.5300" version="1"><tag k="amenity" v="cafe"/><tag k="name" v="Malbun"/></node>
  <node id="7" lat="47.0700" lon="9.6000" version="1">
    <tag k="natural" v="peak"/><tag k="name" v="Naafkopf"/><tag k="ele" v="2570"/>
  </node>
  <node id="8" lat="47.2000" lon="9.5000" version="1"/>
  <node id="9" lat="47.2100" lon="9.5100" version="1"/>
  <node id="10" lat="47.2200" lon="9.5200" version="1"/>
  <way id="20" version="1">
    <nd ref="8"/><nd ref="9"/><nd ref="10"/>
    <tag k="waterway" v="river"/><tag k="name" v="Rhein"/><tag k="name:en" v="Rhine"/>
  </way>
  <way id="21" version="1"><nd ref="8"/><nd ref="9"/><tag k="waterway" v="ditch"/><tag k="name" v="Graben"/></way>
  <way id="22" version="1"><nd ref="8"/><nd ref="9"/><tag k="highway" v="residential"/><tag k="name" v="Au"/></way>
</osm>
"""


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.osm"
    path.write_text(_EXTRACT, encoding="utf-8")
    return path


def test_named_settlements_are_read_with_their_other_names(extract: Path) -> None:
    entries = locality_entries(extract)
    assert [(e.name, e.category) for e in entries] == [
        ("Malbun", "hamlet"),
        ("Naafkopf", "peak"),
        ("Rhein", "river"),  # a ditch or a street is none
        ("Schaan", "village"),
        ("Vaduz", "town"),
    ]
    rhine = entries[2]
    assert rhine.aliases == ("Rhein", "Rhine")
    assert (rhine.lat, rhine.lon) == (47.21, 9.51)  # the way's middle node: a point on the river
    schaan = entries[3]
    assert schaan.kind == "locality"
    assert schaan.place_id is None  # never a stop
    assert schaan.aliases == ("Schaan", "Schan")
    assert (round(schaan.lat, 3), round(schaan.lon, 3)) == (47.166, 9.509)


def test_the_names_are_kept_and_read_again_only_when_the_extract_changes(extract: Path, tmp_path: Path) -> None:
    kept = tmp_path / "localities.json"
    first = cached_locality_entries(extract, kept)
    assert kept.is_file()
    assert cached_locality_entries(extract, kept) == first
    # the kept file is what a later process reads: a changed one is used while the extract's stamp matches
    kept.write_text(kept.read_text(encoding="utf-8").replace('"Schan"', '"Schaa"'), encoding="utf-8")
    assert cached_locality_entries(extract, kept)[3].aliases == ("Schaan", "Schaa")
    # an extract written anew is read again
    extract.write_text(_EXTRACT.replace("Malbun", "Steg"), encoding="utf-8")
    os.utime(extract, ns=(1, 1))
    renamed = ["Naafkopf", "Rhein", "Schaan", "Steg", "Vaduz"]
    assert [e.name for e in cached_locality_entries(extract, kept)] == renamed
    # with the extract gone the kept names still serve
    extract.unlink()
    assert [e.name for e in cached_locality_entries(extract, kept)] == renamed


def test_an_unreadable_extract_gives_no_names_not_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not an extract")
    assert cached_locality_entries(broken, tmp_path / "localities.json") == []
    assert cached_locality_entries(tmp_path / "missing.osm.pbf", tmp_path / "none.json") == []


def test_the_gazetteer_finds_a_town_only_where_no_place_or_street_has_its_name(extract: Path) -> None:
    cafe = GazetteerEntry(
        name="Malbun", lat=47.15, lon=9.53, kind="place", place_id="osm:node/6", category="cafe", aliases=("Malbun",)
    )
    gazetteer = Gazetteer([cafe], region="li", localities=locality_entries(extract))
    assert gazetteer.locality("the schaan") is not None
    assert gazetteer.locality("Schan") is not None
    assert gazetteer.locality("Triesen") is None
    vaduz = gazetteer.resolve("Vaduz")
    assert (vaduz.kind, vaduz.place_id, vaduz.name) == ("locality", None, "Vaduz")
    assert gazetteer.resolve("Malbun").place_id == "osm:node/6"  # the café of that name, not the hamlet
    with pytest.raises(PlaceNotFound):
        gazetteer.resolve("street:Vaduz")  # a street was asked for
    assert "Vaduz" not in [e.name for e in gazetteer.entries]  # no town is ever a stop candidate
