"""Registration, sign-in, tokens and password storage."""

from __future__ import annotations

from api_support import Api
from sqlmodel import Session, select

from codriver.api._security import hash_password, hash_secret, new_key, new_token, verify_password
from codriver.store import AccessToken, User


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    a, b = hash_password("s3cret pass", n=16), hash_password("s3cret pass", n=16)
    assert a != b  # per-user salt
    assert a.startswith("scrypt$16$")
    assert verify_password("s3cret pass", a)
    assert not verify_password("s3cret pasS", a)
    assert not verify_password("anything", "md5$nonsense")
    assert not verify_password("anything", None)


def test_tokens_and_keys_are_random_and_prefixed() -> None:
    assert new_token().startswith("cdu_")
    assert new_key().startswith("cdv_")
    assert new_token() != new_token()
    assert len(hash_secret("x")) == 64


def test_register_sign_in_me_and_sign_out(api: Api) -> None:
    headers = api.user("Ann@Example.org")
    me = api.client.get("/v1/users/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["email"] == "ann@example.org"
    assert "password" not in me.text
    with Session(api.services.engine) as session:
        user = session.exec(select(User)).one()
        assert user.password_hash is not None
        assert "correct horse" not in user.password_hash
        stored = session.exec(select(AccessToken)).one()
        assert stored.token_hash == hash_secret(headers["Authorization"].removeprefix("Bearer "))
    assert api.client.delete("/v1/auth/token", headers=headers).status_code == 204
    assert api.client.get("/v1/users/me", headers=headers).status_code == 401


def test_duplicate_email_and_wrong_password(api: Api) -> None:
    api.user()
    again = api.client.post("/v1/users", json={"email": "ann@example.org", "password": "another one"})
    assert again.status_code == 422
    assert again.json()["field"] == "email"
    wrong = api.client.post("/v1/auth/token", json={"email": "ann@example.org", "password": "wrong horse"})
    assert wrong.status_code == 401
    nobody = api.client.post("/v1/auth/token", json={"email": "bob@example.org", "password": "wrong horse"})
    assert nobody.status_code == 401
    assert wrong.json()["detail"] == nobody.json()["detail"]  # no hint whether the account exists


def test_missing_or_bad_credentials_are_401_with_challenge(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer cdu_nope"}, {"Authorization": "Bearer cdv_nope"}):
        response = api.client.get("/v1/trips", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_refused(api: Api) -> None:
    from datetime import timedelta

    headers = api.user()
    api.clock.advance(timedelta(hours=api.services.api.token_ttl_h + 1))
    assert api.client.get("/v1/trips", headers=headers).status_code == 401


def test_short_password_names_the_field(api: Api) -> None:
    response = api.client.post("/v1/users", json={"email": "c@example.org", "password": "short"})
    assert response.status_code == 422
    assert response.json()["field"] == "password"


def test_registration_checks_the_address_and_names_the_field(api: Api) -> None:
    for email in ("cy@example", "no-at-sign.org", "two@@example.org", "sp ace@example.org"):
        answer = api.client.post("/v1/users", json={"email": email, "password": "correct horse"})
        assert answer.status_code == 422, (email, answer.text)
        assert answer.json()["field"] == "email"
        assert answer.json()["errors"][0]["type"] == "string_pattern_mismatch"
    short = api.client.post("/v1/users", json={"email": "cy@example.org", "password": "short"})
    assert (short.status_code, short.json()["errors"][0]["type"]) == (422, "string_too_short")
