"""Providers of one protocol, run through the same tests.

Embedded providers run live on the Helsinki test region. HTTP providers talk to a loopback
server (:class:`ReplayServer`) that replays recorded answers; tests never reach the
internet. OSRM's recordings are genuine answers of OSRM 26.10 on the same extract (see
README.md here); where the OSRM binaries are installed (``make osrm-tools``, always in CI)
the routing contract also runs against a live ``osrm-routed``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from contract_osrm import osrm_bin, running_osrm
from contract_replay import ReplayServer

from codriver.bootstrap import Runtime
from codriver.tools.routing import GraphRouter, OsrmRouter, Router

RECORDINGS = Path(__file__).parent / "recordings"
#: an OSRM server's URL: record its answers into the recordings instead of replaying them
RECORD_FROM = os.environ.get("CODRIVER_RECORD_OSRM")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def live_osrm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real osrm-routed on the Helsinki extract (skipped without the binaries, except in CI)."""
    if osrm_bin() is None:
        if IN_CI:
            pytest.fail("the OSRM binaries are required in CI: `make osrm-tools` installs them")
        pytest.skip("no OSRM binaries (run `make osrm-tools`)")
    with running_osrm(tmp_path_factory.mktemp("osrm")) as url:
        yield url


@pytest.fixture(scope="module")
def osrm_replay(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    """Replays ``recordings/osrm_<test module>.json`` (records it from ``CODRIVER_RECORD_OSRM`` when set)."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with ReplayServer(RECORDINGS / f"osrm_{name}.json", upstream=RECORD_FROM) as server:
        yield server
    assert not server.missing, f"requests without a recorded answer: {server.missing[:3]}"


@pytest.fixture(params=["graph", "osrm-replay", "osrm-live"])
def router(request: pytest.FixtureRequest, helsinki: Runtime) -> Iterator[Router]:
    """Every routing provider: the embedded graph router, OSRM replayed, OSRM live.

    OSRM is asked with a table limit of 4 coordinates, so the tables here are asked in blocks.
    """
    if request.param == "graph":
        yield helsinki.graph_router(helsinki.region("helsinki"))
        return
    fixture = "osrm_replay" if request.param == "osrm-replay" else "live_osrm"
    server = request.getfixturevalue(fixture)
    made = OsrmRouter(httpx.AsyncClient(), server if isinstance(server, str) else server.url, max_table_size=4)
    yield made
    made.close()


@pytest.fixture
def graph(helsinki: Runtime) -> GraphRouter:
    return helsinki.graph_router(helsinki.region("helsinki"))
