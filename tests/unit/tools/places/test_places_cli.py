"""``codriver pois`` on the embedded Helsinki region."""

from __future__ import annotations

import json
from typing import Any

import pytest

from codriver.bootstrap import Runtime
from codriver.cli import main
from codriver.tools.geo import LatLon, haversine_m

NEAR = "60.1685,24.9450"


@pytest.fixture
def pois(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))

    def run(*args: str) -> tuple[int, Any, str]:
        code = main(["pois", *args])
        captured = capsys.readouterr()
        data = json.loads(captured.out) if code == 0 and "--json" in args else captured.out
        return code, data, captured.err

    return run


def test_near_with_radius_and_category(pois: Any) -> None:
    code, results, _ = pois("--near", NEAR, "--radius-m", "400", "--category", "restaurant", "--json")
    assert code == 0
    assert results
    assert {r["category"] for r in results} == {"restaurant"}
    distances = [r["distance_m"] for r in results]
    assert distances == sorted(distances)
    for r in results:
        assert r["distance_m"] <= 400
        assert r["distance_m"] == pytest.approx(
            haversine_m(LatLon(60.1685, 24.9450), LatLon(r["lat"], r["lon"])), abs=0.1
        )
        assert r["poi_id"].startswith("osm:")
        assert set(r["hours"]) >= {"state", "comment", "at", "next_change", "open_until", "opens_at", "source"}


def test_radius_defaults_to_a_kilometre_with_near(pois: Any) -> None:
    corner = "60.1642,24.9352"  # south-west corner of the region
    code, results, _ = pois("--near", corner, "--category", "restaurant", "--limit", "500", "--json")
    assert code == 0
    assert max(r["distance_m"] for r in results) <= 1000
    code, wider, _ = pois(
        "--near", corner, "--radius-m", "3000", "--category", "restaurant", "--limit", "500", "--json"
    )
    assert len(wider) > len(results)


def test_open_at_without_offset_is_local_time_and_filters(pois: Any) -> None:
    code, results, _ = pois("--category", "cafe", "--open-at", "2024-06-04T08:30", "--limit", "500", "--json")
    assert code == 0
    assert results
    assert all(r["hours"]["state"] == "open" for r in results)
    assert {r["hours"]["at"] for r in results} == {"2024-06-04T08:30:00+03:00"}
    code, with_unknown, _ = pois(
        "--category", "cafe", "--open-at", "2024-06-04T08:30", "--include-unknown-hours", "--limit", "500", "--json"
    )
    assert len(with_unknown) > len(results)
    assert {r["hours"]["state"] for r in with_unknown} == {"open", "unknown"}


def test_diet_and_cuisine(pois: Any) -> None:
    code, results, _ = pois("--diet", "vegan", "--limit", "500", "--json")
    assert code == 0
    assert results
    assert all(r["diets"]["vegan"] in {"yes", "only"} for r in results)
    code, results, _ = pois("--cuisine", "sushi", "--json")
    assert results
    assert all("sushi" in r["cuisine"] for r in results)


def test_along_a_drive(pois: Any) -> None:
    code, results, _ = pois(
        "--along-from", "60.1660,24.9370", "--along-to", "60.1770,24.9510", "--max-detour-min", "1",
        "--category", "cafe", "--json",
    )  # fmt: skip
    assert code == 0
    assert results
    detours = [r["detour_s"] for r in results]
    assert detours == sorted(detours)
    assert all(0 <= d <= 60 for d in detours)
    assert all(r["leg"] == 0 for r in results)


def test_places_can_be_catalogue_ids(pois: Any) -> None:
    code, results, _ = pois("--near", "osm:node/2349334832", "--radius-m", "200", "--json")
    assert code == 0
    assert (results[0]["poi_id"], results[0]["distance_m"]) == ("osm:node/2349334832", 0.0)
    code, along, _ = pois(
        "--along-from", "osm:node/2349334832", "--along-to", "60.1770,24.9510", "--max-detour-min", "0.5", "--json"
    )
    assert code == 0
    assert along
    assert all(r["detour_s"] <= 30 for r in along)


def test_text_output_lists_names_and_ids(pois: Any) -> None:
    code, out, _ = pois("--near", NEAR, "--radius-m", "150", "--category", "restaurant", "--limit", "3")
    assert code == 0
    assert "osm:node/" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "food"], "valid categories: artwork"),
        (["--diet", "paleo"], "valid diets"),
        (["--along-from", "60.1660,24.9370"], "both --along-from and --along-to"),
        (["--near", NEAR, "--along-from", "60.16,24.93", "--along-to", "60.17,24.95"], "cannot be combined"),
        (["--open-at", "tomorrow"], "not an ISO 8601 time"),
        (["--radius-m", "300"], "near"),
        (["--near", "91,24"], "out of range"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(pois: Any, args: list[str], message: str) -> None:
    code, _, err = pois(*args, "--json")
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert message in lines[0]
