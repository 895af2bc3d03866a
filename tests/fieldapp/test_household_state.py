"""The one household-state rule on fixed histories: closing, drafts, providers, the worklist's
rows and order, and programme days in Asia/Seoul whatever the machine's zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fieldapp.household_state import (
    OpenItem,
    household_state,
    immediate_count,
    programme_day,
    programme_today,
    worklist,
)
from fieldapp.programme_time import PROGRAMME_ZONE, kst_text
from tests.fieldapp.test_cadence import IMMEDIATE_RESULT, WC, check, d, event, hh

VH = "visiting_health"
HYPO = {
    "actions": [
        {
            "id": "hypoglycaemia",
            "urgency": "immediate",
            "text_ko": "저혈당(70 mg/dL 미만): 당 섭취",
            "text_en": "Hypoglycaemia (below 70 mg/dL): give sugar",
        }
    ]
}


def flagged_visit(day: str, hour: int = 10, **extra: Any) -> dict[str, Any]:
    return event("visit", day, {"vitals": {}, "result": HYPO}, programme=VH, hour=hour, **extra)


def answer(record: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The banner's referral: done, naming the record, saved with it."""
    return {
        **event(
            "referral",
            "2026-07-10",
            {
                "target": "곁에 머물며 안전을 확인함",
                "reason": "저혈당",
                "urgency": "immediate",
                "status": "done",
                "closes": record["id"],
            },
            programme=record.get("programme"),
        ),
        "device_time": record["device_time"],
        **extra,
    }


def nurse_hh(hid: str = "hh", **fields: Any) -> dict[str, Any]:
    return hh(hid, **{"care_group": "regular", "assignments": {VH: "nurse3"}, **fields})


# ------------------------------------------------------------------ closing


def test_a_recorded_action_closes_the_record_it_names_on_every_view() -> None:
    visit = flagged_visit("2026-07-10")
    today = d("2026-07-11")
    open_state = household_state(nurse_hh(), [visit], today)
    assert open_state.state == "immediate"
    [item] = open_state.immediate_actions
    assert (item.record_id, item.since, item.programme) == (visit["id"], d("2026-07-10"), VH)
    assert item.text_ko.endswith("저혈당(70 mg/dL 미만)") and "Hypoglycaemia" in item.text_en
    rows = worklist([nurse_hh()], {"hh": [visit]}, VH, today)
    assert immediate_count(rows) == 1 and rows[0].record_id == visit["id"]

    # the referral saved with the record, in either order of rows
    for history in ([visit, answer(visit)], [answer(visit), visit]):
        state = household_state(nurse_hh(), history, today)
        assert state.immediate == [] and state.state != "immediate"
        assert immediate_count(worklist([nurse_hh()], {"hh": history}, VH, today)) == 0


def test_an_action_recorded_days_later_closes_it_and_a_clear_visit_does_not() -> None:
    visit = flagged_visit("2026-07-10")
    clear = event("visit", "2026-07-11", {"vitals": {}, "result": {"actions": []}}, programme=VH)
    assert household_state(nurse_hh(), [visit, clear], d("2026-07-12")).state == "immediate"
    later = {**answer(visit), "device_time": "2026-07-14T09:00:00+09:00"}
    assert household_state(nurse_hh(), [visit, clear, later], d("2026-07-15")).immediate == []


def test_an_unanswered_action_45_days_old_is_still_open_and_an_answer_closes_it() -> None:
    visit = flagged_visit("2026-07-10")
    later = event("visit", "2026-08-01", {"vitals": {}, "result": {"actions": []}}, programme=VH)
    today = d("2026-08-24")  # 45 days after the flagged visit
    state = household_state(nurse_hh(), [visit, later], today)
    assert [i.record_id for i in state.immediate_actions] == [visit["id"]]
    assert immediate_count(worklist([nurse_hh()], {"hh": [visit, later]}, VH, today)) == 1
    answered = [visit, later, {**answer(visit), "device_time": "2026-08-23T09:00:00+09:00"}]
    assert household_state(nurse_hh(), answered, today).immediate == []
    assert immediate_count(worklist([nurse_hh()], {"hh": answered}, VH, today)) == 0


def test_the_welfare_checks_own_actions_close_its_action() -> None:
    done = check("2026-07-10", actions_taken=["informed_supervisor"])
    done["payload"]["result"] = IMMEDIATE_RESULT
    house = hh(assignments={WC: "volunteer1"})
    assert household_state(house, [done], d("2026-07-11")).immediate == []
    done["payload"]["actions_taken"] = []
    assert len(household_state(house, [done], d("2026-07-11")).immediate) == 1


