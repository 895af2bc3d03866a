"""status.json is rewritten (durably) only when it changes; the sync times go to
sync_times.json at every call, whose loss or damage readers survive."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fieldapp import profile as profile_mod
from fieldapp.profile import Profile, wipe


def test_unchanged_values_leave_status_json_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = Profile(tmp_path / "p")
    p.update_status(pending=1, volatile={"last_attempt": "2026-01-01T00:00:00+00:00"})
    first = p.status_path.read_bytes()
    assert json.loads(first)["last_attempt"] == "2026-01-01T00:00:00+00:00"
    fsyncs: list[int] = []
    real = os.fsync
    monkeypatch.setattr(profile_mod.os, "fsync", lambda fd: (fsyncs.append(fd), real(fd)))
    out = p.update_status(pending=1, volatile={"last_attempt": "2026-01-01T00:05:00+00:00"})
    assert p.status_path.read_bytes() == first and fsyncs == []
    assert out["last_attempt"] == "2026-01-01T00:05:00+00:00"
    assert p.read_sync_times() == {"last_attempt": "2026-01-01T00:05:00+00:00"}
    p.update_status(pending=2, volatile={"last_attempt": "2026-01-01T00:06:00+00:00"})
    saved = json.loads(p.status_path.read_text(encoding="utf-8"))
    assert saved["pending"] == 2 and saved["last_attempt"] == "2026-01-01T00:06:00+00:00"
    assert len(fsyncs) == 1  # status.json only


@pytest.mark.parametrize("damage", ["", "{", "[1]", "\x00\x00"])
def test_a_damaged_times_file_reads_as_empty(tmp_path: Path, damage: str) -> None:
    p = Profile(tmp_path / "p")
    p.ensure_dir()
    p.times_path.write_text(damage, encoding="utf-8")
    assert p.read_sync_times() == {}


def test_wipe_removes_the_times_file(tmp_path: Path) -> None:
    p = Profile(tmp_path / "p")
    p.update_status(pending=0, volatile={"last_success": "2026-01-01T00:00:00+00:00"})
    assert p.times_path.exists()
    removed = wipe(p)
    assert "sync_times.json" in removed and not p.times_path.exists()


def test_times_are_overwritten_in_place_whatever_came_before(tmp_path: Path) -> None:
    p = Profile(tmp_path / "p")
    p.update_status(volatile={"last_attempt": "x" * 400})  # oversized: written whole
    assert p.read_sync_times() == {"last_attempt": "x" * 400}
    inode = os.stat(p.times_path).st_ino
    p.update_status(volatile={"last_attempt": "2026-01-01T00:00:00+00:00"})
    assert p.read_sync_times() == {"last_attempt": "2026-01-01T00:00:00+00:00"}
    p.update_status(volatile={"last_success": "2026-01-02T00:00:00+00:00"})
    assert p.read_sync_times() == {"last_success": "2026-01-02T00:00:00+00:00"}
    assert os.stat(p.times_path).st_ino == inode  # same file: no new file or rename
    assert os.stat(p.times_path).st_mode & 0o777 == 0o600 or os.name != "posix"


@pytest.mark.parametrize("damage", ["", "{", "[1]", "null", "\x00\x00"])
def test_a_damaged_status_file_never_locks_the_worker_out(tmp_path: Path, damage: str) -> None:
    """status.json is a cache of figures the database gives again: damaged, it reads as
    none (was: every unlock and even the online sign-in refused with 'sign in online'), and
    the next update writes a whole one."""
    from sync.client import local_status

    p = Profile(tmp_path / "p")
    p.ensure_dir()
    p.status_path.write_text(damage, encoding="utf-8")
    assert p.read_status() == {}
    assert profile_mod.failed_unlocks(p) == 0
    assert local_status(p).pending == 0
    p.update_status(failed_unlocks=0)  # what an online sign-in writes
    assert json.loads(p.status_path.read_text(encoding="utf-8")) == {"failed_unlocks": 0}


def test_saved_figures_of_the_wrong_type_read_as_unknown(tmp_path: Path) -> None:
    """An edited status.json cannot crash `status` (int('x') was a traceback) or show a
    text as a clock skew: each figure of the wrong type reads as 0 or unknown."""
    from sync.client import local_status

    p = Profile(tmp_path / "p")
    p.ensure_dir()
    bad = {
        "pending": "x",
        "rejected": -1,
        "conflicts_open": True,
        "quarantined": 2.5,
        "skew": "q",
        "online": "yes",
        "cursor": [1],
        "last_error": {"a": 1},
    }
    p.status_path.write_text(json.dumps(bad), encoding="utf-8")
    status = local_status(p)
    assert (status.pending, status.rejected, status.conflicts_open, status.quarantined) == (
        0,
        0,
        0,
        0,
    )
    assert status.skew_seconds is None and status.online is None
    assert status.cursor is None and status.last_error is None
    p.status_path.write_text(json.dumps({"pending": 3, "skew": 1.5}), encoding="utf-8")
    assert (local_status(p).pending, local_status(p).skew_seconds) == (3, 1.5)
