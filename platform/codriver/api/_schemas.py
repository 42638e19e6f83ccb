"""Request and response models of accounts, vehicles, preferences and commands.

SQLModel per entity as in the FastAPI template: ``XBase`` holds the shared fields,
``XCreate`` / ``XUpdate`` what a client may send, ``XPublic`` what it gets back (never a
password hash or a key hash).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from codriver.regions import CONNECTORS
from codriver.scheduling import HomeActionSpec, VehiclePresets
from codriver.tools.vehicle import VehicleCommand

__all__ = [
    "ApiKeyPublic",
    "CommandAck",
    "CommandCreate",
    "CommandPublic",
    "PreferencesPublic",
    "PreferencesUpdate",
    "TokenCreate",
    "TokenPublic",
    "UserCreate",
    "UserPublic",
    "VehicleCreate",
    "VehiclePublic",
    "VehicleStateIn",
    "VehicleStatePublic",
    "VehicleUpdate",
]


class _Strict(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


# -- users ----------------------------------------------------------------------------------
_EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"


class UserBase(_Strict):
    email: str = Field(max_length=254, description="e-mail address, the sign-in name")
    display_name: str | None = Field(default=None, max_length=120)


class UserCreate(UserBase):
    # sqlmodel's Field(regex=...) is not enforced (pydantic 2): the pattern goes in the type.
    # Only new accounts are checked, so an address stored before still reads back.
    email: Annotated[str, StringConstraints(pattern=_EMAIL)] = Field(
        max_length=254, description="e-mail address, the sign-in name"
    )
    password: str = Field(min_length=8, max_length=256, description="at least 8 characters")


class UserPublic(UserBase):
    id: int
    created_at: datetime


class TokenCreate(_Strict):
    email: str = Field(max_length=254, min_length=3)
    password: str = Field(min_length=1, max_length=256)


class TokenPublic(_Strict):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the scheme's name)
    expires_at: datetime


# -- vehicles -------------------------------------------------------------------------------
Powertrain = Literal["ev", "ice", "phev"]


class VehicleBase(_Strict):
    name: str = Field(min_length=1, max_length=80)
    powertrain: Powertrain = "ev"
    battery_kwh: float | None = Field(default=None, gt=0, le=300)
    consumption_kwh_per_100km: float | None = Field(default=None, gt=0, le=100)
    max_charge_kw: float | None = Field(default=None, gt=0, le=1000)
    connectors: list[str] = Field(default_factory=list, max_length=8)
    tank_l: float | None = Field(default=None, gt=0, le=500)
    fuel_l_per_100km: float | None = Field(default=None, gt=0, le=50)
    presets: dict[str, Any] = Field(
        default_factory=dict,
        description="seat/climate presets: {seat: [..], climate: [..], driver_seat, driver_climate, cabin_target_c}",
    )

    @field_validator("connectors")
    @classmethod
    def _connectors(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CONNECTORS))
        if unknown:
            msg = f"unknown connectors {unknown}; use some of {list(CONNECTORS)}"
            raise ValueError(msg)
        return value

    @field_validator("presets")
    @classmethod
    def _presets(cls, value: dict[str, Any]) -> dict[str, Any]:
        VehiclePresets.model_validate(value)
        if len(str(value)) > 4000:
            msg = "presets are limited to 4000 characters"
            raise ValueError(msg)
        return value


class VehicleCreate(VehicleBase):
    pass


class VehicleUpdate(_Strict):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    battery_kwh: float | None = Field(default=None, gt=0, le=300)
    consumption_kwh_per_100km: float | None = Field(default=None, gt=0, le=100)
    max_charge_kw: float | None = Field(default=None, gt=0, le=1000)
    connectors: list[str] | None = Field(default=None, max_length=8)
    tank_l: float | None = Field(default=None, gt=0, le=500)
    fuel_l_per_100km: float | None = Field(default=None, gt=0, le=50)
    presets: dict[str, Any] | None = None

    @field_validator("connectors")
    @classmethod
    def _connectors(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else VehicleBase._connectors(value)

    @field_validator("presets")
    @classmethod
    def _presets(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else VehicleBase._presets(value)


class VehiclePublic(VehicleBase):
    id: int
    soc: float | None = None
    fuel_level: float | None = None
    lat: float | None = None
    lon: float | None = None
    speed_kph: float | None = None
    outside_c: float | None = None
    state_at: datetime | None = None
    has_api_key: bool = False


class ApiKeyPublic(_Strict):
    vehicle_id: int
    api_key: str = Field(description="shown once: the head-unit sends it as `Authorization: Bearer <key>`")


class VehicleStateIn(BaseModel):
    """A state report of the car; older reports than the stored one are ignored."""

    model_config = ConfigDict(extra="forbid")

    recorded_at: AwareDatetime = PydanticField(description="when the car measured this, ISO 8601 with offset")
    lat: float | None = PydanticField(default=None, ge=-90, le=90)
    lon: float | None = PydanticField(default=None, ge=-180, le=180, validate_default=True)
    speed_kph: float | None = PydanticField(default=None, ge=0, le=400)
    soc: float | None = PydanticField(default=None, ge=0, le=1, description="state of charge 0..1")
    fuel_level: float | None = PydanticField(default=None, ge=0, le=1, description="tank level 0..1")
    outside_c: float | None = PydanticField(default=None, ge=-60, le=60, description="outside temperature, °C")

    @field_validator("lon")
    @classmethod
    def _pair(cls, value: float | None, info: ValidationInfo) -> float | None:
        if (info.data.get("lat") is None) != (value is None):
            msg = "give both lat and lon, or neither"
            raise ValueError(msg)
        return value


class VehicleStatePublic(_Strict):
    applied: bool = Field(description="false when a newer (or the same) report was stored already")
    vehicle: VehiclePublic


# -- preferences ----------------------------------------------------------------------------
class PreferencesBase(_Strict):
    diet: list[str] = Field(default_factory=list, max_length=10)
    cuisines: list[str] = Field(default_factory=list, max_length=30)
    interests: dict[str, float] = Field(default_factory=dict)
    avoid_categories: list[str] = Field(default_factory=list, max_length=30)
    charging_networks: list[str] = Field(default_factory=list, max_length=30)
    max_detour_min: float | None = Field(default=None, ge=0, le=120)
    budget_per_day: float | None = Field(default=None, ge=0)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    notes: list[str] = Field(default_factory=list, max_length=50)
    home_actions: list[HomeActionSpec] = Field(default_factory=list, max_length=10)

    @field_validator("interests")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0 <= v <= 1}
        if bad:
            msg = f"interest weights must be within 0..1, got {bad}"
            raise ValueError(msg)
        return value


class PreferencesUpdate(PreferencesBase):
    pass


class PreferencesPublic(PreferencesBase):
    rejected_place_ids: list[str] = Field(default_factory=list)
    updated_at: datetime


# -- commands -------------------------------------------------------------------------------
class CommandCreate(_Strict):
    command: VehicleCommand
    idempotency_key: str | None = Field(default=None, regex=r"^[A-Za-z0-9_.:-]{8,128}$")


class CommandPublic(_Strict):
    id: int
    kind: str
    command: dict[str, Any]
    idempotency_key: str
    status: Literal["queued", "delivered", "acknowledged", "failed"]
    trip_id: int | None = None
    result: str | None = None
    queued_at: datetime
    delivered_at: datetime | None = None
    acked_at: datetime | None = None


class CommandAck(_Strict):
    ok: bool = True
    result: str | None = Field(default=None, max_length=500)
