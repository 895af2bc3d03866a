"""Signals on fixed histories: each rule just below, at and above its thresholds, with
amended and voided records, acknowledgements, and the rule file's checks."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldapp import signals
from fieldapp.errors import AssetError
from fieldapp.resources import asset_path
from tests.fieldapp.signals_history import DAY0, History


def on(day: int) -> date:
    return DAY0 + timedelta(days=day)


def fired(h: History, day: int, rule: str) -> list[signals.Signal]:
    return [s for s in signals.evaluate(h.household, h.effective(), on(day)) if s.rule == rule]


def one(h: History, day: int, rule: str) -> signals.Signal:
    found = fired(h, day, rule)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- the rule file


def test_shipped_rules_load_with_sources_and_every_kind() -> None:
    rules = signals.load_signal_rules()
    assert rules.version == "signals-3"
    assert {r.kind for r in rules.rules} == {"contact", "mood", "body", "daily_life", "home"}
    assert all(r.source and r.rationale for r in rules.rules)


def _broken(tmp_path: Path, change: Any) -> Path:
    data = json.loads(asset_path("signals", "signals.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "signals.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _rule(data: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rid)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: _rule(d, "phq9_worsening").update(severity="urgent"), "'phq9_worsening'"),
        (lambda d: _rule(d, "meals_low_run")["thresholds"].pop("count"), "'count' is missing"),
        (
            lambda d: _rule(d, "weight_loss")["thresholds"].update(percent="five"),
            "rule 'weight_loss': threshold 'percent' must be a number",
        ),
        (
            lambda d: _rule(d, "contact_missed").update(text_ko="{n}회 {count}"),
            "rule 'contact_missed': text_ko uses 'n'",
        ),
        (
            lambda d: _rule(d, "mood_low_run")["match"].update(op="~"),
            "rule 'mood_low_run': match: unknown operator",
        ),
        (lambda d: _rule(d, "bmi_low").pop("source"), "rule 'bmi_low': 'source'"),
        (lambda d: _rule(d, "utilities_cut").update(detector="magic"), "detector 'magic'"),
        (lambda d: d["rules"].append(dict(d["rules"][0])), "appears twice"),
        (lambda d: _rule(d, "bmi_low").update(programme="nursing"), "programme 'nursing'"),
        (
            lambda d: _rule(d, "bmi_low").update(counts_from="alert_start"),
            "rule 'bmi_low': 'counts_from'",
        ),
    ],
)
def test_a_broken_rule_names_the_file_and_the_entry(tmp_path: Path, change: Any, says: str) -> None:
    with pytest.raises(AssetError) as err:
        signals.load_signal_rules_file(_broken(tmp_path, change))
    assert str(err.value).startswith("signals.json: ")
    assert says in str(err.value)


def test_an_unreadable_rule_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "signals.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(AssetError, match=r"signals\.json: not readable JSON"):
        signals.load_signal_rules_file(path)
    shutil.rmtree(tmp_path)


# --------------------------------------------------------------------------- contact


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("y-n-n", 0),  # two in a row
        ("y-n-n-n", 1),  # three in a row
        ("n-n-n-n-n", 1),
        ("n-y-n-n", 0),  # an answered call ends the run
        ("n-n-n-y", 0),  # the latest reached the person
    ],
)
def test_contact_missed_three_in_a_row(pattern: str, expected: int) -> None:
    h = History()
    marks = pattern.split("-")
    for i, mark in enumerate(marks):
        h.check(7 * i, reached="yes" if mark == "y" else ("no_answer" if i % 2 else "phone_off"))
    assert len(fired(h, 7 * (len(marks) - 1), "contact_missed")) == expected


def test_contact_missed_sentence_evidence_and_stable_id() -> None:
    h = History()
    first = h.check(1, reached="no_answer")
    h.check(8, reached="phone_off")
    h.check(15, reached="not_home")
    s = one(h, 15, "contact_missed")
    assert s.text_ko == "연속 3회 연락 안 됨 (2026-09-02 → 2026-09-16): 받지 않음, 전화 꺼짐, 부재"
    assert s.since == "2026-09-02" and s.raised_on == "2026-09-16"
    assert s.evidence_ids[0] == first and s.severity == "high" and s.kind == "contact"
    assert s.id == signals.signal_id("contact_missed", h.hid, first)
    h.check(22, reached="no_answer")  # a fourth: same signal, one more piece of evidence
    assert one(h, 22, "contact_missed").id == s.id
    h.visit(23)  # the nurse's visit is the nurse's record: the volunteer's run goes on
    assert one(h, 23, "contact_missed").id == s.id
    h.check(24)  # reached: the run is broken
    assert fired(h, 24, "contact_missed") == []


def test_a_voided_miss_does_not_count_and_an_amended_one_does() -> None:
    h = History()
    a = h.check(1, reached="no_answer")
    h.check(8, reached="no_answer")
    h.check(15, reached="no_answer")
    h.void(a, 16)
    assert fired(h, 16, "contact_missed") == []
    h2 = History()
    b = h2.check(1, reached="yes")
    h2.check(8, reached="no_answer")
    h2.check(15, reached="no_answer")
    assert fired(h2, 15, "contact_missed") == []
    fix = h2.amend(b, 16, {"method": "phone", "attempt": 1, "reached": "no_answer"})
    s = one(h2, 16, "contact_missed")
    assert s.evidence_ids[0] == fix and s.since == "2026-09-02"  # the original's day


@pytest.mark.parametrize(("days", "expected"), [(15, 0), (16, 0), (17, 1), (30, 1)])
def test_contact_gap_high_risk_after_two_missed_weeks_and_the_home_visit(
    days: int, expected: int
) -> None:
    """Two weekly calls missed (14 days) and the home visit the second one makes due, within
    a day or two: more than 16 days without reaching the person."""
    h = History(risk_level="high")
    last = h.check(0)
    h.check(7, reached="no_answer")
    h.check(14, reached="no_answer")
    found = fired(h, days, "contact_gap_high_risk")
    assert len(found) == expected
    if found:
        assert found[0].evidence_ids[0] == last
        assert found[0].text_ko == (
            f"고위험 가구 {days}일째 연락 안 됨 (마지막 연락 2026-09-01, 이후 시도 2회)"
        )
        assert found[0].raised_on == "2026-09-18"


def test_contact_gap_a_voided_contact_does_not_count_and_an_amended_miss_does() -> None:
    h = History(risk_level="high")
    h.check(0)
    visit = h.check(15, method="visit")  # the home visit reached the person
    assert fired(h, 20, "contact_gap_high_risk") == []
    h.void(visit, 20)
    assert len(fired(h, 20, "contact_gap_high_risk")) == 1
    h2 = History(risk_level="high")
    h2.check(0)
    door = h2.check(15, method="visit")
    h2.amend(door, 16, {"method": "visit", "attempt": 3, "reached": "not_home"})
    (s,) = fired(h2, 17, "contact_gap_high_risk")
    assert "이후 시도 1회" in s.text_ko


def test_contact_gap_only_for_high_risk_or_isolation_in_the_welfare_programme() -> None:
    h = History(risk_level="medium", isolation_band="medium")
    h.check(0)
    assert fired(h, 40, "contact_gap_high_risk") == []
    h.household["isolation_band"] = "high"
    assert len(fired(h, 40, "contact_gap_high_risk")) == 1
    h.household["assignments"] = {"welfare_check": None, "visiting_health": "nurse1"}
    assert fired(h, 40, "contact_gap_high_risk") == []  # the visit cadence is months


def test_a_check_learning_of_a_hospital_stay_is_a_contact() -> None:
    h = History(risk_level="high")
    h.check(0)
    h.check(10, reached="hospitalised")
    assert fired(h, 20, "contact_gap_high_risk") == []


@pytest.mark.parametrize(("days", "alert", "expected"), [(1, True, 0), (2, True, 1), (2, False, 0)])
def test_alert_unreached_after_a_day(days: int, alert: bool, expected: int) -> None:
    h = History(risk_level="medium", alert_active=alert)
    h.check(0)
    assert len(fired(h, days, "alert_unreached")) == expected


def _alerted(start: int) -> History:
    """A medium-risk household under an alert that began on day *start*."""
    return History(risk_level="medium", alert_active=True, alert_start=on(start).isoformat())


@pytest.mark.parametrize(("day", "expected"), [(10, 0), (11, 1), (12, 1)])
def test_alert_unreached_counts_from_the_alerts_first_day(day: int, expected: int) -> None:
    """Last reached long before the alert (day 10): not on its first day, from the day
    after; the signal is dated from the alert's first day, not from the last contact."""
    h = _alerted(10)
    h.check(0)
    found = fired(h, day, "alert_unreached")
    assert len(found) == expected
    for s in found:
        assert s.since == on(10).isoformat() and s.raised_on == on(11).isoformat()
        assert s.since >= h.household["alert_start"]
        assert f"{day}일째" in s.text_ko and "마지막 연락 2026-09-01" in s.text_ko


