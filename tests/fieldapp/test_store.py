"""The encrypted local store: keying, refusing, migrating, error mapping, crash safety."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlcipher3
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from fieldapp import records, schema
from fieldapp.errors import (
    CorruptError,
    DiskFullError,
    LockedError,
    ReadOnlyError,
    StoreError,
    TooNewError,
    WrongKeyError,
)
from fieldapp.store import Store, translate_errors
from tests.fieldapp.conftest import TEST_KEY

MARKER = "합성표식-marker-7731"  # a synthetic string to look for in the raw file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(path: Path) -> dict[str, str]:
    """Every file next to *path* with its hash (catches -wal/-shm files being made)."""
    return {p.name: _digest(p) for p in sorted(path.parent.iterdir())}


def _closed_store_with_marker(path: Path) -> None:
    with Store.open(path, TEST_KEY, create=True) as s:
        s.set_meta("marker", MARKER)


# ------------------------------------------------------------------ opening and keys


def test_new_store_is_migrated_wal_and_full_sync(store: Store) -> None:
    assert store.schema_steps == list(schema.SCHEMA_STEPS)
    assert {"households", "events", "household_edits", "drafts", "meta"} <= set(
        store.db.table_names()
    )
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_meta_round_trips_json(store: Store) -> None:
    assert store.get_meta("cursor") is None
    assert store.get_meta("cursor", "e:0") == "e:0"
    store.set_meta("cursor", {"epoch": "abc", "seq": 5, "이름": "값"})
    store.set_meta("cursor", {"epoch": "abc", "seq": 6})
    assert store.get_meta("cursor") == {"epoch": "abc", "seq": 6}


def test_reopen_with_the_same_key_keeps_data(store_path: Path) -> None:
    _closed_store_with_marker(store_path)
    with Store.open(store_path, TEST_KEY) as s:
        assert s.get_meta("marker") == MARKER
        assert s.schema_steps == list(schema.SCHEMA_STEPS)


def test_file_is_unreadable_by_plain_sqlite(store_path: Path) -> None:
    _closed_store_with_marker(store_path)
    raw = store_path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert MARKER.encode() not in raw
    before = _folder(store_path)
    plain = sqlite3.connect(store_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            plain.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        plain.close()
    assert _folder(store_path) == before


def test_wrong_key_is_refused_and_file_left_intact(store_path: Path) -> None:
    _closed_store_with_marker(store_path)
    before = _folder(store_path)
    with pytest.raises(WrongKeyError, match="key does not match") as info:
        Store.open(store_path, bytes(32))
    assert "not changed" in str(info.value)
    assert _folder(store_path) == before
    with Store.open(store_path, TEST_KEY) as s:  # the right key still works
        assert s.get_meta("marker") == MARKER


def test_a_plain_sqlite_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    before = _folder(path)
    with pytest.raises(WrongKeyError):
        Store.open(path, TEST_KEY)
    assert _folder(path) == before


def test_missing_file_without_create_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    with pytest.raises(StoreError, match="no local database"):
        Store.open(path, TEST_KEY)
    assert not path.exists()


def test_path_with_hangul_spaces_and_uri_characters(tmp_path: Path) -> None:
    """Windows profile folders can hold Korean user names; '#' and '?' must not cut the URI."""
    path = tmp_path / "사용자 폴더#1?x" / "local.db"
    _closed_store_with_marker(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["local.db"]
    with Store.open(path, TEST_KEY) as s:
        assert s.get_meta("marker") == MARKER


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(tmp_path, TEST_KEY)


def test_key_must_be_32_bytes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Store.open(tmp_path / "x.db", b"short", create=True)
    assert not (tmp_path / "x.db").exists()


def test_create_key_is_random_32_bytes() -> None:
    keys = {Store.create_key() for _ in range(8)}
    assert len(keys) == 8
    assert all(len(k) == 32 for k in keys)


# ------------------------------------------------------------------ versions and migrations


def test_too_new_database_is_refused_and_unchanged(store_path: Path) -> None:
    with Store.open(store_path, TEST_KEY, create=True) as s, s.atomic() as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ["fieldapp", "0999_from_the_future", "2030-01-01 00:00:00+00:00"],
        )
    before = _folder(store_path)
    with pytest.raises(TooNewError, match="newer version of 돌봄노트") as info:
        Store.open(store_path, TEST_KEY)
    assert "update the app" in str(info.value)
    assert "0999_from_the_future" in str(info.value)
    assert _folder(store_path) == before


def test_steps_of_another_migration_set_do_not_count_as_too_new(store_path: Path) -> None:
    with Store.open(store_path, TEST_KEY, create=True) as s, s.atomic() as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ["some_plugin", "0001_other", "2030-01-01 00:00:00+00:00"],
        )
    Store.open(store_path, TEST_KEY).close()


def _patched_migrations(monkeypatch: pytest.MonkeyPatch, *, fail_in_last: bool) -> tuple[str, ...]:
    """Make the app know two more steps: 9002 adds a table, 9003 alters one and may fail."""
    steps = Migrations("fieldapp")
    for step in schema.migrations._migrations:
        steps(name=step.name, transactional=step.transactional)(step.fn)

    @steps(name="9002_extra_table")
    def _extra(db: Database) -> None:
        db.execute("CREATE TABLE extra (x TEXT)")
        db.execute("INSERT INTO extra VALUES ('written by 9002')")

    @steps(name="9003_breaks")
    def _breaks(db: Database) -> None:
        db.execute("ALTER TABLE households ADD COLUMN added_by_9003 TEXT")
        if fail_in_last:
            raise RuntimeError("step 9003 failed")

    names = tuple(m.name for m in steps._migrations)
    monkeypatch.setattr(schema, "migrations", steps)
    monkeypatch.setattr(schema, "SCHEMA_STEPS", names)
    return names


def test_failing_step_on_a_new_database_leaves_nothing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patched_migrations(monkeypatch, fail_in_last=True)
    with pytest.raises(RuntimeError, match="step 9003 failed"):
        Store.open(store_path, TEST_KEY, create=True)
    monkeypatch.undo()
    conn = sqlcipher3.connect(str(store_path))
    try:
        conn.execute(f"PRAGMA key = \"x'{TEST_KEY.hex()}'\"")
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    finally:
        conn.close()


def test_failing_later_step_rolls_back_earlier_pending_steps(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(store_path, TEST_KEY, create=True).close()  # at the current steps
    _patched_migrations(monkeypatch, fail_in_last=True)
    with pytest.raises(RuntimeError, match="step 9003 failed"):
        Store.open(store_path, TEST_KEY)
    monkeypatch.undo()
    with Store.open(store_path, TEST_KEY) as s:
        assert s.schema_steps == list(schema.SCHEMA_STEPS)
        assert "extra" not in s.db.table_names()
        assert "added_by_9003" not in s.db["households"].columns_dict


def test_pending_steps_apply_together(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(store_path, TEST_KEY, create=True).close()
    names = _patched_migrations(monkeypatch, fail_in_last=False)
    with Store.open(store_path, TEST_KEY) as s:
        assert tuple(s.schema_steps) == names
        assert [r["x"] for r in s.db.query("SELECT x FROM extra")] == ["written by 9002"]
        assert "added_by_9003" in s.db["households"].columns_dict
    monkeypatch.undo()
    with pytest.raises(TooNewError):  # the older app now refuses it
        Store.open(store_path, TEST_KEY)


# ------------------------------------------------------------------ transactions


def test_atomic_commits_and_rolls_back(store: Store) -> None:
    with store.atomic() as db:
        db.execute("INSERT INTO meta VALUES ('a', '1')")
    with pytest.raises(KeyError), store.atomic() as db:
        db.execute("INSERT INTO meta VALUES ('b', '2')")
        raise KeyError("boom")
    assert store.get_meta("a") == 1
    assert store.get_meta("b") is None
    assert not store.conn.in_transaction


def test_nested_atomic_rolls_back_only_the_inner_block(store: Store) -> None:
    with store.atomic() as db:
        db.execute("INSERT INTO meta VALUES ('outer', '1')")
        with pytest.raises(KeyError), store.atomic():
            db.execute("INSERT INTO meta VALUES ('inner', '2')")
            raise KeyError("inner fails")
        with store.atomic():
            db.execute("INSERT INTO meta VALUES ('inner2', '3')")
    assert store.get_meta("outer") == 1
    assert store.get_meta("inner") is None
    assert store.get_meta("inner2") == 3


def test_atomic_takes_the_write_lock_at_begin(store: Store, store_path: Path) -> None:
    other = Store.open(store_path, TEST_KEY, busy_timeout_ms=20)
    try:
        with store.atomic():
            with (
                pytest.raises(LockedError, match="in use by another program"),
                other.atomic(),
            ):
                pass
            assert not other.conn.in_transaction
    finally:
        other.close()


def test_lock_serializes_threads(store: Store) -> None:
    """Two threads writing through one store never interleave inside a transaction."""
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(50):
                with store.atomic() as db:
                    db.execute("INSERT INTO meta VALUES (?, '0')", [f"{prefix}{i}"])
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    before = store.db["meta"].count
    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.db["meta"].count == before + 100


def test_closed_store_says_so(store: Store) -> None:
    store.close()
    store.close()  # harmless
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        store.get_meta("x")


# ------------------------------------------------------------------ error mapping


def test_disk_full_is_mapped(store: Store) -> None:
    before = store.db["meta"].count
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskFullError, match="disk is full"), store.atomic() as db:
        for i in range(200):
            db.execute("INSERT INTO meta VALUES (?, ?)", [str(i), "x" * 2000])
    assert store.db["meta"].count == before  # nothing half-written


def test_read_only_database_is_mapped(store: Store) -> None:
    store.set_meta("before", 1)
    store.conn.execute("PRAGMA query_only = 1")
    with pytest.raises(ReadOnlyError, match="cannot be written"):
        store.set_meta("after", 2)
    assert store.get_meta("before") == 1


def _permissions_enforced(folder: Path) -> bool:
    """False when this user can write a read-only file anyway (root with CAP_DAC_OVERRIDE)."""
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        with probe.open("a"):
            return False
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)
        probe.unlink()


def test_read_only_file_is_mapped(store_path: Path, tmp_path: Path) -> None:
    if not _permissions_enforced(tmp_path):
        pytest.skip("this user ignores file permissions (root); query_only covers the mapping")
    _closed_store_with_marker(store_path)
    before = _digest(store_path)
    store_path.chmod(0o444)
    try:
        with (
            pytest.raises(ReadOnlyError, match="cannot be written"),
            Store.open(store_path, TEST_KEY) as s,
        ):
            s.set_meta("x", 1)
    finally:
        store_path.chmod(0o644)
    assert _digest(store_path) == before  # (an empty -wal and the -shm may stay behind)
    with Store.open(store_path, TEST_KEY) as s:
        assert s.get_meta("marker") == MARKER


def test_corrupt_page_is_mapped(store_path: Path) -> None:
    with Store.open(store_path, TEST_KEY, create=True) as s, s.atomic() as db:
        for i in range(300):
            db.execute("INSERT INTO drafts VALUES (?, NULL, 'note', ?, 'now')", [str(i), "x" * 500])
    data = bytearray(store_path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xff" * 8192
    store_path.write_bytes(bytes(data))
    with (
        Store.open(store_path, TEST_KEY) as s,
        pytest.raises(CorruptError, match="damaged"),
        s.reading() as db,
    ):
        list(db.query("SELECT sum(length(data)) FROM drafts"))


def test_sql_mistakes_are_bugs_not_store_errors(store: Store) -> None:
    with pytest.raises(Exception, match="no such table") as info, translate_errors(store.path):
        store.conn.execute("SELECT * FROM no_such_table")
    assert not isinstance(info.value, StoreError)


# ------------------------------------------------------------------ crash safety

_CHILD = """
import sys
from pathlib import Path
from fieldapp import records
from fieldapp.store import Store

