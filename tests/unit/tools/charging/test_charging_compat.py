"""The tri-state compatibility rule and the search filter."""

from __future__ import annotations

import pytest
from charging_support import station
from pydantic import ValidationError

from codriver.tools.charging import ChargerFilter, access_level, assess
from codriver.tools.charging._compat import listed

FAST = station("osm:node/1", 60.0, 25.0, {"ccs": (2, 150.0), "type2": (2, 22.0)}, operator="K-Lataus Oy")
UNTAGGED = station("osm:node/2", 60.0, 25.0, None, max_power_kw=50.0)


@pytest.mark.parametrize(
    ("connectors", "min_kw", "expected", "matched", "power"),
    [
        (("ccs",), None, "compatible", ("ccs",), 150.0),
        (("type2",), None, "compatible", ("type2",), 22.0),
        (("ccs", "type2"), None, "compatible", ("ccs", "type2"), 150.0),
        (("chademo",), None, "incompatible", (), None),
        (("type2",), 50.0, "incompatible", ("type2",), 22.0),
        (("ccs",), 150.0, "compatible", ("ccs",), 150.0),
        ((), None, "compatible", ("ccs", "type2"), 150.0),
    ],
)
def test_assess_known_sockets(
    connectors: tuple[str, ...], min_kw: float | None, expected: str, matched: tuple[str, ...], power: float | None
) -> None:
    compatibility, got_matched, got_power = assess(FAST, ChargerFilter(connectors=connectors, min_power_kw=min_kw))
    assert (compatibility, got_matched, got_power) == (expected, matched, power)


def test_untagged_station_is_unknown_never_compatible() -> None:
    assert assess(UNTAGGED, ChargerFilter(connectors=("ccs",))) == ("unknown", (), None)
    # Without vehicle connectors the station's own output is the best we know.
    assert assess(UNTAGGED, ChargerFilter()) == ("unknown", (), 50.0)


def test_unknown_power_with_a_minimum_is_unknown() -> None:
    two_types = station("osm:node/3", 60.0, 25.0, {"ccs": (1, None), "type2": (1, None)}, max_power_kw=50.0)
    # Two connector types: the station output cannot be attributed to the CCS socket.
    assert assess(two_types, ChargerFilter(connectors=("ccs",), min_power_kw=40.0)) == ("unknown", ("ccs",), None)
    one_type = station("osm:node/4", 60.0, 25.0, {"ccs": (1, None)}, max_power_kw=50.0)
    assert assess(one_type, ChargerFilter(connectors=("ccs",), min_power_kw=40.0)) == ("compatible", ("ccs",), 50.0)
    assert assess(one_type, ChargerFilter(connectors=("ccs",), min_power_kw=60.0))[0] == "incompatible"


def test_filter_normalises_connector_aliases() -> None:
    assert ChargerFilter(connectors=("CCS2", "Type 2", "nacs", "ccs")).connectors == ("ccs", "type2", "tesla")
    assert ChargerFilter(connectors="J1772").connectors == ("type1",)
    assert ChargerFilter.model_validate({"connectors": ["chademo"], "networks": [" Virta ", ""]}).networks == ("Virta",)
    with pytest.raises(ValidationError, match="unknown connector 'usb'"):
        ChargerFilter(connectors=("usb",))


def test_require_known_drops_unknown_but_default_flags_it() -> None:
    flagged = listed(UNTAGGED, ChargerFilter(connectors=("ccs",)))
    assert flagged is not None
    assert flagged.compatibility == "unknown"
    assert listed(UNTAGGED, ChargerFilter(connectors=("ccs",), require_known=True)) is None


def test_incompatible_is_never_listed() -> None:
    assert listed(FAST, ChargerFilter(connectors=("chademo",))) is None


def test_networks_match_operator_or_network_case_insensitively() -> None:
    assert listed(FAST, ChargerFilter(networks=("k-lataus",))) is not None
    assert listed(FAST, ChargerFilter(networks=("virta", "LATAUS"))) is not None
    assert listed(FAST, ChargerFilter(networks=("virta",))) is None
    networked = station("osm:node/5", 60.0, 25.0, {"ccs": (1, 50.0)}, network="IONITY")
    assert listed(networked, ChargerFilter(networks=("ionity",))) is not None
    assert listed(UNTAGGED, ChargerFilter(networks=("ionity",))) is None


@pytest.mark.parametrize(
    ("access", "level"),
    [(None, "public"), ("yes", "public"), ("customers", "customers"), ("private", "private"), ("no", "private")],
)
def test_access_levels(access: str | None, level: str) -> None:
    assert access_level(access) == level


def test_access_filter() -> None:
    customers = station("osm:node/6", 60.0, 25.0, {"type2": (2, 11.0)}, access="customers")
    private = station("osm:node/7", 60.0, 25.0, {"type2": (2, 11.0)}, access="private")
    assert listed(customers, ChargerFilter()) is None
    assert listed(customers, ChargerFilter(access="customers")) is not None
    assert listed(private, ChargerFilter(access="customers")) is None
    assert listed(private, ChargerFilter(access="any")) is not None


def test_fee_filter_needs_known_fee() -> None:
    free = station("osm:node/8", 60.0, 25.0, {"type2": (2, 11.0)}, fee=False)
    assert listed(free, ChargerFilter(fee=False)) is not None
    assert listed(FAST, ChargerFilter(fee=False)) is None  # fee unknown: not known to be free
    assert listed(free, ChargerFilter(fee=True)) is None


def test_non_operational_left_out_unless_asked() -> None:
    broken = station("ocm:1", 60.0, 25.0, {"ccs": (1, 50.0)}, operational=False)
    assert listed(broken, ChargerFilter()) is None
    assert listed(broken, ChargerFilter(include_non_operational=True)) is not None
