"""Passwords, tokens and device keys.

* Passwords: argon2id (argon2-cffi defaults), rule: at least 10 characters from at least two
  classes (lower case, upper case, digits, other).
* Device tokens: 32 random bytes (URL-safe text); only an HMAC-SHA256 of the token, keyed by the
  server secret, is stored, so a copy of the database yields no usable token.
* Device database keys: 32 random bytes per device, handed out base64-encoded at login.
* Lock-out: after ``lockout_threshold`` failures in a row the account is locked for
  ``lockout_minutes``; the counter resets on success and when the lock is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
#: A hash of a throw-away password, verified against when the username is unknown so that
#: "no such user" and "wrong password" take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
TOKEN_BYTES = 32
DB_KEY_BYTES = 32


class PasswordRuleError(ValueError):
    """The password does not meet the rule; the message says what is missing."""


def check_password_rule(password: str) -> None:
    """Raise PasswordRuleError unless *password* has >= 10 characters from >= 2 classes.

    Classes: lower case, upper case, digits, letters without case (e.g. 한글), other.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRuleError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}"
        )
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c.isalpha() and not c.islower() and not c.isupper() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 2:
        raise PasswordRuleError(
            "the password uses only one kind of character; mix at least two of lower case, "
            "upper case, digits, 한글 and other characters"
        )


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (checks the rule first)."""
    check_password_rule(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when *password* matches *password_hash*; None hash burns the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older argon2 parameters."""
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """A fresh opaque bearer token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str, secret_key: str) -> str:
    """What the database stores for *token*: HMAC-SHA256 keyed by the server secret (hex)."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def new_db_key() -> bytes:
    """A fresh random database key for one device."""
    return secrets.token_bytes(DB_KEY_BYTES)


def encode_db_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def register_failure(
    failed_logins: int, now: datetime, threshold: int, minutes: int
) -> tuple[int, datetime | None]:
    """The (failed_logins, locked_until) after one more failure."""
    failed = failed_logins + 1
    if failed >= threshold:
        return 0, now + timedelta(minutes=minutes)
    return failed, None
