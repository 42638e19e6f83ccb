"""What the before/after benchmarks share: a measurement in a fresh process, and old code to run it on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_worker(script: str, args: list[str], pythonpath: str | None) -> dict[str, Any]:
    """Run ``script args`` in a fresh Python (``pythonpath`` ahead of the working tree); its last stdout line, as JSON.

    A failed run gives ``{"error": <its last stderr line>}``.
    """
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, env=env, check=False, timeout=3600
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def export_revision(rev: str, into: Path) -> str:
    """``rev``'s platform, tools and simulators under ``into``, as a PYTHONPATH ahead of the working tree."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "platform", "tools", "simulators"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return os.pathsep.join(str(into / root) for root in ("platform", "tools", "simulators"))