@pytest.mark.parametrize(("day", "expected"), [(10, 0), (11, 1)])
def test_alert_unreached_last_reached_the_day_before_the_alert(day: int, expected: int) -> None:
    h = _alerted(10)
    h.check(9)
    found = fired(h, day, "alert_unreached")
    assert len(found) == expected
    assert all(s.since == on(10).isoformat() for s in found)  # not day 9


@pytest.mark.parametrize(("day", "expected"), [(13, 0), (14, 1), (15, 1)])
def test_alert_unreached_after_a_contact_during_the_alert(day: int, expected: int) -> None:
    h = _alerted(10)
    h.check(0)
    h.check(12)
    h.check(13, reached="no_answer")
    found = fired(h, day, "alert_unreached")
    assert len(found) == expected
    for s in found:
        assert s.since == on(12).isoformat() and s.raised_on == on(14).isoformat()
        assert "이후 시도 1회" in s.text_ko


def test_alert_unreached_an_amended_contact_during_the_alert() -> None:
    """The alert's one contact is corrected to not reached: the count starts from the alert's
    first day again, not from the contact before it."""
    h = _alerted(10)
    h.check(0)
    call = h.check(10)
    assert fired(h, 11, "alert_unreached") == []
    h.amend(call, 11, {"method": "phone", "attempt": 1, "reached": "no_answer"})
    (s,) = fired(h, 11, "alert_unreached")
    assert s.since == on(10).isoformat() and "이후 시도 1회" in s.text_ko
    assert fired(h, 10, "alert_unreached") == []  # on the alert's first day: not yet


