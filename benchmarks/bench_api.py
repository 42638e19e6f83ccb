"""GET /v1/trips/{id}/next under 50 concurrent head-units against a real ``codriver serve`` process.

Starts uvicorn in a subprocess on 127.0.0.1 (free port, fresh data directory, SQLite
unless ``--database-url``), creates one user with N cars, each with its own head-unit
key, trip and position, then has N head-units poll their next stop as fast as they get
answers for a fixed time. Prints p50/p95/p99 latency, throughput and errors.

The planner is the test fake (``tests/unit/api/api_fakes.py``) unless ``--engine`` is
given: planning is not what is measured, ``/next`` reads the stored plan.

    python benchmarks/bench_api.py [--head-units 50] [--seconds 20] [--database-url URL] [--engine]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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


def _start(data_dir: Path, port: int, database_url: str | None, engine: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CODRIVER_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "tests" / "unit" / "api")}
    if database_url:
        env["CODRIVER_DATABASE_URL"] = database_url
    fakes = [] if engine else ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant"]
    args = [
        sys.executable,
        "-m",
        "codriver.cli._serve",
        "--port",
        str(port),
        "--no-scheduler",
        "--log-level",
        "warning",
    ]
    args += ["--rate", "100000", "--burst", "100000", *fakes]
    log = (data_dir / "serve.log").open("wb")
    return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def _wait(url: str, process: subprocess.Popen[bytes], timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"codriver serve exited with {process.returncode}"
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
            cars.append((key, int(trip.json()["id"])))
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


async def _load(
    url: str, cars: list[tuple[dict[str, str], int]], seconds: float, interval_s: float
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for key, trip_id in cars:  # warm-up: recommendations are computed on the first call
            (await http.get(f"/v1/trips/{trip_id}/next", headers=key)).raise_for_status()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(_head_unit(url, car, until, interval_s, (latencies, errors)) for car in cars))
    elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def _report(title: str, latencies: list[float], errors: list[str], elapsed: float) -> bool:
    ms = sorted(x * 1000 for x in latencies)
    if len(ms) < 2:
        msg = f"no answers measured; errors: {sorted(set(errors))[:5]}"
        raise SystemExit(msg)
    q = statistics.quantiles(ms, n=100)
    met = q[94] < 100 and not errors
    print(title)
    print(f"  requests   {len(ms)}  errors {len(errors)}{' ' + str(sorted(set(errors))) if errors else ''}")
    print(f"  throughput {len(ms) / elapsed:.0f} req/s over {elapsed:.1f} s")
    print(f"  latency ms p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
    print(f"  target     p95 < 100 ms, zero errors: {'met' if met else 'NOT met'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--head-units", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between one head-unit's polls")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--engine", action="store_true", help="plan with the real planning engine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        process = _start(data, port, args.database_url, args.engine)
        try:
            _wait(url, process)
            cars = _setup(url, args.head_units)
            paced = asyncio.run(_load(url, cars, args.seconds, args.interval))
            flat_out = asyncio.run(_load(url, cars, args.seconds, 0.0))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    database = "PostgreSQL" if args.database_url and args.database_url.startswith("postgres") else "SQLite"
    stack = _stack()
    load = os.getloadavg()[0]
    print(
        f"GET /v1/trips/{{id}}/next, {args.head_units} head-units, {database}, uvicorn 1 worker ({stack}), "
        f"{'engine' if args.engine else 'fake'} planner, {os.cpu_count()} CPUs shared with the load generator, "
        f"load average {load:.1f}"
    )
    _report(f"- each head-unit polls every {args.interval:g} s", *paced)
    _report("- each head-unit polls again as soon as it has an answer (saturation)", *flat_out)


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
