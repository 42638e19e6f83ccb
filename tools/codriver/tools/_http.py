"""JSON over HTTP for the external providers: timeouts, bounded retries, mapped errors.

Every adapter takes an injected ``httpx.AsyncClient`` and calls :func:`request_json`.
429 and 5xx answers and transport errors are retried with exponential backoff (honouring
``Retry-After`` up to a cap); what is left is mapped to the error tree:
timeouts -> :class:`ToolTimeout`, unreachable or 5xx/429 -> :class:`ToolUnavailable`,
4xx or an unparseable body -> :class:`ToolBadResponse`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

import httpx

from codriver.errors import ToolBadResponse, ToolTimeout, ToolUnavailable

__all__ = ["RetryPolicy", "request_json"]

_RETRY_STATUS = {429, 500, 502, 503, 504}


class RetryPolicy:
    """How often and how patiently to retry (seconds)."""

    def __init__(
        self,
        *,
        retries: int = 2,
        backoff_s: float = 0.5,
        max_wait_s: float = 10.0,
        timeout_s: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.timeout_s = timeout_s
        self.sleep = sleep

    def wait_s(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if response is not None:
            after = response.headers.get("Retry-After", "")
            if after.strip().isdigit():
                return min(float(after.strip()), self.max_wait_s)
        return float(min(self.backoff_s * 2 ** (attempt - 1), self.max_wait_s))


async def request_json(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    provider: str,
    policy: RetryPolicy | None = None,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    data: Any = None,
    headers: Mapping[str, str] | None = None,
    accept_status: Collection[int] = (),
) -> Any:
    """The decoded JSON body of a successful answer, after retries.

    Statuses in ``accept_status`` (e.g. 400 for providers that explain refusals in a JSON
    body) are returned like successes, for the adapter to interpret.
    """
    policy = policy or RetryPolicy()
    attempt = 0
    while True:
        attempt += 1
        response: httpx.Response | None = None
        try:
            response = await client.request(
                method, url, params=params, json=json, data=data, headers=headers, timeout=policy.timeout_s
            )
        except httpx.TimeoutException as exc:
            if attempt > policy.retries:
                msg = f"{provider} did not answer within {policy.timeout_s:g} s ({url})"
                raise ToolTimeout(msg) from exc
        except httpx.TransportError as exc:
            if attempt > policy.retries:
                msg = f"{provider} is unreachable ({url}): {exc}"
                raise ToolUnavailable(msg) from exc
        else:
            if response.status_code < 400 or response.status_code in accept_status:
                try:
                    return response.json()
                except ValueError as exc:
                    msg = f"{provider} answered a body that is not JSON ({url})"
                    raise ToolBadResponse(msg) from exc
            if response.status_code not in _RETRY_STATUS:
                msg = f"{provider} refused the request with HTTP {response.status_code}: {response.text[:200]}"
                raise ToolBadResponse(msg, status_code=response.status_code)
            if attempt > policy.retries:
                msg = f"{provider} answered HTTP {response.status_code} after {attempt} attempts ({url})"
                raise ToolUnavailable(msg, status_code=response.status_code)
        await policy.sleep(policy.wait_s(attempt, response))