def test_alert_unreached_a_voided_contact_during_the_alert() -> None:
    h = _alerted(10)
    h.check(0)
    call = h.check(10)
    h.void(call, 11)
    (s,) = fired(h, 11, "alert_unreached")
    assert s.since == on(10).isoformat() and s.raised_on == on(11).isoformat()
    assert "이후 시도 0회" in s.text_ko


def test_alert_unreached_a_second_alert_is_a_new_signal() -> None:
    """Same last contact, two alerts: the first alert's acknowledgement does not hide the
    second's signal."""
    h = _alerted(10)
    h.check(0)
    first = one(h, 11, "alert_unreached")
    _ack(h, first, 11)
    assert not one(h, 12, "alert_unreached").active
    h.household["alert_start"] = on(40).isoformat()
    assert fired(h, 40, "alert_unreached") == []
    second = one(h, 41, "alert_unreached")
    assert second.active and second.id != first.id and second.since == on(40).isoformat()


def test_alert_unreached_without_the_alerts_start_counts_from_the_last_contact() -> None:
    """A household row without alert_start (the laptop's and the server's rows carry only
    alert_active): the count starts at the last contact, as in signals-2."""
    h = History(risk_level="medium", alert_active=True)
    h.check(0)
    s = one(h, 11, "alert_unreached")
    assert s.since == on(0).isoformat() and s.raised_on == on(2).isoformat()


# --------------------------------------------------------------------------- mood


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(2, 6, 0), (2, 7, 1), (2, 9, 1), (8, 9, 0), (8, 10, 1), (12, 14, 0), (10, 15, 1)],
)
def test_phq9_rise_of_five_or_crossing_ten(before: int, after: int, expected: int) -> None:
    h = History()
    h.screen(0, "phq9", before)
    h.screen(84, "phq9", after)
    assert len(fired(h, 90, "phq9_worsening")) == expected


