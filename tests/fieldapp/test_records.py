"""Local domain records: households with local edits on top, append-only events, drafts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp import records
from fieldapp.errors import ValidationError
from fieldapp.schema import ACCEPTED, PENDING, REJECTED, SENT
from fieldapp.store import Store
from sync.protocol import Household

USER, DEVICE = "vol_gaon", "device-test-0001"
HID = "11111111-1111-4111-8111-111111111111"


def household(hid: str = HID, **changes: Any) -> dict[str, Any]:
    """A synthetic household in wire form (names made of syllables, demo phone range)."""
    base = Household(
        id=hid,
        district_code="11440",
        dong_code="1144055500",
        household_type="elderly_alone",
        address_road="서울특별시 마포구 가상로 12",
        address_detail="3층 301호",
        phone="+821001230001",
        risk_level="medium",
        care_group="regular",
        persons=[
            {"id": "p-" + hid[:8], "name": "가온누리", "birth_date": "1941-03-02", "sex": "F"}
        ],
        emergency_contacts=[{"name": "나래솔", "relation": "딸", "phone": "+821001230002"}],
        consent_general={"given": True, "date": "2026-01-05", "recorded_by": "sup_dasom"},
        assignments={"welfare_check": USER},
        field_versions={"phone": 3, "risk_level": 1},
    ).model_dump(mode="json")
    base.update(changes)
    return base


@pytest.fixture
def with_household(store: Store) -> Store:
    records.upsert_households(store, [household()])
    return store


def note(text: str = "안부 전화 드림", **extra: Any) -> dict[str, Any]:
    return {
        "type": "note",
        "household_id": HID,
        "programme": "welfare_check",
        "created_by": USER,
        "device_id": DEVICE,
        "payload": {"text": text},
        **extra,
    }


def _count(store: Store, table: str) -> int:
    return store.db[table].count


# ------------------------------------------------------------------ basics


def test_ids_and_times() -> None:
    a, b = records.new_id(), records.new_id()
    assert a != b and len(a) == 36
    assert records.utc_now().endswith("+00:00")


def test_changed_merges_and_is_falsy_when_empty() -> None:
    assert not records.Changed()
    both = records.Changed(households={"a"}) | records.Changed(events={"e"})
    assert both and both.households == {"a"} and both.events == {"e"}


# ------------------------------------------------------------------ households


def test_upsert_and_read_back_wire_shape(store: Store) -> None:
    changed = records.upsert_households(store, [household()])
    assert changed.households == {HID}
    got = records.get_household(store, HID)
    assert got == household()
    Household.model_validate(got)  # still a valid wire record
    assert records.get_household(store, "no-such-id") is None


def test_upsert_replaces_server_state(with_household: Store) -> None:
    records.upsert_households(with_household, [household(risk_level="high", notes="합성 메모")])
    got = records.get_household(with_household, HID)
    assert got is not None
    assert (got["risk_level"], got["notes"]) == ("high", "합성 메모")
    assert _count(with_household, "households") == 1


def test_upsert_many_in_chunks(store: Store) -> None:
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(4500)]
    changed = records.upsert_households(store, (household(h) for h in ids))
    assert changed.households == set(ids)
    assert _count(store, "households") == 4500
    listed = records.list_households(store)
    assert {h["id"] for h in listed} == set(ids)


def test_upsert_refuses_a_household_without_address(store: Store) -> None:
    bad = household()
    bad["address_road"] = ""
    with pytest.raises(ValidationError, match="address_road"):
        records.upsert_households(store, [household("22222222-2222-4222-8222-222222222222"), bad])
    assert _count(store, "households") == 0  # all or nothing


def test_search_text_holds_names_address_phone_and_dong(with_household: Store) -> None:
    text = next(with_household.db.query("SELECT search_text FROM households"))["search_text"]
    for part in ("가온누리", "가상로 12", "301호", "1144055500", "010-0123-0001", "01001230001"):
        assert part in text
    assert text == text.lower()
    for query in ("가온", "0123-0001", "01001230001", "마포구 가상로", "1144055500"):
        assert [h["id"] for h in records.search_households(with_household, query)] == [HID]
    assert records.search_households(with_household, "없는이름") == []
    assert records.search_households(with_household, "100%") == []


def test_search_text_for_upper_case_and_missing_parts() -> None:
    text = records.search_text_for(
        {"persons": [{"name": "KIM Test"}], "address_road": "Road 1", "dong_code": "X"}
    )
    assert text == "kim test road 1 x"


# ------------------------------------------------------------------ household edits


def test_edit_records_base_version_and_applies_locally(with_household: Store) -> None:
    edit = records.edit_household_field(
        with_household, HID, "phone", "010-0123-9999", user=USER, device_id=DEVICE
    )
    assert edit is not None
    assert edit["value"] == "+821001239999"  # stored as E.164
    assert edit["base_version"] == 3  # field_versions["phone"]
    row = next(with_household.db.query("SELECT * FROM household_edits"))
    assert (row["sync_state"], row["field"], row["created_by"]) == (PENDING, "phone", USER)
    got = records.get_household(with_household, HID)
    assert got is not None and got["phone"] == "+821001239999"
    assert records.search_households(with_household, "0123-9999")
    assert records.pending_edits(with_household, HID)[0]["value"] == "+821001239999"


def test_edit_of_an_unversioned_field_has_base_zero(with_household: Store) -> None:
    edit = records.edit_household_field(
        with_household,
        HID,
        "consent_health",
        {"given": True, "date": "2026-02-01", "recorded_by": USER},
        user=USER,
        device_id=DEVICE,
    )
    assert edit is not None and edit["base_version"] == 0
    got = records.get_household(with_household, HID)
    assert got is not None and got["consent_health"]["given"] is True


def test_edit_refusals_name_the_problem(with_household: Store) -> None:
    with pytest.raises(ValidationError, match="cannot be edited") as info:
        records.edit_household_field(
            with_household, HID, "dong_code", "x", user=USER, device_id=DEVICE
        )
    assert info.value.problems[0].message_ko
    with pytest.raises(ValidationError, match="risk_level"):
        records.edit_household_field(
            with_household, HID, "risk_level", "extreme", user=USER, device_id=DEVICE
        )
    with pytest.raises(ValidationError, match="phone"):
        records.edit_household_field(
            with_household, HID, "phone", "12", user=USER, device_id=DEVICE
        )
    with pytest.raises(ValidationError, match="not on this device"):
        records.edit_household_field(
            with_household, "nope", "notes", "x", user=USER, device_id=DEVICE
        )
    assert _count(with_household, "household_edits") == 0
    assert records.get_household(with_household, HID) == household()


def test_a_field_of_another_programme_is_refused_for_the_signed_in_role(
    with_household: Store,
) -> None:
    with pytest.raises(ValidationError, match="care_group belongs to the visiting_health") as info:
        records.edit_household_field(
            with_household,
            HID,
            "care_group",
            "intensive",
            user=USER,
            device_id=DEVICE,
            role="volunteer",
        )
    assert info.value.problems[0].field == "care_group" and info.value.problems[0].message_ko
    assert _count(with_household, "household_edits") == 0
    assert records.edit_household_field(
        with_household, HID, "notes", "현관 앞 화분", user=USER, device_id=DEVICE, role="volunteer"
    )


def test_unchanged_value_records_nothing(with_household: Store) -> None:
    assert (
        records.edit_household_field(
            with_household, HID, "risk_level", "medium", user=USER, device_id=DEVICE
        )
        is None
    )
    assert _count(with_household, "household_edits") == 0


def test_pending_edit_stays_on_top_of_a_pulled_household(with_household: Store) -> None:
    records.edit_household_field(
        with_household, HID, "risk_level", "high", user=USER, device_id=DEVICE
    )
    # The server sends a newer state: another field changed, the edited one not yet.
    records.upsert_households(
        with_household, [household(notes="서버 메모", field_versions={"phone": 3, "risk_level": 2})]
    )
    got = records.get_household(with_household, HID)
    assert got is not None
    assert got["notes"] == "서버 메모"  # server state
    assert got["risk_level"] == "high"  # local edit re-applied on top
    assert got["field_versions"]["risk_level"] == 2  # versions stay the server's
    # A sent (unanswered) edit also stays on top.
    with_household.db.execute("UPDATE household_edits SET sync_state = ?", [SENT])
    records.upsert_households(with_household, [household()])
    assert records.get_household(with_household, HID)["risk_level"] == "high"  # type: ignore[index]


def test_refused_edit_brings_the_server_value_back(with_household: Store) -> None:
    records.edit_household_field(
        with_household, HID, "risk_level", "high", user=USER, device_id=DEVICE
    )
    records.edit_household_field(
        with_household, HID, "notes", "현장 메모", user=USER, device_id=DEVICE
    )
    with_household.db.execute(
        "UPDATE household_edits SET sync_state = ?, reject_reason = 'no' WHERE field = 'risk_level'",
        [REJECTED],
    )
    with_household.db.execute(
        "UPDATE household_edits SET sync_state = ? WHERE field = 'notes'", [ACCEPTED]
    )
    changed = records.settle_household_edits(with_household)
    assert changed.households == {HID}
    got = records.get_household(with_household, HID)
    assert got is not None
    assert got["risk_level"] == "medium"  # refused: the server's value again
    assert got["notes"] == "현장 메모"  # accepted: the server has it now
    assert not records.settle_household_edits(with_household)  # nothing left to settle


def test_edit_lost_to_a_conflict_shows_the_server_value(with_household: Store) -> None:
    records.edit_household_field(
        with_household, HID, "phone", "010-0123-7777", user=USER, device_id=DEVICE
    )
    with_household.db.execute(
        "UPDATE household_edits SET sync_state = ?, reject_reason = 'conflict c-1'", [ACCEPTED]
    )
    records.settle_household_edits(with_household, [HID])
    assert records.get_household(with_household, HID)["phone"] == "+821001230001"  # type: ignore[index]


def test_unanswered_edit_is_not_settled(with_household: Store) -> None:
    records.edit_household_field(with_household, HID, "notes", "a", user=USER, device_id=DEVICE)
    assert not records.settle_household_edits(with_household)
    assert records.get_household(with_household, HID)["notes"] == "a"  # type: ignore[index]


# ------------------------------------------------------------------ events


def test_append_event_is_pending_with_increasing_local_order(with_household: Store) -> None:
    first = records.append_event(with_household, note("첫 번째"))
    second = records.append_event(with_household, note("두 번째"))
    assert first["sync_state"] == second["sync_state"] == PENDING
    assert second["local_order"] == first["local_order"] + 1
    assert first["payload"] == {"text": "첫 번째"}
    assert first["created_by"] == USER and first["device_id"] == DEVICE
    assert first["device_time"].endswith("+00:00")
    assert records.get_event(with_household, first["id"]) == first


def test_screening_result_is_computed_not_taken(with_household: Store) -> None:
    answers = {f"q{i}": 0 for i in range(1, 10)}
    answers["q9"] = 1
    ev = records.append_event(
        with_household,
        {
            "type": "screening",
            "household_id": HID,
            "programme": "visiting_health",
            "created_by": USER,
            "device_id": DEVICE,
            "payload": {
                "instrument_id": "phq9",
                "instrument_version": "phq9-ko-mohw-1",
                "answers": answers,
                "total": None,
                "context": {},
                "result": {"total": 0, "flags": [], "actions": []},  # forged: ignored
            },
        },
    )
    result = ev["payload"]["result"]
    assert result["total"] == 1
    assert any(a["urgency"] == "immediate" for a in result["actions"])


def test_invalid_event_writes_nothing(with_household: Store) -> None:
    with pytest.raises(ValidationError, match=r"payload\.text"):
        records.append_event(with_household, note(""))
    with pytest.raises(ValidationError, match="not on this device"):
        records.append_event(
            with_household, note(household_id="22222222-2222-4222-8222-222222222222")
        )
    assert _count(with_household, "events") == 0


def test_same_id_twice_is_refused(with_household: Store) -> None:
    ev = records.append_event(with_household, note())
    with pytest.raises(ValidationError, match="already exists"):
        records.append_event(with_household, note("다른 내용", id=ev["id"]))
    assert records.get_event(with_household, ev["id"])["payload"]["text"] == "안부 전화 드림"  # type: ignore[index]


def test_clock_skew_flags_new_events(with_household: Store) -> None:
    from fieldapp import syncstate

    syncstate.mark_skew(with_household, 900.0)
    assert records.append_event(with_household, note())["skew_flag"] is True
    syncstate.mark_skew(with_household, 1.0)
    assert records.append_event(with_household, note())["skew_flag"] is False


def test_correction_replaces_the_original(with_household: Store) -> None:
    original = records.append_event(with_household, note("오타 잇음"))
    fix = records.correct_event(
        with_household, original["id"], {"text": "오타 있음"}, user=USER, device_id=DEVICE
    )
    assert (fix["type"], fix["amends"], fix["household_id"]) == ("note", original["id"], HID)
    stored = records.get_event(with_household, original["id"])
    assert stored is not None and stored["payload"] == {"text": "오타 잇음"}  # never changed
    timeline = {e["id"]: e for e in records.household_events(with_household, HID)}
    assert timeline[original["id"]]["superseded_by"] == fix["id"]
    assert not timeline[original["id"]]["effective"]
    effective = records.effective_events(with_household, HID)
    assert [e["id"] for e in effective] == [fix["id"]]
    assert effective[0]["original_id"] == original["id"]
    assert effective[0]["original_device_time"] == original["device_time"]


def test_void_removes_the_event_and_cannot_be_repeated(with_household: Store) -> None:
    keep = records.append_event(with_household, note("남길 기록"))
    gone = records.append_event(with_household, note("잘못 입력"))
    void = records.void_event(
        with_household, gone["id"], "다른 가구에 기록함", user=USER, device_id=DEVICE
    )
    assert (void["type"], void["amends"], void["payload"]) == (
        "void",
        gone["id"],
        {"reason": "다른 가구에 기록함"},
    )
    assert [e["id"] for e in records.effective_events(with_household, HID)] == [keep["id"]]
    timeline = {e["id"]: e for e in records.household_events(with_household, HID)}
    assert timeline[gone["id"]]["voided_by"] == void["id"]
    assert len(timeline) == 3  # the timeline still shows everything
    with pytest.raises(ValidationError, match="already voided"):
        records.void_event(with_household, gone["id"], "again", user=USER, device_id=DEVICE)
    with pytest.raises(ValidationError, match="already voided"):
        records.correct_event(
            with_household, gone["id"], {"text": "x"}, user=USER, device_id=DEVICE
        )
    with pytest.raises(ValidationError, match="reason"):
        records.void_event(with_household, keep["id"], "", user=USER, device_id=DEVICE)


def test_amending_unknown_or_unamendable_events_is_refused(with_household: Store) -> None:
    with pytest.raises(ValidationError, match="not on this device"):
        records.correct_event(
            with_household, records.new_id(), {"text": "x"}, user=USER, device_id=DEVICE
        )
    with pytest.raises(ValidationError, match="not on this device"):
        records.append_event(with_household, note(amends=records.new_id()))
    log = records.log_access(with_household, HID, "view", user=USER, device_id=DEVICE)
    with pytest.raises(ValidationError, match="access_log event cannot be"):
        records.void_event(with_household, log["id"], "oops", user=USER, device_id=DEVICE)
    original = records.append_event(with_household, note())
    referral = {
        "type": "referral",
        "household_id": HID,
        "created_by": USER,
        "device_id": DEVICE,
        "payload": {"target": "동 주민센터", "reason": "난방 고장", "urgency": "urgent"},
        "amends": original["id"],
    }
    with pytest.raises(ValidationError, match="must also be a note"):
        records.append_event(with_household, referral)
    assert _count(with_household, "events") == 2


def test_correction_chains_and_voided_corrections(with_household: Store) -> None:
    original = records.append_event(with_household, note("v1"))
    fix1 = records.correct_event(
        with_household, original["id"], {"text": "v2"}, user=USER, device_id=DEVICE
    )
    fix2 = records.correct_event(
        with_household, fix1["id"], {"text": "v3"}, user=USER, device_id=DEVICE
    )
    assert [e["payload"]["text"] for e in records.effective_events(with_household, HID)] == ["v3"]
    records.void_event(with_household, fix2["id"], "v3 was wrong", user=USER, device_id=DEVICE)
    assert [e["payload"]["text"] for e in records.effective_events(with_household, HID)] == ["v2"]
    records.void_event(
        with_household, original["id"], "whole record wrong", user=USER, device_id=DEVICE
    )
    assert records.effective_events(with_household, HID) == []


def test_concurrent_corrections_resolve_the_same_everywhere() -> None:
    base = {"household_id": HID, "type": "note", "amends": None}
    events = [
        {**base, "id": "o", "device_time": "2026-01-01T09:00:00+09:00", "payload": {}},
        {**base, "id": "b", "amends": "o", "device_time": "2026-01-02T09:00:00+09:00"},
        {**base, "id": "a", "amends": "o", "device_time": "2026-01-01T12:00:00+00:00"},
    ]
    for order in (events, events[::-1]):
        resolved = {e["id"]: e for e in records.resolve_amendments(order)}
        assert [k for k, e in resolved.items() if e["effective"]] == ["b"]
        assert resolved["o"]["superseded_by"] == "b"


def test_effective_events_by_type(with_household: Store) -> None:
    records.append_event(with_household, note())
    records.log_access(with_household, HID, "view", user=USER, device_id=DEVICE)
    assert [e["type"] for e in records.effective_events(with_household, HID, types=["note"])] == [
        "note"
    ]


def test_timeline_is_newest_first_by_device_time(with_household: Store) -> None:
    # 09:30 in Seoul is 00:30 UTC: earlier than 01:00 UTC although its text sorts later.
    seoul = records.append_event(
        with_household, note("서울 시각", device_time="2026-03-02T09:30:00+09:00")
    )
    utc = records.append_event(with_household, note("UTC", device_time="2026-03-02T01:00:00+00:00"))
    assert [e["id"] for e in records.household_events(with_household, HID)] == [
        utc["id"],
        seoul["id"],
    ]


def test_log_access(with_household: Store) -> None:
    ev = records.log_access(with_household, HID, "view", user=USER, device_id=DEVICE)
    assert (ev["type"], ev["payload"], ev["sync_state"]) == (
        "access_log",
        {"action": "view"},
        PENDING,
    )
    exported = records.log_access(
        with_household, HID, "export", user=USER, device_id=DEVICE, reason="월간 점검"
    )
    assert exported["payload"]["reason"] == "월간 점검"
    with pytest.raises(ValidationError, match="reason"):
        records.log_access(with_household, HID, "export", user=USER, device_id=DEVICE)
    with pytest.raises(ValidationError, match="action"):
        records.log_access(with_household, HID, "delete", user=USER, device_id=DEVICE)


# ------------------------------------------------------------------ drafts and counts


def test_drafts_round_trip(with_household: Store) -> None:
    assert records.list_drafts(with_household) == []
    records.save_draft(with_household, "d1", "welfare_check", HID, {"method": "phone"})
    records.save_draft(with_household, "d2", "note", None, {"text": "메모"})
    changed = records.save_draft(with_household, "d1", "welfare_check", HID, {"method": "visit"})
    assert changed.drafts == {"d1"}
    loaded = records.load_draft(with_household, "d1")
    assert loaded is not None
    assert (loaded["form"], loaded["household_id"], loaded["data"]) == (
        "welfare_check",
        HID,
        {"method": "visit"},
    )
    assert [d["id"] for d in records.list_drafts(with_household, HID)] == ["d1"]
    assert {d["id"] for d in records.list_drafts(with_household)} == {"d1", "d2"}
    assert records.delete_draft(with_household, "d1").drafts == {"d1"}
    assert not records.delete_draft(with_household, "d1")
    assert records.load_draft(with_household, "d1") is None


def test_pending_counts(with_household: Store) -> None:
    empty = records.pending_counts(with_household)
    assert empty["unsent"] == 0 and empty["oldest_pending_device_time"] is None
    records.append_event(with_household, note(device_time="2026-03-01T09:00:00+00:00"))
    sent = records.append_event(with_household, note(device_time="2026-03-01T08:00:00+00:00"))
    records.append_event(with_household, note(device_time="2026-03-02T09:00:00+00:00"))
    records.edit_household_field(with_household, HID, "notes", "x", user=USER, device_id=DEVICE)
    with_household.db.execute("UPDATE events SET sync_state = ? WHERE id = ?", [SENT, sent["id"]])
    counts = records.pending_counts(with_household)
    assert counts["events"] == {PENDING: 2, SENT: 1, ACCEPTED: 0, REJECTED: 0}
    assert counts["edits"][PENDING] == 1
    assert counts["unsent"] == 4
    assert counts["oldest_pending_device_time"] == "2026-03-01T08:00:00+00:00"


@st.composite
def amendment_histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Random originals, corrections (of anything earlier) and voids, as one device makes."""
    events: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["original", "correction", "void"])) if events else "original"
        targets = [e for e in events if e["type"] == "note"]
        target = draw(st.sampled_from(targets))["id"] if kind != "original" else None
        events.append(
            {
                "id": f"e{i:02d}",
                "type": "void" if kind == "void" else "note",
                "amends": target,
                "device_time": f"2026-01-01T00:{draw(st.integers(0, 59)):02d}:00+00:00",
            }
        )
    return events


