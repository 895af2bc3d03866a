"""Push refuses what would poison devices or cross roles, item by item (issue 13, 1-3, 10):
device times outside the UTC range, broken text anywhere, records outside the writer's
programme, coerced booleans and integers, non-ASCII cursors; far-past times are flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sync import protocol as p
from sync.server.models import Event
from tests.helpers.payloads import welfare_payload
from tests.helpers.world import phq9_payload

OUT_OF_RANGE = ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00")


def _statuses(r) -> list[tuple[str, str | None]]:
    assert r.status_code == 200, r.text
    return [(x["status"], x["reason"]) for x in r.json()["results"]]


def _stored(live, event_id: str) -> Event | None:
    with live.session() as s:
        return s.get(Event, event_id)


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_a_device_time_outside_the_utc_range_is_a_rejected_item(live, world, api, when) -> None:
    vol = api(world.vol1)
    bad = vol.event(world.hh[0], device_time=when)
    good = vol.event(world.hh[0])
    [(status, reason), (after, _)] = _statuses(vol.push([bad, good]))
    assert status == "rejected" and "outside the years 1-9999" in reason
    assert after == "applied"  # the rest of the push goes through
    assert _stored(live, bad["event"]["id"]) is None
    edit = vol.edit(world.hh[0], "notes", "메모", 0)
    edit["edit"]["device_time"] = when
    [(status, reason)] = _statuses(vol.push([edit]))
    assert status == "rejected" and "device_time" in reason
    assert _statuses(vol.push([vol.event(world.hh[0])]))[0][0] == "applied"  # not wedged


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        ({"text": "\ud800x"}, "payload.text: holds a lone UTF-16 surrogate"),
        # The JSON parser turns a broken key into U+FFFD: an unknown field, never stored.
        ({"text": "ok", "\udc00": "x"}, "unknown note field"),
    ],
)
def test_a_lone_surrogate_in_a_payload_is_refused_and_reaches_nobody(
    live, world, api, payload, said
) -> None:
    vol, nurse = api(world.vol1), api(world.nurse1)
    item = vol.event(world.hh[0], payload=payload)
    [(status, reason)] = _statuses(vol.push([item]))
    assert status == "rejected" and said in reason
    assert _stored(live, item["event"]["id"]) is None
    changes, _ = nurse.pull_all()
    assert item["event"]["id"] not in {c["data"].get("id") for c in changes}


def test_a_lone_surrogate_deep_in_a_welfare_check_or_in_an_edit_is_refused(
    live, world, api
) -> None:
    vol = api(world.vol1)
    check = vol.event(
        world.hh[0],
        type="welfare_check",
        programme="welfare_check",
        payload=welfare_payload(notes="잘 \udbff지내심"),
    )
    edit = vol.edit(world.hh[0], "emergency_contacts", [{"name": "가\ud800"}], 0)
    results = _statuses(vol.push([check, edit]))
    assert [s for s, _ in results] == ["rejected", "rejected"]
    assert "payload.notes" in results[0][1]


@pytest.mark.parametrize(
    ("type_", "programme", "payload"),
    [
        ("screening", "visiting_health", phq9_payload()),
        ("screening", None, phq9_payload()),
        ("welfare_check", "visiting_health", welfare_payload()),
    ],
)
def test_a_volunteer_cannot_write_a_record_of_the_nurses_programme(
    live, world, api, type_, programme, payload
) -> None:
    vol, nurse = api(world.vol2), api(world.nurse2)  # hh[2] is shared by vol2 and nurse2
    item = vol.event(world.hh[2], type=type_, programme=programme, payload=payload)
    [(status, reason)] = _statuses(vol.push([item]))
    assert status == "rejected", reason
    assert "volunteer" in reason
    assert _stored(live, item["event"]["id"]) is None
    changes, _ = nurse.pull_all()
    assert item["event"]["id"] not in {c["data"].get("id") for c in changes}


def test_each_worker_still_writes_their_own_programme(live, world, api) -> None:
    vol, nurse = api(world.vol2), api(world.nurse2)
    own = [
        vol.event(
            world.hh[2], type="welfare_check", programme="welfare_check", payload=welfare_payload()
        ),
        vol.event(world.hh[2]),  # a note with no programme: the writer's own
    ]
    assert [s for s, _ in _statuses(vol.push(own))] == ["applied", "applied"]
    screening = nurse.event(
        world.hh[2], type="screening", programme="visiting_health", payload=phq9_payload()
    )
    assert _statuses(nurse.push([screening]))[0][0] == "applied"
    wrong = nurse.event(
        world.hh[2], type="welfare_check", programme="welfare_check", payload=welfare_payload()
    )
    assert _statuses(nurse.push([wrong]))[0][0] == "rejected"
    # Nor may the volunteer void or correct the nurse's clinical record.
    void = vol.event(
        world.hh[2], type="void", payload={"reason": "잘못 입력"}, amends=screening["event"]["id"]
    )
    [(status, reason)] = _statuses(vol.push([void]))
    assert status == "rejected" and "screening" in reason


def test_a_supervisor_writes_no_records_through_push(live, world, api) -> None:
    sup = api(world.supervisor)
    [(status, _reason)] = _statuses(sup.push([sup.event(world.hh[0])]))
    assert status == "rejected"


@pytest.mark.parametrize(
    ("field", "value"),
    [("skew_flag", "yes"), ("skew_flag", 1), ("redacted", "false")],
)
def test_booleans_are_strict_on_the_wire(live, world, api, field, value) -> None:
    vol = api(world.vol1)
    r = vol.push([vol.event(world.hh[0], **{field: value})])
    assert r.status_code == 422, r.text
    assert r.json()["code"] == p.ERR_INVALID and field in r.json()["detail"]


def test_integers_are_strict_on_the_wire(live, world, api) -> None:
    vol = api(world.vol1)
    edit = vol.edit(world.hh[0], "notes", "메모", 0)
    edit["edit"]["base_version"] = "0"
    r = vol.push([edit])
    assert r.status_code == 422 and "base_version" in r.json()["detail"]


@pytest.mark.parametrize("seq", ["٣", "３", "²"])
def test_a_cursor_with_non_ascii_digits_is_a_bad_cursor(live, world, api, seq) -> None:
    nurse = api(world.nurse1)
    _, cursor = nurse.pull_all()
    epoch, _ = p.parse_cursor(cursor)
    r = nurse.pull(f"{epoch}:{seq}")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == p.ERR_INVALID and body["field"] == "cursor"
    assert "ASCII digits" in body["detail"]
    assert nurse.pull("junk").status_code == 422


def test_far_past_and_far_future_device_times_are_flagged_as_skew(live, world, api) -> None:
    vol = api(world.vol1)
    past = vol.event(world.hh[0], device_time="2001-01-01T09:00:00+09:00")
    future = vol.event(world.hh[0], device_time="2099-01-01T09:00:00+09:00")
    now = vol.event(world.hh[0])
    assert [s for s, _ in _statuses(vol.push([past, future, now]))] == ["applied"] * 3
    flags = {
        name: _stored(live, item["event"]["id"]).skew_flag
        for name, item in (("past", past), ("future", future), ("now", now))
    }
    assert flags == {"past": True, "future": True, "now": False}
    with live.session() as s:
        assert (
            s.scalars(select(Event.skew_flag).where(Event.id == now["event"]["id"])).one() is False
        )