def test_phq9_sentence_reads_like_the_issue() -> None:
    h = History()
    h.screen(1, "phq9", 6)
    h.screen(85, "phq9", 13)
    s = one(h, 85, "phq9_worsening")
    assert s.text_ko == "PHQ-9 6 → 13 (2026-09-02 → 2026-11-25): 중간 정도 우울로 악화"
    assert s.text_en.startswith("PHQ-9 6 → 13 (2026-09-02 → 2026-11-25): worse, now ")
    assert [e.values["total"] for e in s.evidence] == [6, 13]


def test_phq9_amended_total_and_voided_screening() -> None:
    h = History()
    h.screen(0, "phq9", 3)
    late = h.screen(60, "phq9", 9)
    assert len(fired(h, 60, "phq9_worsening")) == 1
    inst = __import__("fieldapp.instruments", fromlist=["x"]).get_instrument("phq9")
    from tests.fieldapp.signals_history import _answers

    h.amend(
        late,
        61,
        {
            "instrument_id": "phq9",
            "instrument_version": inst.version,
            "answers": _answers("phq9", 7),
            "total": None,
            "context": {"age": 72, "sex": "F"},
        },
    )
    assert fired(h, 61, "phq9_worsening") == []  # 3 -> 7 is neither +5 nor 10+
    h2 = History()
    h2.screen(0, "phq9", 3)
    bad = h2.screen(60, "phq9", 12)
    h2.void(bad, 61)
    assert fired(h2, 61, "phq9_worsening") == []


@pytest.mark.parametrize(
    ("before", "after", "expected"), [(5, 7, 0), (7, 8, 1), (6, 10, 1), (8, 9, 0)]
)
def test_sgds_crossing_its_cut_off(before: int, after: int, expected: int) -> None:
    h = History()
    h.screen(0, "sgds_k", before)
    h.screen(180, "sgds_k", after)
    assert len(fired(h, 181, "sgds_crossing")) == expected


@pytest.mark.parametrize(("before", "after", "expected"), [(4, 8, 0), (3, 4, 1), (4, 10, 1)])
def test_isolation_band_worsening(before: int, after: int, expected: int) -> None:
    h = History()
    h.screen(0, "social_isolation", before)
    h.screen(200, "social_isolation", after)
    found = fired(h, 200, "isolation_worsening")
    assert len(found) == expected
    if (before, after) == (3, 4):
        assert found[0].text_ko == "사회적 고립 저위험 → 중위험 (2026-09-01 → 2027-03-20, 3 → 4점)"


@pytest.mark.parametrize(
    ("gap", "talks", "expected"), [(0, 1, 0), (150, 2, 1), (180, 2, 0), (179, 2, 1)]
)
def test_suicidal_talk_twice_within_180_days(gap: int, talks: int, expected: int) -> None:
    h = History()
    h.check(0, suicidal_talk="passive")
    if talks == 2:
        h.check(gap, suicidal_talk="active")
    assert len(fired(h, gap, "suicidal_talk_repeat")) == expected


# --------------------------------------------------------------------------- body


@pytest.mark.parametrize(("latest", "expected"), [(57.1, 0), (57.0, 1), (55.0, 1)])
def test_weight_down_five_percent_from_the_median(latest: float, expected: int) -> None:
    h = History()
    for day, kg in ((0, 60.0), (30, 61.0), (60, 59.0)):
        h.visit(day, weight_kg=kg, height_cm=160.0)
    h.visit(120, weight_kg=latest, height_cm=160.0)  # median of 59, 60, 61 is 60
    found = fired(h, 120, "weight_loss")
    assert len(found) == expected
    if latest == 57.0:
        assert found[0].text_ko == "몸무게 60 → 57 kg (2026-09-01 → 2026-12-30): 5.0% 감소"


