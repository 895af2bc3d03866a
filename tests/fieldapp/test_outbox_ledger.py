"""The outbox ledger: kept outside the database, written durably, never ahead of the database
(a lower count is written before the COMMIT, a higher one after), and checked at open."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from fieldapp import keys, salvage
from fieldapp.outbox_ledger import LEDGER_FILE, LostRecordsError, OutboxLedger, store_figures
from fieldapp.profile import Profile, open_store, store_problem, unlock
from fieldapp.schema import ACCEPTED
from fieldapp.store import DamagedDatabaseError, Store
from tests.fieldapp.conftest import TEST_KEY

PASSWORD = "correct horse 12"
CHEAP = keys.KdfParams(time_cost=1, memory_cost_kib=64, parallelism=1)


def _event(store: Store, state: str = "pending") -> str:
    event_id = str(uuid.uuid4())
    with store.atomic() as db:
        db.execute(
            "INSERT INTO events (id, type, household_id, created_by, device_id, device_time, "
            "payload, sync_state, local_order) VALUES (?, 'note', 'h1', 'vol01', 'dev', ?, "
            "'{}', ?, (SELECT coalesce(max(local_order), 0) + 1 FROM events))",
            [event_id, f"2026-12-04T10:00:{store.db['events'].count:02d}+09:00", state],
        )
    return event_id


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    profile = Profile(tmp_path / "p")
    profile.save_info({"username": "vol01", "device_id": "dev", "server_url": "http://x"})
    keys.save_wrapped(profile.key_path, keys.wrap_key(TEST_KEY, PASSWORD, kdf=CHEAP))
    Store.open(profile.store_path, TEST_KEY, create=True).close()
    return profile


def _ledger(profile: Profile) -> dict[str, object]:
    return json.loads((profile.path / LEDGER_FILE).read_text(encoding="utf-8"))


def test_the_ledger_follows_every_commit_and_is_owner_only(profile: Profile) -> None:
    with unlock(profile, PASSWORD) as store:
        first = _event(store)
        _event(store)
        ledger = _ledger(profile)
        assert ledger["unacknowledged"] == 2 and ledger["database_id"] == store.database_id
        assert ledger["oldest_time"] == "2026-12-04T10:00:00+09:00"
        with store.atomic() as db:
            db.execute("UPDATE events SET sync_state = ? WHERE id = ?", [ACCEPTED, first])
        assert _ledger(profile)["unacknowledged"] == 1
        assert _ledger(profile)["newest_id"] != first
    assert (profile.path / LEDGER_FILE).stat().st_mode & 0o077 == 0


def test_a_lower_count_is_written_before_the_commit(profile: Profile) -> None:
    """A crash between the two writes must leave the ledger lower than the database (safe),
    never higher (a false alarm): an acknowledgement that rolls back leaves it lower."""
    with unlock(profile, PASSWORD) as store:
        ids = [_event(store) for _ in range(3)]
        with pytest.raises(RuntimeError), store.atomic() as db:
            db.execute("UPDATE events SET sync_state = ? WHERE id = ?", [ACCEPTED, ids[0]])
            store.commit_hooks.append(lambda _s: (_ for _ in ()).throw(RuntimeError("crash")))
        store.commit_hooks.pop()
        assert _ledger(profile)["unacknowledged"] == 2  # written before the failed COMMIT
        assert store_figures(store).unacknowledged == 3
    with unlock(profile, PASSWORD) as store:  # the database holds more: no alarm, caught up
        assert _ledger(profile)["unacknowledged"] == 3


def test_fewer_records_than_counted_stop_the_open(profile: Profile) -> None:
    with unlock(profile, PASSWORD) as store:
        for _ in range(4):
            _event(store)
        with store.atomic() as db:  # as if these had been lost with a -wal
            db.execute("DELETE FROM events WHERE local_order > 1")
        store.commit_hooks.clear()
        OutboxLedger(profile.path).write({**_ledger(profile), "unacknowledged": 4})
    with pytest.raises(LostRecordsError, match="3 records are missing"):
        unlock(profile, PASSWORD)
    assert "3 records are missing" in (store_problem(profile) or "")


def test_a_replaced_database_is_noticed(profile: Profile) -> None:
    with unlock(profile, PASSWORD) as store:
        _event(store)
    for suffix in ("", "-wal", "-shm"):
        Path(str(profile.store_path) + suffix).unlink(missing_ok=True)
    Store.open(profile.store_path, TEST_KEY, create=True).close()  # another database
    with pytest.raises(LostRecordsError, match="was replaced"):
        unlock(profile, PASSWORD)


def test_an_empty_file_is_refused_never_initialised(profile: Profile) -> None:
    profile.store_path.write_bytes(b"")
    for create in (False, True):
        with pytest.raises(DamagedDatabaseError, match="empty"):
            Store.open(profile.store_path, TEST_KEY, create=create)
    assert profile.store_path.stat().st_size == 0
    with pytest.raises(DamagedDatabaseError, match="export-pending"):
        open_store(profile, TEST_KEY)


def test_salvage_reads_the_columns_from_the_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db", TEST_KEY, create=True) as store:
        for table, columns in salvage.table_columns().items():
            found = tuple(r[1] for r in store.conn.execute(f"PRAGMA table_info({table})"))
            assert found == columns, table


def test_salvage_reads_past_a_cut_and_an_overwritten_header(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path, TEST_KEY, create=True) as store:
        pending = {_event(store) for _ in range(40)}
        accepted = {_event(store, ACCEPTED) for _ in range(40)}
        with store.atomic() as db:
            db.execute("UPDATE events SET payload = ? WHERE local_order % 5 = 0", ["가" * 3000])
        live = salvage.salvage(path, TEST_KEY)  # an open database: its -wal counts too
        assert {r["id"] for r in live.unsent("events")} == pending
    salt = path.read_bytes()[:16]
    header = tmp_path / "h.db"
    shutil.copyfile(path, header)
    with header.open("r+b") as fh:
        fh.write(bytes(16))
    found = salvage.salvage(header, TEST_KEY, [salt])
    assert {r["id"] for r in found.unsent("events")} == pending and not found.unreadable_pages
    assert not {r["id"] for r in found.unsent("events")} & accepted
    exported = salvage.export(found)
    assert len(exported["events"]) == 40 and exported["events"][0]["sync_state"] == "pending"


def test_two_connections_keep_one_ledger_in_step(profile: Profile) -> None:
    """The app and `fieldapp-sync` may hold the same database at once: each compares with
    the ledger on disk, never with what it wrote itself."""
    with unlock(profile, PASSWORD) as one, unlock(profile, PASSWORD) as two:
        mine = _event(one)
        _event(two)
        assert _ledger(profile)["unacknowledged"] == 2
        with one.atomic() as db:
            db.execute("UPDATE events SET sync_state = ? WHERE id = ?", [ACCEPTED, mine])
        assert _ledger(profile)["unacknowledged"] == 1
    unlock(profile, PASSWORD).close()  # no false alarm


def test_status_knows_a_missing_database_without_the_key(profile: Profile) -> None:
    assert store_problem(profile) is None
    profile.store_path.unlink()
    assert "is missing" in (store_problem(profile) or "")


@pytest.mark.parametrize(
    "content",
    [
        '{"unacknowledged": "x"}',
        '{"unacknowledged": -3}',
        '{"unacknowledged": true}',
        '{"unacknowledged": 2.5}',
        '{"unacknowledged": 1, "oldest_time": 7}',
        '{"unacknowledged": 1, "database_salt": ["ab"]}',
        "[1, 2]",
    ],
)
def test_a_malformed_ledger_is_set_aside_like_an_unreadable_one(
    profile: Profile, content: str
) -> None:
    """A ledger edited or damaged into another shape is not half used (a crash in status,
    a count read as text): it is treated as unreadable, and the database still opens."""
    (profile.path / LEDGER_FILE).write_text(content, encoding="utf-8")
    assert profile.ledger.read() == {}
    assert store_problem(profile) is None
    open_store(profile, TEST_KEY).close()
    assert _ledger(profile)["unacknowledged"] == 0  # a new, well-formed ledger
