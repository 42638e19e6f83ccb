"""``codriver route`` through ``codriver.cli.main`` on the embedded Helsinki region."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from codriver.bootstrap import Runtime
from codriver.cli import main
from codriver.cli._route import parse_depart
from codriver.errors import InputError
from codriver.regions import load_gazetteer
from codriver.tools.geo import LatLon

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture(autouse=True)
def _data_dir(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["route", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def test_coordinates_pass_through(capsys: pytest.CaptureFixture[str], helsinki: Runtime) -> None:
    doc = run_json(capsys, "--from", "60.1706,24.9438", "--to", "60.1684,24.9482")
    region = helsinki.region("helsinki")
    expected = helsinki.router(region).route_sync(LatLon(60.1706, 24.9438), LatLon(60.1684, 24.9482))
    assert doc["provider"] == "graph"
    assert doc["region"] == "helsinki"
    assert doc["duration_s"] == pytest.approx(expected.duration_s)
    assert doc["distance_m"] == pytest.approx(expected.distance_m)
    (leg,) = doc["legs"]
    assert set(leg) == {"distance_m", "duration_s", "geometry", "start", "end"}
    assert leg["geometry"]["type"] == "LineString"
    assert leg["geometry"]["coordinates"][0] == [leg["start"]["lon"], leg["start"]["lat"]]
    assert 0 < leg["start"]["distance_m"] < 100
    assert leg["start"]["node_id"] == expected.legs[0].start.node_id
    assert doc["depart_at"] is None
    assert doc["arrive_at"] is None
    assert doc["points"][0] == {
        "query": "60.1706,24.9438",
        "label": "60.170600,24.943800",
        "lat": 60.1706,
        "lon": 24.9438,
    }


def test_places_streets_and_stops_with_a_local_departure(capsys: pytest.CaptureFixture[str], helsinki: Runtime) -> None:
    doc = run_json(
        capsys, "--from", "Kiasma", "--via", "ateneum", "--to", "street:Eteläesplanadi", "--depart", "2025-06-14T09:30"
    )
    region = helsinki.region("helsinki")
    gazetteer = load_gazetteer(helsinki.engine, region, helsinki.graph(region))
    stops = [gazetteer.resolve(q) for q in ("Kiasma", "Ateneum", "street:Eteläesplanadi")]
    assert [p["label"] for p in doc["points"]] == [
        f"Kiasma ({stops[0].place_id})",
        f"Ateneum ({stops[1].place_id})",
        "Eteläesplanadi (street)",
    ]
    assert [(p["lat"], p["lon"]) for p in doc["points"]] == [(s.lat, s.lon) for s in stops]
    start, via, end = (LatLon(s.lat, s.lon) for s in stops)
    expected = helsinki.router(region).route_sync(start, end, [via])
    assert len(doc["legs"]) == 2
    assert [leg["duration_s"] for leg in doc["legs"]] == pytest.approx([leg.duration_s for leg in expected.legs])
    assert doc["depart_at"] == "2025-06-14T09:30:00+03:00"
    arrive = datetime.fromisoformat(doc["arrive_at"])
    assert arrive.utcoffset() == timedelta(hours=3)
    assert arrive - datetime.fromisoformat(doc["depart_at"]) == timedelta(seconds=doc["duration_s"])


def test_an_aware_departure_is_shown_in_the_region_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "--from", "Kiasma", "--to", "Ateneum", "--depart", "2025-01-10T06:30:00Z")
    assert doc["depart_at"] == "2025-01-10T08:30:00+02:00"
    assert datetime.fromisoformat(doc["arrive_at"]).utcoffset() == timedelta(hours=2)


def test_human_output_has_one_line_per_leg_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--from", "Kiasma", "--via", "Ateneum", "--to", "Mannerheimintie", "--depart", "2025-06-14T09:30"
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("helsinki: Kiasma (osm:")
    assert lines[1].startswith("  1. Kiasma (osm:")
    assert " -> Ateneum (osm:" in lines[1]
    assert lines[2].startswith("  2. Ateneum (osm:")
    assert "-> Mannerheimintie (street)" in lines[2]
    assert lines[3].startswith("  total: ")
    assert "depart 2025-06-14T09:30+03:00, arrive 2025-06-14T09:" in lines[3]
    assert all(" km, " in line for line in lines[1:4])


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_an_ambiguous_place_is_one_error_line_naming_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--from", "Stockmann", "--to", "Kiasma")
    assert code == 2
    assert out == ""
    (line,) = _error_lines(err)
    assert line.startswith("error: ambiguous 'Stockmann': osm:node/")
    assert "Stockmann Q-Park (parking)" in line
    assert "Stockmann Roof (bar)" in line


def test_an_unknown_place_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from", "Kiasma", "--to", "Xyzzy plugh")
    assert code == 2
    (line,) = _error_lines(err)
    assert line == "error: no place or street called 'Xyzzy plugh' in region 'helsinki'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--depart", "tomorrow morning"), "error: --depart 'tomorrow morning' is not an ISO 8601 time"),
        (("--region", "atlantis"), "error: no region named 'atlantis'"),
        (("--via", "45.0,24.9"), "km from the nearest road of the region"),
        (("--via", "osm:node/1"), "error: no place osm:node/1 in region 'helsinki'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "--from", "Kiasma", "--to", "Ateneum", *args)
    assert code == 2
    assert out == ""
    (line,) = _error_lines(err)
    assert message in line


def test_missing_destination_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from", "Kiasma")
    assert code == 2
    assert "--to" in err


def test_parse_depart() -> None:
    assert parse_depart(None, HELSINKI) is None
    naive = parse_depart("2025-06-14T09:30", HELSINKI)
    assert naive is not None
    assert naive.isoformat() == "2025-06-14T09:30:00+03:00"
    winter = parse_depart("2025-01-10 09:30", HELSINKI)
    assert winter is not None
    assert winter.utcoffset() == timedelta(hours=2)
    aware = parse_depart("2025-06-14T09:30:00-04:00", HELSINKI)
    assert aware is not None
    assert aware.isoformat() == "2025-06-14T16:30:00+03:00"
    assert aware.astimezone(UTC) == datetime(2025, 6, 14, 13, 30, tzinfo=UTC)
    with pytest.raises(InputError, match="ISO 8601") as caught:
        parse_depart("14.6.2025 9:30", HELSINKI)
    assert caught.value.field == "depart"