def test_weight_only_inside_six_months_and_after_four_weeks() -> None:
    h = History()
    h.visit(0, weight_kg=60.0, height_cm=160.0)
    h.visit(200, weight_kg=50.0, height_cm=160.0)  # 200 days apart: outside the window
    assert fired(h, 200, "weight_loss") == []
    h.visit(210, weight_kg=45.0, height_cm=160.0)  # 10 days after 50 kg: too close
    assert fired(h, 210, "weight_loss") == []


@pytest.mark.parametrize(("kg", "expected"), [(47.4, 0), (47.2, 1), (45.0, 1)])
def test_bmi_falling_below_18_5(kg: float, expected: int) -> None:
    h = History()
    h.visit(0, weight_kg=49.0, height_cm=160.0)  # BMI 19.1
    h.visit(90, weight_kg=kg, height_cm=160.0)  # BMI 18.5 (kept) and 18.4: shown to one decimal
    assert len(fired(h, 90, "bmi_low")) == expected


@pytest.mark.parametrize(
    ("second", "expected"), [((159, 99), 0), ((160, 90), 1), ((150, 100), 1), ((180, 110), 1)]
)
def test_bp_stage2_on_two_visits(second: tuple[int, int], expected: int) -> None:
    h = History()
    h.visit(0, 165, 95)
    h.visit(30, *second)
    assert len(fired(h, 30, "bp_stage2_no_referral")) == expected


def test_bp_stage2_cleared_by_a_referral() -> None:
    h = History()
    h.visit(0, 165, 95)
    h.visit(30, 170, 102)
    s = one(h, 30, "bp_stage2_no_referral")
    assert "165/95, 170/102" in s.text_ko
    h.add(
        "referral",
        31,
        {"target": "의료기관", "reason": "고혈압", "urgency": "routine", "status": "open"},
    )
    assert fired(h, 31, "bp_stage2_no_referral") == []


@pytest.mark.parametrize(
    ("gap", "low", "expected"), [(30, 70, 0), (30, 69, 1), (89, 60, 1), (90, 60, 0)]
)
def test_hypoglycaemia_twice_within_90_days(gap: int, low: int, expected: int) -> None:
    h = History()
    h.visit(0, glucose={"value": 62, "timing": "fasting"})
    h.visit(gap, glucose={"value": low, "timing": "fasting"})
    assert len(fired(h, gap, "hypoglycaemia_repeat")) == expected


# --------------------------------------------------------------------------- daily life


@pytest.mark.parametrize(("meals", "expected"), [((1, 2), 0), ((1, 1), 1), ((0, 1), 1)])
def test_meals_one_or_fewer_on_two_checks(meals: tuple[int, int], expected: int) -> None:
    h = History()
    h.check(0, meals_24h=meals[0])
    h.check(3, reached="no_answer")  # a check that did not reach the person is skipped
    h.check(7, meals_24h=meals[1])
    assert len(fired(h, 7, "meals_low_run")) == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (("missed",), 0),
        (("missed", "taken"), 0),
        (("missed", "taken", "no_supply"), 0),
        (("missed", "no_supply"), 1),
        (("taken", "missed", "missed"), 1),
        (("no_supply",) * 4, 1),
    ],
)
def test_medication_twice_running(answers: tuple[str, ...], expected: int) -> None:
    h = History()
    for i, answer in enumerate(answers):
        h.check(7 * i, medication=answer)
    assert len(fired(h, 7 * (len(answers) - 1), "medication_gap_run")) == expected


def test_medication_amended_and_voided_checks() -> None:
    h = History()
    h.check(0, medication="missed")
    second = h.check(7, medication="missed")
    assert len(fired(h, 7, "medication_gap_run")) == 1
    h.void(second, 8)
    assert fired(h, 8, "medication_gap_run") == []
    h2 = History()
    h2.check(0, medication="missed")
    taken = h2.check(7, medication="taken")
    assert fired(h2, 7, "medication_gap_run") == []
    payload = next(e for e in h2.events if e["id"] == taken)["payload"]
    h2.amend(taken, 8, {**payload, "medication": "no_supply"})
    assert one(h2, 8, "medication_gap_run").text_ko.startswith("복약 문제 2회 연속")


