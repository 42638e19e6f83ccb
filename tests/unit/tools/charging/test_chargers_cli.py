"""``codriver chargers`` end to end through ``codriver.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from codriver.bootstrap import Runtime
from codriver.cli import main
from codriver.regions import import_region
from codriver.regions.catalogue import parse_charger
from codriver.settings import Settings
from codriver.store import ChargingStation, Place, Region, make_engine, migrate, session_scope
from codriver.tools.geo import LatLon, haversine_m
from osm_extracts import write_extract

NEAR = "60.1681,24.9402"


@pytest.fixture
def helsinki_env(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    return helsinki


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_near_json_lists_helsinki_chargers_flagged_unknown(
    helsinki_env: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(capsys, ["chargers", "--near", NEAR, "--radius-m", "500", "--connector", "ccs", "--json"])
    with session_scope(helsinki_env.engine) as session:
        places = {p.place_id: p for p in session.exec(select(Place).where(Place.category == "charging_station"))}
    expected = sorted(
        (pid for pid, p in places.items() if haversine_m(LatLon(60.1681, 24.9402), LatLon(p.lat, p.lon)) <= 500),
        key=lambda pid: haversine_m(LatLon(60.1681, 24.9402), LatLon(places[pid].lat, places[pid].lon)),
    )
    assert [row["poi_id"] for row in data] == expected
    assert expected, "the search point sits next to a Helsinki charger"
    assert {row["compatibility"] for row in data} == {"unknown"}
    assert {row["sockets_known"] for row in data} == {False}
    assert set(data[0]) >= {"poi_id", "name", "lat", "lon", "connectors", "usable_power_kw", "distance_m", "detour_s"}


def test_require_known_leaves_nothing_in_helsinki(helsinki_env: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    assert _json(capsys, ["chargers", "--near", NEAR, "--require-known", "--json"]) == []


def test_along_a_drive_reports_detours(helsinki_env: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys,
        ["chargers", "--from", "60.1660,24.9360", "--to", "60.1760,24.9500", "--max-detour-s", "3600", "--json"],
    )
    assert len(data) == 4
    detours = [row["detour_s"] for row in data]
    assert all(isinstance(d, float) and d >= 0 for d in detours)
    assert detours == sorted(detours)  # type: ignore[type-var]
    assert {row["distance_m"] for row in data} == {None}


def test_table_output_names_the_stations(helsinki_env: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chargers", "--near", NEAR, "--radius-m", "500"]) == 0
    out = capsys.readouterr().out
    assert "osm:node/1685729190" in out
    assert "unknown" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chargers", "--near", NEAR, "--connector", "usb"], "--connector: unknown connector 'usb'"),
        (["chargers", "--near", NEAR, "--from", NEAR], "either --near"),
        (["chargers", "--from", NEAR], "either --near"),
        (["chargers", "--near", NEAR, "--access", "everyone"], "--access"),
    ],
)
def test_bad_options_are_one_line_errors(
    helsinki_env: Runtime, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_filters_on_a_region_with_socket_data(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    chargers = {
        1: (
            60.2000,
            24.9000,
            {"name": "HPC", "network": "IONITY", "socket:type2_combo": "4", "socket:type2_combo:output": "350 kW"},
        ),
        2: (60.2010, 24.9000, {"name": "Wallbox", "socket:type2": "2", "socket:type2:output": "11 kW", "fee": "no"}),
        3: (60.2020, 24.9000, {"name": "CHAdeMO", "socket:chademo": "1", "socket:chademo:output": "50 kW"}),
        4: (60.2030, 24.9000, {"name": "Untagged"}),
    }
    # A real (synthetic) road graph without places; the chargers are added below.
    import_region(write_extract(tmp_path / "testland.osm.pbf", places=False), settings=settings, engine=engine)
    with session_scope(engine) as session:
        region = session.exec(select(Region).where(Region.name == "testland")).one()
        assert region.id is not None
        for osm_id, (lat, lon, tags) in chargers.items():
            pid = f"osm:node/{osm_id}"
            full = {"amenity": "charging_station", **tags}
            session.add(
                Place(
                    region_id=region.id,
                    place_id=pid,
                    name=tags["name"],
                    category="charging_station",
                    lat=lat,
                    lon=lon,
                    opening_hours_status="missing",
                    tags=full,
                )
            )
            session.add(ChargingStation(region_id=region.id, **parse_charger(pid, full).__dict__))
    engine.dispose()
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(settings.data_dir))
    base = ["chargers", "--region", "testland", "--near", "60.2000,24.9000", "--json"]

    ccs = _json(capsys, [*base, "--connector", "CCS2"])
    assert [(r["poi_id"], r["compatibility"], r["usable_power_kw"]) for r in ccs] == [
        ("osm:node/1", "compatible", 350.0),
        ("osm:node/4", "unknown", None),
    ]
    fast = _json(
        capsys, [*base, "--connector", "ccs", "--connector", "type2", "--min-power-kw", "50", "--require-known"]
    )
    assert [r["poi_id"] for r in fast] == ["osm:node/1"]
    assert [r["poi_id"] for r in _json(capsys, [*base, "--network", "ionity"])] == ["osm:node/1"]
    assert [r["poi_id"] for r in _json(capsys, [*base, "--free"])] == ["osm:node/2"]
    assert [r["poi_id"] for r in _json(capsys, [*base, "--limit", "2"])] == ["osm:node/1", "osm:node/2"]
