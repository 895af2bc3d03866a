"""A record the server already holds that a laptop cannot store (a lone UTF-16 surrogate in
its text) is set aside in quarantine with a clear line; the rest of the pull lands."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from sqlalchemy import func, update

from fieldapp import syncstate
from sync.server import admin, models
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, World
from tests.sync.client.conftest import BOTH_DATABASES, Device
from tests.sync.client.test_kill import fieldapp_sync

MARK = "POISON-MARK"
MakeDevice = Callable[..., Device]


def _poison(live: LiveServer, event_id: str) -> None:
    """Turn the event's text into a lone surrogate in the server's stored wire JSON (as an
    older server let in; the server now refuses such text at the push)."""
    with live.session() as s:
        done = s.execute(
            update(models.Event)
            .where(models.Event.id == event_id, models.Event.wire.is_not(None))
            .values(wire=func.replace(models.Event.wire, MARK, "\\ud800x"))
        )
        assert done.rowcount == 1


@BOTH_DATABASES
def test_a_record_the_laptop_cannot_store_is_set_aside_and_the_pull_goes_on(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    first = make_device("vol1")
    first.sync()
    poisoned = first.note(world.hh[0], MARK)
    later = [first.note(world.hh[1], f"다음 기록 {i}") for i in range(3)]
    assert first.sync().applied == 4
    _poison(live, poisoned)

    # A fresh laptop of the same worker, with small pages: the poisoned record's page and
    # the later pages all land, the cursor moves on, and the record is in quarantine.
    fresh = make_device("vol1")
    report = fresh.sync(pull_limit=2)
    assert report.completed
    assert fresh.household_ids() == {world.hh[0], world.hh[1]}
    assert set(later) <= fresh.event_ids() and poisoned not in fresh.event_ids()
    assert [item for item, _reason in report.set_aside] == [poisoned]
    assert "lone UTF-16 surrogate" in report.set_aside[0][1]
    counts = syncstate.local_counts(fresh.store)
    assert counts.quarantined == 1 and counts.cursor
    (kept,) = syncstate.list_quarantine(fresh.store)
    assert kept["id"] == poisoned and kept["data"]["payload"]["text"] == "\ud800x"
    again = fresh.sync()  # the next sync is a quiet one
    assert again.completed and not again.set_aside

    # status counts it, export-pending writes it out (the text as its JSON escape).
    fresh.close()
    profile = str(fresh.profile.path)
    out = subprocess.run(
        fieldapp_sync("--profile", profile, "status", "--json"), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["quarantined"] == 1
    export = fresh.profile.path / "out.json"
    out = subprocess.run(
        fieldapp_sync("--profile", profile, "export-pending", str(export), "--password-stdin"),
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "1 quarantined" in out.stdout and "Traceback" not in out.stderr
    (item,) = json.loads(export.read_text(encoding="utf-8"))["quarantine"]
    assert item["data"]["payload"]["text"] == "\ud800x"

    # After a reassignment the new worker's healthy laptop is fine too.
    vol2 = make_device("vol2")
    vol2.sync()
    with live.session() as s:
        admin.assign_household(s, world.hh[0], "welfare_check", "vol2", actor="sup1", reason="x")
    moved = vol2.sync()
    assert moved.completed and world.hh[0] in vol2.household_ids()
    assert [item for item, _reason in moved.set_aside] == [poisoned]