@pytest.mark.parametrize(("lows", "expected"), [(2, 0), (3, 1), (4, 1)])
def test_mood_low_on_three_checks(lows: int, expected: int) -> None:
    h = History()
    h.check(0, mood="good")
    for i in range(lows):
        h.check(7 * (i + 1), mood="very_low" if i else "low")
    assert len(fired(h, 7 * lows, "mood_low_run")) == expected


ALONE = {"social_contact_7d": False, "went_out_7d": False}


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        ([ALONE], 0),
        ([ALONE, {"social_contact_7d": True, "went_out_7d": False}], 0),
        ([ALONE, {"social_contact_7d": False, "went_out_7d": True}], 0),
        ([ALONE, {}, ALONE], 0),
        ([ALONE, ALONE], 1),
        ([{}, ALONE, ALONE, ALONE], 1),
    ],
)
def test_no_contact_and_not_going_out_on_two_checks(
    weeks: list[dict[str, Any]], expected: int
) -> None:
    h = History()
    for i, answers in enumerate(weeks):
        h.check(7 * i, **answers)
        h.check(7 * i + 3, reached="no_answer")  # not reached: neither extends nor breaks
    found = fired(h, 7 * (len(weeks) - 1) + 3, "isolation_run")
    assert len(found) == expected
    if found:
        n = sum(1 for w in weeks[-3:] if w == ALONE)
        assert found[0].text_ko.startswith(f"최근 7일 교류도 외출도 없음 {n}회 연속")
        assert found[0].kind == "daily_life" and found[0].severity == "medium"


def test_no_contact_and_not_going_out_amended_and_voided() -> None:
    h = History()
    h.check(0, **ALONE)
    second = h.check(7, **ALONE)
    assert len(fired(h, 7, "isolation_run")) == 1
    h.void(second, 8)
    assert fired(h, 8, "isolation_run") == []
    h2 = History()
    h2.check(0, **ALONE)
    out = h2.check(7, went_out_7d=True, social_contact_7d=False)
    assert fired(h2, 7, "isolation_run") == []
    payload = next(e for e in h2.events if e["id"] == out)["payload"]
    h2.amend(out, 8, {**payload, "went_out_7d": False})
    s = one(h2, 8, "isolation_run")
    assert s.since == "2026-09-01" and len(s.evidence_ids) == 2


def test_a_run_ends_when_its_last_evidence_is_too_old() -> None:
    h = History()
    h.check(0, meals_24h=1)
    h.check(7, meals_24h=0)
    assert len(fired(h, 37, "meals_low_run")) == 1  # active_days 30
    assert fired(h, 38, "meals_low_run") == []


# --------------------------------------------------------------------------- home


@pytest.mark.parametrize(
    ("signs", "expected"),
    [
        ((["mail_piled"], ["unpaid_bills"]), 0),
        ((["mail_piled"], ["mail_piled"]), 1),
        ((["mail_piled", "alcohol"], ["alcohol", "mail_piled"]), 1),
        ((["alcohol"], ["alcohol"]), 0),  # not a sign of absence or neglect
    ],
)
def test_the_same_sign_on_two_home_visits(
    signs: tuple[list[str], list[str]], expected: int
) -> None:
    h = History()
    h.check(0, reached="not_home", method="visit", risk_signs=signs[0])
    h.check(3, reached="no_answer")  # a call in between cannot see the door
    h.check(7, reached="not_home", method="visit", risk_signs=signs[1])
    found = fired(h, 7, "home_sign_repeat")
    assert len(found) == expected
    if expected:
        assert found[0].text_ko.endswith("): 우편물·전단지 쌓임")


def test_signs_reported_by_phone_do_not_count_as_seen_at_the_door() -> None:
    h = History()
    h.check(0, risk_signs=["unpaid_bills"])
    h.check(7, risk_signs=["unpaid_bills"])
    assert fired(h, 7, "home_sign_repeat") == []


