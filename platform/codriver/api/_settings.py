"""Settings of the HTTP service (passed to :func:`create_app`, filled by ``codriver serve``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from codriver.scheduling import SchedulerConfig

__all__ = ["MAX_ID", "ApiSettings"]

#: The largest record ID (PostgreSQL ``integer``): larger IDs in a request are refused with 422.
MAX_ID = 2**31 - 1


class ApiSettings(BaseModel):
    """Limits, token lifetimes and background work of one API process."""

    model_config = ConfigDict(frozen=True)

    max_body_bytes: int = Field(default=256 * 1024, ge=1024, description="larger request bodies get 413")
    rate_per_s: float = Field(default=20.0, gt=0, description="requests per second per credential (token bucket)")
    rate_burst: int = Field(default=40, ge=1, description="bucket size: requests allowed at once")
    max_in_flight: int = Field(
        default=24, ge=1, description="request sessions open at once (each holds a pooled connection); more wait"
    )
    queue_wait_s: float = Field(default=2.0, gt=0, description="a request waiting longer for a session gets 503")
    auth_cache_s: float = Field(
        default=2.0, ge=0, description="credentials checked less often: a revoked one may work this long elsewhere"
    )
    token_ttl_h: float = Field(default=24 * 7, gt=0, description="web-app bearer tokens expire after this")
    scrypt_n: int = Field(default=2**14, ge=2, description="scrypt cost (CPU/memory); tests lower it")
    scheduler: bool = Field(default=True, description="run the trip scheduler inside this process")
    sse_keepalive_s: float = Field(default=15.0, gt=0, description="comment lines keep idle streams open")
    sse_recheck_s: float = Field(
        default=5.0, gt=0, description="streams check their credential this often and end once it is revoked"
    )
    sse_poll_s: float = Field(default=2.0, gt=0, description="also look for notices written by other processes")
    plan_inline_s: float = Field(
        default=20.0, gt=0, description="POST /v1/plan answers within this or hands back a job to poll"
    )
    web_app: bool = Field(default=True, description="serve the web app's files at /")
    jobs: SchedulerConfig = Field(default_factory=SchedulerConfig)
