"""Signals: how many injected declines the rules catch before the crisis, how early, how
often they cry wolf on stable households, and what evaluating a district costs.

A generated district (``fieldapp.demo``; reduced 300 households, full 2,000; two years of
history ending on bench ``TODAY``) gets declines injected (``fieldapp.demo_scenarios``: each
kind on *per_kind* households, crisis days spread over the last 13 months, the heat
exposure only on days in a heat or cold season; only inside a household's recorded
history: records from 28 days before the onset to the crisis day); every other household is
a stable control. The generator does not read the rules; thresholds are the data file's.

* recall: share of declines with a signal raised on or after onset and before the crisis
  day. Each declined household is replayed on every day that could change its signals
  (each day a record was made, the day before, and the day before the crisis), with its
  ``alert_active`` set while its alert lasts (and on the day it begins) and ``alert_start``
  its first day (the alert rule counts from that day, so its signal is raised on the
  alert's second day at the earliest);
* lead time: crisis day minus the first such signal's day, median over the caught ones;
* false alarms: distinct signals raised on stable households within the last 180 days
  (replayed the same way; no alert is active for them), per 100 households per month. A
  contact-gap signal raised after a stable household's last record is counted apart: the
  generator stops a quarter of histories 10-60 days short of today (slipped schedules), and
  nobody contacting a high-risk household for weeks is what that rule is for;
* cost: ``district_signals`` over the whole district's effective records vs reading those
  records from the encrypted store (``records.effective_events_by_household``), same run,
  median of 3.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from statistics import median as stat_median
from typing import Any

from bench.common import TODAY, Row, median, pick, temp_dir, temp_store

NAME = "signals"
SEED = 29
#: Days before TODAY over which stable households are watched for false alarms.
WATCH_DAYS = 180
#: Rules that fire on time passing without contact. On a stable household whose generated
#: history stops short of TODAY (``fieldapp.demo``'s slipped schedules: nobody contacted it
#: since) such a signal is right, not a false alarm; it is counted apart.
_GAP_RULES = frozenset({"contact_gap_high_risk", "alert_unreached"})


def _replay_days(
    records: Iterable[Any], start: date, end: date, alert: tuple[date, date] | None = None
) -> list[date]:
    """Every day in [start, end] on which a household's signals can change (with an alert,
    also the day it begins: the household's condition changes that day)."""
    days = {end}
    if alert is not None and start <= alert[0] <= end:
        days.add(alert[0])
    for rec in records:
        for d in (rec.day - timedelta(days=1), rec.day):
            if start <= d <= end:
                days.add(d)
    return sorted(days)


def _raised(
    household: Mapping[str, Any],
    history: Any,
    days: Iterable[date],
    rules: Any,
    alert: tuple[date, date] | None = None,
) -> dict[str, tuple[str, date]]:
    """signal id -> (rule, raised day) of every signal seen on *days*."""
    from fieldapp import signals

    seen: dict[str, tuple[str, date]] = {}
    hid = str(household["id"])
    for day in days:
        hh = household
        if alert is not None:
            active = alert[0] <= day <= alert[1]
            hh = {**household, "alert_active": active}
            if active:
                hh["alert_start"] = alert[0].isoformat()
        for rule, hit in signals.hits(hh, history, day, rules):
            sid = signals.hit_signal_id(rule.id, hid, hit)
            seen.setdefault(sid, (rule.id, hit.raised_on))
    return seen


