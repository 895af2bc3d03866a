"""Signals end to end: records made on a laptop raise a signal that ``fieldapp-sync signals``
and ``fieldapp-server signals`` both report; an acknowledgement recorded headlessly syncs
and shows on another device; both programmes may acknowledge. Real server over loopback,
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldapp import records, signals
from fieldapp.profile import unlock
from sync.cli_signals import store_signals
from sync.client import SyncEngine
from sync.server.cli import main as server_main
from tests.e2e.conftest import Laptop
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.payloads import welfare_payload
from tests.helpers.world import DISTRICT, PASSWORD, World
from tests.sync.client.test_kill import fieldapp_sync

DAY = date(2026, 11, 25)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The real server on a fresh migrated SQLite file, or PostgreSQL database."""
    name = "migrated_pg_url" if request.param == "postgres" else "migrated_sqlite_url"
    with serving(request.getfixturevalue(name)) as server:
        yield server


def laptop_cli(device: Laptop, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        fieldapp_sync("--profile", str(device.profile.path), *args, "--password-stdin"),
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def server_cli(
    live: LiveServer, capsys: pytest.CaptureFixture[str], monkeypatch: Any, *args: str
) -> list[dict[str, Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    base = ["--database-url", live.database_url, "signals", "--district", DISTRICT]
    status = server_main([*base, "--date", DAY.isoformat(), "--json", *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads(out)


def welfare_check(device: Laptop, hid: str, day: date, payload: dict[str, Any]) -> str:
    """A welfare check saved on *device* at 10:00 KST on *day*; its id."""
    event = records.append_event(
        device.store,
        {
            "type": "welfare_check",
            "household_id": hid,
            "programme": "welfare_check",
            "created_by": device.username,
            "device_id": device.device_id,
            "device_time": f"{day.isoformat()}T10:00:00+09:00",
            "payload": payload,
        },
    )
    return str(event["id"])


def missed_check(device: Laptop, hid: str, day: date) -> str:
    return welfare_check(
        device, hid, day, {"method": "phone", "attempt": 1, "reached": "no_answer"}
    )


def test_signal_reported_alike_and_an_ack_syncs_to_another_device(
    live: LiveServer,
    world: World,
    laptop: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hid = world.hh[0]
    a = laptop(world.vol1)
    assert SyncEngine(a.profile, a.store, password=PASSWORD).sync_once().completed
    made = [missed_check(a, hid, DAY - timedelta(days=d)) for d in (14, 7, 0)]
    assert SyncEngine(a.profile, a.store, password=PASSWORD).sync_once().completed
    a.close()

    out = laptop_cli(a, "signals", "--date", DAY.isoformat(), "--json")
    assert out.returncode == 0, out.stderr
    local = json.loads(out.stdout)
    assert [(r["household_id"], r["rule"], r["kind"], r["severity"]) for r in local] == [
        (hid, "contact_missed", "contact", "high")
    ]
    assert local[0]["evidence_record_ids"] == made and local[0]["since"] == "2026-11-11"
    district = server_cli(live, capsys, monkeypatch)
    assert [(r["id"], r["evidence_record_ids"], r["text_ko"]) for r in district] == [
        (local[0]["id"], made, local[0]["text_ko"])
    ]
    assert district[0]["workers"]["welfare_check"] == world.vol1
    text = laptop_cli(a, "signals", "--date", DAY.isoformat())
    assert "연속 3회 연락 안 됨" in text.stdout and "1 signals on 2026-11-25" in text.stdout

    ack = {
        "type": "signal_ack",
        "household_id": hid,
        "programme": "welfare_check",
        "device_time": f"{DAY.isoformat()}T18:00:00+09:00",
        "payload": {
            "signal_id": local[0]["id"],
            "rule": "contact_missed",
            "note": "동 주민센터와 방문 약속",
            "follow_up": "2026-11-27",
        },
    }
    lines = tmp_path / "ack.jsonl"
    lines.write_text(json.dumps(ack, ensure_ascii=False) + "\n", encoding="utf-8")
    assert laptop_cli(a, "record", str(lines)).returncode == 0
    with unlock(a.profile, PASSWORD) as store:
        report = SyncEngine(a.profile, store, password=PASSWORD).sync_once()
    assert report.completed and report.rejected == 0 and report.pushed == 1

    active = laptop_cli(a, "signals", "--date", DAY.isoformat(), "--json")
    assert json.loads(active.stdout) == []
    assert server_cli(live, capsys, monkeypatch) == []
    seen = server_cli(live, capsys, monkeypatch, "--all")
    assert seen[0]["acknowledged"]["by"] == world.vol1
    assert seen[0]["acknowledged"]["follow_up"] == "2026-11-27"

    b = laptop(world.vol1)  # another laptop of the same worker
    assert SyncEngine(b.profile, b.store, password=PASSWORD).sync_once().completed
    (shown,) = store_signals(b.store, DAY, include_acknowledged=True)
    assert shown.id == local[0]["id"] and not shown.active
    assert shown.acknowledged is not None
    assert shown.acknowledged.note == "동 주민센터와 방문 약속"

    # new evidence after the acknowledgement: the signal is back, on both sides
    missed_check(b, hid, DAY + timedelta(days=2))
    assert SyncEngine(b.profile, b.store, password=PASSWORD).sync_once().completed
    later = DAY + timedelta(days=2)
    (back,) = store_signals(b.store, later)
    assert back.id == local[0]["id"] and back.active and len(back.evidence) == 4
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    base = ["--database-url", live.database_url, "signals", "--district", DISTRICT]
    assert server_main([*base, "--date", later.isoformat(), "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [back.id]


def test_a_nurse_acknowledges_in_the_visiting_health_programme(
    live: LiveServer, world: World, laptop: Any
) -> None:
    nurse = laptop(world.nurse1)
    assert SyncEngine(nurse.profile, nurse.store, password=PASSWORD).sync_once().completed
    h = records.append_event(
        nurse.store,
        {
            "type": signals.SIGNAL_ACK,
            "household_id": world.hh[1],
            "programme": "visiting_health",
            "created_by": nurse.username,
            "device_id": nurse.device_id,
            "payload": {
                "signal_id": "phq9_worsening:0123456789abcdef",
                "rule": "phq9_worsening",
                "note": "",
                "follow_up": None,
            },
        },
    )
    report = SyncEngine(nurse.profile, nurse.store, password=PASSWORD).sync_once()
    assert report.completed and report.rejected == 0 and report.pushed == 1, report
    assert records.get_event(nurse.store, h["id"])["sync_state"] == "accepted"


def test_server_signals_names_an_unknown_district(
    live: LiveServer, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status = server_main(["--database-url", live.database_url, "signals", "--district", "99999"])
    assert status == 1
    assert f"no district '99999' on this server (known: {DISTRICT})" in capsys.readouterr().err


def test_a_contact_gap_reads_the_same_on_the_laptop_and_the_server(
    live: LiveServer,
    world: World,
    laptop: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sync.server.models import Household

    hid = world.hh[1]
    with live.session() as s:  # the district marks the household high risk
        s.get(Household, hid).risk_level = "high"
        s.commit()
    a = laptop(world.vol1)
    engine = SyncEngine(a.profile, a.store, password=PASSWORD)
    assert engine.sync_once().completed
    welfare_check(a, hid, DAY - timedelta(days=20), welfare_payload(meals_24h=3))
    assert engine.sync_once().completed
    (mine,) = [s for s in store_signals(a.store, DAY) if s.household_id == hid]
    assert mine.rule == "contact_gap_high_risk" and mine.programme == "welfare_check"
    rows = [r for r in server_cli(live, capsys, monkeypatch) if r["household_id"] == hid]
    assert [(r["id"], r["text_ko"], r["programme"]) for r in rows] == [
        (mine.id, mine.text_ko, "welfare_check")
    ]


def test_only_a_supervisor_of_the_district_acknowledges_on_the_server(
    live: LiveServer, world: World, api: Any
) -> None:
    from sync import protocol as p

    url = f"{p.API_PREFIX}/district/signals/ack"
    body = {"household_id": world.hh[0], "signal_id": "contact_missed:1", "rule": "contact_missed"}
    vol1 = api(world.vol1)
    assert vol1.http.post(vol1.base_url + url, json=body, timeout=30).status_code == 403
    sup = api(world.supervisor)
    missing = {**body, "household_id": "00000000-0000-4000-8000-000000000000"}
    assert sup.http.post(sup.base_url + url, json=missing, timeout=30).status_code == 404
    bad = {**body, "follow_up": "next week"}
    assert sup.http.post(sup.base_url + url, json=bad, timeout=30).status_code == 422
    done = sup.http.post(sup.base_url + url, json=body, timeout=30)
    assert done.status_code == 200, done.text
    changes, _ = vol1.pull_all()
    acks = [c["data"] for c in changes if c["kind"] == "event"]
    assert [(a["id"], a["created_by"]) for a in acks] == [(done.json()["id"], world.supervisor)]


def test_a_heat_alert_signal_reads_the_same_on_both_and_a_reached_call_ends_it(
    live: LiveServer,
    world: World,
    laptop: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The district declares a heat alert; a high-risk household last reached before it is
    flagged alike by the volunteer's laptop and the server (same id, same sentence, one
    evidence record), and the call that reaches the person ends the signal on both. (Pins
    the two sides together: giving one side the alert's first day and not the other would
    split the signal's id and dates.)"""
    from sync.server.district.alerts import NewAlert, declare_alert
    from sync.server.models import Household

    hid = world.hh[0]
    with live.session() as s:
        s.get(Household, hid).risk_level = "high"
        s.flush()
        alert = NewAlert(
            kind="heat", level="warning", start=DAY - timedelta(days=2), end=DAY + timedelta(2)
        )
        declare_alert(s, DISTRICT, world.supervisor, alert, today=DAY)
    a = laptop(world.vol1)
    engine = SyncEngine(a.profile, a.store, password=PASSWORD)
    assert engine.sync_once().completed
    assert records.get_household(a.store, hid)["alert_active"]

    welfare_check(a, hid, DAY - timedelta(days=4), welfare_payload())  # before the alert
    missed_check(a, hid, DAY - timedelta(days=1))
    assert engine.sync_once().completed

    def alert_signals() -> tuple[list[Any], list[dict[str, Any]]]:
        mine = [s for s in store_signals(a.store, DAY) if s.household_id == hid]
        theirs = [r for r in server_cli(live, capsys, monkeypatch) if r["household_id"] == hid]
        return [s for s in mine if s.rule == "alert_unreached"], [
            r for r in theirs if r["kind"] == "home" and "특보" in r["text_ko"]
        ]

    (mine,), (theirs,) = alert_signals()
    assert mine.severity == "high" and "특보 중" in mine.text_ko
    assert (theirs["id"], theirs["text_ko"], theirs["since"]) == (
        mine.id,
        mine.text_ko,
        mine.since,
    )

    welfare_check(a, hid, DAY, welfare_payload())  # the volunteer reaches the person today
    assert engine.sync_once().completed
    assert alert_signals() == ([], [])