def test_utilities_cut_at_any_check_and_voided() -> None:
    h = History()
    h.check(0)
    assert fired(h, 0, "utilities_cut") == []
    cut = h.check(7, reached="not_home", risk_signs=["utilities_cut"])
    s = one(h, 7, "utilities_cut")
    assert s.severity == "high" and s.evidence_ids == [cut]
    h.void(cut, 8)
    assert fired(h, 8, "utilities_cut") == []


# --------------------------------------------------------------------------- dates and acks


def test_records_after_the_date_do_not_exist_yet() -> None:
    h = History()
    for day in (0, 7, 14):
        h.check(day, reached="no_answer")
    assert fired(h, 13, "contact_missed") == []
    assert len(fired(h, 14, "contact_missed")) == 1


def test_a_record_at_2359_kst_counts_on_its_kst_day() -> None:
    h = History()
    h.check(0, reached="no_answer")
    h.check(7, reached="no_answer")
    h.add(
        "welfare_check",
        14,
        {"method": "visit", "attempt": 3, "reached": "not_home"},
        time="23:59:00",
    )
    assert len(fired(h, 14, "contact_missed")) == 1


def _ack(h: History, s: signals.Signal, day: int, note: str = "확인함") -> str:
    return h.add(
        signals.SIGNAL_ACK,
        day,
        signals.ack_payload(s, note, on(day + 7)),
        time="19:00:00",
    )


def test_an_acknowledged_signal_returns_only_with_new_evidence() -> None:
    h = History()
    for day in (0, 7):
        h.check(day, meals_24h=1)
    s = one(h, 7, "meals_low_run")
    assert s.active
    ack = _ack(h, s, 7)
    acked = one(h, 8, "meals_low_run")
    assert not acked.active and acked.acknowledged is not None
    assert acked.acknowledged.record_id == ack and acked.acknowledged.follow_up == "2026-09-15"
    assert signals.active_signals(h.household, h.effective(), on(8)) == []
    h.check(10, mood="usual")  # a check reaching the person, meals fine: the run ends
    h.check(14, meals_24h=0)
    assert fired(h, 14, "meals_low_run") == []  # one low check is not a run
    h.check(21, meals_24h=1)
    back = one(h, 21, "meals_low_run")  # a new run: a new signal, active
    assert back.active and back.id != s.id


def test_an_acknowledged_run_returns_when_the_run_grows() -> None:
    h = History()
    for day in (0, 7, 14):
        h.check(day, reached="no_answer")
    s = one(h, 14, "contact_missed")
    ack = _ack(h, s, 14)
    assert not one(h, 20, "contact_missed").active
    h.check(21, reached="no_answer")
    again = one(h, 21, "contact_missed")
    assert again.id == s.id and again.active  # evidence newer than the ack
    h.void(ack, 22)  # a voided acknowledgement acknowledges nothing
    assert one(h, 22, "contact_missed").active


def test_json_row_holds_what_the_commands_print() -> None:
    h = History()
    for day in (0, 7, 14):
        h.check(day, reached="no_answer")
    row = one(h, 14, "contact_missed").to_dict()
    assert {"household_id", "kind", "severity", "since", "evidence_record_ids"} <= set(row)
    json.dumps(row, ensure_ascii=False)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rule": "x", "note": "", "follow_up": None}, "payload.signal_id"),
        (
            {"signal_id": "a:1", "rule": "x", "note": "", "follow_up": "2026-13-01"},
            "payload.follow_up",
        ),
        ({"signal_id": "a:1", "rule": "x", "note": 3, "follow_up": None}, "payload.note"),
        ({"signal_id": "a:1", "rule": "x", "seen": True}, "payload.seen"),
    ],
)
def test_a_bad_acknowledgement_is_refused_naming_the_field(
    payload: dict[str, Any], field: str
) -> None:
    from fieldapp.errors import ValidationError

    h = History()
    with pytest.raises(ValidationError) as err:
        h.add(signals.SIGNAL_ACK, 0, payload)
    assert field in [p.field for p in err.value.problems]


