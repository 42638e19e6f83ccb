"""The API's assistant port over the agents (rules only: no model in unit tests)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._engine_planner import EnginePlanner
from codriver.api._ports import AssistantContext
from codriver.bootstrap import Runtime
from codriver.errors import InputError

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture(scope="module")
def assistant(helsinki: Runtime) -> AgentsAssistant:
    return AgentsAssistant(EnginePlanner(helsinki), helsinki, backend="none")


async def test_free_text_becomes_a_request(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum and a vegan lunch, back by 17:00", context)
    assert request.diet == ["vegan"]
    assert request.interests == {"museum": 1.0}
    assert request.return_by.isoformat() == "2026-11-26T17:00:00+02:00"
    assert request.origin.lat == pytest.approx(60.1699)


async def test_a_missing_start_is_asked_for(assistant: AgentsAssistant) -> None:
    with pytest.raises(InputError, match="Where does the trip start"):
        await assistant.plan_text("Tomorrow a museum", AssistantContext(user_id=1, now=NOW))


async def test_chat_revises_the_request(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum, back by 17:00", context)
    reply = await assistant.chat("make it vegetarian and no bars", context.model_copy(update={"request": request}))
    assert reply.request is not None
    assert reply.request.diet == ["vegetarian"]
    assert "bar" in reply.request.constraints.avoid_categories
