"""Low cost parameters for the real key-derivation and password-hashing schemes (argon2id),
so that the suites stay fast. The schemes are the real ones; only their cost is lowered."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from fieldapp import keys
from sync.server import security

#: argon2id for a laptop's wrapped key at a tiny cost.
CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost_kib=64, parallelism=1)


def cheapen_server_hashing(monkeypatch: pytest.MonkeyPatch, memory_cost_kib: int = 64) -> None:
    """Make the in-process server hash passwords with argon2id at *memory_cost_kib* and one
    pass, for the length of one test; the dummy hash that unknown usernames are checked
    against too (a check runs at the cost stored in its hash: the real dummy's is the full
    one, so every unknown username cost a full argon2id even in tests)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=memory_cost_kib, parallelism=1)
    monkeypatch.setattr(security, "_hasher", hasher)
    monkeypatch.setattr(security, "_DUMMY_HASH", hasher.hash("a throw-away password 1"))
