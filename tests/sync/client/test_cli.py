"""``fieldapp-sync`` as a subprocess, end to end against the live server."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from fieldapp.profile import Profile
from sync.cli import build_parser
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, World
from tests.sync.client.conftest import server_event_ids, server_view
from tests.sync.client.test_kill import fieldapp_sync


def run(*args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        fieldapp_sync(*args),
        input=None if password is None else password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert command.description, name
        assert name in parser.epilog  # the overview lists it too
        for action in command._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest}"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("--profile", str(tmp_path), "nonsense").returncode == 2
    out = run(
        "--profile", str(tmp_path), "login", "--server", "https://x.example.kr", "--username", "a"
    )
    assert out.returncode == 2 and "--password-stdin" in out.stderr


def test_plain_http_to_another_host_is_refused(tmp_path: Path) -> None:
    out = run(
        "--profile",
        str(tmp_path),
        "login",
        "--server",
        "http://sync.mapo.example.kr",
        "--username",
        "vol1",
        "--password-stdin",
    )
    assert out.returncode == 1
    assert "plain http://" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "key.json").exists()


def test_login_record_sync_status_households_export(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    prof = str(tmp_path / "vol1")
    bad_login = run(
        "--profile",
        prof,
        "login",
        "--server",
        live.base_url,
        "--username",
        "vol1",
        "--password-stdin",
        password="Wrong-pass-0000",
    )
    assert bad_login.returncode == 1 and "did not accept" in bad_login.stderr
    out = run(
        "--profile",
        prof,
        "login",
        "--server",
        live.base_url,
        "--username",
        "vol1",
        "--device-name",
        "시험 노트북",
        "--password-stdin",
    )
    assert out.returncode == 0, out.stderr
    assert "signed in as vol1" in out.stdout
    info = Profile(prof).info
    assert info["role"] == "volunteer" and "token" not in json.dumps(info)

    out = run("--profile", prof, "sync", "--password-stdin", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["completed"] is True

    out = run("--profile", prof, "households", "--password-stdin", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert {h["id"] for h in listed} == {world.hh[0], world.hh[1]}
    assert listed[0]["persons"][0]["name"]

    # A bad file: every bad line is named, and nothing is recorded.
    good = {
        "type": "note",
        "household_id": world.hh[0],
        "programme": "welfare_check",
        "payload": {"text": "전화 안부"},
    }
    ai_call = {
        "type": "welfare_check",
        "household_id": world.hh[1],
        "programme": "welfare_check",
        "device_time": "2026-11-24T09:00:00+09:00",
        "payload": {
            "method": "phone",
            "attempt": 1,
            "reached": "no_answer",
            "escalation_level": 0,
            "notes": "AI 안부확인 자동 전화: 응답 없음",
        },
    }
    bad_file = tmp_path / "bad.jsonl"
    bad_file.write_text(
        "\n".join(
            [
                json.dumps(good, ensure_ascii=False),
                json.dumps({**good, "household_id": None}),
                "{not json",
                json.dumps({**ai_call, "payload": {"method": "fax", "attempt": 1}}),
                json.dumps({**good, "household_id": "00000000-0000-4000-8000-000000000000"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = run("--profile", prof, "record", str(bad_file), "--password-stdin")
    assert out.returncode == 1
    for line in ("line 2:", "line 3:", "line 4:", "line 5:"):
        assert line in out.stderr, out.stderr
    assert "payload.method" in out.stderr and "nothing was recorded" in out.stderr
    assert "line 1:" not in out.stderr
    assert "not among your households" in out.stderr

    good_file = tmp_path / "good.jsonl"
    good_file.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in (good, ai_call, good)) + "\n",
        encoding="utf-8",
    )
    out = run("--profile", prof, "record", str(good_file), "--password-stdin")
    assert out.returncode == 0, out.stderr
    assert "recorded 3 events" in out.stdout

    out = run("--profile", prof, "status", "--json", password=None)  # no password needed
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["pending"] == 3 and status["last_success"] and status["cursor"]

    export = tmp_path / "pending.json"
    out = run("--profile", prof, "export-pending", str(export), "--password-stdin")
    assert out.returncode == 0, out.stderr
    data = json.loads(export.read_text(encoding="utf-8"))
    assert len(data["events"]) == 3 and export.stat().st_mode & 0o077 == 0
    assert {e["type"] for e in data["events"]} == {"note", "welfare_check"}

    out = run("--profile", prof, "sync", "--password-stdin")
    assert out.returncode == 0, out.stderr
    assert "applied 3" in out.stdout
    assert len(server_event_ids(live)) == 3
    out = run("--profile", prof, "status", password=None)
    assert out.returncode == 0 and "pending:      0" in out.stdout
    _households, events = server_view(live, "vol1")
    assert len(events) == 3


@pytest.mark.parametrize("command", ["sync", "households", "export-pending"])
def test_commands_before_login_fail_in_one_line(tmp_path: Path, command: str) -> None:
    args = [command] + (["x.json"] if command == "export-pending" else []) + ["--password-stdin"]
    out = run("--profile", str(tmp_path / "none"), *args)
    assert out.returncode == 1
    assert "Sign in online" in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("profile_json", "said"),
    [("{}", "Nobody has signed in"), ("null", "cannot be read"), ('{"user', "cannot be read")],
)
def test_status_of_an_empty_or_damaged_profile_file_says_so(
    tmp_path: Path, profile_json: str, said: str
) -> None:
    """Never "user: None on None" with exit 0: a profile file without a sign-in in it, or one
    that is not a JSON object, is said in one line (exit 1)."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "profile.json").write_text(profile_json, encoding="utf-8")
    out = run("--profile", str(folder), "status", password=None)
    assert out.returncode == 1 and said in out.stderr, out
    assert "None" not in out.stdout + out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_wrong_password_offline(live: LiveServer, world: World, tmp_path: Path) -> None:
    prof = str(tmp_path / "p")
    assert (
        run(
            "--profile",
            prof,
            "login",
            "--server",
            live.base_url,
            "--username",
            "vol2",
            "--password-stdin",
        ).returncode
        == 0
    )
    out = run("--profile", prof, "households", "--password-stdin", password="Wrong-pass-1111")
    assert out.returncode == 1 and "password is not correct" in out.stderr


