"""Cadence on fixed dates: care groups, weekly checks, missed calls, overlays."""

from __future__ import annotations

import dataclasses
import json
import shutil
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cadence import (
    Alert,
    CadenceRules,
    due_state,
    load_cadence_file,
    load_rules,
    load_rules_from,
)
from fieldapp.errors import AssetError
from fieldapp.resources import asset_path

KST = timezone(timedelta(hours=9))
VH, WC = "visiting_health", "welfare_check"

IMMEDIATE_RESULT = {
    "flags": ["suicide_risk"],
    "actions": [
        {
            "id": "suicide_crisis",
            "urgency": "immediate",
            "text_ko": "적극적 자살 언급: ...",
            "text_en": "Active suicidal talk: ...",
        }
    ],
}


def at(day: str, hour: int = 10) -> str:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=KST).isoformat()


def event(
    etype: str, day: str, payload: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": extra.pop("id", str(uuid.uuid4())),
        "type": etype,
        "household_id": "hh",
        "created_by": "worker",
        "device_id": "dev",
        "device_time": at(day, extra.pop("hour", 10)),
        "payload": payload if payload is not None else {},
        **extra,
    }


def visit(day: str, **extra: Any) -> dict[str, Any]:
    return event("visit", day, {"vitals": {}, "result": {"actions": []}}, **extra)


def check(day: str, reached: str = "yes", method: str = "phone", **payload: Any) -> dict[str, Any]:
    body = {"method": method, "reached": reached, "result": {"actions": []}, **payload}
    return event("welfare_check", day, body)


def hh(hid: str = "hh", **fields: Any) -> dict[str, Any]:
    return {"id": hid, "district_code": "11110", "dong_code": "1111051500", **fields}


def d(text: str) -> date:
    return date.fromisoformat(text)


# ------------------------------------------------------------------ visiting health


def test_intensive_group_every_14_days() -> None:
    house, events = hh(care_group="intensive"), [visit("2026-03-02")]
    info = due_state(house, events, VH, d("2026-03-05"))
    assert info.next_due == d("2026-03-16") and info.state == "not_due"
    assert due_state(house, events, VH, d("2026-03-10")).state == "upcoming"
    assert due_state(house, events, VH, d("2026-03-16")).state == "due_today"
    late = due_state(house, events, VH, d("2026-03-20"))
    assert (late.state, late.overdue_days) == ("overdue", 4)
    assert "집중관리군" in late.reasons_ko[0] and "Intensive" in late.reasons_en[0]


def test_regular_group_every_3_months_clamped_to_month_end() -> None:
    info = due_state(hh(care_group="regular"), [visit("2026-01-31")], VH, d("2026-02-10"))
    assert info.next_due == d("2026-04-30")


def test_self_support_group_every_6_months() -> None:
    info = due_state(hh(care_group="self_support"), [visit("2026-01-15")], VH, d("2026-07-16"))
    assert info.next_due == d("2026-07-15") and info.overdue_days == 1


def test_unknown_care_group_uses_the_default_group() -> None:
    info = due_state(hh(), [visit("2026-01-15")], VH, d("2026-02-01"))
    assert info.next_due == d("2026-04-15")


def test_no_visit_yet_is_due_today() -> None:
    info = due_state(hh(care_group="intensive"), [], VH, d("2026-03-05"))
    assert info.state == "due_today" and info.reasons[0].code == "first_contact"
    assert info.reasons[0].form_id == "visit"


def test_voided_visit_does_not_count() -> None:
    v = visit("2026-03-02")
    void = event("void", "2026-03-03", {"reason": "잘못 입력"}, amends=v["id"])
    info = due_state(
        hh(care_group="intensive"), [visit("2026-02-01"), v, void], VH, d("2026-03-05")
    )
    assert info.next_due == d("2026-02-15") and info.state == "overdue"


def test_correction_keeps_the_original_visit_date() -> None:
    v = visit("2026-03-02")
    fix = visit("2026-03-09", amends=v["id"])
    info = due_state(hh(care_group="intensive"), [v, fix], VH, d("2026-03-10"))
    assert info.next_due == d("2026-03-16")


def test_rejected_and_other_programme_events_ignored() -> None:
    events = [
        visit("2026-03-02", sync_state="rejected"),
        visit("2026-03-03", programme=WC),
        dict(visit("2026-02-16"), payload=json.dumps({"vitals": {}})),  # JSON text payload
    ]
    info = due_state(hh(care_group="intensive"), events, VH, d("2026-03-05"))
    assert info.next_due == d("2026-03-02")


# ------------------------------------------------------------------ welfare checks


