"""Online geocoding with geopy's Nominatim over our httpx client, at most 1 request per second.

The Nominatim usage policy (https://operations.osmfoundation.org/policies/nominatim/)
asks for an identifying User-Agent and at most one request per second; both are enforced
here, retries included. geopy owns the request/response cycle, so the retry loop lives here
and follows the same :class:`~codriver.tools._http.RetryPolicy` as ``request_json``:
429, 5xx and transport failures are retried with backoff (honouring ``Retry-After``), and
what is left is mapped to the error tree at this edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from geopy.adapters import AdapterHTTPError
from geopy.exc import (
    ConfigurationError,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim

from codriver.errors import InputError, ToolBadResponse, ToolError, ToolTimeout, ToolUnavailable
from codriver.tools._http import RetryPolicy
from codriver.tools.config import ExternalConfig
from codriver.tools.geocoding._geopy_httpx import HttpxAdapter
from codriver.tools.geocoding._models import GeocodeKind, GeocodeResult
from codriver.tools.geocoding._ratelimit import RateLimiter

__all__ = ["NominatimGeocoder", "tool_error"]

SOURCE = "nominatim"
_RETRY_STATUS = {429, 500, 502, 503, 504}
_ADDRESS_CLASSES = {"place", "building"}


class NominatimGeocoder:
    """The :class:`~codriver.tools.geocoding.Geocoder` protocol over a Nominatim server.

    ``limiter`` spaces every HTTP request (retries too) at least one second apart; pass the
    same limiter to every instance that talks to the same server.
    """

    source = SOURCE

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        user_agent: str,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.limiter = limiter or RateLimiter(1.0)
        parts = urlsplit(base_url.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            msg = f"Nominatim URL {base_url!r} must look like https://nominatim.openstreetmap.org"
            raise InputError(msg, field="external.nominatim_url")
        try:
            self._nominatim = Nominatim(
                domain=parts.netloc + parts.path.rstrip("/"),
                scheme=parts.scheme,
                user_agent=user_agent,
                timeout=self.policy.timeout_s,
                adapter_factory=partial(HttpxAdapter, client=client),
            )
        except ConfigurationError as exc:
            msg = f"Nominatim refuses this configuration: {exc}"
            raise InputError(msg, field="external.nominatim_user_agent") from exc

    @classmethod
    def from_settings(
        cls, client: httpx.AsyncClient, external: ExternalConfig, *, limiter: RateLimiter | None = None
    ) -> NominatimGeocoder:
        """A geocoder on ``external.nominatim_url`` with its user agent, timeout and retries."""
        if not external.nominatim_url:
            msg = "no Nominatim URL: set CODRIVER_EXTERNAL__NOMINATIM_URL, e.g. https://nominatim.openstreetmap.org"
            raise InputError(msg, field="external.nominatim_url")
        policy = RetryPolicy(retries=external.http_retries, timeout_s=external.http_timeout_s)
        return cls(
            client,
            base_url=external.nominatim_url,
            user_agent=external.nominatim_user_agent,
            policy=policy,
            limiter=limiter,
        )

    async def geocode(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        """Up to ``limit`` matches for ``query``, in Nominatim's order (score: its importance)."""
        text = query.strip()
        if not text:
            msg = "empty geocoding query"
            raise InputError(msg, field="query")
        if limit < 1:
            msg = f"limit must be at least 1, not {limit}"
            raise InputError(msg, field="limit")
        attempt = 0
        while True:
            attempt += 1
            await self.limiter.acquire()
            try:
                locations = await self._nominatim.geocode(text, exactly_one=False, limit=limit, addressdetails=True)
            except GeopyError as exc:
                if attempt > self.policy.retries or not _retryable(exc):
                    raise tool_error(exc, attempts=attempt) from exc
                await self.policy.sleep(_wait_s(self.policy, exc, attempt))
                continue
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                # geopy's own parsing choked on the body (e.g. a latitude that is not a number).
                msg = f"Nominatim answered a body geopy cannot read ({type(exc).__name__}: {exc})"
                raise ToolBadResponse(msg) from exc
            break
        try:
            return [_result(location.raw) for location in locations or []]
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"Nominatim answered a place without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc


def _http_status(exc: BaseException) -> int | None:
    cause = exc.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


def _retryable(exc: GeopyError) -> bool:
    status = _http_status(exc)
    if status is not None:
        return status in _RETRY_STATUS
    return isinstance(exc, GeocoderTimedOut | GeocoderUnavailable)


def _wait_s(policy: RetryPolicy, exc: GeopyError, attempt: int) -> float:
    after = exc.retry_after if isinstance(exc, GeocoderRateLimited) else None
    if after is not None:
        return float(min(after, policy.max_wait_s))
    return policy.wait_s(attempt, None)


def tool_error(exc: GeopyError, *, attempts: int = 1) -> ToolError:
    """The error-tree equivalent of a geopy error (HTTP statuses as ``request_json`` maps them)."""
    status = _http_status(exc)
    cause = exc.__cause__
    if status is not None and status in _RETRY_STATUS:
        msg = f"Nominatim answered HTTP {status} after {attempts} attempts"
        return ToolUnavailable(msg)
    if status is not None:
        body = cause.text[:200] if isinstance(cause, AdapterHTTPError) and cause.text else ""
        hint = " (check CODRIVER_EXTERNAL__NOMINATIM_USER_AGENT and the usage policy)" if status == 403 else ""
        msg = f"Nominatim refused the request with HTTP {status}{hint}: {body}"
        return ToolBadResponse(msg)
    if isinstance(exc, GeocoderTimedOut):
        msg = f"Nominatim did not answer in time: {exc}"
        return ToolTimeout(msg)
    if isinstance(exc, GeocoderUnavailable):
        msg = f"Nominatim is unavailable ({exc}); offline, use the region's gazetteer instead"
        return ToolUnavailable(msg)
    if isinstance(exc, GeocoderParseError | GeocoderQueryError):
        msg = f"Nominatim answered something unusable: {exc}"
        return ToolBadResponse(msg)
    if isinstance(exc, GeocoderServiceError):
        msg = f"Nominatim failed: {exc}"
        return ToolUnavailable(msg)
    msg = f"geopy refused the Nominatim call: {exc}"
    return ToolBadResponse(msg)


def _kind(raw: Mapping[str, Any], address: Mapping[str, Any]) -> GeocodeKind:
    if raw.get("class") == "highway":
        return "street"
    if "house_number" in address and raw.get("class") in _ADDRESS_CLASSES:
        return "address"
    return "place"


def _result(raw: dict[str, Any]) -> GeocodeResult:
    address = raw.get("address") or {}
    kind = _kind(raw, address)
    display = str(raw["display_name"])
    if kind == "address" and address.get("road"):
        name = f"{address['road']} {address['house_number']}"
    else:
        name = str(raw.get("name") or display.split(",", maxsplit=1)[0]).strip()
    importance = float(raw.get("importance") or 0.0)
    return GeocodeResult(
        name=name or display,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        kind=kind,
        place_id=None,
        category=raw.get("type"),
        score=min(max(importance, 0.0), 1.0),
        source=SOURCE,
        matched=display,
        raw=raw,
    )
