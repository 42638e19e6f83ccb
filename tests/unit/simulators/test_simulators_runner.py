"""The runner end to end: the whole suite passes with the rule-based traveller, reproducibly."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import typer
from simulators_support import SCENARIOS
from typer.testing import CliRunner

from codriver.bootstrap import Runtime
from codriver.cli import _simulate
from codriver.simulators import ScenarioResult, run_scenario, summarise, write_report


def test_the_whole_suite_passes(suite: list[ScenarioResult]) -> None:
    failed = {r.scenario: [e.detail for e in r.expectations if not e.passed] for r in suite if not r.passed}
    assert failed == {}
    assert len(suite) >= 12
    assert all(r.places_outside_catalogue == [] for r in suite)
    assert all(codes == [] for r in suite if r.final_status == "feasible" for codes in r.verifier_errors)
    summary = summarise(suite)
    assert summary["expectations_met"] == summary["expectations_total"] >= 40
    assert summary["model_calls"] == 0  # rules only


def test_runs_really_drive_replan_and_heat_the_home(suite: list[ScenarioResult]) -> None:
    by_name = {r.scenario: r for r in suite}
    family = by_name["family-ev-museums"]
    assert [r.event for r in family.replans] == ["delay", "closed"]
    assert all(r.replanned and r.status == "feasible" for r in family.replans)
    assert family.plan_versions == 3
    assert family.visited[-1]["kind"] == "end"
    assert family.home_actions
    assert family.soc_trace[0] == (0.0, 0.7)
    assert family.min_soc is not None
    assert family.min_soc < 0.7
    charger = by_name["ev-broken-charger"]
    assert charger.replans[0].message == "the charger is broken"
    assert charger.replans[0].replanned
    impossible = by_name["impossible-islands"]
    assert impossible.visited == []
    assert impossible.plan_status != "feasible"
    refine = by_name["refine-conversation"]
    assert refine.decisions
    assert refine.decisions[0]["accepted"] is False  # the first coffee pick is the disliked place


def test_same_seed_same_result(helsinki: Runtime) -> None:
    path = SCENARIOS / "family-ev-museums.yaml"
    first = run_scenario(path, runtime=helsinki, seed=5)
    second = run_scenario(path, runtime=helsinki, seed=5)
    assert first.reproducible() == second.reproducible()
    assert json.loads(json.dumps(first.model_dump(mode="json")))["scenario"] == "family-ev-museums"


def test_report_files(suite: list[ScenarioResult], tmp_path: Path) -> None:
    json_path, html_path = write_report(suite, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["summary"]["runs"] == len(suite)
    assert len(data["results"]) == len(suite)
    page = html_path.read_text(encoding="utf-8")
    images = page.split('src="data:image/png;base64,')[1:]
    assert len(images) >= 2
    assert base64.b64decode(images[0].split('"', 1)[0]).startswith(b"\x89PNG")
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_cli(helsinki: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    app = typer.Typer()
    app.command()(_simulate.command)
    args = [str(SCENARIOS / "hungry-kids-wish.yaml"), "--runs", "2", "--seed", "3", "--json", "--report"]
    result = CliRunner().invoke(app, [*args, str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["seed"] for r in data["results"]] == [3, 4]
    assert (tmp_path / "report.html").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad Name\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(bad)])
    assert result.exit_code != 0
