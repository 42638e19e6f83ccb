"""Integration tests of the platform service: real processes, real databases."""

from __future__ import annotations

import sys
from pathlib import Path

# The hand-written fakes of the API's ports live with the unit tests; share them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "api"))
