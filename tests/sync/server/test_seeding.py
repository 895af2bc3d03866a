"""seed-demo: the demo district lands as real use would leave it, and workers can pull it."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from sync import protocol as p
from sync.server import db
from sync.server.embedded import EmbeddedServer, start_embedded
from sync.server.models import Assignment, DistrictSeq, Event, Feed, PermissionLog
from sync.server.seeding import SeedError, seed_demo

HOUSEHOLDS = 12


@pytest.fixture
def seeded(sqlite_url: str) -> Iterator[tuple[EmbeddedServer, dict[str, Any]]]:
    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with db.make_sessionmaker(engine)() as session:
        summary = seed_demo(session, households=HOUSEHOLDS, seed=3)
    engine.dispose()
    server = start_embedded(sqlite_url, migrate=False)
    try:
        yield server, summary
    finally:
        server.stop()


def _login(base: str, username: str, password: str) -> str:
    body = {
        "protocol": p.PROTOCOL_VERSION,
        "username": username,
        "password": password,
        "device_id": f"test-{uuid.uuid4().hex[:12]}",
    }
    response = requests.post(
        base + p.LOGIN_PATH,
        json=body,
        headers={p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _pull_all(base: str, token: str) -> list[dict[str, Any]]:
    headers = {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    changes: list[dict[str, Any]] = []
    cursor = ""
    while True:
        response = requests.get(
            base + p.PULL_PATH,
            params={"cursor": cursor, "limit": 500},
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        page = response.json()
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes


def test_seeded_district_pulls_like_real_use(seeded) -> None:
    server, summary = seeded
    roles = Counter(u["role"] for u in summary["users"])
    assert set(roles) == {"volunteer", "nurse", "supervisor", "admin"}
    assert summary["households"] == HOUSEHOLDS and summary["events"] > 0

    engine = db.make_engine(server.database_url)
    with db.make_sessionmaker(engine)() as session:
        meta_seq = session.scalar(select(func.max(DistrictSeq.seq)))
        assert meta_seq == session.scalar(select(func.max(Feed.seq)))
        assert session.scalar(select(func.count()).select_from(Event)) == summary["events"]
        assert (
            session.scalar(
                select(func.count()).select_from(Event).where(Event.received_seq.is_(None))
            )
            == 0
        )
        assert session.scalar(select(func.count()).select_from(PermissionLog)) > 0
        nurse = next(
            u["username"]
            for u in summary["users"]
            if u["role"] == "nurse"
            and session.scalar(
                select(Assignment.household_id).where(Assignment.username == u["username"])
            )
        )
        volunteer = next(
            u["username"]
            for u in summary["users"]
            if u["role"] == "volunteer"
            and session.scalar(
                select(Assignment.household_id).where(Assignment.username == u["username"])
            )
        )

        def expected(username: str) -> set[str]:
            households = select(Assignment.household_id).where(Assignment.username == username)
            programme = select(Assignment.programme).where(Assignment.username == username)
            return set(
                session.scalars(
                    select(Event.id).where(
                        Event.household_id.in_(households), Event.programme.in_(programme)
                    )
                )
            )

        nurse_expected, volunteer_expected = expected(nurse), expected(volunteer)
    engine.dispose()

    password = summary["users"][0]["password"]
    for username, wanted in ((nurse, nurse_expected), (volunteer, volunteer_expected)):
        changes = _pull_all(server.base_url, _login(server.base_url, username, password))
        seqs = [c["seq"] for c in changes]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        events = [c["data"] for c in changes if c["kind"] == "event"]
        assert wanted and {e["id"] for e in events} == wanted
        clinical = [e for e in events if e["type"] in ("visit", "screening")]
        if username == volunteer:
            assert all(e["redacted"] and not e["payload"] for e in clinical)
        else:
            assert clinical and all(
                "result" in e["payload"] for e in clinical if e["type"] == "screening"
            )


def test_seeding_twice_is_refused(seeded) -> None:
    server, _ = seeded
    engine = db.make_engine(server.database_url)
    with (
        db.make_sessionmaker(engine)() as session,
        pytest.raises(SeedError, match="already exists"),
    ):
        seed_demo(session, households=2, seed=3)
    engine.dispose()
