"""GET /v1/trips/{id}/next under 50 concurrent head-units against a real ``codriver serve`` process.

Starts uvicorn in a subprocess on 127.0.0.1 (free port, fresh data directory, SQLite
unless ``--database-url``), creates one user with N cars, each with its own head-unit
key, trip and position, then measures two phases and prints p50/p95/p99 latency,
throughput and errors for each:

- paced: every head-unit polls once per ``--interval`` seconds (asyncio client);
- saturation: every head-unit polls again as soon as it has an answer. The client is
  ``wrk`` (C, one connection and one thread per head-unit, each with its own key through
  a Lua script) when it is installed (Debian: ``apt-get install wrk``), else the asyncio
  client, which needs about as much CPU as the server and so competes with it for the
  cores. ``--client python`` forces the asyncio client.

The planner is the test fake (``tests/unit/api/api_fakes.py``) unless ``--engine`` is
given: planning is not what is measured, ``/next`` reads the stored plan.
``--compare-with DIR`` first measures the code of another checkout (e.g. ``git archive
HEAD | tar -x -C /tmp/base``) the same way, for a before/after in one run.

    python benchmarks/bench_api.py [--head-units 50] [--seconds 20] [--workers N]
        [--database-url URL] [--engine] [--client auto|wrk|python] [--compare-with DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int, args: argparse.Namespace, source: Path | None) -> subprocess.Popen[bytes]:
    """``codriver serve`` from this checkout, or with ``source``'s packages first on the path."""
    tree = source or ROOT
    paths = [str(tree / "tests" / "unit" / "api")]  # the fakes of that tree's ports
    if source is not None:
        paths = [*(str(source / root) for root in ("platform", "tools", "simulators")), *paths]
    env = {**os.environ, "CODRIVER_DATA_DIR": str(data_dir), "PYTHONPATH": os.pathsep.join(paths)}
    if args.database_url:
        env["CODRIVER_DATABASE_URL"] = args.database_url
    fakes = [] if args.engine else ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant"]
    command = [sys.executable, "-m", "codriver.cli._serve", "--port", str(port), "--no-scheduler"]
    command += ["--log-level", "warning", "--rate", "100000", "--burst", "100000", *fakes]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    log = (data_dir / "serve.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"codriver serve exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            raise SystemExit(msg)
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    msg = "codriver serve did not start"
    raise SystemExit(msg)


def _setup(url: str, head_units: int) -> list[tuple[dict[str, str], int]]:
    """One user, ``head_units`` cars each with a key, a planned trip and a reported position."""
    return [(key, trip_id) for key, trip_id, _ in setup_cars(url, head_units)]


def setup_cars(url: str, head_units: int) -> list[tuple[dict[str, str], int, int]]:
    """As :func:`_setup`, with each car's vehicle ID: (head-unit key header, trip ID, vehicle ID)."""
    with httpx.Client(base_url=url, timeout=60) as http:
        http.post("/v1/users", json={"email": "bench@example.org", "password": "benchmark pw"}).raise_for_status()
        token = http.post("/v1/auth/token", json={"email": "bench@example.org", "password": "benchmark pw"}).json()
        user = {"Authorization": f"Bearer {token['access_token']}"}
        depart = datetime.now(UTC) - timedelta(minutes=10)
        cars = []
        for n in range(head_units):
            vehicle = http.post("/v1/vehicles", json={"name": f"car {n}", "battery_kwh": 60}, headers=user).json()
            key = {
                "Authorization": "Bearer "
                + http.post(f"/v1/vehicles/{vehicle['id']}/api-key", headers=user).json()["api_key"]
            }
            request = {
                "origin": "60.1699,24.9384",
                "depart_at": depart.isoformat(),
                "return_by": (depart + timedelta(hours=8)).isoformat(),
                "must_visit": ["osm:node/1", "osm:node/3"] if n % 2 else ["osm:node/6", "osm:node/4"],
                "vehicle": {"powertrain": "ev"},
            }
            trip = http.post("/v1/plan", json={"request": request, "vehicle_id": vehicle["id"]}, headers=user)
            trip.raise_for_status()
            state = {
                "recorded_at": datetime.now(UTC).isoformat(),
                "lat": 60.1699 + n * 1e-4,
                "lon": 24.9400,
                "soc": 0.7,
            }
            http.put(f"/v1/vehicles/{vehicle['id']}/state", json=state, headers=key).raise_for_status()
            cars.append((key, int(trip.json()["id"]), int(vehicle["id"])))
        return cars


class _Connection:
    """One keep-alive HTTP/1.1 connection with a minimal client (httpx costs more CPU than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
        )
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _head_unit(
    url: str,
    car: tuple[dict[str, str], int],
    until: float,
    interval_s: float,
    out: tuple[list[float], list[str]],
) -> None:
    """Poll ``/next`` every ``interval_s`` (0: as fast as answers come) until ``until``."""
    key, trip_id = car
    latencies, errors = out
    host, port = url.removeprefix("http://").split(":")
    connection = _Connection(host, int(port))
    await asyncio.sleep(random.random() * interval_s)  # head-units are not synchronised
    try:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                status = await connection.get(f"/v1/trips/{trip_id}/next", key)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(type(exc).__name__)
                await connection.close()
                connection = _Connection(host, int(port))
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))
            if interval_s:
                await asyncio.sleep(max(0.0, interval_s - (time.perf_counter() - started)))
    finally:
        await connection.close()


async def _warm_up(url: str, cars: list[tuple[dict[str, str], int]]) -> None:
    """One call per car: recommendations are computed on the first call, not measured."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for key, trip_id in cars:
            (await http.get(f"/v1/trips/{trip_id}/next", headers=key)).raise_for_status()


async def _load(
    url: str, cars: list[tuple[dict[str, str], int]], seconds: float, interval_s: float
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(_head_unit(url, car, until, interval_s, (latencies, errors)) for car in cars))
    elapsed = time.monotonic() - started
    return latencies, errors, elapsed


_WRK_SCRIPT = """
local cars = {%s}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("car", count)
end
function init(args)
  local c = cars[car]
  request_text = wrk.format("GET", c[1], {["Authorization"] = c[2]})
end
function request()
  return request_text
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("CODRIVER-WRK %%d %%d %%d %%d %%d %%d %%d %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


@dataclasses.dataclass(frozen=True)
class Figures:
    """One phase's results (milliseconds, requests per second)."""

    requests: int
    errors: list[str]
    throughput: float
    elapsed: float
    p50: float
    p95: float
    p99: float
    max: float
    server_cpu_ms: float = 0.0  # server CPU time per answered request (robust to other load on the machine)


def _wrk(url: str, cars: list[tuple[dict[str, str], int]], seconds: float, tmp: Path) -> Figures:
    """Saturation with wrk: one thread and one keep-alive connection per head-unit, each with its own key."""
    entries = ",".join(f'{{"/v1/trips/{trip_id}/next", "{key["Authorization"]}"}}' for key, trip_id in cars)
    script = tmp / "next.lua"
    script.write_text(_WRK_SCRIPT % entries)
    n = len(cars)
    command = ["wrk", "-t", str(n), "-c", str(n), "-d", f"{seconds:g}s", "--timeout", "5s", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("CODRIVER-WRK "))
    fields = line.split()[1:]
    requests, duration_us, connect, read, write, status, timeout = (int(x) for x in fields[:7])
    p50, p95, p99, top = (float(x) for x in fields[7:])
    errors = [
        f"{name} {count}"
        for name, count in [
            ("connect", connect),
            ("read", read),
            ("write", write),
            ("non-2xx", status),
            ("timeout", timeout),
        ]
        if count
    ]
    elapsed = duration_us / 1e6
    return Figures(requests, errors, requests / elapsed, elapsed, p50, p95, p99, top)


def _cpu_s(group: int) -> float:
    """CPU seconds (user + system) used so far by the processes of one process group (Linux; 0 elsewhere)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp; then utime and stime are fields 12 and 13 after the name
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _figures(latencies: list[float], errors: list[str], elapsed: float) -> Figures:
    ms = sorted(x * 1000 for x in latencies)
    if len(ms) < 2:
        msg = f"no answers measured; errors: {sorted(set(errors))[:5]}"
        raise SystemExit(msg)
    q = statistics.quantiles(ms, n=100)
    return Figures(len(ms), errors, len(ms) / elapsed, elapsed, q[49], q[94], q[98], ms[-1])


def _report(title: str, f: Figures) -> bool:
    met = f.p95 < 100 and not f.errors
    shown = sorted(set(f.errors))[:5]
    print(title)
    print(f"  requests   {f.requests}  errors {len(f.errors)}{' ' + str(shown) if f.errors else ''}")
    print(f"  throughput {f.throughput:.0f} req/s over {f.elapsed:.1f} s")
    print(f"  latency ms p50 {f.p50:.1f}  p95 {f.p95:.1f}  p99 {f.p99:.1f}  max {f.max:.1f}")
    if f.server_cpu_ms:
        print(f"  server CPU {f.server_cpu_ms:.2f} ms per request")
    print(f"  target     p95 < 100 ms, zero errors: {'met' if met else 'NOT met'}")
    return met


def _measure(args: argparse.Namespace, source: Path | None, client: str) -> tuple[Figures, Figures]:
    """Start a server (from ``source`` or this checkout), set up the cars, run both phases, stop it."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        process = _start(data, port, args, source)
        try:
            _wait(url, process, data / "serve.log")
            cars = _setup(url, args.head_units)
            asyncio.run(_warm_up(url, cars))
            paced = _figures(*asyncio.run(_load(url, cars, args.seconds, args.interval)))
            cpu = _cpu_s(process.pid)
            if client == "wrk":
                flat_out = _wrk(url, cars, args.seconds, data)
            else:
                flat_out = _figures(*asyncio.run(_load(url, cars, args.seconds, 0.0)))
            used = (_cpu_s(process.pid) - cpu) * 1000 / max(flat_out.requests, 1)
            flat_out = dataclasses.replace(flat_out, server_cpu_ms=used)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # the server and its workers
                process.wait(timeout=30)
    return paced, flat_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--head-units", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between one head-unit's polls")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (codriver serve --workers)")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--engine", action="store_true", help="plan with the real planning engine")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="saturation client")
    parser.add_argument("--compare-with", type=Path, default=None, help="another checkout to measure first")
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        msg = "wrk is not installed (Debian: apt-get install wrk)"
        raise SystemExit(msg)
    runs = [("this checkout", None)]
    if args.compare_with is not None:
        runs.insert(0, (str(args.compare_with), args.compare_with.resolve()))
    results = [(name, _measure(args, source, client)) for name, source in runs]
    database = "PostgreSQL" if args.database_url and args.database_url.startswith("postgres") else "SQLite"
    load = os.getloadavg()[0]
    print(
        f"GET /v1/trips/{{id}}/next, {args.head_units} head-units, {database}, uvicorn {args.workers} worker(s) "
        f"({_stack()}), {'engine' if args.engine else 'fake'} planner, {os.cpu_count()} CPUs shared with the "
        f"load generator, load average {load:.1f}"
    )
    saturation = "wrk, one connection per head-unit" if client == "wrk" else "asyncio client"
    for name, (paced, flat_out) in results:
        print(f"== {name}")
        _report(f"- each head-unit polls every {args.interval:g} s", paced)
        _report(f"- each head-unit polls again as soon as it has an answer (saturation; {saturation})", flat_out)


def _stack() -> str:
    parts = []
    for module, name in (("uvloop", "uvloop"), ("httptools", "httptools")):
        try:
            __import__(module)
            parts.append(name)
        except ImportError:
            parts.append(f"no {name}")
    return ", ".join(parts)


if __name__ == "__main__":
    main()
