"""Heat / cold alert campaigns, and the de-identified indicators with their export."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sync.server import admin, indicators
from sync.server.district import today_kst
from sync.server.models import AccessLog, Household
from tests.helpers.payloads import welfare_payload
from tests.helpers.supervisor import call, ok
from tests.helpers.world import household_wire, phq9_payload


def _alert(kind: str = "heat", start: date | None = None, days: int = 2) -> dict[str, str]:
    start = start or today_kst()
    return {
        "kind": kind,
        "level": "warning",
        "start": start.isoformat(),
        "end": (start + timedelta(days=days)).isoformat(),
    }


def test_alert_marks_high_and_medium_risk_households_and_tracks_completion(
    live, world, api
) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    with live.session() as s:
        s.get(Household, world.hh[1]).risk_level = "low"
        s.get(Household, world.hh[2]).risk_level = "high"
    _, c1 = vol1.pull_all()
    alert = ok(call(sup, "POST", "/alerts", json=_alert()))
    assert alert["active"] and alert["households"] == 3  # hh0 medium, hh2 high, hh3 medium
    with live.session() as s:
        flags = {h: s.get(Household, h).alert_active for h in world.hh}
    assert flags == {world.hh[0]: True, world.hh[1]: False, world.hh[2]: True, world.hh[3]: True}
    changes, c1 = vol1.pull_all(c1)
    [hh] = [c["data"] for c in changes if c["kind"] == "household"]
    assert hh["id"] == world.hh[0] and hh["alert_active"] is True

    board = ok(call(sup, "GET", f"/alerts/{alert['id']}/board"))
    assert (board["contacted"], board["remaining"]) == (0, 3)
    check = vol1.event(
        world.hh[0],
        "welfare_check",
        welfare_payload(),
        "welfare_check",
    )
    assert vol1.push([check]).json()["results"][0]["status"] == "applied"
    board = ok(call(sup, "GET", f"/alerts/{alert['id']}/board"))
    done = {h["household_id"]: h["contacted_today"] for h in board["households"]}
    assert done[world.hh[0]] is True and done[world.hh[2]] is False
    assert (board["contacted"], board["remaining"]) == (1, 2)

    ended = ok(call(sup, "POST", f"/alerts/{alert['id']}/end"))
    assert ended["active"] is False
    with live.session() as s:
        assert not any(s.get(Household, h).alert_active for h in world.hh)
    changes, _ = vol1.pull_all(c1)
    assert any(c["kind"] == "household" and c["data"]["alert_active"] is False for c in changes)
    assert call(sup, "POST", f"/alerts/{alert['id']}/end").status_code == 422


def test_alert_dates_are_checked_and_future_alerts_wait(live, world, api) -> None:
    sup = api(world.supervisor)
    bad = {**_alert(), "end": (today_kst() - timedelta(days=3)).isoformat()}
    assert call(sup, "POST", "/alerts", json=bad).status_code == 422
    assert call(sup, "POST", "/alerts", json={**_alert(), "kind": "rain"}).status_code == 422
    later = ok(call(sup, "POST", "/alerts", json=_alert("cold", today_kst() + timedelta(days=5))))
    assert later["active"] is False
    with live.session() as s:
        assert not s.get(Household, world.hh[0]).alert_active
    assert [a["id"] for a in ok(call(sup, "GET", "/alerts"))] == [later["id"]]


def test_suppression_hides_small_cells_and_their_complement() -> None:
    assert indicators.suppress({"a": 0, "b": 3, "c": 12, "d": 7}) == {
        "a": 0,
        "b": "<5",
        "c": 12,
        "d": "<5",
    }
    assert indicators.suppress({"a": 2, "b": 4, "c": 9}) == {"a": "<5", "b": "<5", "c": 9}
    assert indicators.suppress({"t": 5}) == {"t": 5}


@pytest.fixture
def busy_world(live, world, api):
    """Eight more households for vol1/nurse1, with checks, visits, screenings, referrals."""
    with live.session() as s:
        extra = [
            admin.create_household(
                s,
                household_wire(assignments={"welfare_check": "vol1", "visiting_health": "nurse1"}),
                actor="sup1",
            ).id
            for _ in range(8)
        ]
    vol1, nurse1 = api(world.vol1), api(world.nurse1)
    checks = [
        vol1.event(h, "welfare_check", welfare_payload(method="visit"), "welfare_check")
        for h in extra
    ]
    assert all(x["status"] == "applied" for x in vol1.push(checks).json()["results"])
    voided = checks[0]["event"]["id"]
    void = vol1.event(extra[0], "void", {"reason": "잘못 입력"}, "welfare_check", amends=voided)
    assert vol1.push([void]).json()["results"][0]["status"] == "applied"
    screens = [nurse1.event(h, "screening", phq9_payload(), "visiting_health") for h in extra[:6]]
    referral = nurse1.event(
        extra[1],
        "referral",
        {
            "target": "정신건강복지센터",
            "reason": "PHQ-9",
            "urgency": "urgent",
            "status": "open",
            "closes": None,
        },
        "visiting_health",
    )
    results = nurse1.push([*screens, referral]).json()["results"]
    assert all(x["status"] == "applied" for x in results), results
    return extra


def _value(table: dict, indicator: str, breakdown: str = "합계"):
    return next(
        r["value"]
        for r in table["rows"]
        if r["indicator"] == indicator and r["breakdown"] == breakdown
    )


def test_indicators_count_the_period_and_suppress_small_cells(live, world, api, busy_world) -> None:
    sup = api(world.supervisor)
    today = today_kst()
    table = ok(
        call(
            sup, "GET", "/indicators", params={"start": today.isoformat(), "end": today.isoformat()}
        )
    )
    assert _value(table, "welfare_checks") == 7  # eight checks, one voided
    assert _value(table, "households_supported") == 7
    assert _value(table, "volunteers_active") == "<5"  # one volunteer: suppressed
    assert _value(table, "volunteers_registered") == "<5"
    assert _value(table, "vh_registered") == 11  # 3 of the world + 8 extra, one person each
    assert _value(table, "screenings") == 6 and _value(table, "screenings", "phq9") == 6
    assert _value(table, "referrals") == "<5"
    assert _value(table, "welfare_checks", "가상동") == 7
    text = str(table)
    assert "가나다" not in text and "가상로" not in text and world.hh[0] not in text
    old = ok(call(sup, "GET", "/indicators", params={"start": "2020-01-01", "end": "2020-12-31"}))
    assert _value(old, "welfare_checks") == 0
    r = call(sup, "GET", "/indicators", params={"start": "2021-01-01", "end": "2020-01-01"})
    assert r.status_code == 422


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_needs_a_reason_and_writes_the_access_log(live, world, api, busy_world, fmt) -> None:
    sup = api(world.supervisor)
    period = {"start": today_kst().isoformat(), "end": today_kst().isoformat(), "format": fmt}
    r = call(sup, "POST", "/indicators/export", json={**period, "reason": "  "})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    with live.session() as s:
        assert s.scalars(select(AccessLog).where(AccessLog.action == "export")).first() is None
    got = ok(call(sup, "POST", "/indicators/export", json={**period, "reason": "월간 보고"}))
    data = base64.b64decode(got["content_base64"])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        ws = load_workbook(io.BytesIO(data)).active
        rows = [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
    header = rows.index(list(indicators.HEADER))
    body = rows[header + 1 :]
    assert len(body) == got["rows"]
    checks = next(r for r in body if r[0] == "welfare_checks" and r[4] == "합계")
    assert checks[5] == "7"
    assert not any("가나다" in cell or "+8210" in cell for row in rows for cell in row)
    with live.session() as s:
        entry = s.get(AccessLog, got["access_log_id"])
        assert entry.action == "export" and entry.username == world.supervisor
        assert "월간 보고" in entry.reason and entry.device_id == sup.device_id


def test_alerts_start_and_end_on_their_days(live, world) -> None:
    from sync.server import district

    today = today_kst()
    with live.session() as s:
        later = district.declare_alert(
            s,
            "1144000000",
            world.supervisor,
            district.NewAlert(
                kind="cold",
                level="advisory",
                start=today + timedelta(days=1),
                end=today + timedelta(days=1),
            ),
            today=today,
        )
    with live.session() as s:
        assert not s.get(Household, world.hh[0]).alert_active
        district.refresh_alerts(s, "1144000000", today + timedelta(days=1))
    with live.session() as s:
        assert s.get(Household, world.hh[0]).alert_active
        [row] = district.alerts(s, "1144000000", active_only=True, today=today + timedelta(days=1))
        assert row.id == later.id
        district.refresh_alerts(s, "1144000000", today + timedelta(days=2))
    with live.session() as s:
        assert not s.get(Household, world.hh[0]).alert_active
        [row] = district.alerts(s, "1144000000", today=today + timedelta(days=2))
        assert row.ended_at is not None and not row.active
