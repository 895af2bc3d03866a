"""``fieldapp-sync record`` refuses, at the keyboard, what the server would reject or what
would poison other devices (issue 13, 1-3): broken text, impossible device times, records
outside the worker's programme. Each line named, no traceback, nothing recorded."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.live_server import LiveServer
from tests.helpers.payloads import welfare_payload
from tests.helpers.world import World, phq9_payload
from tests.sync.client.test_cli import run


def test_record_refuses_poison_and_other_programmes(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    prof = str(tmp_path / "vol1")
    login = ("--profile", prof, "login", "--server", live.base_url, "--username", "vol1")
    assert run(*login, "--password-stdin").returncode == 0
    assert run("--profile", prof, "sync", "--password-stdin").returncode == 0
    hh = world.hh[0]  # vol1's, shared with nurse1
    lines = [
        {"type": "note", "household_id": hh, "payload": {"text": "\ud800x"}},
        {"type": "note", "household_id": hh, "payload": {"text": "ok"},
         "device_time": "9999-12-31T23:59:59-14:00"},
        {"type": "screening", "household_id": hh, "programme": "visiting_health",
         "payload": phq9_payload()},
        {"type": "welfare_check", "household_id": hh, "programme": "visiting_health",
         "payload": welfare_payload()},
        {"type": "welfare_check", "household_id": hh, "programme": "welfare_check",
         "payload": welfare_payload()},
    ]  # fmt: skip
    calls = tmp_path / "calls.jsonl"
    not_json = [  # Python's json takes these (or dies of RecursionError); the wire cannot
        f'{{"type": "note", "household_id": "{hh}", "payload": {{"text": "x", "n": NaN}}}}',
        f'{{"type": "note", "household_id": "{hh}", "payload": {{"n": 1e999}}}}',
        '{"type": "note", "payload": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ]
    calls.write_text(
        "\n".join([*(json.dumps(line) for line in lines), *not_json]) + "\n", encoding="utf-8"
    )
    out = run("--profile", prof, "record", str(calls), "--password-stdin")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "line 6: not JSON (NaN is not a JSON number" in out.stderr
    assert "line 7: not JSON (1e999 is not a JSON number" in out.stderr
    assert "line 8: not JSON (nested too deep)" in out.stderr
    said = out.stderr
    assert "line 1: payload.text: holds a lone UTF-16 surrogate" in said
    assert "line 2: device_time" in said and "outside the years 1-9999" in said
    assert "line 3: " in said and "a volunteer writes records of the welfare_check" in said
    assert "line 4: programme: a volunteer writes records of the welfare_check" in said
    assert "line 5" not in said
    assert "nothing was recorded" in said
    status = run("--profile", prof, "status", "--json", password=None)
    assert json.loads(status.stdout)["pending"] == 0


def test_record_refuses_to_amend_the_other_programmes_record(
    live: LiveServer, world: World, tmp_path: Path, api
) -> None:
    nurse = api(world.nurse2)
    theirs = nurse.event(world.hh[2], payload={"text": "혈압 재측정 필요"})  # no programme
    assert nurse.push([theirs]).json()["results"][0]["status"] == "applied"
    prof = str(tmp_path / "vol2")
    login = ("--profile", prof, "login", "--server", live.base_url, "--username", "vol2")
    assert run(*login, "--password-stdin").returncode == 0
    assert run("--profile", prof, "sync", "--password-stdin").returncode == 0
    target = theirs["event"]["id"]
    mine = "0b1e7c52-3f7a-4d0e-9c61-5a2f3e4d5c6b"
    lines = [
        {"type": "void", "household_id": world.hh[2], "amends": target,
         "payload": {"reason": "잘못 입력"}},
        {"type": "note", "household_id": world.hh[2], "amends": target,
         "payload": {"text": "고침"}},
        {"id": mine, "type": "note", "household_id": world.hh[2], "payload": {"text": "메모"}},
        {"type": "void", "household_id": world.hh[2], "amends": mine,
         "payload": {"reason": "중복"}},
    ]  # fmt: skip
    calls = tmp_path / "fix.jsonl"
    calls.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = run("--profile", prof, "record", str(calls), "--password-stdin")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    for number in (1, 2):
        assert (
            f"line {number}: amends: amends a note record of the visiting_health programme"
            in out.stderr
        )
    assert "line 3" not in out.stderr and "line 4" not in out.stderr
    calls.write_text("\n".join(json.dumps(line) for line in lines[2:]) + "\n", encoding="utf-8")
    assert run("--profile", prof, "record", str(calls), "--password-stdin").returncode == 0