def test_both_programmes_keep_acknowledgements() -> None:
    from fieldapp.validation import validate_event

    h = History()
    for role, programme in (("volunteer", "welfare_check"), ("nurse", "visiting_health")):
        event = {
            "id": "0b7a6c1e-0000-4000-8000-00000000000" + ("1" if role == "nurse" else "2"),
            "type": signals.SIGNAL_ACK,
            "household_id": h.hid,
            "programme": programme,
            "created_by": f"{role}1",
            "device_id": "6f1c9a3e-0000-4000-8000-000000000001",
            "device_time": "2026-09-01T10:00:00+09:00",
            "payload": {"signal_id": "a:1", "rule": "x", "note": "봄", "follow_up": None},
            "amends": None,
        }
        assert validate_event(event, role=role)["type"] == "signal_ack"


def test_signals_are_open_items_of_the_programme_that_acts_on_them() -> None:
    from fieldapp.household_state import SIGNAL, household_state, worklist

    h = History()
    for day in (0, 7, 14):
        h.check(day, reached="no_answer")
    h.screen(0, "phq9", 2)
    h.screen(14, "phq9", 12)
    state = household_state(h.household, h.events, on(14))
    items = {i.evidence[0]: i for i in state.signals}
    assert {i.programme for i in items.values()} == {"welfare_check", "visiting_health"}
    (contact,) = [i for i in state.signals if i.programme == "welfare_check"]
    assert contact.kind == SIGNAL and contact.severity == "high" and not contact.immediate
    assert contact.form_id == signals.SIGNAL_ACK and contact.due == on(14)
    assert contact.form_defaults["rule"] == "contact_missed"
    assert contact.text_ko.startswith("신호 · 연락 두절: 연속 3회 연락 안 됨")
    by_programme = {
        prog: {
            r.record_id
            for r in worklist([h.household], {h.hid: h.events}, prog, on(14))
            if r.code == SIGNAL
        }
        for prog in ("welfare_check", "visiting_health")
    }
    assert by_programme["welfare_check"] == {contact.record_id}
    assert len(by_programme["visiting_health"]) == 1
    assert by_programme["visiting_health"] != by_programme["welfare_check"]


def test_raw_rows_are_resolved_before_signals_read_them() -> None:
    h = History()
    a = h.check(0, reached="no_answer")
    h.check(7, reached="no_answer")
    h.check(14, reached="no_answer")
    h.void(a, 15)
    raw = [dict(e) for e in h.events]  # the server's rows: no annotations
    assert signals.signal_items(h.household, raw, on(15)) == []
    rejected = [{**e, "sync_state": "rejected"} if e["type"] == "void" else e for e in raw]
    assert len(signals.signal_items(h.household, rejected, on(15))) == 1


def test_a_follow_up_day_is_due_until_acknowledged_again() -> None:
    h = History()
    for day in (0, 7):
        h.check(day, meals_24h=1)
    s = one(h, 7, "meals_low_run")
    assert [i.due for i in signals.signal_items(h.household, h.effective(), on(7))] == [on(7)]
    _ack(h, s, 7)  # follow-up on day 14
    (item,) = signals.signal_items(h.household, h.effective(), on(8))
    assert item.due == on(14) and "후속 확인" in item.text_ko
    assert item.form_defaults == {"signal_id": s.id, "rule": "meals_low_run"}
    h.add(signals.SIGNAL_ACK, 14, signals.ack_payload(s, "다시 확인함", None), time="19:00:00")
    assert signals.signal_items(h.household, h.effective(), on(15)) == []


def test_a_rule_reads_only_its_programmes_records() -> None:
    h = History(risk_level="high")
    h.check(0)
    for day in (5, 10):
        h.visit(day)  # the nurse saw the person (the volunteer's laptop never gets these)
    found = fired(h, 20, "contact_gap_high_risk")
    assert len(found) == 1 and found[0].text_ko.startswith("고위험 가구 20일째 연락 안 됨")
    v = History()  # a referral of the welfare programme does not clear the nurse's rule
    v.visit(0, 165, 95)
    v.visit(30, 170, 102)
    v.add(
        "referral",
        31,
        {"target": "동 주민센터", "reason": "x", "urgency": "routine", "status": "open"},
        programme="welfare_check",
        created_by="volunteer1",
    )
    assert len(fired(v, 31, "bp_stage2_no_referral")) == 1
