"""Clocks: the time the service believes it is, and when the wall clock will reach a moment.

Everything in the platform asks an injected :class:`Clock` for "now" (aware, UTC). The
scheduler also needs the reverse: when must a timer fire for a moment of this clock. A
:class:`WarpClock` runs faster than real time from an anchor, which lets simulations and
end-to-end tests drive a whole day trip in seconds; a :class:`FixedClock` only moves when
a test moves it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "WarpClock", "parse_warp"]


class Clock(Protocol):
    """Service time."""

    def now(self) -> datetime:
        """The current service time, aware, in UTC."""
        ...

    def to_wall(self, moment: datetime) -> datetime:
        """The real (wall-clock) time at which this clock shows ``moment``."""
        ...


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} must be an aware datetime, got {moment.isoformat()}"
        raise ValueError(msg)
    return moment.astimezone(UTC)


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def to_wall(self, moment: datetime) -> datetime:
        return _aware(moment, "moment")


class WarpClock:
    """Service time that equals ``origin`` at wall time ``wall_origin`` and runs ``speed`` times faster.

    Two processes given the same three values agree on the time, so a restarted service
    continues the same simulated day.
    """

    def __init__(self, origin: datetime, *, speed: float, wall_origin: datetime | None = None) -> None:
        if not speed > 0:
            msg = f"clock speed must be positive, got {speed}"
            raise ValueError(msg)
        self.origin = _aware(origin, "origin")
        self.wall_origin = _aware(wall_origin, "wall_origin") if wall_origin else datetime.now(UTC)
        self.speed = speed

    def now(self) -> datetime:
        return self.origin + (datetime.now(UTC) - self.wall_origin) * self.speed

    def to_wall(self, moment: datetime) -> datetime:
        return self.wall_origin + (_aware(moment, "moment") - self.origin) / self.speed


class FixedClock:
    """A clock that stands still until :meth:`advance` or :meth:`set` (tests); timers fire at once."""

    def __init__(self, moment: datetime) -> None:
        self._now = _aware(moment, "moment")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``."""
        with self._lock:
            self._now = _aware(moment, "moment")

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new time."""
        with self._lock:
            self._now += delta
            return self._now

    def to_wall(self, moment: datetime) -> datetime:
        del moment  # a fixed clock never reaches a moment by itself: timers are due at once
        return datetime.now(UTC)


def parse_warp(text: str) -> WarpClock:
    """A warp clock from ``ORIGIN@WALL_ORIGINxSPEED`` (ISO times with offsets), e.g.
    ``2026-06-01T08:00+03:00@2026-05-01T12:00:00+00:00x60``; ``@WALL_ORIGIN`` may be left out (now).
    """
    head, sep, speed = text.rpartition("x")
    if not sep:
        msg = f"clock {text!r} must end with xSPEED, e.g. x60"
        raise ValueError(msg)
    origin, _, wall = head.partition("@")
    try:
        return WarpClock(
            datetime.fromisoformat(origin),
            speed=float(speed),
            wall_origin=datetime.fromisoformat(wall) if wall else None,
        )
    except ValueError as exc:
        msg = f"clock {text!r} is not ORIGIN[@WALL_ORIGIN]xSPEED with ISO times carrying offsets: {exc}"
        raise ValueError(msg) from exc
