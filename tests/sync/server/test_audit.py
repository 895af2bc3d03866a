"""The access-log hash chain: tampering, deletion and reordering are found; retention keeps it whole."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db
from sync.server.accesslog import append_access_log
from sync.server.audit import (
    ANCHOR_ACTION,
    AuditError,
    check_chain,
    export_access_log,
    purge_expired,
    verify_chain,
)
from sync.server.models import AccessLog, PermissionLog

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a migrated, empty server database."""
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    try:
        yield db.make_sessionmaker(engine)
    finally:
        engine.dispose()


def _append(maker: sessionmaker[Session], *ats: datetime) -> list[int]:
    ids = []
    with maker.begin() as session:
        for n, at in enumerate(ats):
            entry = append_access_log(
                session,
                username=f"nurse{n % 3}",
                action="view",
                household_id=f"hh-{n}",
                device_id="dev-1",
                ip="127.0.0.1",
                at=at,
            )
            ids.append(entry.id)
    return ids


def _problems(maker: sessionmaker[Session]) -> list[tuple[int, str]]:
    with maker() as session:
        return [(p.entry_id, p.kind) for p in verify_chain(session)]


def test_intact_chain_verifies(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(5)))
    with sessions() as session:
        report = check_chain(session)
        last_hash = session.get(AccessLog, ids[-1]).hash
    assert report.ok
    assert report.entries == 5
    assert report.head_hash == last_hash


def test_changed_entry_is_found(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(5)))
    with sessions.begin() as session:
        session.execute(
            text("UPDATE access_log SET action = 'edit' WHERE id = :id"), {"id": ids[2]}
        )
    assert _problems(sessions) == [(ids[2], "changed")]


def test_changed_entry_with_recomputed_hash_breaks_the_next_link(
    sessions: sessionmaker[Session],
) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(4)))
    with sessions.begin() as session:
        entry = session.get(AccessLog, ids[1])
        entry.household_id = "someone-else"
        from sync.server.accesslog import entry_hash

        entry.hash = entry_hash(entry.prev_hash, entry)
    assert _problems(sessions) == [(ids[2], "gap")]


def test_deleted_entry_is_found(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(5)))
    with sessions.begin() as session:
        session.execute(text("DELETE FROM access_log WHERE id = :id"), {"id": ids[1]})
    assert _problems(sessions) == [(ids[2], "gap")]


def test_deleted_first_entry_is_found(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(3)))
    with sessions.begin() as session:
        session.execute(delete(AccessLog).where(AccessLog.id == ids[0]))
    assert _problems(sessions) == [(ids[1], "gap")]


def test_entries_cut_off_the_end_are_found_against_a_recorded_head(
    sessions: sessionmaker[Session],
) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(4)))
    with sessions() as session:
        recorded = check_chain(session).head_hash
    _append(sessions, NOW + timedelta(hours=1))
    with sessions() as session:
        assert check_chain(session, expect_hash=recorded).ok  # the log grew: fine
    with sessions.begin() as session:
        session.execute(delete(AccessLog).where(AccessLog.id >= ids[3]))
    with sessions() as session:
        assert verify_chain(session) == []  # the links alone cannot see it
        report = check_chain(session, expect_hash=recorded)
    assert [(p.entry_id, p.kind) for p in report.problems] == [(0, "truncated")]
    assert str(report.problems[0]).startswith("access log: no entry has the hash")


def test_reordered_entries_are_found(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(4)))
    columns = [c for c in AccessLog.__table__.columns if c.name != "id"]
    with sessions.begin() as session:
        a, b = (
            session.execute(select(*columns).where(AccessLog.id == i)).one()._asdict()
            for i in (ids[1], ids[2])
        )
        # Move both unique values out of the way, then swap the two rows' contents.
        session.execute(
            update(AccessLog)
            .where(AccessLog.id.in_([ids[1], ids[2]]))
            .values(hash=AccessLog.id.cast(AccessLog.hash.type), event_id=None)
        )
        session.execute(update(AccessLog).where(AccessLog.id == ids[1]).values(**b))
        session.execute(update(AccessLog).where(AccessLog.id == ids[2]).values(**a))
    problems = _problems(sessions)
    assert problems, "swapping two entries must break the chain"
    assert problems[0] == (ids[1], "gap")


def test_purge_keeps_the_chain_verifiable(sessions: sessionmaker[Session]) -> None:
    old = [NOW - timedelta(days=900 - i) for i in range(3)]
    recent = [NOW - timedelta(days=10 - i) for i in range(2)]
    ids = _append(sessions, *old, *recent)
    with sessions.begin() as session:
        session.add(
            PermissionLog(
                at=NOW - timedelta(days=1200),
                actor="admin",
                action="assign",
                subject_type="assignment",
                subject_id="hh-1",
                detail={},
            )
        )
        session.add(
            PermissionLog(
                at=NOW - timedelta(days=800),
                actor="admin",
                action="assign",
                subject_type="assignment",
                subject_id="hh-2",
                detail={},
            )
        )
    with sessions.begin() as session:
        result = purge_expired(session, access_log_days=730, permission_log_days=1095, now=NOW)
    assert (result.access_log, result.permission_log) == (3, 1)
    with sessions() as session:
        rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
        remaining_perm = session.scalars(select(PermissionLog.subject_id)).all()
    assert [r.id for r in rows] == [ids[2], *ids[3:]]
    anchor = rows[0]
    assert anchor.action == ANCHOR_ACTION
    assert anchor.household_id is None and anchor.device_id is None and anchor.ip is None
    assert remaining_perm == ["hh-2"]
    assert _problems(sessions) == []

    # The chain goes on after a purge, and a second purge moves the anchor.
    more = _append(sessions, NOW)
    assert _problems(sessions) == []
    with sessions.begin() as session:
        result = purge_expired(session, access_log_days=5, permission_log_days=1095, now=NOW)
    assert result.access_log == 2
    with sessions() as session:
        rows = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [r.id for r in rows] == [ids[4], more[0]]
    assert rows[0].action == ANCHOR_ACTION
    assert _problems(sessions) == []


