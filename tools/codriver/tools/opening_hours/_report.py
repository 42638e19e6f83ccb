"""How well a region's opening_hours tags parse, from the status stored at import (rows passed in)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import opening_hours

from codriver.tools.opening_hours._models import HoursFailure, HoursReport
from codriver.tools.opening_hours._rules import PARSER_ERROR, parse_error_summary

__all__ = ["opening_hours_report"]

_PARSED = ("ok", "comment_only")


def _why(raw: str) -> str:
    try:
        opening_hours.OpeningHours(raw, auto_country=False, auto_timezone=False)
    except PARSER_ERROR as exc:
        return parse_error_summary(str(exc))
    return "parses with this version of opening-hours-py (re-import the region to refresh its status)"


def opening_hours_report(region: str, places: Iterable[tuple[str, str | None, str]]) -> HoursReport:
    """Parsed share of the region's opening_hours tags and every string that fails.

    ``places`` holds ``(catalogue ID, opening_hours string or None, stored status)`` per
    place of ``region``. Failures are grouped by string, each with the catalogue IDs that
    carry it in the order given, sorted by string.
    """
    rows = list(places)
    by_status = Counter(status for _, _, status in rows)
    failing: dict[str, list[str]] = defaultdict(list)
    for place_id, raw, status in rows:
        if status == "invalid" and raw is not None:
            failing[raw].append(place_id)
    tagged = sum(count for status, count in by_status.items() if status != "missing")
    parsed = sum(by_status.get(status, 0) for status in _PARSED)
    return HoursReport(
        region=region,
        places=len(rows),
        tagged=tagged,
        parsed=parsed,
        parsed_pct=round(100.0 * parsed / tagged, 2) if tagged else 100.0,
        by_status=dict(sorted(by_status.items())),
        failures=[
            HoursFailure(opening_hours=raw, place_ids=ids, error=_why(raw)) for raw, ids in sorted(failing.items())
        ],
    )
