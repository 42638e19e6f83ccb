"""What the HTTP adapters read of their configuration, as a protocol: the tools import no settings.

``codriver.settings.ExternalSettings`` has these attributes; the composition root (or a
test) hands it to an adapter's ``from_settings``. Timeouts are seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["ExternalConfig"]


class ExternalConfig(Protocol):
    """Endpoints, credentials, timeout (seconds) and retries of the external services."""

    @property
    def osrm_url(self) -> str | None: ...
    @property
    def nominatim_url(self) -> str | None: ...
    @property
    def nominatim_user_agent(self) -> str: ...
    @property
    def overpass_url(self) -> str | None: ...
    @property
    def open_charge_map_url(self) -> str: ...
    @property
    def open_charge_map_key(self) -> SecretStr | None: ...
    @property
    def home_assistant_url(self) -> str | None: ...
    @property
    def home_assistant_token(self) -> SecretStr | None: ...
    @property
    def http_timeout_s(self) -> float: ...
    @property
    def http_retries(self) -> int: ...
