"""Shared values for the simulator tests."""

from __future__ import annotations

from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
