"""Fixtures for the sync client's tests: the real server, a fault proxy, and devices.

A *device* is a profile folder signed in through the real ``sync.client.login`` (with a cheap
KDF so that tests stay fast), holding its open store; ``device.sync()`` runs a real
``SyncEngine`` cycle over HTTP. Sleeps between retries are recorded, not slept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fieldapp import records
from fieldapp.profile import Profile, unlock
from fieldapp.store import Store
from sync.client import SyncEngine, SyncReport, login
from sync.server import models
from tests.helpers.cheap import CHEAP_KDF, cheapen_server_hashing
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import PASSWORD, Api
from tests.sync.client.faults import FaultProxy


class Device:
    """One laptop: a profile, its open store, and sync cycles through a SyncEngine."""

    def __init__(self, profile: Profile, store: Store, username: str) -> None:
        self.profile = profile
        self.store = store
        self.username = username
        self.slept: list[float] = []

    @property
    def device_id(self) -> str:
        return self.profile.info["device_id"]

    def engine(self, **kw: Any) -> SyncEngine:
        kw.setdefault("password", PASSWORD)
        kw.setdefault("sleep", self.slept.append)
        kw.setdefault("max_attempts", 3)
        return SyncEngine(self.profile, self.store, **kw)

    def sync(self, **kw: Any) -> SyncReport:
        return self.engine(**kw).sync_once()

    def reopen(self) -> None:
        if not self.store.closed:
            self.store.close()
        self.store = unlock(self.profile, PASSWORD)

    def note(self, household_id: str, text: str = "안부 메모") -> str:
        """Record a note event (pending) and return its id."""
        ev = records.append_event(
            self.store,
            {
                "type": "note",
                "household_id": household_id,
                "programme": self.programme,
                "created_by": self.username,
                "device_id": self.device_id,
                "payload": {"text": text},
            },
        )
        return ev["id"]

    @property
    def programme(self) -> str:
        return "visiting_health" if self.profile.info["role"] == "nurse" else "welfare_check"

    def event_ids(self, household_id: str | None = None) -> set[str]:
        sql, args = "SELECT id FROM events", []
        if household_id:
            sql, args = sql + " WHERE household_id = ?", [household_id]
        return {r["id"] for r in self.store.db.query(sql, args)}

    def household_ids(self) -> set[str]:
        return {r["id"] for r in self.store.db.query("SELECT id FROM households")}

    def states(self) -> dict[str, int]:
        rows = self.store.db.query("SELECT sync_state, count(*) AS n FROM events GROUP BY 1")
        return {r["sync_state"]: r["n"] for r in rows}

    def close(self) -> None:
        if not self.store.closed:
            self.store.close()


@pytest.fixture(autouse=True)
def cheap_server_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process server hashes passwords with argon2id at its minimum cost in these
    tests: same scheme, a fraction of the time (each test signs in several laptops)."""
    cheapen_server_hashing(monkeypatch)


#: ``@BOTH_DATABASES`` runs a test against SQLite and against PostgreSQL (``live`` indirect).
BOTH_DATABASES = pytest.mark.parametrize(
    "live", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def live(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The real district server on a fresh SQLite file (or PostgreSQL database, see
    :data:`BOTH_DATABASES`)."""
    backend = getattr(request, "param", "sqlite")
    url = request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url")
    with serving(url) as server:
        yield server


@pytest.fixture
def proxy(live: LiveServer) -> Iterator[FaultProxy]:
    p = FaultProxy(live.base_url)
    yield p
    p.close()


@pytest.fixture
def make_device(tmp_path: Path, live: LiveServer) -> Iterator[Callable[..., Device]]:
    """``make_device(username, url=None)``: sign in a new laptop and return it."""
    made: list[Device] = []

    def make(username: str, url: str | None = None) -> Device:
        profile = Profile(tmp_path / f"{username}-{uuid.uuid4().hex[:6]}")
        store = login(profile, url or live.base_url, username, PASSWORD, kdf=CHEAP_KDF)
        device = Device(profile, store, username)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


def server_event_ids(live: LiveServer, household_ids: set[str] | None = None) -> list[str]:
    """Ids of every event the server holds (a list: duplicates would show)."""
    with live.session() as s:
        q = select(models.Event.id)
        if household_ids is not None:
            q = q.where(models.Event.household_id.in_(household_ids))
        return list(s.scalars(q))


def server_view(
    live: LiveServer, username: str, token: str | None = None
) -> tuple[set[str], set[str]]:
    """(household ids, event ids) the server gives *username* now: what a fresh laptop of
    that user would hold after a full pull from zero (with *token*, that device's sign-in)."""
    api = Api(live.base_url)
    try:
        if token:
            api.http.headers["Authorization"] = f"Bearer {token}"
        else:
            assert api.login(username).status_code == 200
        changes, _cursor = api.pull_all()
    finally:
        api.close()
    households: set[str] = set()
    events: set[str] = set()
    for change in changes:
        kind, data = change["kind"], change["data"]
        if kind == "household":
            households.add(data["id"])
        elif kind == "event":
            events.add(data["id"])
        elif kind in ("revoke", "tombstone"):
            hid = data.get("household_id") or data.get("id")
            households.discard(hid)
    return households, events
