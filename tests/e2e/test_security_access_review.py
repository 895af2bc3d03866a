"""The monthly access-log review (sync.server.review, ``fieldapp-server access-review``).

The log is filled through the server's own append path with known times, so each rule of the
review can be checked: counts per person and action, month bounds in Korean time, the
district filter, unusual volume, accesses outside the assignment, at night, exports and
prints with and without a reason, and the chain status with its head hash.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from sync.server import admin, cli
from sync.server.accesslog import append_access_log
from sync.server.review import ReviewError, access_review, month_bounds, render_text
from tests.helpers.live_server import LiveServer
from tests.helpers.world import DISTRICT, PASSWORD, World, household_wire

KST = timezone(timedelta(hours=9))
OTHER = "1168000000"


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KST).astimezone(UTC)


def fill(live: LiveServer, world: World) -> None:
    """October 2026 (KST) plus entries just outside it and in another district."""
    with live.session() as s:
        admin.create_district(s, OTHER, "강남구")
        admin.create_dong(s, "1168051000", OTHER, "가상이동")
        admin.create_user(s, "sup9", role="supervisor", district_code=OTHER, password=PASSWORD)
        other_hh = admin.create_household(
            s, household_wire(district_code=OTHER, dong_code="1168051000"), actor="sup9"
        ).id
    entries = [
        # vol1: 3 views, an edit and a print of their own households, one peek at vol2's.
        *[
            dict(username="vol1", action="view", household_id=world.hh[0], at=at(5, 10, i))
            for i in range(3)
        ],
        dict(username="vol1", action="edit", household_id=world.hh[0], at=at(5, 11)),
        dict(
            username="vol1",
            action="print",
            household_id=world.hh[1],
            at=at(6, 9),
            reason="보호자 요청 출력",
        ),
        dict(username="vol1", action="view", household_id=world.hh[2], at=at(7, 14)),
        # vol2: many views of their own household; one export without a reason.
        *[
            dict(username="vol2", action="view", household_id=world.hh[2], at=at(8, 9, i % 60))
            for i in range(40)
        ],
        dict(username="vol2", action="export", household_id=world.hh[2], at=at(8, 12)),
        # nurse1 at night (23:30 KST), first minutes of the month (00:30 KST on Oct 1).
        dict(username="nurse1", action="view", household_id=world.hh[0], at=at(9, 23, 30)),
        dict(username="nurse1", action="view", household_id=world.hh[1], at=at(1, 0, 30)),
        # The supervisor's indicator export (no household) with a reason.
        dict(username="sup1", action="export", at=at(20, 15), reason="구 보고용 지표"),
        # Outside the month (Sep 30 23:30 KST, Nov 1 00:10 KST) and another district.
        dict(username="vol1", action="view", household_id=world.hh[0], at=at(30, 23, 30, month=9)),
        dict(username="vol1", action="view", household_id=world.hh[0], at=at(1, 0, 10, 11)),
        dict(username="sup9", action="view", household_id=other_hh, at=at(10, 10)),
    ]
    with live.session() as s:
        for entry in entries:
            append_access_log(s, device_id="dev-test", **entry)


def test_the_review_counts_flags_and_lists_exports(live, world) -> None:
    fill(live, world)
    with live.session() as s:
        review = access_review(s, "2026-10", DISTRICT, min_volume=10, volume_factor=1.5)
    people = {p.username: p for p in review.people}
    assert set(people) == {"vol1", "vol2", "nurse1", "sup1"}, "sup9's district is left out"
    assert people["vol1"].counts == {"view": 4, "edit": 1, "print": 1, "export": 0}
    assert people["vol1"].households == 3
    assert people["vol2"].total == 41 and people["vol2"].busiest_day == "2026-10-08"
    assert people["nurse1"].total == 2, "00:30 KST on Oct 1 is October; Sep 30 23:30 is not"
    assert review.entries == 4 + 1 + 1 + 41 + 2 + 1

    rules = {(f.rule, f.username) for f in review.findings}
    assert ("volume", "vol2") in rules  # 41 > 1.5 x median(6, 41)
    assert ("volume", "vol1") not in rules
    assert ("outside_assignment", "vol1") in rules  # the peek at hh[2]
    assert ("outside_assignment", "vol2") not in rules
    assert not any(r == "outside_assignment" for r, u in rules if u in ("sup1", "nurse1"))
    assert ("night", "nurse1") in rules
    assert ("no_reason", "vol2") in rules and ("no_reason", "vol1") not in rules
    outbound = {(o.username, o.action): o.reason for o in review.outbound}
    assert outbound == {
        ("vol1", "print"): "보호자 요청 출력",
        ("vol2", "export"): None,
        ("sup1", "export"): "구 보고용 지표",
    }
    assert review.chain_ok and review.chain_entries == 53

    report = render_text(review)
    assert "NO REASON GIVEN" in report and "[outside_assignment] vol1" in report
    assert review.chain_head in report
    for personal in ("가나다", "가상로", "+821000000001"):  # ids only, no personal fields
        assert personal not in report


def test_all_districts_and_month_bounds(live, world) -> None:
    fill(live, world)
    with live.session() as s:
        review = access_review(s, "2026-10")
    assert "sup9" in {p.username for p in review.people}
    start, end = month_bounds("2026-12")
    assert start == datetime(2026, 11, 30, 15, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 15, tzinfo=UTC)
    for bad in ("2026-13", "10-2026", "2026/10", ""):
        with pytest.raises(ReviewError, match="YYYY-MM"):
            month_bounds(bad)


def run(live: LiveServer, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--database-url", live.database_url, "access-review", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_prints_text_or_json_and_fails_clearly(live, world, capsys) -> None:
    fill(live, world)
    code, out, _err = run(live, capsys, "--month", "2026-10", "--district", DISTRICT)
    assert code == 0
    assert "Access-log review 2026-10 (district 1144000000)" in out
    assert "hash chain: intact" in out
    code, out, _err = run(live, capsys, "--month", "2026-10", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["month"] == "2026-10" and body["chain_ok"] is True
    assert {p["username"] for p in body["people"]} >= {"vol1", "sup9"}

    code, _out, err = run(live, capsys, "--month", "2026-13")
    assert code == 1 and "YYYY-MM" in err and "Traceback" not in err
    code, _out, err = run(live, capsys, "--month", "2026-10", "--district", "9999")
    assert code == 1 and "no district '9999'" in err


def test_the_review_of_a_tampered_log_says_so_and_exits_1(live, world, capsys) -> None:
    fill(live, world)
    with live.session() as s:
        s.execute(
            text(
                "UPDATE access_log SET reason = '정기 보고' WHERE action = 'export' "
                "AND username = 'vol2'"
            )
        )
    code, out, _err = run(live, capsys, "--month", "2026-10")
    assert code == 1
    assert "hash chain: NOT INTACT" in out and "was changed" in out
