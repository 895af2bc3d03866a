"""Upgrades of the local database, from a file the first released schema wrote.

``tests/fixtures/store_v1/local.sqlcipher`` was made by ``make_fixture.py`` beside it with only
the ``0001_initial`` step. Its key is the fixed TEST key ``bytes(range(32))`` (hex
``000102…1f``); it protects nothing but synthetic rows. A newer app must open it by applying
its later steps in one transaction, keeping every row; an app that knows fewer steps than a
database has must refuse it with a clear message and leave the file byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from fieldapp import schema
from fieldapp.errors import TooNewError
from fieldapp.store import Store

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "store_v1"


def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "store_v1_make_fixture", FIXTURE_DIR / "make_fixture.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


maker = _load_maker()
FIXTURE_KEY: bytes = maker.FIXTURE_KEY
assert bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") == (
    FIXTURE_KEY
)


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """A private copy of the v1 fixture database."""
    target = tmp_path / "profile" / "local.db"
    target.parent.mkdir()
    shutil.copyfile(maker.FIXTURE_PATH, target)
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _future_steps(*extra: tuple[str, object]) -> Migrations:
    """The app's real steps plus *extra* (name, function) steps, as a newer app has them."""
    future = Migrations(schema.migrations.name)
    for step in schema.migrations._migrations:
        future(name=step.name, transactional=step.transactional)(step.fn)
    for name, fn in extra:
        future(name=name)(fn)  # type: ignore[arg-type]
    return future


@pytest.fixture
def newer_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Make the app know one more step, which adds and fills a column (yields its name)."""

    def add_channel(db: Database) -> None:
        db.execute("ALTER TABLE events ADD COLUMN channel TEXT")
        db.execute("UPDATE events SET channel = 'field'")

    name = "9001_test_event_channel"
    future = _future_steps((name, add_channel))
    monkeypatch.setattr(schema, "migrations", future)
    monkeypatch.setattr(schema, "SCHEMA_STEPS", (*schema.SCHEMA_STEPS, name))
    yield name


def _assert_fixture_rows(store: Store) -> None:
    db = store.db
    households = list(db.query("SELECT * FROM households"))
    assert [h["id"] for h in households] == [maker.HOUSEHOLD_ID]
    assert json.loads(households[0]["persons"])[0]["name"] == "가온누리"
    events = list(db.query("SELECT id, type, sync_state FROM events ORDER BY local_order"))
    assert [(e["id"], e["type"], e["sync_state"]) for e in events] == [
        (maker.EVENT_IDS[0], "welfare_check", "accepted"),
        (maker.EVENT_IDS[1], "note", "pending"),
    ]
    edits = list(db.query("SELECT id, sync_state FROM household_edits"))
    assert edits == [{"id": maker.EDIT_ID, "sync_state": "pending"}]
    assert store.get_meta("pull_cursor") == {"epoch": 1, "seq": 42}
    assert store.integrity_check() == ["ok"]


def test_fixture_is_a_first_schema_database(v1_copy: Path) -> None:
    with maker.first_schema_only():
        store = Store.open(v1_copy, FIXTURE_KEY)
        try:
            assert store.schema_steps == ["0001_initial"]
            _assert_fixture_rows(store)
        finally:
            store.close()


def test_current_app_opens_v1_database(v1_copy: Path) -> None:
    store = Store.open(v1_copy, FIXTURE_KEY)
    try:
        assert store.schema_steps == list(schema.SCHEMA_STEPS)
        _assert_fixture_rows(store)
    finally:
        store.close()


def test_newer_app_migrates_v1_database_keeping_rows(v1_copy: Path, newer_app: str) -> None:
    store = Store.open(v1_copy, FIXTURE_KEY)
    try:
        assert store.schema_steps[-1] == newer_app
        assert store.schema_steps[0] == "0001_initial"
        _assert_fixture_rows(store)
        channels = {r["channel"] for r in store.db.query("SELECT channel FROM events")}
        assert channels == {"field"}
    finally:
        store.close()


def test_failing_step_rolls_back_every_step(v1_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps run in one transaction: a failure in the last one undoes the ones before it."""

    def good(db: Database) -> None:
        db.execute("CREATE TABLE test_upgrade_marker (x INTEGER)")

    def broken(db: Database) -> None:
        db.execute("UPDATE events SET payload = 'damaged'")
        raise RuntimeError("step failed halfway")

    future = _future_steps(("9001_good", good), ("9002_broken", broken))
    monkeypatch.setattr(schema, "migrations", future)
    monkeypatch.setattr(schema, "SCHEMA_STEPS", tuple(m.name for m in future._migrations))
    with pytest.raises(RuntimeError, match="halfway"):
        Store.open(v1_copy, FIXTURE_KEY)
    monkeypatch.undo()
    store = Store.open(v1_copy, FIXTURE_KEY)
    try:
        assert store.schema_steps == list(schema.SCHEMA_STEPS)
        assert not store.db["test_upgrade_marker"].exists()
        _assert_fixture_rows(store)
        payloads = [r["payload"] for r in store.db.query("SELECT payload FROM events")]
        assert "damaged" not in payloads
    finally:
        store.close()


def test_older_app_refuses_newer_database_and_leaves_it_untouched(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch, newer_app: str
) -> None:
    Store.open(v1_copy, FIXTURE_KEY).close()  # the newer app upgrades the file
    monkeypatch.undo()  # back to this app, which does not know the newer step
    assert newer_app not in schema.SCHEMA_STEPS
    before = _digest(v1_copy)
    siblings = sorted(p.name for p in v1_copy.parent.iterdir())

    with pytest.raises(TooNewError) as caught:
        Store.open(v1_copy, FIXTURE_KEY)

    message = str(caught.value)
    assert "newer version" in message and newer_app in message
    assert "update" in message.lower() and "not changed" in message
    assert _digest(v1_copy) == before
    assert sorted(p.name for p in v1_copy.parent.iterdir()) == siblings
