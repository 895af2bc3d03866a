"""Push keeps each worker to their own programme for amendments and household fields
(issue 13, 3): a volunteer never corrects or voids a nurse's record (nor a nurse a
volunteer's), whatever its type, and edits no clinical household field; each refusal is a
rejected item naming the field and why, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sync.server.models import Event, Household, HouseholdEditLog
from tests.helpers.payloads import welfare_payload


def _statuses(r) -> list[tuple[str, str | None]]:
    assert r.status_code == 200, r.text
    return [(x["status"], x["reason"]) for x in r.json()["results"]]


def _stored_events(live, *ids: str) -> set[str]:
    with live.session() as s:
        return set(s.scalars(select(Event.id).where(Event.id.in_(ids))))


def _note(api_user, household: str, programme: str | None) -> dict:
    return api_user.event(household, programme=programme, payload={"text": "방문 메모"})


@pytest.mark.parametrize("programme", ["visiting_health", None])
def test_a_volunteer_cannot_correct_or_void_a_nurses_note(live, world, api, programme) -> None:
    vol, nurse = api(world.vol2), api(world.nurse2)  # hh[2] is shared by vol2 and nurse2
    note = _note(nurse, world.hh[2], programme)  # no programme: the nurse's own
    assert _statuses(nurse.push([note]))[0][0] == "applied"
    target = note["event"]["id"]
    void = vol.event(world.hh[2], type="void", payload={"reason": "잘못 입력"}, amends=target)
    fix = vol.event(world.hh[2], payload={"text": "고친 메모"}, amends=target)
    results = _statuses(vol.push([void, fix]))
    assert [s for s, _ in results] == ["rejected", "rejected"], results
    for _, reason in results:
        assert "amends: amends a note record of the visiting_health programme" in reason
        assert "volunteer corrects or voids only records of the welfare_check" in reason
    assert not _stored_events(live, void["event"]["id"], fix["event"]["id"])


def test_a_nurse_cannot_void_a_volunteers_referral(live, world, api) -> None:
    vol, nurse = api(world.vol2), api(world.nurse2)
    referral = vol.event(
        world.hh[2],
        type="referral",
        programme="welfare_check",
        payload={"target": "동 주민센터", "reason": "식사 거름", "urgency": "urgent"},
    )
    assert _statuses(vol.push([referral]))[0][0] == "applied"
    void = nurse.event(
        world.hh[2], type="void", payload={"reason": "중복"}, amends=referral["event"]["id"]
    )
    [(status, reason)] = _statuses(nurse.push([void]))
    assert status == "rejected" and "referral record of the welfare_check programme" in reason


def test_a_worker_still_corrects_and_voids_their_programmes_records(live, world, api) -> None:
    vol, other = api(world.vol2), api(world.vol2)  # a second laptop of the same volunteer
    check = vol.event(
        world.hh[2], type="welfare_check", programme="welfare_check", payload=welfare_payload()
    )
    note = _note(vol, world.hh[2], None)
    assert [s for s, _ in _statuses(vol.push([check, note]))] == ["applied", "applied"]
    fix = other.event(
        world.hh[2],
        type="welfare_check",
        programme="welfare_check",
        payload=welfare_payload(notes="다시 확인"),
        amends=check["event"]["id"],
    )
    void = other.event(
        world.hh[2], type="void", payload={"reason": "잘못 입력"}, amends=note["event"]["id"]
    )
    # A note written in the same push is amended too.
    fresh = _note(other, world.hh[2], "welfare_check")
    fresh_fix = other.event(world.hh[2], payload={"text": "고침"}, amends=fresh["event"]["id"])
    results = _statuses(other.push([fix, void, fresh, fresh_fix]))
    assert [s for s, _ in results] == ["applied"] * 4, results


def test_a_correction_keeps_the_type_and_household_of_the_original(live, world, api) -> None:
    vol = api(world.vol1)
    note = _note(vol, world.hh[0], None)
    assert _statuses(vol.push([note]))[0][0] == "applied"
    target = note["event"]["id"]
    as_check = vol.event(
        world.hh[0], type="welfare_check", payload=welfare_payload(), amends=target
    )
    elsewhere = vol.event(world.hh[1], payload={"text": "다른 가구"}, amends=target)
    results = _statuses(vol.push([as_check, elsewhere]))
    assert results[0][0] == "rejected" and "type of the event it amends (note)" in results[0][1]
    assert results[1][0] == "rejected" and "not a stored event of this household" in results[1][1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("care_group", "intensive"),
        ("consent_health", {"given": True, "date": "2026-11-01", "recorded_by": "vol2"}),
    ],
)
def test_a_volunteer_cannot_edit_a_clinical_household_field(live, world, api, field, value) -> None:
    vol = api(world.vol2)
    edit = vol.edit(world.hh[2], field, value, 0)
    [(status, reason)] = _statuses(vol.push([edit]))
    assert status == "rejected", reason
    assert reason.startswith(f"{field}: {field} belongs to the visiting_health programme")
    assert "a volunteer edits phone" in reason
    with live.session() as s:
        assert getattr(s.get(Household, world.hh[2]), field) is None
        assert s.get(HouseholdEditLog, edit["edit"]["id"]) is None


def test_each_worker_edits_the_fields_of_their_role(live, world, api) -> None:
    vol, nurse = api(world.vol2), api(world.nurse2)
    contact = [{"name": "가나라", "relation": "딸", "phone": "+821000000077"}]
    by_vol = [
        vol.edit(world.hh[2], "phone", "+821000000042", 0),
        vol.edit(world.hh[2], "emergency_contacts", contact, 0),
        vol.edit(world.hh[2], "isolation_band", "high", 0),
    ]
    assert [s for s, _ in _statuses(vol.push(by_vol))] == ["applied"] * 3
    by_nurse = [
        nurse.edit(world.hh[2], "care_group", "intensive", 0),
        nurse.edit(world.hh[2], "notes", "혈압약 복용 중", 0),
    ]
    assert [s for s, _ in _statuses(nurse.push(by_nurse))] == ["applied"] * 2
    with live.session() as s:
        hh = s.get(Household, world.hh[2])
        assert (hh.phone, hh.care_group, hh.isolation_band) == (
            "+821000000042",
            "intensive",
            "high",
        )