def test_two_flagged_records_are_two_rows_the_rest_folds_into_the_first() -> None:
    a = flagged_visit("2026-07-01", hour=9)
    b = flagged_visit("2026-07-05", hour=9)
    rows = worklist([nurse_hh(care_group="intensive")], {"hh": [a, b]}, VH, d("2026-07-30"))
    assert [r.record_id for r in rows] == [a["id"], b["id"]]
    assert [r.state for r in rows] == ["immediate", "immediate"]
    assert rows[0].reason_ko.endswith("외 1건"), "the overdue visit is folded into the first row"
    assert not rows[1].reason_ko.endswith("건")


def test_open_referrals_are_listed_and_closed_by_name() -> None:
    ref = event(
        "referral",
        "2026-07-01",
        {"target": "치매안심센터", "reason": "CIST", "urgency": "urgent", "status": "open"},
        programme=VH,
    )
    state = household_state(nurse_hh(), [ref], d("2026-07-02"))
    assert [r.record_id for r in state.referrals] == [ref["id"]]
    assert state.open_record_ids == {ref["id"]}
    closing = event(
        "referral",
        "2026-07-03",
        {
            "target": "x",
            "reason": "done",
            "urgency": "routine",
            "status": "done",
            "closes": ref["id"],
        },
        programme=VH,
    )
    assert household_state(nurse_hh(), [ref, closing], d("2026-07-04")).referrals == []


# ------------------------------------------------------------------ drafts and providers


def draft(form: str, immediate: list[dict[str, Any]], recorded: bool = False) -> dict[str, Any]:
    return {
        "id": "draft-1",
        "household_id": "hh",
        "form": form,
        "data": {
            "values": {},
            "result": {"immediate": immediate},
            "action_recorded": recorded,
        },
        "updated_at": "2026-07-10T14:59:00+00:00",  # 23:59 KST
    }


def test_a_draft_with_an_unhandled_risk_is_an_immediate_item_first_on_today() -> None:
    risk = [{"text_ko": "자살 위험: 109 연결", "text_en": "Suicide risk: call 109"}]
    overdue = nurse_hh("other", care_group="intensive")
    rows = worklist(
        [overdue, nurse_hh()],
        {"other": [], "hh": []},
        VH,
        d("2026-07-11"),
        drafts_by_household={"hh": [draft("screening:phq9", risk)]},
    )
    assert rows[0].code == "draft_risk" and rows[0].record_id == "draft-1"
    assert rows[0].state == "immediate" and rows[0].form_id == "screening:phq9"
    assert rows[0].since == d("2026-07-10"), "kept at 23:59 KST: that Korean day"
    state = household_state(nurse_hh(), [], d("2026-07-11"), drafts=[draft("visit", risk)])
    assert [dr.form for dr in state.drafts] == ["visit"] and state.drafts[0].risk_unhandled
    recorded = household_state(nurse_hh(), [], d("2026-07-11"), drafts=[draft("visit", risk, True)])
    assert recorded.immediate == [] and not recorded.drafts[0].risk_unhandled
    plain = household_state(nurse_hh(), [], d("2026-07-11"), drafts=[draft("visit", [])])
    assert plain.immediate == [] and len(plain.drafts) == 1


def test_a_risky_draft_leads_older_open_actions() -> None:
    """An action open since months sorts before today's other immediate rows by its due
    day; a risky draft still leads (it is on this laptop only)."""
    risk = [{"text_ko": "자살 위험: 109 연결", "text_en": "Suicide risk: call 109"}]
    old = flagged_visit("2026-03-02", household_id="aaa")
    rows = worklist(
        [nurse_hh("aaa"), nurse_hh()],
        {"aaa": [old], "hh": []},
        VH,
        d("2026-07-11"),
        drafts_by_household={"hh": [draft("screening:phq9", risk)]},
    )
    assert [(r.code, r.household_id) for r in rows if r.state == "immediate"] == [
        ("draft_risk", "hh"),
        ("immediate_action", "aaa"),
    ]


