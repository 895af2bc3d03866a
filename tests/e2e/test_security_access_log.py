"""The access log as an insider would attack it: editing or deleting stored entries.

Entries are made the real way: a worker's laptop records views/edits/prints of households
(``records.log_access``) and syncs them. Then someone with write access to the server's
database changes one entry (with and without recomputing its hash) or deletes one, and
``fieldapp-server verify-access-log`` must exit non-zero naming the entry.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from fieldapp import records
from sync.client import SyncEngine
from sync.server import cli
from sync.server.accesslog import entry_hash
from sync.server.models import AccessLog
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import PASSWORD, World


@pytest.fixture
def live(migrated_db_url: str) -> Iterator[LiveServer]:
    """The real server on SQLite and, where one is configured, on PostgreSQL too."""
    with serving(migrated_db_url) as server:
        yield server


def record_accesses(live: LiveServer, world: World, laptop: Callable[..., Any]) -> list[int]:
    """vol1's laptop views, edits and prints its households and syncs; the entry ids."""
    device = laptop(world.vol1)
    engine = SyncEngine(device.profile, device.store, password=PASSWORD)
    engine.sync_once()
    for hid, action in [
        (world.hh[0], "view"),
        (world.hh[1], "view"),
        (world.hh[0], "edit"),
        (world.hh[1], "print"),
        (world.hh[0], "view"),
    ]:
        records.log_access(
            device.store,
            hid,
            action,
            user=world.vol1,
            device_id=device.device_id,
            reason="보호자 요청" if action == "print" else None,
        )
    engine.sync_once()
    with live.session() as s:
        ids = list(s.scalars(select(AccessLog.id).order_by(AccessLog.id)))
    assert len(ids) == 5, "every access reached the server's log"
    return ids


def verify(live: LiveServer, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--database-url", live.database_url, "verify-access-log"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_intact_log_verifies(live, world, laptop, memory_keyring, capsys) -> None:
    record_accesses(live, world, laptop)
    code, output = verify(live, capsys)
    assert code == 0, output
    assert "intact: 5 entries" in output


def tamper_update(live: LiveServer, entry_id: int) -> None:
    """Move an access to another household, as someone covering their tracks would."""
    with live.session() as s:
        s.execute(
            text("UPDATE access_log SET household_id = :h, action = 'view' WHERE id = :i"),
            {"h": "00000000-0000-4000-8000-000000000000", "i": entry_id},
        )


def tamper_update_and_rehash(live: LiveServer, entry_id: int) -> None:
    """The same, and the stored hash recomputed to match (the next link then breaks)."""
    with live.session() as s:
        entry = s.get(AccessLog, entry_id)
        assert entry is not None
        entry.username = "nurse2"
        entry.hash = entry_hash(entry.prev_hash, entry)


def tamper_delete(live: LiveServer, entry_id: int) -> None:
    with live.session() as s:
        s.execute(text("DELETE FROM access_log WHERE id = :i"), {"i": entry_id})


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (tamper_update, lambda ids: ids[2]),
        (tamper_update_and_rehash, lambda ids: ids[3]),  # the entry after it no longer links
        (tamper_delete, lambda ids: ids[3]),  # the entry after the gap is named
    ],
    ids=["update", "update-and-rehash", "delete"],
)
def test_a_changed_or_deleted_entry_is_detected_and_named(
    live, world, laptop, memory_keyring, capsys, tamper: Any, named: Any
) -> None:
    ids = record_accesses(live, world, laptop)
    tamper(live, ids[2])
    code, output = verify(live, capsys)
    assert code != 0, output
    assert "NOT intact" in output
    assert f"access-log entry {named(ids)}:" in output, output


def test_the_installed_command_exits_non_zero_on_a_deleted_entry(
    live, world, laptop, memory_keyring
) -> None:
    """The same through a separate process, as an administrator runs it."""
    ids = record_accesses(live, world, laptop)
    tamper_delete(live, ids[1])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--database-url",
            live.database_url,
            "verify-access-log",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"access-log entry {ids[2]}:" in proc.stderr
