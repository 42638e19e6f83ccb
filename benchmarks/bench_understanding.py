"""Request understanding: field accuracy of the planner's reading vs a keyword baseline.

Usage: ``python benchmarks/bench_understanding.py [--llm none|local|openai] [--json]``

Reads ``benchmarks/data/understanding.yaml`` (60 free-text requests with the fields a
careful human reads from them), runs each reader over the embedded Helsinki region and
prints the accuracy per field, the macro average and the share of requests read without
a single field wrong, plus model calls and tokens when a model is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from codriver.agents._understand import PlanContext, understand
from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.tools.geocoding import Gazetteer, load_gazetteer

DATA = Path(__file__).with_name("data") / "understanding.yaml"
SLOTS = (
    "date",
    "depart",
    "return",
    "adults",
    "children",
    "accessibility",
    "budget",
    "interests",
    "avoid",
    "diet",
    "meals",
    "must_visit",
    "origin",
    "powertrain",
    "soc",
    "reserve_soc",
    "target_soc",
    "battery_kwh",
    "connectors",
    "max_detour_min",
    "max_stint_min",
)


def slots_of(stated: dict[str, Any]) -> dict[str, Any]:
    """The comparable slots of the stated fields (absent slots are left out)."""
    out: dict[str, Any] = {}
    if "date" in stated:
        out["date"] = stated["date"]
    for key, slot in (("depart_at", "depart"), ("return_by", "return")):
        if key in stated:
            out[slot] = datetime.fromisoformat(stated[key]).strftime("%H:%M")
    if "party" in stated:
        out["adults"] = stated["party"]["adults"]
        out["children"] = stated["party"]["children"]
        if stated["party"].get("accessibility"):
            out["accessibility"] = sorted(stated["party"]["accessibility"])
    for key, slot in (("budget", "budget"), ("max_detour_min", "max_detour_min"), ("max_stint_min", "max_stint_min")):
        if key in stated:
            out[slot] = float(stated[key])
    if stated.get("interests"):
        out["interests"] = sorted(stated["interests"])
    for key, slot in (("avoid_categories", "avoid"), ("diet", "diet"), ("must_visit", "must_visit")):
        if stated.get(key):
            out[slot] = sorted(stated[key])
    if stated.get("meals"):
        out["meals"] = sorted(m["meal"] for m in stated["meals"])
    if "origin" in stated:
        out["origin"] = stated["origin"]
    vehicle = stated.get("vehicle", {})
    for key in ("powertrain", "soc", "reserve_soc", "target_soc", "battery_kwh"):
        if key in vehicle:
            out[key] = vehicle[key]
    if vehicle.get("connectors"):
        out["connectors"] = sorted(vehicle["connectors"])
    return out


def _place(gazetteer: Gazetteer, name: str) -> str:
    """The catalogue ID of a named place (the best match when a name has several entries)."""
    best = gazetteer.search(name, limit=1)
    if not best or best[0].place_id is None:
        msg = f"the data set names {name!r}, which is not a place of the region"
        raise SystemExit(msg)
    return best[0].place_id


def expected_slots(expect: dict[str, Any], gazetteer: Gazetteer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in expect.items():
        if key in {"must_visit"}:
            out[key] = sorted(_place(gazetteer, name) for name in value)
        elif key == "origin":
            out[key] = _place(gazetteer, value)
        elif isinstance(value, list):
            out[key] = sorted(value)
        elif key in {"budget", "max_detour_min", "max_stint_min", "battery_kwh"}:
            out[key] = float(value)
        else:
            out[key] = value
    return out


# -- the keyword baseline ---------------------------------------------------------------------
_CATEGORY_WORDS = (
    "museum",
    "gallery",
    "park",
    "cafe",
    "bar",
    "playground",
    "viewpoint",
    "beach",
    "library",
    "restaurant",
    "attraction",
)


def keyword_baseline(text: str) -> dict[str, Any]:
    """One keyword per value, first match wins: no negation, synonyms or context."""
    low = text.lower()
    stated: dict[str, Any] = {}
    interests = [c for c in _CATEGORY_WORDS if c in low]
    if interests:
        stated["interests"] = dict.fromkeys(interests, 1.0)
    diets = {
        "vegan": "vegan",
        "vegetarian": "vegetarian",
        "halal": "halal",
        "kosher": "kosher",
        "gluten": "gluten_free",
        "lactose": "lactose_free",
    }
    found = sorted({v for k, v in diets.items() if k in low})
    if found:
        stated["diet"] = found
    meals = [m for m in ("breakfast", "lunch", "dinner") if m in low]
    if meals:
        stated["meals"] = [{"meal": m} for m in meals]
    vehicle: dict[str, Any] = {}
    if re.search(r"\b(ev|electric|tesla)\b", low):
        vehicle["powertrain"] = "ev"
    elif re.search(r"\b(petrol|diesel)\b", low):
        vehicle["powertrain"] = "ice"
    percent = re.search(r"(\d+)\s*%", low)
    if percent:
        vehicle["soc"] = int(percent.group(1)) / 100
    if vehicle:
        stated["vehicle"] = vehicle
    money = re.search(r"(\d+)\s*(?:€|euros?)|€\s*(\d+)", low)
    if money:
        stated["budget"] = float(money.group(1) or money.group(2))
    clocks = re.findall(r"\b(\d{1,2}):(\d{2})\b", low)
    day = "2026-11-25"
    if clocks:
        stated["depart_at"] = f"{day}T{int(clocks[0][0]):02d}:{clocks[0][1]}:00+02:00"
    if len(clocks) > 1:
        stated["return_by"] = f"{day}T{int(clocks[1][0]):02d}:{clocks[1][1]}:00+02:00"
    for word, when in (("today", "2026-11-25"), ("tomorrow", "2026-11-26")):
        if word in low:
            stated["date"] = when
    adults = re.search(r"(\d+) adults?", low)
    kids = re.search(r"(\d+) (?:kids|children)", low)
    if adults or kids:
        stated["party"] = {
            "adults": int(adults.group(1)) if adults else 1,
            "children": int(kids.group(1)) if kids else 0,
        }
    return stated


def score(rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    per_slot = {slot: sum(1 for got, want in rows if got.get(slot) == want.get(slot)) / len(rows) for slot in SLOTS}
    exact = sum(1 for got, want in rows if all(got.get(s) == want.get(s) for s in SLOTS)) / len(rows)
    stated_slots = [(got, want, s) for got, want in rows for s in SLOTS if s in want]
    recall = sum(1 for got, want, s in stated_slots if got.get(s) == want[s]) / len(stated_slots)
    return {
        "per_slot": per_slot,
        "macro": sum(per_slot.values()) / len(per_slot),
        "exact": exact,
        "stated_recall": recall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="none", help="none (rules only), local, openai or replay")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text())
    now = datetime.fromisoformat(data["now"])
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp)))
        region = runtime.region("helsinki")
        gazetteer = load_gazetteer(runtime.engine, region, runtime.graph(region))
        client = None
        if args.llm != "none":
            from codriver.llm import make_chat_client

            client = make_chat_client(runtime.settings, backend=args.llm, cache=False)
        context = PlanContext(now=now, region="helsinki")
        readers: dict[str, Callable[[str], dict[str, Any]]] = {"keyword baseline": keyword_baseline}
        timings: list[float] = []

        def ours(text: str) -> dict[str, Any]:
            started = time.perf_counter()
            result = asyncio.run(understand(text, context=context, gazetteer=gazetteer, client=client))
            timings.append(time.perf_counter() - started)
            return result.stated

        label = "codriver (rules)" if client is None else f"codriver (rules + {args.llm} model)"
        readers[label] = ours
        report: dict[str, Any] = {"requests": len(data["requests"])}
        for name, reader in readers.items():
            rows = [
                (slots_of(reader(item["text"])), expected_slots(item["expect"], gazetteer)) for item in data["requests"]
            ]
            report[name] = score(rows)
        report["median_ms"] = round(1000 * sorted(timings)[len(timings) // 2], 1)
        if client is not None:
            usage = client.total_usage()
            report["model"] = {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    names = [n for n in report if isinstance(report[n], dict) and "per_slot" in report[n]]
    print(f"{'field':<16}" + "".join(f"{n:>34}" for n in names))
    for slot in SLOTS:
        print(f"{slot:<16}" + "".join(f"{report[n]['per_slot'][slot]:>34.1%}" for n in names))
    for key in ("macro", "stated_recall", "exact"):
        print(f"{key:<16}" + "".join(f"{report[n][key]:>34.1%}" for n in names))
    print(f"requests: {report['requests']}, median understanding time: {report['median_ms']} ms")
    if "model" in report:
        print(f"model tokens: {report['model']}")
    ours_name = names[-1]
    return 0 if report[ours_name]["macro"] > report["keyword baseline"]["macro"] else 1


if __name__ == "__main__":
    sys.exit(main())
