"""Accounts: register, sign in (bearer token), sign out, who am I."""

from __future__ import annotations

import math
from datetime import timedelta

import anyio
from fastapi import APIRouter, HTTPException, Request, status

from codriver.api._deps import AnyPrincipal, CurrentUser, Principal, ServicesDep, SessionDep, principal_key
from codriver.api._schemas import TokenCreate, TokenPublic, UserCreate, UserPublic
from codriver.api._security import hash_password, hash_secret, new_token, verify_password
from codriver.api._services import Services
from codriver.store import RecordNotFound, User, create_user, delete_token, issue_token, session_scope, user_by_email

router = APIRouter(tags=["accounts"])

# Compared against when the e-mail is unknown, so both failures cost the same time.
_DUMMY_HASH = hash_password("not a password", n=2**10)


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
async def register(body: UserCreate, services: ServicesDep) -> User:
    """Create an account (the password is stored as a salted scrypt hash)."""
    password_hash = await anyio.to_thread.run_sync(lambda: hash_password(body.password, n=services.api.scrypt_n))

    def store() -> User:
        with session_scope(services.engine) as session:
            return create_user(session, email=body.email, password_hash=password_hash, display_name=body.display_name)

    return await anyio.to_thread.run_sync(store)


def _guessing(services: Services, keys: list[str]) -> None:
    """429 once an e-mail address or a client address has failed to sign in too often."""
    wait = max(services.sign_in_failures.peek(key) for key in keys)
    if wait > 0:
        retry = max(1, math.ceil(wait))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many failed sign-ins: retry in {retry} s",
            headers={"Retry-After": str(retry)},
        )


@router.post("/auth/token", status_code=status.HTTP_201_CREATED, response_model=TokenPublic)
async def sign_in(body: TokenCreate, services: ServicesDep, request: Request) -> TokenPublic:
    """Exchange e-mail and password for a bearer token.

    After 10 failed attempts for one e-mail address, or from one client address, one more
    attempt is allowed every 6 s (429 with ``Retry-After`` until then).
    """
    address = request.client.host if request.client is not None else "unknown"
    keys = ["e:" + hash_secret(body.email.strip().lower()), "a:" + address]
    _guessing(services, keys)

    def lookup() -> User | None:
        with session_scope(services.engine) as session:
            return user_by_email(session, email=body.email)

    user = await anyio.to_thread.run_sync(lookup)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    ok = await anyio.to_thread.run_sync(verify_password, body.password, stored)
    if user is None or user.id is None or not ok:
        for key in keys:
            services.sign_in_failures.take(key)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="wrong e-mail or password", headers={"WWW-Authenticate": "Bearer"}
        )
    token = new_token()
    expires = services.clock.now() + timedelta(hours=services.api.token_ttl_h)
    user_id = user.id

    def store() -> None:
        with session_scope(services.engine) as session:
            issue_token(session, user_id=user_id, token_hash=hash_secret(token), expires_at=expires)

    await anyio.to_thread.run_sync(store)
    services.buckets.remember(hash_secret(token), principal_key(Principal(user_id=user_id)))
    return TokenPublic(access_token=token, expires_at=expires)


@router.delete("/auth/token", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(session: SessionDep, principal: CurrentUser, services: ServicesDep) -> None:
    """Revoke the token of this request."""
    if principal.token_hash is not None:
        delete_token(session, token_hash=principal.token_hash)
        services.auth_cache.drop(principal.token_hash)
        services.buckets.forget(principal.token_hash)


@router.get("/users/me", response_model=UserPublic)
def me(session: SessionDep, principal: AnyPrincipal) -> User:
    """The signed-in user (for a head-unit key: the vehicle's owner)."""
    user = session.get(User, principal.user_id)
    if user is None:
        msg = "the account no longer exists"
        raise RecordNotFound(msg, field="user")
    return user
