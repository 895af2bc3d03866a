"""Fixtures for the domain tests: a fresh encrypted store that is always closed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.store import Store

#: A fixed key for test databases (never a real device key).
TEST_KEY = bytes(range(32))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "local.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A newly created, migrated store in a temporary folder; closed after the test."""
    s = Store.open(store_path, TEST_KEY, create=True)
    try:
        yield s
    finally:
        s.close()