store = Store.open(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
i = 0
while True:
    event = records.append_event(store, {
        "type": "note", "household_id": sys.argv[3], "created_by": "vol_test",
        "device_id": "device-kill-test", "payload": {"text": "메모 " + "가" * (i % 2000)},
    })
    print(event["id"], flush=True)
    i += 1
"""
_HOUSEHOLD = {
    "id": "33333333-3333-4333-8333-333333333333",
    "district_code": "11440",
    "dong_code": "1144055500",
    "household_type": "elderly_alone",
    "address_road": "서울특별시 마포구 가상로 1",
}


@pytest.mark.timeout(120)
def test_sigkill_mid_write_loop_keeps_every_committed_event(store_path: Path) -> None:
    with Store.open(store_path, TEST_KEY, create=True) as s:
        records.upsert_households(s, [_HOUSEHOLD])
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(store_path), TEST_KEY.hex(), _HOUSEHOLD["id"]],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    committed: list[str] = []
    for line in child.stdout:
        committed.append(line.strip())
        if len(committed) == 200:
            child.kill()  # SIGKILL on POSIX: no cleanup, no final commit
            break
    child.wait()
    committed.extend(line.strip() for line in child.stdout if line.strip())
    child.stdout.close()
    assert child.returncode != 0
    with Store.open(store_path, TEST_KEY) as s:
        assert s.integrity_check() == ["ok"]
        stored = {r["id"] for r in s.db.query("SELECT id FROM events")}
        orders = [r["local_order"] for r in s.db.query("SELECT local_order FROM events")]
    assert set(committed) <= stored
    assert len(stored) - len(committed) in (0, 1)  # at most the one in flight
    assert sorted(orders) == list(range(1, len(orders) + 1))


def test_a_step_outside_a_transaction_is_refused(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = Migrations("fieldapp")
    for step in schema.migrations._migrations:
        steps(name=step.name)(step.fn)
    steps(name="9004_vacuum", transactional=False)(lambda db: db.execute("VACUUM"))
    monkeypatch.setattr(schema, "migrations", steps)
    monkeypatch.setattr(schema, "SCHEMA_STEPS", tuple(m.name for m in steps._migrations))
    with pytest.raises(RuntimeError, match="must be transactional"):
        Store.open(store_path, TEST_KEY, create=True)