def test_purge_everything_then_append(sessions: sessionmaker[Session]) -> None:
    _append(sessions, *(NOW - timedelta(days=1000 + i) for i in range(3)))
    with sessions.begin() as session:
        assert (
            purge_expired(
                session, access_log_days=730, permission_log_days=1095, now=NOW
            ).access_log
            == 3
        )
    _append(sessions, NOW)
    assert _problems(sessions) == []


def test_anchor_in_the_middle_is_found(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW + timedelta(minutes=i) for i in range(4)))
    with sessions.begin() as session:
        session.execute(
            update(AccessLog).where(AccessLog.id == ids[2]).values(action=ANCHOR_ACTION)
        )
    assert (ids[2], "misplaced_anchor") in _problems(sessions)


def test_purge_refuses_a_broken_chain(sessions: sessionmaker[Session]) -> None:
    ids = _append(sessions, *(NOW - timedelta(days=1000 + i) for i in range(3)))
    with sessions.begin() as session:
        session.execute(delete(AccessLog).where(AccessLog.id == ids[1]))
    with sessions.begin() as session, pytest.raises(AuditError, match="does not verify"):
        purge_expired(session, access_log_days=730, permission_log_days=1095, now=NOW)
    with sessions() as session:
        assert len(session.scalars(select(AccessLog)).all()) == 2


def test_export_filters_by_time(sessions: sessionmaker[Session]) -> None:
    _append(sessions, *(NOW + timedelta(days=i) for i in range(5)))
    out = io.StringIO()
    with sessions() as session:
        count = export_access_log(
            session, out, since=NOW + timedelta(days=1), until=NOW + timedelta(days=3)
        )
    lines = out.getvalue().splitlines()
    assert count == 2
    assert lines[0].startswith("id,at,username")
    assert len(lines) == 3


def test_purge_forgets_old_stored_push_responses(sessions: sessionmaker[Session]) -> None:
    from sync.server.models import Device, District, PushRequestRecord, User

    with sessions.begin() as session:
        session.add(District(code="11440", name="마포구"))
        session.add(
            User(
                username="kim",
                display_name="kim",
                role="nurse",
                district_code="11440",
                password_hash="x",
            )
        )
        session.flush()
        session.add(Device(id="dev-1", username="kim", db_key=b"k" * 32))
        session.flush()
        for key, age in (("old-key-0000000001", 40), ("new-key-0000000002", 2)):
            session.add(
                PushRequestRecord(
                    device_id="dev-1",
                    idempotency_key=key,
                    request_hash="h",
                    response={},
                    created_at=NOW - timedelta(days=age),
                )
            )
    with sessions.begin() as session:
        result = purge_expired(
            session, access_log_days=730, permission_log_days=1095, push_request_days=30, now=NOW
        )
    assert result.push_requests == 1
    with sessions() as session:
        keys = session.scalars(select(PushRequestRecord.idempotency_key)).all()
    assert keys == ["new-key-0000000002"]


def test_concurrent_appends_keep_one_chain(sessions: sessionmaker[Session]) -> None:
    """Writers appending at the same time (own transactions) still form one unbroken chain."""
    import threading

    writers, each = 6, 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(each):
                with sessions.begin() as session:
                    append_access_log(
                        session, username=f"w{n}", action="view", household_id=f"hh-{n}-{i}"
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with sessions() as session:
        report = check_chain(session)
    assert report.ok, [str(p) for p in report.problems]
    assert report.entries == writers * each


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_typed_reason_is_never_a_formula_in_the_export(
    sessions: sessionmaker[Session], typed: str
) -> None:
    """CSV injection: a reason typed in the app, opened by an auditor in a spreadsheet, would
    run as a formula. It is written as text (a leading apostrophe) and reads back whole."""
    import csv

    from sync.server.spreadsheet_text import as_text_cell, from_text_cell

    with sessions.begin() as session:
        append_access_log(
            session, username="nurse1", action="export", reason=typed, device_id="d", at=NOW
        )
    out = io.StringIO()
    with sessions() as session:
        export_access_log(session, out)
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    cell = row[header.index("reason")]
    assert cell == "'" + typed and from_text_cell(cell) == typed
    assert as_text_cell("공덕동") == "공덕동" == from_text_cell("공덕동")
    assert from_text_cell("'plain") == "'plain"  # an apostrophe of the user's own stays
