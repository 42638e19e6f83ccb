"""The region, config and demo verbs as a user runs them: exit codes, one-line errors, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codriver.bootstrap import Runtime
from codriver.cli import main
from osm_extracts import write_extract


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(path))
    monkeypatch.delenv("CODRIVER_DATABASE_URL", raising=False)
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def test_import_then_list_and_show(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pbf = write_extract(tmp_path / "Small-Town.osm.pbf")
    assert main(["region", "import", str(pbf), "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["name"] == "small-town"
    assert imported["graph"] == {"nodes": 25, "edges": 76, "road_km": imported["graph"]["road_km"]}
    assert main(["region", "list", "--json"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["small-town"]
    assert main(["region", "show", "small-town", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["places"]["by_category"]["charging_station"] == 2
    assert shown["chargers"]["with_socket_data"] == 1
    assert main(["region", "show", "small-town"]) == 0
    text = capsys.readouterr().out
    assert "OpenStreetMap contributors" in text
    assert "25 nodes" in text


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [(None, 2, "no such file"), (b"garbage", 1, "not an OSM PBF file")],
)
def test_import_bad_file_is_one_clear_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, code: int, message: str
) -> None:
    path = tmp_path / "x.osm.pbf"
    if content is not None:
        path.write_bytes(content)
    assert main(["region", "import", str(path)]) == code
    captured = capsys.readouterr()
    assert message in _one_error_line(captured.err)
    assert "Traceback" not in captured.err
    assert main(["region", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_show_unknown_region(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["region", "show", "atlantis"]) == 2
    assert "unknown region 'atlantis'" in _one_error_line(capsys.readouterr().err)


def test_config_show_masks_secrets(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CODRIVER_DATABASE_URL", "postgresql+psycopg://app:hunter2@db:5432/codriver")
    monkeypatch.setenv("CODRIVER_LLM__API_KEY", "sk-secret-value")
    monkeypatch.setenv("CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN", "ha-token-value")
    monkeypatch.setenv("CODRIVER_LLM__BACKEND", "openai")
    assert main(["config", "show", "--json"]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)
    assert "hunter2" not in out
    assert "sk-secret-value" not in out
    assert "ha-token-value" not in out
    assert shown["database_url"] == "postgresql+psycopg://app:***@db:5432/codriver"
    assert shown["llm"]["backend"] == "openai"
    assert shown["llm"]["api_key"] == "**********"
    assert shown["data_dir"] == str(data_dir)


def test_bad_setting_is_reported(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CODRIVER_LLM__BACKEND", "gpt-17")
    assert main(["config", "show"]) == 2
    assert "llm.backend" in _one_error_line(capsys.readouterr().err)


def test_demo_plans_a_day_from_free_text(
    helsinki: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's plan, with the rules alone (the embedded model's run is in tests/integration/llm)."""
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    assert main(["demo", "--llm", "none", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["region"]["name"] == "helsinki"
    assert result["agent"] == "planner"
    itinerary = result["itinerary"]
    assert itinerary["status"] == "feasible"
    stops = itinerary["stops"]
    assert {s["kind"] for s in stops[1:-1]} <= {"visit", "meal"}
    assert any(s["kind"] == "meal" for s in stops)
    assert all(s["poi_id"].startswith("osm:") and s["explanation"] for s in stops[1:-1])
    assert result["usage"]["calls"] == 0
