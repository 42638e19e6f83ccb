"""Moving head-units against a real ``codriver serve``: per-route latency, refusals and a health watchdog.

Each head-unit drives: it reports a new position (``PUT /v1/vehicles/{id}/state``, a
little further along each time, ``recorded_at`` now) and asks for its next stop (``GET
/v1/trips/{id}/next``), back to back. For every client count (``--clients 16,50``) a
fresh server (SQLite unless ``--database-url``; the fake planner; rate limits off) is
measured in two phases:

- paced: every head-unit sends its pair once per ``--interval`` seconds;
- saturated: every head-unit sends its next pair as soon as it has the answers.

Meanwhile a watchdog asks ``/v1/health`` every 0.2 s. Printed per phase and route:
requests, req/s, p50/p95/p99/max latency (ms) and the answers by status; the health
watchdog's worst latency; whether the "done when" of the load issue holds (only
200/429/503 answers, health within 1 s, ``/next`` p95 < 100 ms when paced).

    python benchmarks/bench_load.py [--clients 16,50] [--seconds 15] [--interval 1]
        [--database-url URL] [--workers N]

The client is a minimal asyncio HTTP/1.1 client (one keep-alive connection per
head-unit): it shares the machine's cores with the server, so saturated figures are a
floor of what the server does alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import _free_port, _stack, _start, _wait, setup_cars  # a sibling script

ROUTES = ("PUT state", "GET next")


@dataclass
class Route:
    """What one route answered during a phase."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)


@dataclass
class Phase:
    """One phase's answers per route and the health watchdog's latencies (ms; inf: no answer)."""

    routes: dict[str, Route] = field(default_factory=lambda: {name: Route() for name in ROUTES})
    health_ms: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0


class _Connection:
    """One keep-alive HTTP/1.1 connection (httpx would cost the client more CPU than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            (int(x.split(b":", 1)[1]) for x in head.split(b"\r\n") if x.lower().startswith(b"content-length:")), 0
        )
        await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
        self.reader = self.writer = None


async def _drive(
    url: str, car: tuple[dict[str, str], int, int, int], until: float, interval_s: float, phase: Phase
) -> None:
    key, trip_id, vehicle_id, index = car
    host, port = url.removeprefix("http://").split(":")
    connection = _Connection(host, int(port))
    step = 0
    await asyncio.sleep(random.random() * interval_s)  # head-units are not synchronised
    try:
        while time.monotonic() < until:
            started_pair = time.perf_counter()
            step += 1
            state = {
                "recorded_at": datetime.now(UTC).isoformat(),
                "lat": 60.1699 + index * 1e-4 + step * 2e-5,
                "lon": 24.9400 + step * 2e-5,
                "speed_kph": 40,
                "soc": max(0.1, 0.8 - step * 1e-4),
            }
            calls = (
                ("PUT state", "PUT", f"/v1/vehicles/{vehicle_id}/state", json.dumps(state).encode()),
                ("GET next", "GET", f"/v1/trips/{trip_id}/next", b""),
            )
            for name, method, path, body in calls:
                route = phase.routes[name]
                started = time.perf_counter()
                try:
                    status = await connection.request(method, path, key, body)
                except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration) as exc:
                    route.statuses[type(exc).__name__] += 1
                    await connection.close()
                    continue
                route.latencies_ms.append((time.perf_counter() - started) * 1000)
                route.statuses[str(status)] += 1
            if interval_s:
                await asyncio.sleep(max(0.0, interval_s - (time.perf_counter() - started_pair)))
    finally:
        await connection.close()


async def _watch(url: str, until: float, phase: Phase) -> None:
    host, port = url.removeprefix("http://").split(":")
    connection = _Connection(host, int(port))
    try:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.request("GET", "/v1/health", {}), timeout=10)
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                status = 0
                await connection.close()
            phase.health_ms.append((time.perf_counter() - started) * 1000 if status == 200 else float("inf"))
            await asyncio.sleep(0.2)
    finally:
        await connection.close()


async def _phase(url: str, cars: list[tuple[dict[str, str], int, int]], seconds: float, interval_s: float) -> Phase:
    phase = Phase()
    started = time.monotonic()
    until = started + seconds
    drivers = [_drive(url, (*car, n), until, interval_s, phase) for n, car in enumerate(cars)]
    await asyncio.gather(_watch(url, until, phase), *drivers)
    phase.elapsed_s = time.monotonic() - started
    return phase


def _quantiles(values: list[float]) -> tuple[float, float, float, float]:
    if len(values) < 2:
        return (float("nan"),) * 4
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98], max(values)


def _report(title: str, phase: Phase, *, paced: bool) -> bool:
    print(title)
    documented = {"200", "429", "503"}
    ok = True
    for name, route in phase.routes.items():
        p50, p95, p99, top = _quantiles(route.latencies_ms)
        total = sum(route.statuses.values())
        answers = ", ".join(f"{status} x{count}" for status, count in sorted(route.statuses.items()))
        print(
            f"  {name:<10} {total:>6} req  {total / phase.elapsed_s:>6.0f} req/s  "
            f"p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f}  max {top:7.1f} ms  [{answers}]"
        )
        ok &= set(route.statuses) <= documented
        if paced and name == "GET next":
            ok &= p95 < 100
    worst = max(phase.health_ms, default=float("inf"))
    print(f"  health     {len(phase.health_ms)} checks, worst {worst:.1f} ms")
    ok &= worst < 1000
    target = "only 200/429/503, health < 1 s" + (", /next p95 < 100 ms" if paced else "")
    print(f"  done-when  {target}: {'met' if ok else 'NOT met'}")
    return ok


@contextmanager
def _fresh_database(url: str | None) -> Iterator[str | None]:
    """A new, empty PostgreSQL database beside ``url``'s (dropped afterwards); SQLite: None (the data folder's)."""
    if not url or not url.startswith("postgres"):
        yield None
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"codriver_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _measure(args: argparse.Namespace, clients: int) -> tuple[Phase, Phase]:
    with tempfile.TemporaryDirectory() as tmp, _fresh_database(args.database_url) as database_url:
        data = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        options = argparse.Namespace(database_url=database_url, engine=False, workers=args.workers)
        process = _start(data, port, options, None)
        try:
            _wait(url, process, data / "serve.log")
            cars = setup_cars(url, clients)
            asyncio.run(_phase(url, cars, 2.0, 0.5))  # warm-up: recommendations are computed on a first /next
            paced = asyncio.run(_phase(url, cars, args.seconds, args.interval))
            saturated = asyncio.run(_phase(url, cars, args.seconds, 0.0))
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    return paced, saturated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="16,50", help="comma-separated head-unit counts, one server each")
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between one head-unit's pairs (paced)")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    counts = [int(x) for x in args.clients.split(",") if x.strip()]
    database = "PostgreSQL" if args.database_url and args.database_url.startswith("postgres") else "SQLite"
    results = [(n, _measure(args, n)) for n in counts]
    print(
        f"moving head-units (PUT state + GET next), {database}, uvicorn {args.workers} worker(s) ({_stack()}), "
        f"fake planner, {os.cpu_count()} CPUs shared with the client, load average {os.getloadavg()[0]:.1f}"
    )
    for n, (paced, saturated) in results:
        print(f"== {n} head-units")
        _report(f"- paced: a pair every {args.interval:g} s per head-unit", paced, paced=True)
        _report("- saturated: the next pair as soon as the answers are in", saturated, paced=False)


if __name__ == "__main__":
    main()
