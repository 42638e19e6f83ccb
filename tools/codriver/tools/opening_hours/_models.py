"""What the opening-hours tool answers: states, intervals and the region report.

Every datetime is timezone-aware in the region's zone (ISO 8601 with offset in JSON).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

__all__ = [
    "HoursFailure",
    "HoursInterval",
    "HoursProvider",
    "HoursReport",
    "HoursSource",
    "HoursState",
    "HoursStatus",
    "OpeningHours",
]

HoursState = Literal["open", "closed", "unknown"]
HoursSource = Literal["hours", "missing", "invalid"]


class HoursStatus(BaseModel):
    """The state of a place at one moment, and when it changes next."""

    state: HoursState
    comment: str | None = Field(default=None, description="the OSM comment in force, e.g. 'by appointment'")
    at: datetime = Field(description="the moment asked about, in the region's zone")
    next_change: datetime | None = Field(
        default=None, description="when the state changes next; None when not within the horizon or not known"
    )
    open_until: datetime | None = Field(default=None, description="state open: when it closes (or turns unknown)")
    opens_at: datetime | None = Field(default=None, description="state closed or unknown: when it opens next")
    source: HoursSource = Field(
        description="hours: from the opening_hours tag; missing: no tag; invalid: a tag that does not parse"
    )


class HoursInterval(BaseModel):
    """A stretch of time with one state: ``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime
    state: HoursState
    comment: str | None = None


class HoursFailure(BaseModel):
    """One opening_hours string that does not parse, and the places that carry it."""

    opening_hours: str
    place_ids: list[str]
    error: str = Field(description="where and why the parser stopped")


class HoursReport(BaseModel):
    """How well a region's opening_hours tags parse (from the status stored at import)."""

    region: str
    places: int = Field(ge=0, description="places in the catalogue")
    tagged: int = Field(ge=0, description="places with an opening_hours tag")
    parsed: int = Field(ge=0, description="tagged places whose tag parses (ok or comment_only)")
    parsed_pct: float = Field(ge=0, le=100, description="parsed / tagged in percent; 100 when nothing is tagged")
    by_status: dict[str, int] = Field(description="ok | comment_only | invalid | missing -> places")
    failures: list[HoursFailure]


class OpeningHours(Protocol):
    """One place's opening hours, as the planning engine and the verifier ask them.

    Times are aware datetimes (naive ones are an :class:`~codriver.errors.InputError`);
    answers are in the region's zone. :class:`PlaceHours` (opening-hours-py) is one.
    """

    @property
    def parsed(self) -> bool:
        """Whether the place has hours that could be read (False: every answer is unknown)."""
        ...

    @property
    def mentions_holidays(self) -> bool:
        """Whether the hours have a public-holiday rule (OSM ``PH``); without one a holiday is read as
        the usual weekday, which nobody confirmed for the holiday."""
        ...

    def state_at(self, at: datetime) -> tuple[HoursState, str | None]:
        """Open, closed or unknown at ``at``, with the OSM comment in force."""
        ...

    def intervals(self, start: datetime, end: datetime) -> list[HoursInterval]:
        """The stretches of one state each that cover [start, end), in order."""
        ...

    def day_text(self, day: date) -> str:
        """A local day's open hours for people: ``10:00-18:00``, ``open 24 hours``, ``closed`` or ``unknown``."""
        ...

    def open_throughout(self, start: datetime, end: datetime) -> bool:
        """Whether open for the whole of [start, end); unknown is not open."""
        ...


class HoursProvider(Protocol):
    """Reads a place's hours from its OSM ``opening_hours`` tag (None: untagged).

    ``lat``/``lon`` (WGS84 degrees) place it for public holidays and sun times; ``timezone``
    is the region's IANA zone. Never raises for a bad tag: the hours are then unknown.
    :func:`hours_for` (opening-hours-py, cached) is the embedded provider.
    """

    def __call__(self, raw: str | None, *, lat: float | None, lon: float | None, timezone: str) -> OpeningHours: ...
