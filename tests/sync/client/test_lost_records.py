"""The laptop notices lost records: an emptied, deleted, short or damaged local database with
records not yet sent stops `sync` before anything is sent or pulled, says what is missing and
what to do; `export-pending` saves what can still be read; `login` moves a damaged file aside
(kept) and starts afresh, saying so. Real CLI, real encrypted store, real server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldapp.profile import Profile
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, World
from tests.sync.client.conftest import Device, server_event_ids
from tests.sync.client.test_cli import run
from tests.sync.client.test_kill import fieldapp_sync


def _signed_in(live: LiveServer, folder: Path) -> str:
    prof = str(folder)
    login = ("login", "--server", live.base_url, "--username", "vol1", "--password-stdin")
    out = run("--profile", prof, *login)
    assert out.returncode == 0, out.stderr
    assert run("--profile", prof, "sync", "--password-stdin", "--quiet").returncode == 0
    return prof


def _record(prof: str, world: World, n: int, folder: Path) -> None:
    lines = [
        json.dumps(
            {
                "type": "note",
                "household_id": world.hh[i % 2],
                "programme": "welfare_check",
                "payload": {"text": f"기록 {i}"},
            },
            ensure_ascii=False,
        )
        for i in range(n)
    ]
    path = folder / f"records-{n}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run("--profile", prof, "record", str(path), "--password-stdin")
    assert out.returncode == 0, out.stderr


def _one_line(out: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in out.stderr, out.stderr
    return " ".join(out.stderr.split())


def _damage(db: Path, how: str) -> None:
    if how == "emptied":
        db.write_bytes(b"")
    elif how == "header":
        with db.open("r+b") as fh:
            fh.write(bytes(16))
    elif how == "half":
        os.truncate(db, db.stat().st_size // 2)
    elif how == "removed":
        db.unlink()


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("emptied", ["is empty (0 bytes)"]),
        ("header", ["its first page (the file's header)"]),
        ("half", ["is cut short", "pages cannot be read"]),  # mid-page, or on a page boundary
        ("removed", ["is missing, but it held 5 records not yet sent"]),
    ],
)
def test_a_lost_database_stops_the_sync_and_says_what_is_missing(
    live: LiveServer, world: World, tmp_path: Path, how: str, says: list[str]
) -> None:
    folder = tmp_path / "vol1"
    prof = _signed_in(live, folder)
    _record(prof, world, 5, tmp_path)
    db = Profile(folder).store_path
    before = db.read_bytes()
    _damage(db, how)
    damaged = db.read_bytes() if db.exists() else None

    out = run("--profile", prof, "sync", "--password-stdin")
    message = _one_line(out)
    assert out.returncode == 1 and any(words in message for words in says), message
    assert "5 records not yet sent" in message
    assert "key does not match" not in message
    assert server_event_ids(live) == []  # nothing was sent, nothing pulled over it
    assert (db.read_bytes() if db.exists() else None) == damaged  # left as it was

    status = run("--profile", prof, "status", password=None)
    assert status.returncode == 1 and "CANNOT BE USED" in status.stdout, status.stdout
    status = run("--profile", prof, "status", "--json", password=None)
    assert status.returncode == 1 and json.loads(status.stdout)["store_problem"]
    assert len(status.stderr.strip().splitlines()) == 1

    # export-pending saves what can still be read, and says how many it could not.
    if how != "removed":
        saved = tmp_path / "saved.json"
        out = run("--profile", prof, "export-pending", str(saved), "--password-stdin")
        assert "Traceback" not in out.stderr, out.stderr
        data = json.loads(saved.read_text(encoding="utf-8"))
        assert saved.stat().st_mode & 0o077 == 0
        found = len(data["events"])
        assert f"5 records not yet sent: {found} saved, {5 - found} could not" in out.stdout
        if how in ("emptied", "half"):  # some of it is gone: saved what is left, exit 1
            assert out.returncode == 1 and "could not be read" in out.stderr
        else:  # the header's salt is noted in the outbox ledger: every page reads again
            assert found == 5 and out.returncode == 0, out.stdout + out.stderr

    # Signing in online moves the damaged file aside (kept) and starts afresh, saying so.
    login = ("login", "--server", live.base_url, "--username", "vol1", "--password-stdin")
    out = run("--profile", prof, *login)
    assert out.returncode == 0, out.stderr
    assert "5 records not yet sent" in _one_line(out)
    if how != "removed":
        (moved,) = folder.glob("fieldapp.db.damaged-*")
        assert moved.read_bytes() == damaged and "moved to" in _one_line(out)
        out = run(
            "--profile",
            prof,
            "export-pending",
            str(tmp_path / "again.json"),
            "--database",
            str(moved),
            "--password-stdin",
        )
        assert "Traceback" not in out.stderr and (tmp_path / "again.json").exists()
    assert before  # the original bytes are not needed again: the moved file is kept
    out = run("--profile", prof, "sync", "--password-stdin", "--quiet")
    assert out.returncode == 0, out.stderr
    assert run("--profile", prof, "status", password=None).returncode == 0


def test_the_database_and_its_side_files_are_owner_only(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    from fieldapp.profile import unlock

    folder = tmp_path / "vol1"
    _signed_in(live, folder)
    profile = Profile(folder)
    with unlock(profile, PASSWORD) as store:
        store.set_meta("probe", 1)  # the -wal exists while the store is open
        for suffix in ("", "-wal", "-shm"):
            mode = Path(str(profile.store_path) + suffix).stat().st_mode
            assert mode & 0o077 == 0, (suffix, oct(mode))


def test_a_lost_wal_stops_the_sync_and_names_the_missing_records(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    from fieldapp.profile import unlock
    from fieldapp.store import Store

    folder = tmp_path / "vol1"
    prof = _signed_in(live, folder)
    _record(prof, world, 10, tmp_path)
    profile = Profile(folder)
    db = profile.store_path
    store: Store = unlock(profile, PASSWORD)
    try:
        from fieldapp import records

        for i in range(3):  # these three live only in fieldapp.db-wal for now
            records.append_event(
                store,
                {
                    "type": "note",
                    "household_id": world.hh[0],
                    "programme": "welfare_check",
                    "created_by": "vol1",
                    "device_id": profile.info["device_id"],
                    "payload": {"text": f"WAL 기록 {i}"},
                },
            )
        assert Path(str(db) + "-wal").stat().st_size > 0
        without_wal = tmp_path / "copy.db"
        shutil.copyfile(db, without_wal)  # the file as it is on disk, without its -wal
    finally:
        store.close()
    shutil.copyfile(without_wal, db)
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)

    out = run("--profile", prof, "sync", "--password-stdin")
    message = _one_line(out)
    assert out.returncode == 1, message
    assert "holds 10 records not yet sent to the server, but this laptop counted 13" in message
    assert "3 records are missing" in message and "fieldapp.db-wal" in message
    assert server_event_ids(live) == []
    assert run("--profile", prof, "status", password=None).returncode == 1

    saved = tmp_path / "saved.json"
    out = run("--profile", prof, "export-pending", str(saved), "--password-stdin")
    assert out.returncode == 1 and "13 records not yet sent: 10 saved, 3 could not" in out.stdout
    assert len(json.loads(saved.read_text(encoding="utf-8"))["events"]) == 10

    # Signing in accepts the loss, keeps the file, and the 10 go out.
    login = ("login", "--server", live.base_url, "--username", "vol1", "--password-stdin")
    out = run("--profile", prof, *login)
    assert out.returncode == 0 and "3 records are missing" in _one_line(out)
    out = run("--profile", prof, "sync", "--password-stdin", "--quiet")
    assert out.returncode == 0, out.stderr
    assert len(server_event_ids(live)) == 10


def test_a_wrong_password_is_told_apart_from_a_damaged_file(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    folder = tmp_path / "vol1"
    prof = _signed_in(live, folder)
    _damage(Profile(folder).store_path, "header")
    out = run("--profile", prof, "households", "--password-stdin", password="Wrong-pass-1111")
    assert out.returncode == 1 and "password is not correct" in out.stderr
    out = run("--profile", prof, "households", "--password-stdin")
    assert out.returncode == 1 and "is damaged" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr  # the reason, on one line
    assert "password is not correct" not in out.stderr and "key does not match" not in out.stderr


def test_households_json_into_head_ends_quietly(live: LiveServer, tmp_path: Path) -> None:
    from tests.helpers.world import build_world

    build_world(live, n_extra=300)  # more than a pipe holds
    prof = _signed_in(live, tmp_path / "vol1")
    out = subprocess.run(
        [*fieldapp_sync("--profile", prof, "households", "--json", "--password-stdin")],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
    )
    assert len(out.stdout) > 200_000
    pipe = subprocess.run(
        " ".join(fieldapp_sync("--profile", prof, "households", "--json", "--password-stdin"))
        + " | head -1",
        shell=True,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
    )
    assert pipe.stdout == "[\n"
    assert "Traceback" not in pipe.stderr and "BrokenPipe" not in pipe.stderr, pipe.stderr


def test_the_engine_checks_the_ledger_before_each_sync(
    live: LiveServer, world: World, make_device: Callable[..., Device]
) -> None:
    """The app keeps its store open for hours: each sync checks the count again."""
    from fieldapp.outbox_ledger import LostRecordsError

    vol = make_device("vol1")
    vol.sync()
    vol.note(world.hh[0])
    ledger = vol.profile.ledger
    ledger.write({**ledger.read(), "unacknowledged": 3})  # as if two had gone meanwhile
    with pytest.raises(LostRecordsError, match="2 records are missing"):
        vol.sync()
    assert server_event_ids(live) == []
    assert "2 records are missing" in (vol.profile.read_status()["last_error"] or "")
