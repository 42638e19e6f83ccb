"""A real ``codriver serve`` process on 127.0.0.1, a fake Home Assistant, and an SSE reader."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[3]
FAKES = ROOT / "tests" / "unit" / "api"


def plan_request(depart: datetime) -> dict[str, object]:
    """A day trip in central Helsinki leaving at ``depart`` (the fake planner's catalogue)."""
    return {
        "origin": "60.1699,24.9384",
        "depart_at": depart.isoformat(),
        "return_by": (depart + timedelta(hours=8)).isoformat(),
        "must_visit": ["osm:node/1", "osm:node/3"],
        "vehicle": {"powertrain": "ev"},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServeProcess:
    """``python -m codriver.cli._serve`` with its own data directory and log file."""

    def __init__(
        self, *, data_dir: Path, database_url: str | None, args: list[str], env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"serve-{self.port}.log"
        environment = {
            **os.environ,
            "CODRIVER_DATA_DIR": str(data_dir),
            "PYTHONPATH": os.pathsep.join([str(FAKES), os.environ.get("PYTHONPATH", "")]),
            **(env or {}),
        }
        if database_url:
            environment["CODRIVER_DATABASE_URL"] = database_url
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "codriver.cli._serve", "--port", str(self.port), "--log-level", "info", *args],
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def wait_ready(self, timeout_s: float = 120.0) -> ServeProcess:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"codriver serve exited with {self.process.returncode}:\n{self.log.read_text()[-4000:]}"
                raise RuntimeError(msg)
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        msg = f"codriver serve did not start in {timeout_s} s:\n{self.log.read_text()[-4000:]}"
        raise RuntimeError(msg)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs (a crash)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()


@contextmanager
def serve(**kwargs: Any) -> Iterator[ServeProcess]:
    process = ServeProcess(**kwargs)
    try:
        yield process.wait_ready()
    finally:
        process.stop()


class FakeHomeAssistant:
    """Home Assistant's REST API for one thermostat, on a loopback port; records every service call."""

    def __init__(self, entity_id: str = "climate.home", current_c: float = 16.0) -> None:
        self.token = "fake-ha-token"
        self.calls: list[dict[str, Any]] = []
        self.state: dict[str, Any] = {
            "entity_id": entity_id,
            "state": "off",
            "attributes": {
                "temperature": 18.0,
                "current_temperature": current_c,
                "min_temp": 7,
                "max_temp": 35,
                "hvac_modes": ["off", "heat", "cool"],
            },
            "last_changed": "2026-06-01T06:00:00+00:00",
            "last_updated": "2026-06-01T06:00:00+00:00",
        }
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._reply(401, {"message": "unauthorized"})
                    return False
                return True

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                if self.path == "/api/config":
                    self._reply(200, {"unit_system": {"temperature": "°C"}})
                elif self.path == f"/api/states/{fake.state['entity_id']}":
                    self._reply(200, fake.state)
                else:
                    self._reply(404, {"message": "Entity not found."})

            def do_POST(self) -> None:
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.calls.append({"path": self.path, "body": body})
                if self.path == "/api/services/climate/set_temperature":
                    fake.state["attributes"]["temperature"] = body["temperature"]
                    fake.state["state"] = body.get("hvac_mode", fake.state["state"])
                    self._reply(200, [fake.state])
                else:
                    self._reply(400, {"message": "unknown service"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHomeAssistant:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        return {
            "CODRIVER_EXTERNAL__HOME_ASSISTANT_URL": self.url,
            "CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN": self.token,
        }


def read_events(
    url: str,
    headers: dict[str, str],
    *,
    count: int,
    timeout_s: float = 30.0,
    last_event_id: int | None = None,
    into: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The first ``count`` SSE events of a stream (then the connection is closed).

    With ``into``, events are appended there as they arrive (for a reader thread) and the
    return value is empty.
    """
    events: list[dict[str, Any]] = into if into is not None else []
    extra = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    timeout = httpx.Timeout(timeout_s, connect=5.0)
    with httpx.stream("GET", url, headers={**headers, **extra}, timeout=timeout) as response:
        response.raise_for_status()
        assert response.headers["content-type"].startswith("text/event-stream")
        current: dict[str, str] = {}
        for line in response.iter_lines():
            if not line:
                if "data" in current:
                    ident = int(current["id"]) if "id" in current else None
                    events.append({"id": ident, "event": current["event"], **json.loads(current["data"])})
                    if len(events) >= count:
                        break
                current = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            current[name] = value
    return [] if into is not None else events


class Api:
    """A tiny client of the running service."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60.0)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def user(self, email: str) -> dict[str, str]:
        assert self.http.post("/v1/users", json={"email": email, "password": "correct horse"}).status_code == 201
        token = self.http.post("/v1/auth/token", json={"email": email, "password": "correct horse"}).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    def ok(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 300, f"{method} {path} -> {response.status_code} {response.text}"
        return response.json() if response.content else None
