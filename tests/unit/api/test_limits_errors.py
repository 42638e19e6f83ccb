"""Size limits, rate limiting and error bodies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import Api, make_api

from codriver.api import TokenBuckets
from codriver.settings import Settings


@pytest.fixture
def strict_api(settings: Settings) -> Iterator[Api]:
    yield from make_api(settings, rate_per_s=0.01, rate_burst=3, max_body_bytes=2048)


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate=2.0, burst=2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0.0  # per key
    now[0] = 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


def test_429_with_retry_after_per_credential(strict_api: Api) -> None:
    api = strict_api
    ann = api.user("ann@example.org")  # 2 anonymous requests
    answers = [api.client.get("/v1/trips", headers=ann) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 90 <= int(answers[-1].headers["retry-after"]) <= 100  # one token per 100 s
    assert answers[-1].json()["field"] == "authorization"
    anonymous = [api.client.get("/v1/health").status_code for _ in range(2)]  # /v1/health counts too
    assert anonymous == [200, 429]  # the address's bucket: register, sign in, health, then empty


def test_oversized_bodies_are_413(strict_api: Api) -> None:
    api = strict_api
    big = {"email": "x@example.org", "password": "p" * 5000}
    response = api.client.post("/v1/users", json=big)
    assert response.status_code == 413
    assert response.json()["field"] == "body"


def test_malformed_json_and_wrong_types_are_422_never_500(api: Api) -> None:
    ann = api.user()
    garbage = api.client.post("/v1/plan", content=b"{not json", headers={**ann, "content-type": "application/json"})
    assert garbage.status_code == 422
    for body in ([], "text", 3, {"request": 5}, {"request": {"origin": None}}, {"text": ["x"]}):
        response = api.client.post("/v1/plan", json=body, headers=ann)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"]
    assert api.client.get("/v1/trips/abc", headers=ann).json()["field"] == "trip_id"
    assert api.client.get("/v1/trips?limit=0", headers=ann).json()["field"] == "limit"


def test_openapi_is_published_under_v1(api: Api) -> None:
    spec = api.client.get("/v1/openapi.json").json()
    assert spec["info"]["title"] == "Codriver"
    assert "/v1/trips/{trip_id}/next" in spec["paths"]
    assert "/v1/plan" in spec["paths"]
