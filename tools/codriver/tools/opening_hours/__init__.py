"""Opening hours: open, closed or unknown at a time, in the region's zone (opening-hours-py)."""

from codriver.tools.opening_hours._hours import HORIZON, PlaceHours, hours_for, region_zone, to_zone
from codriver.tools.opening_hours._models import (
    HoursFailure,
    HoursInterval,
    HoursProvider,
    HoursReport,
    HoursSource,
    HoursState,
    HoursStatus,
    OpeningHours,
)
from codriver.tools.opening_hours._report import opening_hours_report
from codriver.tools.opening_hours._rules import PLAIN_OPEN, plainly_open, rewrite_comment_rules

__all__ = [
    "HORIZON",
    "PLAIN_OPEN",
    "HoursFailure",
    "HoursInterval",
    "HoursProvider",
    "HoursReport",
    "HoursSource",
    "HoursState",
    "HoursStatus",
    "OpeningHours",
    "PlaceHours",
    "hours_for",
    "opening_hours_report",
    "plainly_open",
    "region_zone",
    "rewrite_comment_rules",
    "to_zone",
]
