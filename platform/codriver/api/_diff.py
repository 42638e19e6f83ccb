"""The difference between two itinerary versions: stops added, removed and moved in time."""

from __future__ import annotations

from codriver.api._trip_schemas import ItineraryDiff, StopChange
from codriver.planning import Itinerary, ItineraryStop

__all__ = ["diff_itineraries"]


def _key(stop: ItineraryStop) -> tuple[str, str]:
    return (
        stop.kind if stop.kind in {"start", "end"} else "stop",
        stop.poi_id or f"{stop.name}@{stop.lat:.5f},{stop.lon:.5f}",
    )


def _change(stop: ItineraryStop) -> StopChange:
    return StopChange(poi_id=stop.poi_id, name=stop.name, kind=stop.kind)


def diff_itineraries(trip_id: int, a_version: int, a: Itinerary, b_version: int, b: Itinerary) -> ItineraryDiff:
    """What changed from ``a`` to ``b``: stops matched by catalogue ID (start and end by role)."""
    before = {_key(s): s for s in a.stops}
    after = {_key(s): s for s in b.stops}
    added = [_change(s) for k, s in after.items() if k not in before]
    removed = [_change(s) for k, s in before.items() if k not in after]
    retimed = []
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            continue
        old_at, new_at = old.arrive_at or old.depart_at, new.arrive_at or new.depart_at
        if old_at != new_at:
            shift = (new_at - old_at).total_seconds() if old_at and new_at else None
            retimed.append(
                StopChange(
                    poi_id=new.poi_id,
                    name=new.name,
                    kind=new.kind,
                    arrive_before=old_at,
                    arrive_after=new_at,
                    shift_s=shift,
                )
            )
    ta, tb = a.totals.model_dump(), b.totals.model_dump()
    totals = {k: round(float(tb[k]) - float(ta[k]), 3) for k in ta if isinstance(ta[k], int | float)}
    return ItineraryDiff(
        trip_id=trip_id,
        from_version=a_version,
        to_version=b_version,
        added=added,
        removed=removed,
        retimed=retimed,
        totals=totals,
    )
