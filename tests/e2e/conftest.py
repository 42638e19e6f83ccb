"""End-to-end tests: a real ``codriver serve`` process driven over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

# The process helpers (free port, fake Home Assistant, SSE reader) live with the integration tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "api"))