def test_weekly_welfare_check() -> None:
    info = due_state(hh(isolation_band="medium"), [check("2026-07-01")], WC, d("2026-07-03"))
    assert info.next_due == d("2026-07-08") and info.state == "upcoming"
    assert "주 1회" in info.reasons_ko[0]


def test_high_risk_twice_weekly_where_configured() -> None:
    rules = load_rules()
    pc = dataclasses.replace(rules.programmes[WC], twice_weekly_enabled=True)
    twice = CadenceRules({**rules.programmes, WC: pc}, rules.overlay)
    house = hh(risk_level="high")
    assert due_state(house, [check("2026-07-01")], WC, d("2026-07-02"), twice).next_due == d(
        "2026-07-04"
    )
    assert due_state(house, [check("2026-07-01")], WC, d("2026-07-02")).next_due == d("2026-07-08")
    low = hh(risk_level="low")
    assert due_state(low, [check("2026-07-01")], WC, d("2026-07-02"), twice).next_due == d(
        "2026-07-08"
    )


def test_two_missed_calls_make_a_home_visit_task() -> None:
    events = [
        check("2026-07-01"),
        check("2026-07-03", "no_answer"),
        check("2026-07-04", "phone_off"),
    ]
    info = due_state(hh(), events, WC, d("2026-07-05"))
    top = info.reasons[0]
    assert top.code == "missed_calls" and top.due == d("2026-07-04")
    assert top.form_id == "welfare_check" and top.form_defaults == {"method": "visit"}
    assert (info.state, info.overdue_days) == ("overdue", 1)
    assert "가정방문" in top.text_ko


def test_one_missed_call_is_not_yet_a_task() -> None:
    events = [check("2026-07-01"), check("2026-07-04", "no_answer")]
    info = due_state(hh(), events, WC, d("2026-07-05"))
    assert [r.code for r in info.reasons] == ["cadence"]
    assert info.next_due == d("2026-07-08")  # a missed call is not a contact


def test_missed_calls_cleared_by_a_reached_call_or_a_visit() -> None:
    missed = [check("2026-07-02", "no_answer"), check("2026-07-03", "no_answer")]
    reached = due_state(hh(), [*missed, check("2026-07-04")], WC, d("2026-07-05"))
    assert "missed_calls" not in [r.code for r in reached.reasons]
    visited = due_state(hh(), [*missed, check("2026-07-04", "yes", "visit")], WC, d("2026-07-05"))
    assert "missed_calls" not in [r.code for r in visited.reasons]


def test_voided_missed_call_breaks_the_count() -> None:
    second = check("2026-07-03", "no_answer")
    void = event("void", "2026-07-03", {"reason": "다른 가구"}, amends=second["id"])
    events = [check("2026-07-01"), check("2026-07-02", "no_answer"), second, void]
    info = due_state(hh(), events, WC, d("2026-07-04"))
    assert "missed_calls" not in [r.code for r in info.reasons]


def test_moved_or_deceased_stops_the_cadence() -> None:
    info = due_state(hh(), [check("2026-06-01"), check("2026-06-08", "moved")], WC, d("2026-07-01"))
    assert info.next_due is None and info.state == "not_due"


# ------------------------------------------------------------------ follow-ups


def test_open_immediate_action_comes_first() -> None:
    flagged = check("2026-07-10", suicidal_talk="active")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    info = due_state(hh(), [flagged], WC, d("2026-07-11"))
    assert info.state == "immediate"
    assert info.reasons[0].event_id == flagged["id"]
    assert info.reasons[0].text_ko.endswith("적극적 자살 언급")


def test_immediate_action_closed_by_what_was_done() -> None:
    done_on_the_spot = check("2026-07-10", actions_taken=["called_109"])
    done_on_the_spot["payload"]["result"] = IMMEDIATE_RESULT
    assert due_state(hh(), [done_on_the_spot], WC, d("2026-07-11")).state != "immediate"

    flagged = check("2026-07-10")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    referral = event(
        "referral",
        "2026-07-10",
        {
            "target": "정신건강복지센터",
            "reason": "자살 위험",
            "urgency": "urgent",
            "status": "done",
            "closes": flagged["id"],
        },
        hour=11,
    )
    assert due_state(hh(), [flagged, referral], WC, d("2026-07-11")).state != "immediate"
    # a later contact that raised nothing is no answer to the action: it stays open
    later = due_state(hh(), [flagged, check("2026-07-11")], WC, d("2026-07-12"))
    assert later.state == "immediate" and later.reasons[0].event_id == flagged["id"]


