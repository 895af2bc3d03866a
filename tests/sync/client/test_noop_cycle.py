"""A sync with nothing to do writes nothing durable, and every reader still sees the right
last success: the engine's status, ``local_status`` (the CLI), after a restart too."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from sync.client import local_status, saved_status
from tests.helpers.live_server import LiveServer
from tests.helpers.sqltrace import traced_statements
from tests.helpers.world import World
from tests.sync.client.conftest import Device

MakeDevice = Callable[..., Device]

_WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "SAVEPOINT", "REPLACE")


def _statements(vol: Device, run: Callable[[], object]) -> list[str]:
    return traced_statements(vol.store, run)


def test_a_no_op_sync_writes_nothing_to_the_database_or_status_json(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    engine = vol.engine()
    first = engine.sync_once()
    assert first.completed and first.pulled
    engine.sync_once()  # settles the clock measurement
    status_before = vol.profile.status_path.read_bytes()
    stat_before = os.stat(vol.profile.status_path)
    success_before = engine.status().last_success

    report_holder: list[object] = []
    seen = _statements(vol, lambda: report_holder.append(engine.sync_once()))
    report = report_holder[0]
    assert report.completed and not report.pulled and not report.pushed  # type: ignore[attr-defined]
    writes = [s for s in seen if s.lstrip().upper().startswith(_WRITES)]
    assert writes == [], writes
    assert len(seen) <= 6, seen
    assert vol.profile.status_path.read_bytes() == status_before
    assert os.stat(vol.profile.status_path).st_mtime_ns == stat_before.st_mtime_ns

    # The last success moved on, and every reader says so.
    now = engine.status().last_success
    assert now is not None and success_before is not None and now > success_before
    assert local_status(vol.profile).last_success == now
    assert saved_status(vol.profile)["last_success"] == now.isoformat()
    vol.reopen()  # a restart: a new engine on the reopened store
    assert vol.engine().status().last_success == now


def test_a_lost_times_file_falls_back_to_status_json(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    durable = json.loads(vol.profile.status_path.read_text(encoding="utf-8"))["last_success"]
    vol.sync()
    vol.profile.times_path.write_text("", encoding="utf-8")  # a crash before the data reached disk
    status = local_status(vol.profile)
    assert status.last_success is not None and status.last_success.isoformat() == durable
    assert vol.engine().status().last_success == status.last_success
    vol.sync()  # the next sync writes it again
    assert local_status(vol.profile).last_success > status.last_success  # type: ignore[operator]


def test_a_sync_with_work_still_updates_status_json(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    vol.note(world.hh[0], "메모")
    assert vol.sync().pushed == 1
    saved = json.loads(vol.profile.status_path.read_text(encoding="utf-8"))
    assert saved["pending"] == 0 and saved["last_error"] is None
    assert saved["last_success"] == saved_status(vol.profile)["last_success"]
