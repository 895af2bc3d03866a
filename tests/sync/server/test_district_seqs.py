"""One commit-order counter per district: districts never wait on each other, and a cursor a
device took from the old global counter keeps its meaning across the upgrade (migration 0004).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin, db, syncing
from sync.server.models import Assignment, DistrictSeq, Feed, Household, ServerMeta
from tests.helpers.live_server import serving
from tests.helpers.world import DISTRICT, DONG, PASSWORD, Api, household_wire

#: A second district (강남구) beside the test world's (마포구).
OTHER, OTHER_DONG = "1168000000", "1168055500"


def _districts(s: Session) -> dict[str, str]:
    """Both districts with a dong and a nurse each; returns district -> nurse."""
    nurses = {}
    for code, dong, nurse in ((DISTRICT, DONG, "nurse-a"), (OTHER, OTHER_DONG, "nurse-b")):
        admin.create_district(s, code, f"가상구 {code[:5]}")
        admin.create_dong(s, dong, code, "가상동")
        admin.create_user(s, nurse, role="nurse", district_code=code, password=PASSWORD)
        nurses[code] = nurse
    return nurses


def _household(s: Session, district: str, dong: str, nurse: str) -> str:
    wire = household_wire(
        district_code=district, dong_code=dong, assignments={"visiting_health": nurse}
    )
    return admin.create_household(s, wire, actor="admin").id


@pytest.fixture
def sessions(migrated_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    try:
        with db.make_sessionmaker(engine)() as s:
            yield s
    finally:
        engine.dispose()


def test_each_district_numbers_its_own_changes_in_one_transaction(sessions: Session) -> None:
    s = sessions
    nurses = _districts(s)
    a = _household(s, DISTRICT, DONG, nurses[DISTRICT])
    b = _household(s, OTHER, OTHER_DONG, nurses[OTHER])
    s.commit()
    before = dict(s.execute(select(DistrictSeq.district_code, DistrictSeq.seq)).all())
    feed = syncing.FeedWriter(s)  # no district given: each change's household says which
    changes = [
        feed.add(p.ChangeKind.household, hid, hid, [nurses[d]])
        for hid, d in ((a, DISTRICT), (b, OTHER), (a, DISTRICT))
    ]
    feed.stamp()
    s.commit()
    after = dict(s.execute(select(DistrictSeq.district_code, DistrictSeq.seq)).all())
    assert after == {DISTRICT: before[DISTRICT] + 2, OTHER: before[OTHER] + 1}
    assert [c.seq for c in changes] == [
        before[DISTRICT] + 1,
        before[OTHER] + 1,
        before[DISTRICT] + 2,
    ]
    assert syncing.server_state(s, OTHER)[1] == after[OTHER]
    # A pull checks the cursor against the user's own district's counter.
    epoch = syncing.server_epoch(s)
    with pytest.raises(syncing.ResyncRequired):
        syncing.check_cursor(s, p.make_cursor(epoch, after[DISTRICT]), OTHER)
    assert syncing.check_cursor(s, p.make_cursor(epoch, after[OTHER]), OTHER)[1] == after[OTHER]


@pytest.mark.postgres
def test_a_transaction_in_one_district_never_waits_for_another(migrated_pg_url: str) -> None:
    """A change in 마포구 holds its district's counter row until it commits: a change in
    강남구 meanwhile commits at once, a second one in 마포구 waits (and here times out)."""
    engine = db.make_engine(migrated_pg_url)
    make = db.make_sessionmaker(engine)
    try:
        with make() as s:
            nurses = _districts(s)
            _household(s, DISTRICT, DONG, nurses[DISTRICT])
            _household(s, OTHER, OTHER_DONG, nurses[OTHER])
            s.commit()
        with make() as holder:
            _household(holder, DISTRICT, DONG, nurses[DISTRICT])  # stamped, not committed
            outcome: dict[str, str] = {}

            def other_writer(district: str, dong: str) -> None:
                with make() as s:
                    s.execute(text("SET LOCAL lock_timeout = '2s'"))
                    try:
                        _household(s, district, dong, nurses[district])
                        s.commit()
                        outcome[district] = "committed"
                    except OperationalError:
                        outcome[district] = "waited"

            for district, dong in ((OTHER, OTHER_DONG), (DISTRICT, DONG)):
                t = threading.Thread(target=other_writer, args=(district, dong))
                t.start()
                t.join(timeout=30)
            holder.rollback()
        assert outcome == {OTHER: "committed", DISTRICT: "waited"}
    finally:
        engine.dispose()


def _old_world(url: str) -> tuple[dict[str, str], dict[str, list[tuple[int, str]]]]:
    """A database at revision 0003 holding what the one global counter made: events of both
    districts numbered 1..10 alternately. Returns nurses and, per district, (seq, event id)."""
    db.upgrade(url, "0003")
    engine = db.make_engine(url)
    feed: dict[str, list[tuple[int, str]]] = {DISTRICT: [], OTHER: []}
    try:
        with db.make_sessionmaker(engine).begin() as s:
            nurses = _districts(s)
            homes = {}
            for code, dong in ((DISTRICT, DONG), (OTHER, OTHER_DONG)):
                hid = str(uuid.uuid4())
                wire = household_wire(hid, district_code=code, dong_code=dong)
                s.add(Household(**{k: v for k, v in wire.items() if k != "assignments"}))
                s.flush()
                s.add(
                    Assignment(household_id=hid, programme="visiting_health", username=nurses[code])
                )
                homes[code] = hid
            rows = []
            for seq in range(1, 11):
                code = DISTRICT if seq % 2 else OTHER
                event_id = str(uuid.uuid4())
                rows.append(
                    {
                        "id": event_id,
                        "household_id": homes[code],
                        "type": "note",
                        "programme": "visiting_health",
                        "created_by": nurses[code],
                        "device_id": "old-laptop",
                        "device_time": datetime(2026, 12, 1, 9, seq, tzinfo=UTC),
                        "payload": {"text": f"업그레이드 전 {seq}"},
                        "amends": None,
                        "skew_flag": False,
                        "server_time": datetime(2026, 12, 1, 9, seq, tzinfo=UTC),
                        "late_handover": False,
                        "received_seq": seq,
                    }
                )
                feed[code].append((seq, event_id))
            s.flush()
            syncing.insert_events(s, rows)
            s.execute(
                insert(Feed),
                [
                    {
                        "username": nurses[code],
                        "seq": seq,
                        "kind": "event",
                        "household_id": homes[code],
                        "ref_id": event_id,
                    }
                    for code, entries in feed.items()
                    for seq, event_id in entries
                ],
            )
            s.execute(update(ServerMeta).values(seq=10))
    finally:
        engine.dispose()
    return nurses, feed


def _event_ids(changes: list[dict]) -> list[str]:
    return [c["data"]["id"] for c in changes if c["kind"] == "event"]


def test_a_cursor_from_before_the_upgrade_loses_nothing_and_repeats_nothing(
    db_url: str,
) -> None:
    nurses, old_feed = _old_world(db_url)
    with serving(db_url) as server:  # migrates to head: 0004 makes the district counters
        with server.session() as s:
            counters = dict(s.execute(select(DistrictSeq.district_code, DistrictSeq.seq)).all())
        assert counters == {DISTRICT: 10, OTHER: 10}
        devices = {}
        for code, nurse in nurses.items():
            devices[code] = Api(server.base_url)
            assert devices[code].login(nurse).status_code == 200
        epoch = devices[DISTRICT].login_body["epoch"]
        # 마포구's laptop had pulled up to the old global seq 5 (its events 1, 3, 5);
        # 강남구's had pulled everything (up to 10).
        cursors = {DISTRICT: p.make_cursor(epoch, 5), OTHER: p.make_cursor(epoch, 10)}
        changes, cursors[DISTRICT] = devices[DISTRICT].pull_all(cursors[DISTRICT], limit=1)
        assert _event_ids(changes) == [e for seq, e in old_feed[DISTRICT] if seq > 5]
        changes, cursors[OTHER] = devices[OTHER].pull_all(cursors[OTHER])
        assert changes == []
        # New work after the upgrade, in both districts: each laptop gets its own, once.
        homes = {}
        with server.session() as s:
            for code in nurses:
                homes[code] = s.scalars(
                    select(Household.id).where(Household.district_code == code)
                ).one()
        pushed = {}
        for code, device in devices.items():
            item = device.event(homes[code], "note", {"text": "업그레이드 후"}, "visiting_health")
            assert device.push([item]).json()["results"][0]["status"] == "applied"
            pushed[code] = item["event"]["id"]
        for code, device in devices.items():
            changes, cursor = device.pull_all(cursors[code])
            assert _event_ids(changes) == [pushed[code]]
            assert all(c["seq"] > 10 for c in changes)
            changes, _ = device.pull_all(cursor)
            assert changes == []
        # A laptop that starts over receives the district's whole history once, in order.
        changes, _ = devices[DISTRICT].pull_all(None, limit=2)
        assert _event_ids(changes) == [e for _, e in old_feed[DISTRICT]] + [pushed[DISTRICT]]
        for device in devices.values():
            device.close()
