"""Passwords (scrypt, per-user salt), bearer tokens and head-unit keys (only hashes are stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = [
    "KEY_PREFIX",
    "SHARE_PREFIX",
    "TOKEN_PREFIX",
    "hash_password",
    "hash_secret",
    "new_key",
    "new_share_token",
    "new_token",
    "verify_password",
]

TOKEN_PREFIX = "cdu_"  # noqa: S105  (a prefix, not a secret)
KEY_PREFIX = "cdv_"
SHARE_PREFIX = "cds_"
_R, _P, _DKLEN = 8, 1, 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, n: int = 2**14) -> str:
    """``scrypt$N$r$p$salt$hash`` of ``password`` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison; False for malformed hashes)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def new_token() -> str:
    """A new web-app bearer token (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_key() -> str:
    """A new head-unit API key (256 random bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def new_share_token() -> str:
    """A new read-only share link token (256 random bits)."""
    return SHARE_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 (hex) of a token or key: they are random, so a fast hash suffices to look them up."""
    return hashlib.sha256(secret.encode()).hexdigest()
