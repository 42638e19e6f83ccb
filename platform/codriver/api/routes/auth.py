"""Accounts: register, sign in (bearer token), sign out, who am I."""

from __future__ import annotations

from datetime import timedelta

import anyio
from fastapi import APIRouter, HTTPException, status

from codriver.api._deps import AnyPrincipal, CurrentUser, ServicesDep, SessionDep
from codriver.api._schemas import TokenCreate, TokenPublic, UserCreate, UserPublic
from codriver.api._security import hash_password, hash_secret, new_token, verify_password
from codriver.store import User, session_scope
from codriver.store._accounts import create_user, delete_token, issue_token, user_by_email
from codriver.store._errors import RecordNotFound

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


@router.post("/auth/token", status_code=status.HTTP_201_CREATED, response_model=TokenPublic)
async def sign_in(body: TokenCreate, services: ServicesDep) -> TokenPublic:
    """Exchange e-mail and password for a bearer token."""

    def lookup() -> User | None:
        with session_scope(services.engine) as session:
            return user_by_email(session, email=body.email)

    user = await anyio.to_thread.run_sync(lookup)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    ok = await anyio.to_thread.run_sync(verify_password, body.password, stored)
    if user is None or user.id is None or not ok:
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
    return TokenPublic(access_token=token, expires_at=expires)


@router.delete("/auth/token", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(session: SessionDep, principal: CurrentUser, services: ServicesDep) -> None:
    """Revoke the token of this request."""
    if principal.token_hash is not None:
        delete_token(session, token_hash=principal.token_hash)
        services.auth_cache.drop(principal.token_hash)


@router.get("/users/me", response_model=UserPublic)
def me(session: SessionDep, principal: AnyPrincipal) -> User:
    """The signed-in user (for a head-unit key: the vehicle's owner)."""
    user = session.get(User, principal.user_id)
    if user is None:
        msg = "the account no longer exists"
        raise RecordNotFound(msg, field="user")
    return user
