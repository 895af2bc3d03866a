"""Server settings: from the environment, overridable by CLI flags.

Every setting has an environment variable ``FIELDAPP_<NAME>``. Production mode refuses a
placeholder secret key (full-stack-fastapi-template's rule).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

#: The secret used when none is configured. Fine for a demo or a test, refused in production.
PLACEHOLDER_SECRET = "change-me"
APP_DIR_NAME = "fieldapp-server"


class SettingsError(ValueError):
    """The settings cannot be used; the message says which one and how to fix it."""


def default_database_url() -> str:
    """A SQLite file in the platform's user data folder for ``fieldapp-server``."""
    folder = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    return f"sqlite:///{folder / 'fieldapp-server.sqlite3'}"


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the server reads at start. No other in-process state matters."""

    database_url: str = field(default_factory=default_database_url)
    production: bool = False
    #: Keys the token hashes (HMAC-SHA256). Changing it signs every device out (no data lost).
    secret_key: str = PLACEHOLDER_SECRET
    #: Failed logins before an account is locked, and for how long.
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    #: Retention (days): access log 2 years, permission changes 3 years.
    access_log_retention_days: int = 730
    permission_log_retention_days: int = 1095
    #: Stored push responses are kept this long for idempotent retries.
    idempotency_retention_days: int = 30
    #: A device not seen for this long no longer holds its user's feed untrimmed; it gets a
    #: resync when it returns, nothing lost (``fieldapp-server trim-feed``).
    feed_retention_days: int = 90
    #: A PostgreSQL hot standby for reads that only read (board, indicators, exports, access
    #: review); empty: every read runs on the primary. See :mod:`sync.server.replica`.
    read_database_url: str = ""
    #: The standby is passed over (the read runs on the primary) while its replay lag is
    #: larger than this (milliseconds).
    read_max_lag_ms: int = 5000
    #: PostgreSQL connections each server process keeps open (and its most at once); with
    #: ``serve --workers N`` the server holds up to N times this many: keep N x this below
    #: PostgreSQL's ``max_connections`` (default 100), or put a pooler in front.
    db_pool_size: int = 30
    #: Sign-ins checking a password (an argon2id hash, ~64 MiB each) at once in each server
    #: process; one more is answered 503 with Retry-After at once (sync.server.login_slots).
    login_hash_slots: int = 2
    log_level: str = "INFO"
    #: Folder for the access log's recorded heads (kept outside the database; see
    #: sync.server.chain_heads). Empty: beside a SQLite database, else the user data folder.
    audit_dir: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``FIELDAPP_*`` variables, then *overrides* (None values ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"FIELDAPP_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.type in ("bool", bool):
                values[f.name] = _env_bool(raw)
            elif f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError as exc:
                    raise SettingsError(
                        f"FIELDAPP_{f.name.upper()}={raw!r} is not a whole number"
                    ) from exc
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with *changes* applied."""
        return replace(self, **changes)

    def check(self) -> None:
        """Raise SettingsError when the server must not start with these settings."""
        if self.production and (self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32):
            raise SettingsError(
                "production mode needs a real secret key: set FIELDAPP_SECRET_KEY to a random "
                'string of at least 32 characters (e.g. `python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"`)'
            )
        if self.lockout_threshold < 1 or self.lockout_minutes < 1:
            raise SettingsError("lockout_threshold and lockout_minutes must be at least 1")
        if self.db_pool_size < 1:
            raise SettingsError("FIELDAPP_DB_POOL_SIZE must be at least 1")
        if self.login_hash_slots < 1:
            raise SettingsError("FIELDAPP_LOGIN_HASH_SLOTS must be at least 1")
        if self.read_max_lag_ms < 0:
            raise SettingsError("FIELDAPP_READ_MAX_LAG_MS must be 0 or more (milliseconds)")
