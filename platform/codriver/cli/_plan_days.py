"""``codriver plan`` for a trip of several days: each day's itinerary, then its night, then the trip."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from codriver.cli._output import console

if TYPE_CHECKING:
    from codriver.planning import Itinerary, Night

__all__ = ["print_days"]


def _night_text(k: int, night: Night) -> str:
    when = f"{night.arrive_at:%a %H:%M} -> {night.depart_at:%a %H:%M}"
    return f"Night {k + 1}: {night.name} ({night.kind.replace('_', ' ')}, {night.poi_id}), {when}. {night.explanation}"


def print_days(trip: Itinerary, print_day: Callable[[Itinerary], None]) -> None:
    """The trip day by day (``print_day`` prints one day's itinerary), each night after its day, then the
    trip's totals and what concerns the trip as a whole (a night no stay fits, a broken chain)."""
    for k, day in enumerate(trip.days):
        first, last = day.stops[0].depart_at, day.stops[-1].arrive_at
        window = f"{first:%a %d %b %H:%M} - {last:%H:%M}" if first and last else ""
        console.print(f"\nDay {k + 1}: {day.stops[0].name} -> {day.stops[-1].name}, {window}", markup=False)
        print_day(day)
        if k < len(trip.nights):
            console.print(_night_text(k, trip.nights[k]), markup=False, soft_wrap=True)
    t = trip.totals
    console.print(
        f"\nTrip: {trip.status}; {len(trip.days)} days, {t.nights} nights; {t.visits} visits, {t.meals} meals, "
        f"{t.charges} charging stops; {t.distance_m / 1000:.1f} km, {t.drive_s / 3600:.1f} h driving; "
        f"cost about {t.cost:.0f} (nights {t.stay_cost:.0f})",
        markup=False,
    )
    for v in trip.violations:
        if not v.message.startswith("day "):  # each day's own are printed with the day
            console.print(f"{v.severity} {v.code}: {v.message}", markup=False, soft_wrap=True)
    for given_up in trip.relaxed:
        console.print(f"given up: {given_up}", markup=False, soft_wrap=True)
    for note in trip.notes:
        console.print(note, markup=False, soft_wrap=True)