def _store_district(
    store: Any, households: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    from fieldapp import syncstate

    changes = [{"kind": "household", "data": h} for h in households]
    changes += [{"kind": "event", "data": e} for e in events]
    for i in range(0, len(changes), 20_000):
        page = {"changes": changes[i : i + 20_000], "cursor": f"c{i}", "epoch": "bench"}
        syncstate.apply_pull_page(store, page)


def measure(n: int, per_kind: int) -> dict[str, Any]:
    """Every figure of the benchmark for a district of *n* households."""
    from fieldapp import records, signals
    from fieldapp.demo import generate_district
    from fieldapp.demo_scenarios import plan_scenarios, record_spans

    rules = signals.load_signal_rules()
    demo = generate_district(n, seed=SEED, today=TODAY, history_years=2.0)
    crisis_days = [TODAY - timedelta(days=d) for d in range(7, 400)]
    # Declines only where the household has records from before the onset to the crisis
    # (the schedule does not depend on the scenarios, so one pass without them gives it).
    spans = record_spans(demo.iter_events(with_result=False))
    demo.scenarios = plan_scenarios(demo.households, per_kind, SEED, crisis_days, spans=spans)
    events = demo.events()
    by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_household[e["household_id"]].append(e)

    with temp_dir() as folder, temp_store(folder) as store:
        _store_district(store, demo.households, events)
        ids = [h["id"] for h in demo.households]
        read_s, eval_s = [], []
        for _ in range(3):
            start = time.perf_counter()
            effective = records.effective_events_by_household(store, ids)
            read_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            found = signals.district_signals(demo.households, effective, TODAY, rules)
            eval_s.append(time.perf_counter() - start)

    households = {h["id"]: h for h in demo.households}
    declined = {s.household_id: s for s in demo.scenarios}
    caught: dict[str, int] = {}
    missed: list[str] = []
    by_kind: dict[str, list[int]] = defaultdict(list)
    first_rules: Counter[str] = Counter()
    for s in demo.scenarios:
        history = signals.History(effective[s.household_id])
        last = s.crisis_day - timedelta(days=1)
        days = _replay_days(history.records, s.onset, last, s.alert)
        seen = _raised(households[s.household_id], history, days, rules, s.alert)
        early = sorted((day, rule) for rule, day in seen.values() if s.onset <= day <= last)
        if early:
            lead = (s.crisis_day - early[0][0]).days
            caught[s.household_id] = lead
            by_kind[s.kind].append(lead)
            first_rules[early[0][1]] += 1
        else:
            by_kind.setdefault(s.kind, [])
            missed.append(f"{s.kind} (onset {s.onset}, crisis {s.crisis_day})")

    watch_from = TODAY - timedelta(days=WATCH_DAYS)
    alarms: Counter[str] = Counter()
    slipped = 0
    stable = [h for h in demo.households if h["id"] not in declined and by_household.get(h["id"])]
    for hh in stable:
        history = signals.History(effective[hh["id"]])
        days = _replay_days(history.records, watch_from, TODAY)
        last_record = history.records[-1].day if history.records else watch_from
        for rule, day in _raised(hh, history, days, rules).values():
            if day < watch_from:
                continue
            if rule in _GAP_RULES and day > last_record:
                slipped += 1  # the generator's slipped schedule: contact did stop
            else:
                alarms[rule] += 1
    months = WATCH_DAYS / 30.44
    return {
        "households": n,
        "records": len(events),
        "declines": len(demo.scenarios),
        "caught": len(caught),
        "missed": missed,
        "lead_days": sorted(caught.values()),
        "by_kind": {
            k: {"caught": len(v), "of": sum(1 for s in demo.scenarios if s.kind == k), "leads": v}
            for k, v in by_kind.items()
        },
        "first_rules": dict(first_rules),
        "stable": len(stable),
        "alarms": dict(alarms),
        "slipped": slipped,
        "alarm_rate": sum(alarms.values()) / (len(stable) / 100) / months if stable else 0.0,
        "read_s": median(read_s),
        "eval_s": median(eval_s),
        "signals_today": len(found),
    }


def run(size: str = "reduced") -> list[Row]:
    n = pick(size, 60, 300, 2000)
    per_kind = pick(size, 2, 8, 40)
    m = measure(n, per_kind)
    recall = m["caught"] / m["declines"] if m["declines"] else 0.0
    lead = stat_median(m["lead_days"]) if m["lead_days"] else 0.0
    kinds = "; ".join(
        f"{k} {v['caught']}/{v['of']}"
        + (f" (lead {stat_median(v['leads']):.0f} d)" if v["leads"] else "")
        for k, v in sorted(m["by_kind"].items())
    )
    alarms = ", ".join(f"{k} {v}" for k, v in sorted(m["alarms"].items(), key=lambda x: -x[1]))
    return [
        Row(
            NAME,
            f"recall before the crisis ({m['declines']} declines, {n} households)",
            recall,
            "",
            target=">= 0.9",
            met=recall >= 0.9,
            note=f"{kinds}; missed: {'; '.join(m['missed']) or 'none'}",
        ),
        Row(
            NAME,
            "lead time, median (caught declines)",
            lead,
            "days",
            target=">= 14",
            met=lead >= 14,
            note=f"first signal by rule: {m['first_rules']}",
        ),
        Row(
            NAME,
            f"false alarms on {m['stable']} stable households, last {WATCH_DAYS} days",
            m["alarm_rate"],
            "per 100 households per month",
            target="<= 2",
            met=m["alarm_rate"] <= 2,
            note=f"by rule: {alarms or 'none'}; apart (not counted): {m['slipped']} contact gaps "
            "on households whose generated history stops before today (nobody contacted them)",
        ),
        Row(
            NAME,
            f"evaluate the district ({n} households, {m['records']:,} records)",
            m["eval_s"] * 1000,
            "ms",
            baseline=m["read_s"] * 1000,
            baseline_label="read its effective records from the encrypted store",
            ratio=m["eval_s"] / m["read_s"] if m["read_s"] else None,
            target="< 1000 ms at full size",
            met=m["eval_s"] < 1.0,
            note=f"{m['signals_today']} signals on {TODAY}; median of 3",
        ),
    ]
