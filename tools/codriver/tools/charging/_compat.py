"""Whether a vehicle can charge at a station: the tri-state rule and the search filter.

Pure functions over :class:`ChargingStationInfo`, shared by every catalogue. Unknown stays
unknown: a station without socket data is never guessed compatible.
"""

from __future__ import annotations

from typing import Any

from codriver.tools.charging._models import (
    ChargerFilter,
    ChargerResult,
    ChargingStationInfo,
    Compatibility,
    ConnectorInfo,
)

__all__ = ["access_level", "assess", "listed"]

# OSM access values that keep the public out; "customers" is a level of its own.
_PRIVATE = {"private", "no", "permit", "employees", "residents", "delivery", "staff", "members"}
_CUSTOMERS = {"customers"}


def access_level(access: str | None) -> str:
    """``public``, ``customers`` or ``private`` for an OSM ``access`` value (missing: public)."""
    value = (access or "").strip().lower()
    if value in _PRIVATE:
        return "private"
    if value in _CUSTOMERS:
        return "customers"
    return "public"


def _socket_power(station: ChargingStationInfo, socket: ConnectorInfo) -> float | None:
    """A socket's power; the station's output stands in only when it has one connector type."""
    if socket.power_kw is not None:
        return socket.power_kw
    if len(station.connectors) == 1:
        return station.max_power_kw
    return None


def assess(station: ChargingStationInfo, flt: ChargerFilter) -> tuple[Compatibility, tuple[str, ...], float | None]:
    """(compatibility, usable connectors, usable power in kW) of a station for a vehicle.

    With no vehicle connectors in ``flt`` every socket counts as usable. The usable power
    is the highest known power of the usable sockets (None when none is known). With
    ``min_power_kw``, a station whose usable sockets are all known to be slower is
    incompatible, and one whose usable power is not known is unknown.
    """
    if not station.sockets_known or not station.connectors:
        power = station.max_power_kw if not flt.connectors else None
        return "unknown", (), power
    wanted = set(flt.connectors)
    usable = [c for c in station.connectors if c.count > 0 and (not wanted or c.connector in wanted)]
    if not usable:
        return "incompatible", (), None
    matched = tuple(dict.fromkeys(c.connector for c in usable))
    powers = [_socket_power(station, c) for c in usable]
    known = [p for p in powers if p is not None]
    power = max(known) if known else None
    if flt.min_power_kw is None:
        return "compatible", matched, power
    if power is not None and power >= flt.min_power_kw:
        return "compatible", matched, power
    if len(known) == len(powers):
        return "incompatible", matched, power
    return "unknown", matched, power


def _network_matches(station: ChargingStationInfo, networks: tuple[str, ...]) -> bool:
    names = [n.casefold() for n in (station.network, station.operator) if n]
    return any(want.casefold() in name for want in networks for name in names)


def _access_ok(access: str | None, wanted: str) -> bool:
    level = access_level(access)
    if wanted == "any":
        return True
    if wanted == "customers":
        return level in {"public", "customers"}
    return level == "public"


def listed(station: ChargingStationInfo, flt: ChargerFilter, **where: Any) -> ChargerResult | None:
    """The result row for ``station``, or None when ``flt`` leaves it out.

    ``where`` carries the position fields (``distance_m``, ``detour_s``, ``leg_index``).
    """
    if station.operational is False and not flt.include_non_operational:
        return None
    if not _access_ok(station.access, flt.access):
        return None
    if flt.fee is not None and station.fee is not flt.fee:
        return None
    if flt.networks and not _network_matches(station, flt.networks):
        return None
    compatibility, matched, power = assess(station, flt)
    if compatibility == "incompatible" or (compatibility == "unknown" and flt.require_known):
        return None
    # Every field comes from a validated station or from the rules above: no second validation.
    fields = {name: getattr(station, name) for name in ChargingStationInfo.model_fields}
    return ChargerResult.model_construct(
        **fields,
        compatibility=compatibility,
        matched_connectors=matched,
        usable_power_kw=power,
        **where,
    )
