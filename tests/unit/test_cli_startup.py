"""``codriver --help`` and every ``codriver VERB --help`` start without the service's heavy libraries.

Each verb imports OR-Tools, pandas, SQLAlchemy, AutoGen, ... when it runs, not when the
command line is parsed: importing them all cost 5-7 s before any command did anything.
Checked on the modules a fresh interpreter has loaded (not on a timing, which the
machine's load would make flaky); ``benchmarks/bench_startup.py`` measures the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

# Libraries that cost a noticeable share of a second (or several) to import.
HEAVY = frozenset(
    {
        "alembic",
        "apscheduler",
        "autogen_agentchat",
        "autogen_core",
        "autogen_ext",
        "fastapi",
        "geopandas",
        "httpx",
        "llama_cpp",
        "networkx",
        "numpy",
        "ortools",
        "osmnx",
        "pandas",
        "pydantic_settings",
        "pyrosm",
        "ray",
        "scipy",
        "shapely",
        "sqlalchemy",
        "sqlmodel",
        "uvicorn",
    }
)

# Runs in a fresh interpreter: every command path of the CLI with --help, in turn, and the
# top-level packages each one added to sys.modules.
_PROBE = """
import contextlib, io, json, sys

def loaded():
    return {name.partition(".")[0] for name in sys.modules}

before = loaded()
from codriver.cli import app, main
found = {"(import)": sorted(loaded() - before)}

import typer.main

def paths(command, prefix):
    yield prefix
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from paths(sub, [*prefix, name])

for path in paths(typer.main.get_command(app), []):
    before = loaded()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*path, "--help"])
    found[" ".join(path) or "(top)"] = {"code": code, "usage": "Usage:" in out.getvalue(), "new": sorted(loaded() - before)}
print(json.dumps(found))
"""


def _probe() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_help_of_every_verb_imports_no_heavy_library() -> None:
    found = _probe()
    # pydantic too: it is a quarter of the start-up; typer itself loads it for some verbs' options
    assert sorted((HEAVY | {"pydantic"}) & set(found.pop("(import)"))) == [], "importing codriver.cli loads these"
    assert "pydantic" not in found["(top)"]["new"]
    # every verb of the design brief and the sub-commands of the groups: the probe walked the whole tree
    verbs = {"region", "route", "pois", "chargers", "plan", "verify", "replan", "serve", "scheduler", "simulate"}
    assert verbs | {"demo", "schema", "(top)", "region import", "config show", "schema itinerary"} <= set(found)
    heavy = {path: sorted(HEAVY & set(info["new"])) for path, info in found.items()}
    assert {path: libs for path, libs in heavy.items() if libs} == {}
    assert [path for path, info in found.items() if info["code"] != 0 or not info["usage"]] == []
