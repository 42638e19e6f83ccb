"""Scenario files: validation errors name file, line and field; the published schema is current."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from simulators_support import SCENARIOS

from codriver.agents import read_request
from codriver.errors import InputError
from codriver.simulators import (
    Persona,
    compose_request,
    load_scenario,
    parse_meal_before,
    scenario_paths,
    scenario_schema,
)

GOOD = """\
name: tiny
start: "2026-11-26T09:00:00+02:00"
persona:
  name: Test
  household: {ages: [30]}
  home: Ateneum
request: "Today from 10:00 to 12:00, museums"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD))
    assert scenario.first_message == "Today from 10:00 to 12:00, museums"
    assert scenario.persona.household.adults == 1
    assert scenario.vehicle.powertrain == "ice"


@pytest.mark.parametrize(
    ("replace", "line", "field"),
    [
        (("ages: [30]", "ages: [thirty]"), 5, "persona.household.ages.0"),
        (("home: Ateneum", "home: Ateneum\n  colour: blue"), 7, "persona.colour"),
        (('start: "2026-11-26T09:00:00+02:00"', 'start: "2026-11-26T09:00:00"'), 2, "start"),
    ],
)
def test_errors_name_the_file_line_and_field(tmp_path: Path, replace: tuple[str, str], line: int, field: str) -> None:
    path = _write(tmp_path, GOOD.replace(*replace))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert f"{path}:{line}: {field}:" in str(caught.value)


def test_errors_in_events_and_expectations_point_at_their_lines(tmp_path: Path) -> None:
    text = GOOD + "events:\n  - {at_min: 5, kind: delay, minutes: 10}\n  - {at_min: -1, kind: delay, minutes: 5}\n"
    text += "expect:\n  meal_before: lunch at noon\n"
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:10: events.1.delay.at_min:" in message
    assert f"{path}:12: expect.meal_before:" in message


def test_block_style_errors_point_at_the_field_and_categories_are_checked(tmp_path: Path) -> None:
    text = GOOD + "events:\n  - kind: closed\n    at_min: 20\n    target: 5\n"
    text = text.replace("  home: Ateneum", "  home: Ateneum\n  interests: [museums]")
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:12: events.0.closed.target:" in message
    assert f"{path}:7: persona.interests:" in message
    assert "unknown categories ['museums']" in message


def test_bad_yaml_and_missing_request(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"s\.yaml:3: not valid YAML"):
        load_scenario(_write(tmp_path, "name: x\nstart: 1\n  bad: [\n"))
    with pytest.raises(InputError, match="give a request"):
        load_scenario(_write(tmp_path, GOOD.replace('request: "Today from 10:00 to 12:00, museums"\n', "")))
    with pytest.raises(InputError, match="no scenario file"):
        scenario_paths([tmp_path / "missing.yaml"])


def test_meal_before() -> None:
    assert parse_meal_before("Lunch before 14:00") == ("lunch", 840)
    with pytest.raises(ValueError, match="before HH:MM"):
        parse_meal_before("lunch before 25:00")


def test_every_shipped_scenario_is_valid_and_the_suite_is_broad() -> None:
    scenarios = [load_scenario(p) for p in scenario_paths([SCENARIOS])]
    assert len(scenarios) >= 12
    assert len({s.name for s in scenarios}) == len(scenarios)
    assert {p.stem for p in scenario_paths([SCENARIOS])} == {s.name for s in scenarios}
    phases = {ph for s in scenarios for ph in s.phase}
    assert phases == {"before", "during", "after"}
    assert {s.vehicle.powertrain for s in scenarios} == {"ev", "ice"}
    kinds = {e.kind for s in scenarios for e in s.events}
    assert kinds == {"delay", "closed", "charger_out", "wish", "weather"}
    assert any(s.expect.answered_with_explanation for s in scenarios)


def test_the_published_schema_is_current() -> None:
    """The schema file is generated here: when stale it is rewritten and the test fails (commit it)."""
    path = SCENARIOS / "scenario.schema.json"
    expected = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != expected:
        path.write_text(expected, encoding="utf-8")
        pytest.fail(f"{path} was stale and has been regenerated; commit it")
    assert json.loads(current)["properties"]["persona"]


@pytest.mark.parametrize(
    ("ages", "diet", "interests", "budget", "window", "party", "meal"),
    [
        ([41, 39, 9, 6], ["vegetarian"], ["museum", "park"], 150, "10:00-16:00", (2, 2), "lunch"),
        ([23], ["vegan"], ["gallery"], 30, "11:00-15:00", (1, 0), "lunch"),
        ([45, 8], [], ["viewpoint", "cafe", "historic"], None, "08:00-12:00", (1, 1), "breakfast"),
        ([70, 72, 8], ["gluten_free"], ["museum"], None, "16:00-21:00", (2, 1), "dinner"),
    ],
)
def test_a_composed_request_says_what_the_persona_wants(
    ages: list[int],
    diet: list[str],
    interests: list[str],
    budget: float | None,
    window: str,
    party: tuple[int, int],
    meal: str,
) -> None:
    """The assistant's own reader gets the persona's public wishes back from the composed text."""
    persona = Persona.model_validate(
        {
            "name": "P",
            "household": {"ages": ages},
            "diet": diet,
            "interests": interests,
            "budget": budget,
            "home": "Ateneum",
            "hidden": {"liked_categories": ["bar"], "disliked_places": ["Kiasma"]},
        }
    )
    text = compose_request(persona, window)
    assert "drinks" not in text
    assert "Kiasma" not in text
    now = datetime(2026, 11, 26, 7, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    fields = read_request(text, now=now).fields
    assert (fields["party"]["adults"], fields["party"]["children"]) == party
    assert fields.get("diet", []) == diet
    assert fields.get("budget") == budget
    assert set(fields["interests"]) == set(interests)
    assert [m["meal"] for m in fields["meals"]] == [meal]
    assert fields["depart_at"].startswith(f"2026-11-26T{window[:5]}")