def test_old_done_referral_without_closes_answers_the_record_made_with_it() -> None:
    """Records from before ``closes`` was written: the form saved its done referral with the
    flagged record's own device time and device; that (and nothing about days) links them."""
    flagged = check("2026-07-10")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    flagged["programme"] = WC
    done = event(
        "referral",
        "2026-07-10",
        {
            "target": "109 연결",
            "reason": "자살 위험",
            "urgency": "immediate",
            "status": "done",
            "closes": None,
        },
        programme=WC,
    )
    assert done["device_time"] == flagged["device_time"]
    for order in ([flagged, done], [done, flagged]):
        assert due_state(hh(), order, WC, d("2026-07-11")).state != "immediate"
    # the same instant written in another zone is the same instant
    utc = dict(
        done, device_time=datetime.fromisoformat(done["device_time"]).astimezone(UTC).isoformat()
    )
    assert due_state(hh(), [flagged, utc], WC, d("2026-07-11")).state != "immediate"
    # later the same day, or from another device: no link, the action stays open
    later = dict(done, device_time=at("2026-07-10", hour=11))
    other = dict(done, device_id="other-device")
    for ref in (later, other):
        assert due_state(hh(), [flagged, ref], WC, d("2026-07-11")).state == "immediate"


def test_closes_naming_the_original_closes_its_correction() -> None:
    flagged = check("2026-07-10")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    corrected = check("2026-07-10")
    corrected["payload"]["result"] = IMMEDIATE_RESULT
    corrected["amends"] = flagged["id"]
    closing = event(
        "referral",
        "2026-07-10",
        {
            "target": "109",
            "reason": "r",
            "urgency": "immediate",
            "status": "done",
            "closes": flagged["id"],
        },
        hour=12,
    )
    info = due_state(hh(), [flagged, corrected], WC, d("2026-07-11"))
    assert info.state == "immediate" and info.reasons[0].event_id == corrected["id"]
    assert due_state(hh(), [flagged, corrected, closing], WC, d("2026-07-11")).state != "immediate"
    voided = event("void", "2026-07-10", {"reason": "wrong"}, amends=closing["id"], hour=13)
    reopened = due_state(hh(), [flagged, corrected, closing, voided], WC, d("2026-07-11"))
    assert reopened.state == "immediate", "voiding the answer opens the action again"


def test_an_unanswered_immediate_action_stays_open_however_old() -> None:
    """No window: a risk nobody answered is never forgotten by the calendar."""
    flagged = check("2026-05-01")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    later_checks = [check("2026-05-08"), check("2026-05-15")]  # ordinary contacts answer nothing
    for today in ("2026-05-20", "2026-06-15", "2027-05-01"):  # 19, 45 and 365 days on
        info = due_state(hh(), [flagged, *later_checks], WC, d(today))
        assert info.state == "immediate"
        assert [r.event_id for r in info.reasons if r.immediate] == [flagged["id"]]


def test_an_old_immediate_action_closes_when_a_record_answers_it_or_it_is_voided() -> None:
    flagged = check("2026-05-01")
    flagged["payload"]["result"] = IMMEDIATE_RESULT
    answer = event(
        "referral",
        "2026-06-14",
        {
            "target": "정신건강복지센터",
            "reason": "r",
            "urgency": "immediate",
            "status": "done",
            "closes": flagged["id"],
        },
    )
    today = d("2026-06-15")  # 45 days on
    assert due_state(hh(), [flagged, answer], WC, today).state != "immediate"
    voided = event("void", "2026-06-14", {"reason": "wrong household"}, amends=flagged["id"])
    assert due_state(hh(), [flagged, voided], WC, today).state != "immediate"


def test_a_cadence_file_with_the_old_window_key_still_loads(tmp_path: Path) -> None:
    """``open_action_window_days`` is no longer read: an older file that has it is accepted."""
    path = tmp_path / "welfare_check.json"
    data = json.loads((asset_path("cadence") / "welfare_check.json").read_text(encoding="utf-8"))
    data["follow_up"]["open_action_window_days"] = 30
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_cadence_file(path)
    assert not hasattr(loaded, "open_action_window_days")


def test_open_referral_follow_up() -> None:
    ref = event(
        "referral",
        "2026-07-01",
        {"target": "치매안심센터", "reason": "CIST", "urgency": "urgent", "status": "open"},
    )
    info = due_state(hh(care_group="self_support"), [visit("2026-07-01"), ref], VH, d("2026-07-05"))
    assert info.reasons[0].code == "referral" and info.reasons[0].due == d("2026-07-04")
    closing = event(
        "referral",
        "2026-07-03",
        {
            "target": "치매안심센터",
            "reason": "done",
            "urgency": "routine",
            "status": "done",
            "closes": ref["id"],
        },
    )
    info = due_state(
        hh(care_group="self_support"), [visit("2026-07-01"), ref, closing], VH, d("2026-07-05")
    )
    assert "referral" not in [r.code for r in info.reasons]


