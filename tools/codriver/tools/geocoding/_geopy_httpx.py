"""A geopy adapter over an injected ``httpx.AsyncClient``.

geopy's own async adapter needs aiohttp; this one lets geopy's geocoders share the
application's httpx client (and tests serve them with ``httpx.MockTransport``). It keeps
geopy's adapter contract: transport problems become geopy's exceptions and HTTP errors
:class:`geopy.adapters.AdapterHTTPError`, which geopy turns into its own error classes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from geopy.adapters import AdapterHTTPError, BaseAsyncAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable

__all__ = ["HttpxAdapter"]


class HttpxAdapter(BaseAsyncAdapter):  # type: ignore[misc]  # geopy ships no type information
    """geopy ``adapter_factory`` product: ``partial(HttpxAdapter, client=client)``.

    geopy's adapter interface fixes the ``timeout`` keyword (seconds) of both methods.

    The client belongs to the caller: leaving ``async with geocoder`` does not close it.
    ``proxies`` and ``ssl_context`` are geopy's; the client's own configuration applies.
    """

    def __init__(self, *, client: httpx.AsyncClient, proxies: Any = None, ssl_context: Any = None) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.client = client

    async def get_text(self, url: str, *, timeout: float | None, headers: dict[str, str]) -> str:  # noqa: ASYNC109
        """The body of a successful GET, as text."""
        try:
            response = await self.client.get(url, headers=headers, timeout=timeout)
        except httpx.TimeoutException as exc:
            msg = f"no answer within {timeout} s"
            raise GeocoderTimedOut(msg) from exc
        except httpx.TransportError as exc:
            msg = f"unreachable: {exc}"
            raise GeocoderUnavailable(msg) from exc
        except httpx.HTTPError as exc:
            raise GeocoderServiceError(str(exc)) from exc
        if response.status_code >= 400:
            msg = f"Non-successful status code {response.status_code}"
            raise AdapterHTTPError(
                msg,
                status_code=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                text=response.text,
            )
        return response.text

    async def get_json(self, url: str, *, timeout: float | None, headers: dict[str, str]) -> Any:  # noqa: ASYNC109
        """The decoded JSON body of a successful GET."""
        text = await self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError as exc:
            msg = f"the answer is not JSON: {text[:200]}"
            raise GeocoderParseError(msg) from exc