def test_extra_providers_add_open_items_ranked_with_the_rest() -> None:
    def signals(household: Any, events: Any, today: date) -> list[OpenItem]:
        return [
            OpenItem(
                kind="signal",
                household_id=str(household["id"]),
                programme=None,
                record_id="sig-1",
                text_ko="PHQ-9 6 → 13",
                text_en="PHQ-9 6 -> 13",
                since=today,
                due=today,
                severity="high",
                evidence=("e1", "e2"),
            )
        ]

    today = d("2026-07-11")
    recent = event("visit", "2026-07-10", {"vitals": {}}, programme=VH)
    state = household_state(nurse_hh(), [recent], today, providers=[signals])
    assert [s.record_id for s in state.signals] == ["sig-1"]
    assert state.state == "due_today", "a signal due today ranks as due today"
    rows = worklist([nurse_hh()], {"hh": [recent]}, VH, today, providers=[signals])
    assert [r.code for r in rows] == ["signal"]
    # the households list's 다음 방문: the next visit (정기관리군, every 3 months), not the signal
    assert (state.contact_state, state.next_contact_due) == ("not_due", d("2026-10-10"))


# ------------------------------------------------------------------ worklist order


def test_worklist_order_and_reasons() -> None:
    flagged = check("2026-07-10")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    today = d("2026-07-15")
    names = ("due_today", "week_ahead", "moved", "upcoming", "over_1", "immediate", "over_5")
    households = [hh(x) for x in names]
    events = {
        "immediate": [flagged],
        "over_5": [check("2026-07-03")],
        "over_1": [check("2026-07-07")],
        "due_today": [check("2026-07-08")],
        "upcoming": [check("2026-07-11")],
        "week_ahead": [check("2026-07-05"), check("2026-07-15")],  # due 07-22, the 7th day
        "moved": [check("2026-07-01"), check("2026-07-02", "moved")],
    }
    items = worklist(households, events, WC, today)
    assert [w.household_id for w in items] == [
        "immediate",
        "over_5",
        "over_1",
        "due_today",
        "upcoming",
        "week_ahead",
    ]
    assert [w.state for w in items] == [
        "immediate",
        "overdue",
        "overdue",
        "due_today",
        "upcoming",
        "upcoming",
    ]
    assert (
        worklist(households, events, WC, today - timedelta(days=1))[-1].household_id == "upcoming"
    )
    assert items[1].overdue_days == 5 and items[2].overdue_days == 1
    assert items[0].record_id == flagged["id"] and items[0].form_id == "welfare_check"
    assert all(w.reason_ko and w.reason_en for w in items)
    states: dict[str, Any] = {}
    worklist(households, events, WC, today, states_out=states)
    assert states["moved"].state == "not_due" and states["over_5"].next_due == d("2026-07-10")


def test_worklist_counts_other_pressing_reasons() -> None:
    events = {
        "hh": [
            check("2026-07-01"),
            check("2026-07-03", "no_answer"),
            check("2026-07-04", "no_answer"),
        ]
    }
    [item] = worklist([hh()], events, WC, d("2026-07-09"))
    assert item.reason_ko.endswith("외 1건") and item.reason_en.endswith("(+1 more)")
    assert item.form_defaults == {"method": "visit"}


# ------------------------------------------------------------------ zones


@pytest.fixture(params=["UTC", "Asia/Seoul", "America/Los_Angeles"])
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The machine's local zone set to each of a few (TZ + tzset), restored afterwards."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_a_record_at_2359_kst_looked_at_after_midnight(machine_zone: str) -> None:
    made = "2026-12-04T14:59:00+00:00"  # 23:59 KST on the 4th
    assert programme_day(made) == d("2026-12-04")
    assert programme_day("2026-12-04T23:59:00+09:00") == d("2026-12-04")
    assert kst_text(made) == "2026-12-04 23:59"
    after_midnight = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 00:30 KST on the 5th
    today = programme_today(after_midnight)
    assert today == d("2026-12-05")
    visit = {**flagged_visit("2026-12-04"), "device_time": made}
    state = household_state(nurse_hh(), [visit], today)
    [item] = state.immediate_actions
    assert item.since == d("2026-12-04")
    assert item.text_ko.startswith("즉시 조치 미완료 (2026-12-04)")
    [row] = worklist([nurse_hh()], {"hh": [visit]}, VH, today)
    assert row.since == d("2026-12-04") and row.due == d("2026-12-04")


def test_programme_today_follows_seoul_not_the_machine(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert os.environ["TZ"] == machine_zone
    assert programme_today() == datetime.now(PROGRAMME_ZONE).date()
    # 23:30 UTC is already tomorrow in Seoul, whatever the machine says today is
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert programme_today(late) == d("2026-12-05")
    assert programme_today(late.astimezone()) == d("2026-12-05"), "same instant, local zone"