# ------------------------------------------------------------------ heat and cold overlays


def test_heat_alert_makes_high_and_medium_risk_due_daily() -> None:
    events = [check("2026-07-19")]
    high = due_state(hh(risk_level="high", alert_active=True), events, WC, d("2026-07-20"))
    assert high.state == "due_today" and high.reasons[0].code == "alert"
    assert "폭염" in high.reasons_ko[0]
    medium_band = due_state(
        hh(isolation_band="medium", alert_active=True), events, WC, d("2026-07-20")
    )
    assert medium_band.state == "due_today"
    low = due_state(
        hh(risk_level="low", isolation_band="low", alert_active=True), events, WC, d("2026-07-20")
    )
    assert low.state == "upcoming" and low.next_due == d("2026-07-26")
    no_alert = due_state(hh(risk_level="high"), events, WC, d("2026-07-20"))
    assert no_alert.state == "upcoming"
    contacted_today = due_state(
        hh(risk_level="high", alert_active=True), [check("2026-07-20")], WC, d("2026-07-20")
    )
    assert contacted_today.next_due == d("2026-07-21")


def test_alert_argument_with_district_and_start() -> None:
    alert = Alert(kind="heat", start=d("2026-07-18"), end=d("2026-07-25"), district_code="11110")
    house = hh(risk_level="medium")
    info = due_state(house, [check("2026-07-15")], WC, d("2026-07-20"), alerts=[alert])
    assert (info.state, info.overdue_days) == ("overdue", 2)
    elsewhere = hh(risk_level="medium", district_code="11140")
    assert (
        due_state(elsewhere, [check("2026-07-15")], WC, d("2026-07-20"), alerts=[alert]).state
        == "upcoming"
    )
    after = due_state(house, [check("2026-07-15")], WC, d("2026-07-26"), alerts=[alert])
    assert after.reasons[0].code == "cadence"


def test_cold_alert_across_the_new_year() -> None:
    alert = {"kind": "cold", "start": "2026-12-30", "district_code": "11110"}
    info = due_state(
        hh(risk_level="high"), [check("2026-12-31")], WC, d("2027-01-02"), alerts=[alert]
    )
    assert info.reasons[0].code == "alert" and "한파" in info.reasons_ko[0]
    flagged = due_state(
        hh(risk_level="high", alert_active=True), [check("2027-01-01")], WC, d("2027-01-02")
    )
    assert "한파" in flagged.reasons_ko[0] and "Cold" in flagged.reasons_en[0]


def test_overlay_not_applied_to_visiting_health_by_default() -> None:
    house = hh(risk_level="high", care_group="regular", alert_active=True)
    info = due_state(house, [visit("2026-07-01")], VH, d("2026-07-20"))
    assert "alert" not in [r.code for r in info.reasons]


# ------------------------------------------------------------------ rule files


def test_every_cadence_file_loads_with_sources() -> None:
    for path in sorted(asset_path("cadence").glob("*.json")):
        load_cadence_file(path)
    rules = load_rules()
    assert set(rules.programmes) == {VH, WC}
    assert rules.overlay is not None and set(rules.overlay.seasons) == {"heat", "cold"}
    assert rules.overlay.seasons["heat"].contains(d("2026-05-20"))
    assert not rules.overlay.seasons["heat"].contains(d("2026-10-01"))
    assert rules.overlay.seasons["cold"].contains(d("2027-03-15"))


def test_broken_cadence_file_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "cadence"
    shutil.copytree(asset_path("cadence"), folder)
    path = folder / "visiting_health.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["groups"]["intensive"]["interval_months"] = 1  # now both days and months
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        AssetError, match=r"visiting_health\.json: group 'intensive' needs exactly one"
    ):
        load_rules_from(folder)
    data["groups"]["intensive"].pop("interval_months")
    data["groups"]["intensive"]["interval_days"] = 0
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match=r"visiting_health\.json: .*>= 1"):
        load_rules_from(folder)
    seasons = folder / "seasonal_alerts.json"
    data = json.loads(seasons.read_text(encoding="utf-8"))
    data["seasons"]["heat"]["start"] = "05-40"
    seasons.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match=r"seasonal_alerts\.json: season heat start"):
        load_cadence_file(seasons)
