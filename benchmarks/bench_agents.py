"""Agents end to end: places outside the catalogue, model calls and tokens, latency.

Usage: ``python benchmarks/bench_agents.py [--llm local|none|openai] [--limit N]``

Plans every request of ``benchmarks/data/understanding.yaml`` (from a central start)
with the agent team and the chosen model, then asks for a recommendation after each
plan. Prints the number of places shown that are not in the region's catalogue (target
0), the model calls and tokens per complete plan (target at most 4 calls and 3,000
tokens), the feasibility rate and the latency.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

from codriver.agents import AssistantReply, TripAssistant
from codriver.bootstrap import Runtime
from codriver.planning import Location, RegionTools
from codriver.settings import Settings

DATA = Path(__file__).with_name("data") / "understanding.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local", help="local (embedded), openai, or none (rules only)")
    parser.add_argument("--limit", type=int, default=60, help="requests to plan (the set has 60)")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text())
    now = datetime.fromisoformat(data["now"])
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp)))
        tools = RegionTools.load(runtime, "helsinki")
        catalogue = {e.poi_id for e in tools.places.index.entries} | {s.poi_id for s in tools.chargers.stations}
        start = Location(lat=60.1699, lon=24.9384, name="Central Helsinki")
        client = None if args.llm == "none" else runtime.chat_client(args.llm)
        shown = outside = plans = feasible = questions = 0
        calls: list[int] = []
        tokens: list[int] = []
        seconds: list[float] = []
        rec_seconds: list[float] = []

        async def conversation(text: str) -> tuple[AssistantReply, AssistantReply | None, float, float]:
            assistant = TripAssistant(tools, client=client, now=now, origin=start)
            began = time.perf_counter()
            reply = await assistant.send(text)
            planned = time.perf_counter() - began
            if reply.itinerary is None:
                return reply, None, planned, 0.0
            began = time.perf_counter()
            rec = await assistant.send("any good coffee nearby?")
            return reply, rec, planned, time.perf_counter() - began

        for item in data["requests"][: args.limit]:
            reply, rec, planned, recommended = asyncio.run(conversation(item["text"]))
            seconds.append(planned)
            if reply.itinerary is None or rec is None:
                questions += 1
                continue
            plans += 1
            feasible += reply.itinerary.status == "feasible"
            calls.append(reply.usage.calls)
            tokens.append(reply.usage.total_tokens)
            ids = [s.poi_id for s in reply.itinerary.stops[1:-1] if s.poi_id]
            rec_seconds.append(recommended)
            if rec.recommendations is not None:
                ids += [p.poi_id for p in rec.recommendations.picks]
            shown += len(ids)
            outside += sum(1 for i in ids if i not in catalogue)
    print(f"backend: {args.llm}; requests: {min(args.limit, len(data['requests']))}")
    print(f"plans: {plans} ({feasible} feasible), follow-up questions: {questions}")
    print(f"places shown: {shown}, outside the catalogue: {outside} (target 0)")
    if calls:
        print(
            f"model calls per plan: median {statistics.median(calls):.0f}, max {max(calls)} (target <= 4); "
            f"tokens per plan: median {statistics.median(tokens):.0f}, max {max(tokens)} (target <= 3000)"
        )
    print(
        f"latency per plan: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s; "
        f"per recommendation: median {statistics.median(rec_seconds) if rec_seconds else 0:.2f} s"
    )
    ok = outside == 0 and (not calls or (max(calls) <= 4 and max(tokens) <= 3000))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
