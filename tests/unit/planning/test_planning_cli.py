"""``codriver plan|verify|replan|schema`` through a local Typer app (as the CLI will register them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from planning_cases import request
from typer.testing import CliRunner

from codriver.bootstrap import Runtime
from codriver.cli import _plan, _replan, _schema, _verify

app = typer.Typer()
app.command("plan")(_plan.command)
app.command("verify")(_verify.command)
app.command("replan")(_replan.command)
app.add_typer(_schema.app, name="schema")
runner = CliRunner()


@pytest.fixture
def helsinki_env(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    return helsinki


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "request.json"
    path.write_text(request().model_dump_json(), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, Any]:
    result = runner.invoke(app, list(args))
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else result.stdout
    return result.exit_code, data


def test_plan_json_follows_the_itinerary_contract(helsinki_env: Runtime, request_file: Path) -> None:
    code, data = run("plan", "--request-file", str(request_file), "--time-limit-s", "0.3", "--json")
    assert code == 0, data
    assert data["status"] == "feasible"
    assert data["violations"] == [] or {v["severity"] for v in data["violations"]} == {"warning"}
    stop = data["stops"][1]
    assert {"poi_id", "name", "kind", "lat", "lon", "arrive_at", "depart_at", "explanation"} <= set(stop)
    assert stop["arrive_at"].endswith("+03:00")
    leg = data["legs"][0]
    assert {"distance_m", "duration_s", "geometry"} <= set(leg)
    assert leg["geometry"]["type"] == "LineString"
    assert {"distance_m", "drive_s", "duration_s", "cost"} <= set(data["totals"])


def test_verify_accepts_a_plan_and_catches_a_tampered_one(
    helsinki_env: Runtime, request_file: Path, tmp_path: Path
) -> None:
    _, plan = run("plan", "--request-file", str(request_file), "--time-limit-s", "0.3", "--json")
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(plan), encoding="utf-8")
    code, report = run("verify", str(good), "--json")
    assert code == 0, report
    assert report["valid"] is True
    assert report["errors"] == 0

    plan["stops"][1]["poi_id"] = "osm:node/1"  # not in the catalogue
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan), encoding="utf-8")
    code, report = run("verify", str(bad), "--json")
    assert code == _plan.VIOLATIONS_EXIT
    assert report["valid"] is False
    assert ("UNKNOWN_PLACE", 1) in [(v["code"], v["stop_index"]) for v in report["violations"]]


def test_verify_explains_a_malformed_file(helsinki_env: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"stops": [{"name": "x"}]}', encoding="utf-8")
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code != 0
    assert "invalid itinerary" in str(result.exception)
    assert "stops.0" in str(result.exception)


def test_replan_json_reports_the_diff(helsinki_env: Runtime, request_file: Path, tmp_path: Path) -> None:
    _, plan = run("plan", "--request-file", str(request_file), "--time-limit-s", "0.3", "--json")
    itinerary = tmp_path / "plan.json"
    itinerary.write_text(json.dumps(plan), encoding="utf-8")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"event": {"kind": "delay", "minutes": 15}, "at": plan["stops"][1]["arrive_at"]}))
    code, data = run("replan", "--itinerary", str(itinerary), "--event", str(event), "--json")
    assert code == 0, data
    assert set(data) == {"itinerary", "diff", "reason"}
    assert "delay of 15 min" in data["reason"]
    assert data["itinerary"]["status"] == "feasible"


@pytest.mark.parametrize("name", ["itinerary", "trip-request", "replan-event", "replan-result"])
def test_schemas_are_published(name: str) -> None:
    code, schema = run("schema", name)
    assert code == 0
    assert schema["$id"] == f"codriver:{name}"
    assert schema["type"] == "object"
    assert schema["properties"]


def test_the_itinerary_schema_names_the_contract_fields() -> None:
    _, schema = run("schema", "itinerary")
    stop = schema["$defs"]["ItineraryStop"]["properties"]
    assert {"poi_id", "kind", "arrive_at", "depart_at", "soc_before", "soc_after", "energy_kwh", "power_kw"} <= set(
        stop
    )
    assert set(stop["kind"]["enum"]) == {"start", "visit", "meal", "charge", "fuel", "stay", "end"}
    # several days: the trip's own itinerary holds each day's (the same document) and the nights
    assert schema["properties"]["days"]["items"] == {"$ref": "#/$defs/Itinerary"}
    assert {"poi_id", "arrive_at", "depart_at", "charger_verified", "soc_depart"} <= set(
        schema["$defs"]["Night"]["properties"]
    )


def test_verify_reports_a_kind_of_place_asked_for_in_words_that_the_plan_lacks(
    helsinki_env: Runtime, tmp_path: Path
) -> None:
    # "a playground and a café" said in words: a plan of the café alone gives up a wish, whoever made the file
    said = [{"field": "interests", "said": "playground, cafe", "text": "playground, cafe"}]
    asked = request(interests={"playground": 1.0, "cafe": 1.0}, meals=[], understood=said)
    path = tmp_path / "request.json"
    path.write_text(asked.model_dump_json(), encoding="utf-8")
    _, plan = run("plan", "--request-file", str(path), "--time-limit-s", "0.4", "--json")
    assert plan["status"] == "feasible", plan["violations"]
    code, report = run("verify", str(_saved(tmp_path, plan)), "--json")
    assert code == 0, report
    playground = next(i for i, s in enumerate(plan["stops"]) if s["category"] == "playground")
    removed = plan["stops"].pop(playground)
    plan["legs"] = []  # the plan's legs went with the stop: the verifier routes each drive itself
    code, report = run("verify", str(_saved(tmp_path, plan)), "--json")
    assert code == _plan.VIOLATIONS_EXIT, report
    missing = [v["message"] for v in report["violations"] if v["code"] == "INTEREST_MISSING"]
    assert missing == ["no playground among the stops"]
    # interests nobody said in words (a form's defaults) are not wishes
    unsaid = {**plan, "request": {**plan["request"], "understood": []}}
    _, report = run("verify", str(_saved(tmp_path, unsaid)), "--json")
    assert "INTEREST_MISSING" not in [v["code"] for v in report["violations"]]
    # a re-plan: the playground visited before it (the trip's visited stops) meets the wish, as in the engine
    _, report = run("verify", str(_saved(tmp_path, {**plan, "visited": [removed]})), "--json")
    assert "INTEREST_MISSING" not in [v["code"] for v in report["violations"]]


def _saved(tmp_path: Path, plan: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_plan_on_a_public_holiday_prints_that_the_hours_are_the_usual_ones(
    helsinki_env: Runtime, tmp_path: Path
) -> None:
    # Independence Day 2027 is a Monday: most places' OSM hours say nothing of holidays
    path = tmp_path / "request.json"
    holiday = request(depart_at="2027-12-06T10:00:00+02:00", return_by="2027-12-06T17:00:00+02:00")
    path.write_text(holiday.model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["plan", "--request-file", str(path), "--time-limit-s", "0.3"])
    assert result.exit_code == 0, result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith("warning HOLIDAY_HOURS")]
    assert lines
    assert all("Monday 06 December is a public holiday (Independence Day)" in line for line in lines)
    _, plan = run("plan", "--request-file", str(path), "--time-limit-s", "0.3", "--json")
    assert [v for v in plan["violations"] if v["code"] == "HOLIDAY_HOURS"]
