"""Factories for ``codriver serve --assistant``: the agents without a language model (rules only).

So that a simulation over HTTP is deterministic and needs no model in the server process.
"""

from __future__ import annotations

from codriver.api import EnginePlanner
from codriver.api._agents_assistant import AgentsAssistant
from codriver.bootstrap import Runtime


def rules_assistant(runtime: Runtime) -> AgentsAssistant:
    """Factory for ``codriver serve --assistant sim_serve_factories:rules_assistant``."""
    return AgentsAssistant(EnginePlanner(runtime), runtime, backend="none")