def test_cli_module_runs_as_a_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sync.cli", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "export-pending" in out.stdout


def test_documented_record_lines_validate() -> None:
    from fieldapp.validation import validate_event

    doc = (Path(__file__).parents[3] / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    section = doc.split("## fieldapp-sync record: line format", 1)[1]
    block = section.split("```json\n", 1)[1].split("```", 1)[0]
    lines = [json.loads(line) for line in block.splitlines() if line.strip()]
    assert len(lines) == 3
    for line in lines:
        line.update(created_by="vol1", device_id="dev-00000001", id=str(uuid.uuid4()))
        line.setdefault("device_time", "2026-11-24T10:00:00+09:00")
        validate_event(line)


def test_arguments_that_are_not_text_are_refused(tmp_path: Path, capsys: Any) -> None:
    """One line naming the argument (exit 2) for text that is not UTF-8; a folder that
    exists under such a name is the system's business and is used."""
    from sync.cli import main

    assert main(["--profile", str(tmp_path / "p"), "worklist", "--date", "2026-12-0\udcff"]) == 2
    folder = tmp_path / "p\udcff"
    assert main(["--profile", str(tmp_path / "nope\udcff"), "status"]) == 2
    assert "the argument profile is not valid text" in capsys.readouterr().err
    folder.mkdir()
    out = run("--profile", str(folder), "status", password=None)  # a real stderr
    assert out.returncode == 1 and "Nobody has signed in" in out.stderr, out
