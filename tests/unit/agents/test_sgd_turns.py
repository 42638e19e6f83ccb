"""Crowd-written turns of the Schema-Guided Dialogue dataset (TRAIN split, CC BY-SA 4.0; credit in
sgd_turns.yaml): text written by other people, for other apps, read for its cuisine or kind of place."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from codriver.agents._understand import PlanContext, region_facts, understand
from codriver.planning import Location
from codriver.planning._region_world import RegionTools
from codriver.tools.geocoding import fold

DATA = yaml.safe_load((Path(__file__).with_name("sgd_turns.yaml")).read_text(encoding="utf-8"))
ROWS, KINDS = DATA["turns"], DATA["categories"]


def test_asked_cuisines_and_kinds_are_read_or_said_to_be_missing(tools: RegionTools) -> None:
    context = PlanContext(
        now=datetime(2026, 12, 9, 10, tzinfo=ZoneInfo("Europe/Helsinki")),
        region=tools.region.name,
        origin=Location(place_id="osm:way/8033120"),
        **region_facts(tools),
    )
    hits, misses = 0, []
    for row in ROWS:
        result = asyncio.run(understand(row["utterance"], context=context, gazetteer=tools.gazetteer))
        said = fold(" ".join(f"{n.said} {n.reason}" for n in result.not_understood))
        if "cuisine" in row["slots"]:
            span = fold(str(row["spans"].get("cuisine", row["slots"]["cuisine"])))
            wanted = fold(str(row["slots"]["cuisine"])).replace(" ", "_")
            wishes = result.stated.get("cuisine", [])
            ok = any(wanted in w["values"] or fold(w["said"]) in span or span in fold(w["said"]) for w in wishes)
            ok = ok or span in said or (wanted == "coffeehouse" and "cafe" in result.stated.get("interests", {}))
        else:
            kind = str(row["slots"]["category"]).lower()
            target = KINDS.get(kind)
            ok = (target in result.stated.get("interests", {})) if target else kind in said
            ok = ok or (target or kind).replace("_", " ") in said
        hits += ok
        if not ok:
            misses.append(row["utterance"])
    assert hits / len(ROWS) >= 0.85, (hits, len(ROWS), misses)
