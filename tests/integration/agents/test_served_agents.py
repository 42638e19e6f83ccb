"""The served-model path: tool-calling AutoGen agents against a scripted OpenAI-compatible server.

The server is a script, not a model (see ``scripted_openai``): these tests check what our
side does with whatever the model says: the tools' JSON schemas are sent, tool results are
grounded, made-up IDs are tool errors that never reach the answer, and only the engine's
verified itinerary is shown.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer
from autogen_ext.models.replay import ReplayChatCompletionClient
from scripted_openai import ONE_DAY_PLAN, ScriptedServer, call, last_tool_result, say, scripted_server, searched_id
from typer.testing import CliRunner

from codriver.agents import TripAssistant
from codriver.agents._served_tools import verify_itinerary
from codriver.api import AgentsAssistant, AssistantContext, ChatReply, EnginePlanner
from codriver.bootstrap import Runtime
from codriver.cli import _plan
from codriver.errors import InputError, ToolUnavailable
from codriver.llm import Meter, cached_client, make_openai_client, serves_tool_calls
from codriver.planning import RegionTools

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))  # a Wednesday
FAKE = "osm:node/999999999999"


@pytest.fixture(scope="module")
def tools(helsinki: Runtime) -> RegionTools:
    return RegionTools.load(helsinki)


def _assistant(tools: RegionTools, server: ScriptedServer, meter: Meter | None = None) -> TripAssistant:
    client = make_openai_client(base_url=server.base_url, model="scripted", max_retries=0)
    return TripAssistant(tools, client=client, now=NOW, meter=meter)


async def test_a_request_in_words_goes_through_tool_calls_to_a_verified_plan(tools: RegionTools) -> None:
    with scripted_server(ONE_DAY_PLAN) as server:
        assistant = _assistant(tools, server)
        assert assistant.tool_agents
        reply = await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
    assert reply.agent == "planner"
    itinerary = reply.itinerary
    assert itinerary is not None
    assert itinerary.status == "feasible"
    assert [v for v in verify_itinerary(itinerary, assistant.session) if v.severity == "error"] == []
    assert itinerary.stops[0].name == "Ateneum"
    assert any(s.kind == "meal" for s in itinerary.stops)
    for stop in itinerary.stops[1:-1]:
        assert stop.poi_id is not None
        assert tools.places.get_sync(stop.poi_id).name == stop.name
    assert reply.text.startswith("Here is your day.\nLeaving Ateneum")
    # One model call per script turn; the tool results went back to the model.
    assert reply.usage.calls == 4
    assert reply.usage.prompt_tokens == sum(p for p, _ in server.usage)
    assert "Ateneum" in last_tool_result(server.requests[1])
    assert json.loads(last_tool_result(server.requests[3]))["valid"] is True
    # The request carries the planner's tools with their JSON schemas (enumerations included).
    sent = server.tools_sent(0)
    assert set(sent) == {"search_places", "check_hours", "plan_trip", "verify_plan"}
    plan = sent["plan_trip"]["parameters"]
    assert {"day", "depart", "back_by"} <= set(plan["required"])
    assert "museum" in json.dumps(plan["properties"]["interests"])
    assert "vegan" in json.dumps(plan["properties"]["diet"])
    assert "catalogue ID" in plan["properties"]["origin"]["description"]


async def test_a_made_up_place_id_is_a_tool_error_and_never_reaches_the_answer(tools: RegionTools) -> None:
    script = [
        call("search_places", name="Ateneum"),
        lambda r: call(
            "plan_trip", day="2026-11-26", depart="09:00", back_by="17:00", origin=searched_id(r), must_visit=[FAKE]
        ),
        call("check_hours", poi_id=FAKE, at="12:00"),
        ONE_DAY_PLAN[1],
        say(f"Do not miss {FAKE}, the Palace of Dreams, after lunch."),
    ]
    with scripted_server(script) as server:
        assistant = _assistant(tools, server)
        reply = await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
    errors = [last_tool_result(server.requests[i]) for i in (2, 3)]
    assert all(f"no place {FAKE!r}" in e for e in errors)
    assert reply.itinerary is not None
    assert FAKE not in reply.text
    assert "Palace" not in reply.text
    assert FAKE not in {s.poi_id for s in reply.itinerary.stops}
    assert reply.text.startswith("Leaving Ateneum")
    assert FAKE in assistant.session.log[-1]["refused"]


async def test_a_model_that_answers_without_planning_shows_no_itinerary(tools: RegionTools) -> None:
    with scripted_server([say("Start at Ateneum at 09:00, then lunch at Cafe Imaginary.")]) as server:
        assistant = _assistant(tools, server)
        reply = await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
    assert reply.itinerary is None
    assert assistant.session.itinerary is None
    assert "Imaginary" not in reply.text
    assert "Ateneum" not in reply.text
    assert reply.text.startswith("I could not make a checked plan")


async def test_a_question_without_places_is_passed_on(tools: RegionTools) -> None:
    with scripted_server([say("Where does the trip start?")]) as server:
        reply = await _assistant(tools, server).send("A museum and a vegan lunch tomorrow")
    assert reply.itinerary is None
    assert reply.text == "Where does the trip start?"


async def test_recommender_shows_only_places_its_search_returned(tools: RegionTools) -> None:
    script = [
        *ONE_DAY_PLAN,
        call("search_places", categories=["cafe"]),
        lambda r: call("recommend_places", poi_ids=[searched_id(r), FAKE]),
        lambda r: call("recommend_places", poi_ids=[searched_id(r)]),
        say("This one is close."),
    ]
    with scripted_server(script) as server:
        assistant = _assistant(tools, server)
        await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
        reply = await assistant.send("any good coffee nearby?")
    assert reply.agent == "recommender"
    assert reply.recommendations is not None
    picks = [p.poi_id for p in reply.recommendations.picks]
    assert len(picks) == 1
    assert FAKE not in picks
    assert FAKE in reply.recommendations.refused
    assert tools.places.get_sync(picks[0]).category == "cafe"
    assert FAKE not in reply.text
    assert reply.usage.calls == 4


async def test_replanner_adopts_the_engines_verified_repair(tools: RegionTools) -> None:
    script = [*ONE_DAY_PLAN, call("replan_trip", event="delay", minutes=20), call("verify_plan"), say("Shifted.")]
    with scripted_server(script) as server:
        assistant = _assistant(tools, server)
        first = await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
        reply = await assistant.send("we are 20 minutes late")
    assert reply.agent == "replanner"
    assert first.itinerary is not None
    assert reply.itinerary is not None
    assert reply.itinerary is not first.itinerary
    assert len(assistant.session.versions) == 2
    assert reply.text.startswith("Shifted.\n")
    assert "replan_trip" in assistant.session.log[-1]["tools"]
    assert json.loads(last_tool_result(server.requests[-1]))["valid"] is True


async def test_a_model_endpoint_that_fails_raises_its_own_error(tools: RegionTools) -> None:
    with scripted_server([]) as server:  # every call answered with a 500
        assistant = _assistant(tools, server)
        with pytest.raises(ToolUnavailable, match="the script has no turn left"):
            await assistant.send("any good coffee nearby?")
        with pytest.raises(ToolUnavailable):  # the next turn too, not a failure left over
            await assistant.send("Tomorrow from Ateneum: a museum, back by 17:00")
    assert assistant.session.failure is None


async def test_served_clients_are_recognised_through_wrappers(tmp_path: Any) -> None:
    client = make_openai_client(base_url="http://127.0.0.1:9/v1", model="scripted")
    assert serves_tool_calls(client)
    assert serves_tool_calls(cached_client(client, tmp_path, backend="openai"))
    assert not serves_tool_calls(ReplayChatCompletionClient(["x"]))


async def test_the_embedded_or_no_model_keeps_the_deterministic_policy(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, client=None, now=NOW)
    assert not assistant.tool_agents
    reply = await assistant.send("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00")
    assert reply.itinerary is not None
    assert reply.usage.calls == 0
    scripted = TripAssistant(tools, client=ReplayChatCompletionClient(["{}", "{}"]), now=NOW)
    assert not scripted.tool_agents


async def test_memory_learns_from_the_words_whatever_the_model_passes(tools: RegionTools) -> None:
    script = [
        call("search_places", name="Ateneum"),
        lambda r: call(
            "plan_trip", day="2026-11-26", depart="09:00", back_by="17:00", origin=searched_id(r), meals=["lunch"]
        ),
        say("Done."),
    ]
    with scripted_server(script) as server:
        assistant = _assistant(tools, server)
        reply = await assistant.send("Tomorrow from Ateneum, we are vegan, a lunch, back by 17:00")
    assert reply.itinerary is not None
    assert reply.itinerary.request is not None
    assert reply.itinerary.request.diet == ["vegan"]  # said, not passed by the model
    assert assistant.session.memory.diet == ["vegan"]


def test_the_cli_plans_through_the_served_agents(
    helsinki: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    def plan_tomorrow(request: dict[str, Any]) -> dict[str, Any]:
        note = next(m["content"] for m in request["messages"] if m["role"] == "user" and "Now: " in m["content"])
        tomorrow = datetime.fromisoformat(note.split()[1]).date() + timedelta(days=1)
        return call(
            "plan_trip",
            day=tomorrow.isoformat(),
            depart="10:00",
            back_by="16:00",
            origin=searched_id(request),
            interests=["museum"],
        )

    script = [call("search_places", name="Ateneum"), plan_tomorrow, say("Enjoy the museums.")]
    with scripted_server(script) as server:
        monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
        monkeypatch.setenv("CODRIVER_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("CODRIVER_LLM__MODEL", "scripted")
        monkeypatch.setenv("CODRIVER_LLM__CACHE_DIR", str(tmp_path))
        app = typer.Typer()
        app.command()(_plan.command)
        result = CliRunner().invoke(app, ["Tomorrow from Ateneum, museums", "--llm", "openai", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["agent"] == "planner"
    assert answer["usage"]["calls"] == 3
    assert answer["text"].startswith("Enjoy the museums.\nLeaving Ateneum")
    assert answer["itinerary"]["status"] == "feasible"
    assert {"search_places", "plan_trip"} <= set(server.tools_sent(0))


async def test_post_plan_text_reads_through_the_served_planner(helsinki: Runtime, tmp_path: Any) -> None:
    with scripted_server(ONE_DAY_PLAN) as server:
        llm = helsinki.settings.llm.model_copy(
            update={"backend": "openai", "base_url": server.base_url, "model": "scripted", "cache_dir": tmp_path}
        )
        runtime = Runtime(helsinki.settings.model_copy(update={"llm": llm}))
        assistant = AgentsAssistant(EnginePlanner(runtime), runtime)
        context = AssistantContext(user_id=1, now=NOW, region="helsinki")
        answer = await assistant.plan_text("Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00", context)
    assert [r["messages"][-1]["role"] for r in server.requests] == ["user", "tool", "tool", "tool"]
    assert isinstance(answer, ChatReply)
    assert answer.itinerary is not None  # the plan it made and the verifier passed, for the API to store
    assert answer.itinerary.status == "feasible"
    request = answer.request
    assert request is not None
    assert answer.itinerary.request == request
    assert request.diet == ["vegan"]
    assert request.interests == {"museum": 1.0}
    assert request.return_by.isoformat() == "2026-11-26T17:00:00+02:00"
    with scripted_server([say("Where does the trip start?")]) as server:
        runtime = Runtime(
            helsinki.settings.model_copy(update={"llm": llm.model_copy(update={"base_url": server.base_url})})
        )
        with pytest.raises(InputError, match="Where does the trip start"):
            await AgentsAssistant(EnginePlanner(runtime), runtime).plan_text("museums", context)