@settings(max_examples=200, deadline=None)
@given(amendment_histories(), st.randoms(use_true_random=False))
def test_each_original_has_at_most_one_effective_version(
    events: list[dict[str, Any]], rnd: Any
) -> None:
    resolved = records.resolve_amendments(events)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    again = {e["id"]: e["effective"] for e in records.resolve_amendments(shuffled)}
    assert {e["id"]: e["effective"] for e in resolved} == again  # order does not matter
    by_root: dict[str, list[str]] = {}
    for e in resolved:
        assert not (e["type"] == "void" and e["effective"])
        assert not (e["voided_by"] and e["effective"])
        if e["effective"]:
            by_root.setdefault(e["original_id"], []).append(e["id"])
    assert all(len(ids) == 1 for ids in by_root.values())
    originals = [e for e in resolved if e["type"] == "note" and e["amends"] is None]
    for o in originals:  # an original that is not voided always shows some version
        if o["voided_by"] is None:
            assert o["id"] in by_root


def test_users_and_places(store: Store) -> None:
    from fieldapp.districts import get_district

    assert records.get_user(store, USER) is None
    records.save_user(
        store,
        {"username": USER, "display_name": "가온", "role": "volunteer", "district_code": "11440"},
    )
    records.save_user(
        store,
        {
            "username": USER,
            "display_name": "가온누리",
            "role": "volunteer",
            "district_code": "11440",
        },
    )
    assert records.get_user(store, USER) == {
        "username": USER,
        "display_name": "가온누리",
        "role": "volunteer",
        "district_code": "11440",
    }
    mapo = get_district("11440")
    written = records.save_districts(store, [mapo])
    assert written == len(mapo.dongs) > 0
    names = records.dong_names(store, "11440")
    assert names == {d.code: d.name for d in mapo.dongs}
    assert records.dong_names(store, "11110") == {}
