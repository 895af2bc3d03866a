"""Declines injected into the demo district: deterministic, valid, only what records say
changes, and the rules see them (how well: ``bench --only signals``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from fieldapp import signals
from fieldapp.demo import generate_district
from fieldapp.demo_scenarios import (
    DEMO_MIN_HOUSEHOLDS,
    DEMO_WORKERS,
    KINDS,
    LEAD_IN_DAYS,
    Scenario,
    apply_scenario,
    plan_scenarios,
    record_spans,
    season_of,
)
from fieldapp.records import resolve_amendments
from fieldapp.validation import validate_event

TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def district():
    demo = generate_district(120, seed=4, today=TODAY)
    crisis = [TODAY - timedelta(days=d) for d in range(30, 200, 7)]
    demo.scenarios = plan_scenarios(demo.households, 3, 4, crisis)
    return demo


def test_the_demo_has_one_decline_of_each_kind_in_its_default_users_caseloads() -> None:
    demo = generate_district(DEMO_MIN_HOUSEHOLDS, seed=1, today=TODAY)
    assert sorted(s.kind for s in demo.scenarios) == sorted(KINDS)
    holders = {
        s.kind: set(h["assignments"].values())
        for s in demo.scenarios
        for h in demo.households
        if h["id"] == s.household_id
    }
    for worker, kinds in DEMO_WORKERS:  # volunteer1's and nurse3's, as their Today lists
        assert any(worker in holders[k] for k in kinds), (worker, holders)
    assert all(TODAY < s.crisis_day <= TODAY + timedelta(days=5) for s in demo.scenarios)
    heat = next(s for s in demo.scenarios if s.kind == "heat_exposure")
    assert heat.declared and demo.declared_alerts() == [heat.alert]
    assert generate_district(DEMO_MIN_HOUSEHOLDS - 1, seed=1, today=TODAY).scenarios == []
    again = generate_district(DEMO_MIN_HOUSEHOLDS, seed=1, today=TODAY)
    assert again.scenarios == demo.scenarios


@pytest.mark.parametrize("today", [TODAY, date(2026, 7, 10), date(2026, 10, 20)])
def test_every_demo_decline_shows_a_signal_on_the_demo_day(today: date) -> None:
    """The demo is there to show what a signal looks like: each of its declines has an active
    signal on its day that the same history without the decline has not (in a heat or cold
    season all five kinds, under the district alert the demo declares; outside, four), and
    every high- and medium-risk household is called daily during the alert, so the alert
    raises no signal on a household whose history merely slipped."""
    demo = generate_district(DEMO_MIN_HOUSEHOLDS, seed=1, today=today)
    in_season = any(season_of(today + timedelta(days=d)) for d in range(1, 6))
    expected = set(KINDS) if in_season else set(KINDS) - {"heat_exposure"}
    assert {s.kind for s in demo.scenarios} == expected
    alerts = demo.declared_alerts()
    assert bool(alerts) == in_season
    by_household: dict[str, list[dict]] = defaultdict(list)
    for e in demo.iter_events():
        by_household[e["household_id"]].append(e)
    rows = {
        h["id"]: {
            **h,
            "alert_active": h["risk_level"] in ("high", "medium")
            and any(a <= today <= b for a, b in alerts),
        }
        for h in demo.households
    }
    found = signals.district_signals(list(rows.values()), by_household, today)
    active = defaultdict(set)
    for f in found:
        if f.active:
            active[f.household_id].add(f.rule)
    for s in demo.scenarios:
        assert active[s.household_id], s
        if s.kind == "heat_exposure":
            assert rows[s.household_id]["alert_active"]
    yesterday = today - timedelta(days=1)
    for f in found:
        if f.rule == "alert_unreached":  # not reached yesterday, not: nobody called
            calls = [e for e in by_household[f.household_id] if e["type"] == "welfare_check"]
            assert _day(calls[-1]) == yesterday, f


def test_plans_are_deterministic_distinct_and_heat_only_in_season(district) -> None:
    plan = district.scenarios
    crisis = [TODAY - timedelta(days=d) for d in range(30, 200, 7)]
    assert plan == plan_scenarios(district.households, 3, 4, crisis)
    assert len({s.household_id for s in plan}) == len(plan)
    assert {s.kind for s in plan} == set(KINDS)
    for s in plan:
        assert s.onset < s.crisis_day
        if s.kind == "heat_exposure":
            assert s.alert == (s.onset, s.crisis_day)
            assert s.crisis_day.month in (1, 2, 3, 5, 6, 7, 8, 9, 11, 12)
    summer = plan_scenarios(
        district.households, 2, 1, [date(2026, 10, 20)], kinds=["heat_exposure"]
    )
    assert summer == []  # no heat or cold season on that day


def test_only_what_records_say_changes_and_every_event_stays_valid(district) -> None:
    """Outside the declined households nothing changes; inside them, records before the onset
    stay as they were, every record is valid, and the programme's rule follows what the
    changed records say: two missed calls make a home visit within a day or two (so a
    decline may add the home visits its missed calls call for, and a heat exposure the daily
    calls of its alert, and nothing else)."""
    plain = generate_district(120, seed=4, today=TODAY)
    plain.scenarios = []
    declined = {s.household_id: s for s in district.scenarios}
    before: dict[str, list[dict]] = defaultdict(list)
    after: dict[str, list[dict]] = defaultdict(list)
    for e in plain.events(with_result=False):
        before[e["household_id"]].append(e)
    for e in district.events(with_result=False):
        after[e["household_id"]].append(e)
    assert set(before) == set(after)
    for hid, events in before.items():
        if hid not in declined:
            assert after[hid] == events
            continue
        onset = declined[hid].onset.isoformat()
        assert [e for e in after[hid] if e["device_time"] < onset] == [
            e for e in events if e["device_time"] < onset
        ]
        assert after[hid] != events
        for e in after[hid]:
            validate_event(e)
        checks = [e for e in after[hid] if e["type"] == "welfare_check"]
        missed = 0
        for prev, e in zip([None, *checks], checks, strict=False):
            if missed >= 2:
                assert e["payload"]["method"] == "visit"
                if missed == 2:
                    gap = _day(e) - _day(prev)
                    assert gap <= timedelta(days=4), (hid, _day(prev), _day(e))
            ok = e["payload"]["reached"] in ("yes", "hospitalised")
            missed = 0 if ok else missed + 1


def _day(event: dict) -> date:
    return date.fromisoformat(event["device_time"][:10])


def test_a_decline_changes_nothing_outside_its_window() -> None:
    s = Scenario("h", "home_going_silent", date(2026, 5, 1), date(2026, 6, 1))
    event = {
        "id": "e",
        "type": "welfare_check",
        "household_id": "h",
        "device_time": "2026-04-30T10:00:00+09:00",
        "payload": {"method": "phone", "attempt": 1, "reached": "yes", "mood": "usual"},
    }
    assert apply_scenario(s, [event], 1) == [event]
    at_crisis = {**event, "device_time": "2026-06-01T10:00:00+09:00"}
    (silent,) = apply_scenario(s, [at_crisis], 1)
    assert silent["payload"]["reached"] in ("no_answer", "phone_off")
    assert "mood" not in silent["payload"] and event["payload"]["reached"] == "yes"


def test_the_rules_see_most_declines_before_the_crisis(district) -> None:
    by: dict[str, list[dict]] = defaultdict(list)
    for e in district.iter_events():
        by[e["household_id"]].append(e)
    households = {h["id"]: h for h in district.households}
    caught = 0
    for s in district.scenarios:
        records = [e for e in resolve_amendments(by[s.household_id]) if e["effective"]]
        hh = dict(households[s.household_id], alert_active=s.alert is not None)
        if s.alert is not None:
            hh["alert_start"] = s.alert[0].isoformat()
        found = signals.evaluate(hh, records, s.crisis_day)
        caught += any(s.onset.isoformat() <= f.raised_on for f in found)
    assert caught >= len(district.scenarios) // 2, caught


def test_during_an_alert_the_household_is_called_every_day(district) -> None:
    """DOMAIN.md section 5: while a heat or cold alert is active, high- and medium-risk
    households are contacted daily. Every day of a heat exposure's alert (weekends too) has a
    welfare check, where the household's history runs; before the alert the usual rhythm."""
    heat = [s for s in district.scenarios if s.kind == "heat_exposure"]
    assert heat
    days: dict[str, set[date]] = defaultdict(set)
    for e in district.iter_events(with_result=False):
        if e["type"] == "welfare_check":
            days[e["household_id"]].add(_day(e))
    daily = 0
    for s in heat:
        assert s.alert is not None
        called = days[s.household_id]
        first, last = min(called), max(called)
        alert_days = [
            s.alert[0] + timedelta(days=i) for i in range((s.alert[1] - s.alert[0]).days + 1)
        ]
        inside = [d for d in alert_days if first <= d <= last]
        assert all(d in called for d in inside), (s, sorted(set(inside) - called))
        daily += len(inside) == len(alert_days)
        before = sorted(d for d in called if s.alert[0] - timedelta(days=28) <= d < s.alert[0])
        assert len(before) <= 10  # weekly or twice weekly before the alert
    assert daily  # at least one alert runs whole inside its history
    again = generate_district(120, seed=4, today=TODAY)
    again.scenarios = district.scenarios
    assert again.events(with_result=False) == district.events(with_result=False)


def test_with_spans_a_decline_stays_inside_the_households_recorded_history() -> None:
    """A decline placed before a household's first record (not yet enrolled) or after its
    contacts stopped changes no record; with *spans* none is placed there."""
    demo = generate_district(120, seed=4, today=TODAY)
    spans = record_spans(demo.iter_events(with_result=False))
    crisis = [TODAY - timedelta(days=d) for d in range(7, 400)]
    unbounded = plan_scenarios(demo.households, 6, 4, crisis)
    outside = [
        s
        for s in unbounded
        if s.household_id not in spans
        or spans[s.household_id][0] > s.onset - timedelta(days=LEAD_IN_DAYS)
        or spans[s.household_id][1] < s.crisis_day
    ]
    assert outside, "the fixture should place some declines outside a history without spans"
    bounded = plan_scenarios(demo.households, 6, 4, crisis, spans=spans)
    assert len(bounded) == len(unbounded)
    for s in bounded:
        first, last = spans[s.household_id]
        assert first <= s.onset - timedelta(days=LEAD_IN_DAYS) and last >= s.crisis_day
