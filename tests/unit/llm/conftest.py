"""Small tools to call in the llm unit tests."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from autogen_core.tools import FunctionTool


async def find_places(
    category: Annotated[Literal["cafe", "restaurant", "museum"], "kind of place"],
    limit: Annotated[int, "how many"] = 3,
) -> str:
    """Find places of a category near the route."""
    return f"{limit} {category}s"


async def charger_status(station_id: Annotated[Literal["osm:node/1", "osm:way/2"], "catalogue ID"]) -> str:
    """Whether a charging station is free."""
    return f"{station_id} is free"


@pytest.fixture
def find_tool() -> FunctionTool:
    return FunctionTool(find_places, description="Find places of a category near the route.")


@pytest.fixture
def charger_tool() -> FunctionTool:
    return FunctionTool(charger_status, description="Whether a charging station is free.")
