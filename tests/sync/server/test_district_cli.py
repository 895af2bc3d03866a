"""``fieldapp-server reassign``: the same reassignment as the supervisor route."""

from __future__ import annotations

import io
import json
import sys

from sqlalchemy import select

from sync.server.cli import main
from sync.server.models import Assignment, PermissionLog


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _owner(live, hid: str) -> str | None:
    with live.session() as s:
        return s.get(Assignment, (hid, "welfare_check")).username


def test_dry_run_prints_the_preview_and_changes_nothing(live, world, api, capsys, monkeypatch):
    vol1 = api(world.vol1)
    vol1.pull(pending=4).raise_for_status()
    base = ("--database-url", live.database_url, "reassign")
    status, out, err = run(
        capsys, monkeypatch, *base, "--from", "vol1", "--to", "vol2",
        "--programme", "welfare_check", "--dry-run",
    )  # fmt: skip
    assert status == 0, err
    assert "2 household(s) would move to vol2" in out
    assert f"device {vol1.device_id} of vol1 may hold unsynced records (pending 4" in out
    assert _owner(live, world.hh[0]) == world.vol1
    status, out, _ = run(
        capsys, monkeypatch, *base, "--household", world.hh[0], "--to", "vol2",
        "--programme", "welfare_check", "--dry-run", "--json",
    )  # fmt: skip
    assert status == 0
    preview = json.loads(out)
    assert [m["household_id"] for m in preview["moving"]] == [world.hh[0]]


def test_apply_needs_a_reason_and_logs_the_batch(live, world, capsys, monkeypatch) -> None:
    base = ("--database-url", live.database_url, "reassign", "--from", "vol1", "--to", "vol2")
    status, _, err = run(capsys, monkeypatch, *base, "--programme", "welfare_check")
    assert status == 1 and "--reason" in err
    status, out, err = run(
        capsys, monkeypatch, *base, "--programme", "welfare_check", "--reason", "퇴사", "--json"
    )
    assert status == 0, err
    result = json.loads(out)
    assert {m["household_id"] for m in result["moved"]} == set(world.hh[:2])
    assert _owner(live, world.hh[0]) == world.vol2
    with live.session() as s:
        batch = s.scalars(
            select(PermissionLog).where(PermissionLog.subject_id == result["batch_id"])
        ).one()
        assert (batch.action, batch.actor, batch.detail["reason"]) == (
            "reassign_batch",
            "admin",
            "퇴사",
        )
    status, _, err = run(
        capsys, monkeypatch, *base, "--programme", "visiting_health", "--reason", "x"
    )
    assert status == 1 and "cannot hold visiting_health" in err
    status, _, err = run(capsys, monkeypatch, "reassign", "--to", "vol2", "--programme", "x")
    assert status == 2
