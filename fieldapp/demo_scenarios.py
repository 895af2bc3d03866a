"""Declines injected into the synthetic district's otherwise stable histories, at known dates.

A :class:`Scenario` names a household, a kind of decline, the day it starts (``onset``) and the
day of the crisis it leads to (``crisis_day``: found collapsed, a hospital admission, a
call to 119). Between the two the household's own records change the way such a decline
shows to a worker; nothing is added or removed, only what the records say (so schedules,
counts and the programme's rhythm stay those of the generator):

* ``social_withdrawal`` -- low mood, no social contact, not going out, then missed calls;
* ``depression_worsening`` -- low mood more often, fewer meals, a PHQ-9 / SGDS-K that scores
  higher, late on passive talk of death;
* ``weight_loss`` -- weights measured at visits fall by up to 10 %, fewer meals;
* ``home_going_silent`` -- calls and door visits not answered more and more often, mail
  piling up at the door;
* ``heat_exposure`` -- during a heat (or cold) alert: not reached, worse health, the cooling
  or heating broken. ``alert`` gives the alert's days (the household's ``alert_active``);
  ``declared`` says the alert is the whole district's (the demo's: ``seed-demo`` declares
  it, and every high- and medium-risk household is called daily during it), not only the
  household's own (the benchmark's).

Everything is deterministic by seed. The generator does not know the signal rules; the
changes follow how each decline is described in practice (DOMAIN.md section 9), and
``bench --only signals`` reports how many the rules catch, how early, and their misses.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

KINDS = (
    "social_withdrawal",
    "depression_worsening",
    "weight_loss",
    "home_going_silent",
    "heat_exposure",
)
#: Days from onset to crisis, (shortest, longest), per kind.
DURATION = {
    "social_withdrawal": (42, 70),
    "depression_worsening": (60, 110),
    "weight_loss": (120, 180),
    "home_going_silent": (28, 42),
    "heat_exposure": (10, 16),
}
_REACHED_ONLY = (
    "respondent",
    "health",
    "meals_24h",
    "medication",
    "mood",
    "suicidal_talk",
    "social_contact_7d",
    "went_out_7d",
    "seasonal_environment",
    "shelter_informed",
)
#: Days a household's records must start before a decline's onset (a baseline to change from).
LEAD_IN_DAYS = 28
#: District size from which the demo gets its few declines by default.
DEMO_MIN_HOUSEHOLDS = 100
#: Whose households the demo's declines go to first, by kind: the first volunteer's the kinds
#: whose signals a welfare-check worker's Today lists (contact, home, daily life), the nurse
#: ``fieldapp --demo`` signs in (``ui.demo.DEMO_DEFAULT_USER``; the README's screenshots)
#: those a nurse's lists (PHQ-9, weight). In that order: the heat exposure comes first.
DEMO_WORKERS = (
    ("volunteer1", ("heat_exposure", "social_withdrawal", "home_going_silent")),
    ("nurse3", ("depression_worsening", "weight_loss")),
)


@dataclass(frozen=True)
class Scenario:
    """One injected decline."""

    household_id: str
    kind: str
    onset: date
    crisis_day: date
    alert: tuple[date, date] | None = None
    #: The alert is declared for the whole district (the demo's), not the household's alone.
    declared: bool = False

    def progress(self, day: date) -> float | None:
        """0 at onset to 1 at the crisis; None before onset or after the crisis."""
        if day < self.onset or day > self.crisis_day:
            return None
        return (day - self.onset).days / max(1, (self.crisis_day - self.onset).days)


def season_of(day: date) -> str | None:
    """heat (5/20-9/30) or cold (11/15-3/15) season, else None (DOMAIN.md section 5)."""
    md = (day.month, day.day)
    if (5, 20) <= md <= (9, 30):
        return "heat"
    if md >= (11, 15) or md <= (3, 15):
        return "cold"
    return None


def _eligible(kind: str, household: Mapping[str, Any]) -> bool:
    a = household.get("assignments") or {}
    if kind == "weight_loss":
        return bool(a.get("visiting_health"))
    if kind == "heat_exposure":
        return bool(a.get("welfare_check")) and (
            household.get("risk_level") in ("high", "medium")
            or household.get("isolation_band") in ("high", "medium")
        )
    return bool(a.get("welfare_check"))


def plan_scenarios(
    households: Sequence[Mapping[str, Any]],
    per_kind: int,
    seed: int,
    crisis_days: Sequence[date],
    *,
    kinds: Iterable[str] = KINDS,
    prefer_worker: str | None = None,
    spans: Mapping[str, tuple[date, date]] | None = None,
    until: date | None = None,
    accept: Callable[[Scenario], bool] | None = None,
) -> list[Scenario]:
    """*per_kind* declines of each kind on distinct households, crisis days drawn from
    *crisis_days*; households *prefer_worker* holds are taken first (the demo's nurse3).
    A heat exposure happens only on a crisis day in a heat or cold season.

    *spans* (household id -> its first and last record day), when given, keeps each decline
    inside the household's time in the programme: its records start at least
    :data:`LEAD_IN_DAYS` before the onset and run to the crisis day. A decline placed before
    a household was enrolled, or after its contacts stopped, changes no record: it would
    measure the generator's calendar, not the rules. With *until* the records need only run
    to that day when the crisis is later (the demo's crises are a few days ahead of today).
    *accept*, when given, is asked about each decline planned and a refused one is not
    kept: the next household is tried (the demo's, see :func:`demo_scenarios`; the
    benchmark passes none)."""
    rng = random.Random(f"fieldapp-scenarios:{seed}")
    order = list(households)
    rng.shuffle(order)
    if prefer_worker:
        order.sort(key=lambda h: prefer_worker not in (h.get("assignments") or {}).values())
    taken: set[str] = set()
    out: list[Scenario] = []
    for kind in kinds:
        days = list(crisis_days)
        if kind == "heat_exposure":
            days = [d for d in days if season_of(d)]
        if not days:
            continue
        made = 0
        for hh in order:
            if made >= per_kind:
                break
            if hh["id"] in taken or not _eligible(kind, hh):
                continue
            crisis = rng.choice(days)
            lo, hi = DURATION[kind]
            onset = crisis - timedelta(days=rng.randint(lo, hi))
            end = crisis if until is None else min(crisis, until)
            if spans is not None and not _inside(spans.get(str(hh["id"])), onset, end):
                continue
            alert = (onset, crisis) if kind == "heat_exposure" else None
            planned = Scenario(str(hh["id"]), kind, onset, crisis, alert)
            if accept is not None and not accept(planned):
                continue
            out.append(planned)
            taken.add(str(hh["id"]))
            made += 1
    return out


def _inside(span: tuple[date, date] | None, onset: date, end: date) -> bool:
    return span is not None and span[0] <= onset - timedelta(days=LEAD_IN_DAYS) and span[1] >= end


def record_spans(events: Iterable[Mapping[str, Any]]) -> dict[str, tuple[date, date]]:
    """household id -> (first, last) day of its records (as written, KST)."""
    out: dict[str, tuple[date, date]] = {}
    for e in events:
        day, hid = _day(e), str(e["household_id"])
        first, last = out.get(hid, (day, day))
        out[hid] = (min(first, day), max(last, day))
    return out


def demo_scenarios(
    households: Sequence[Mapping[str, Any]],
    seed: int,
    today: date,
    spans: Mapping[str, tuple[date, date]] | None = None,
    shows: Callable[[Scenario, str], bool] | None = None,
) -> list[Scenario]:
    """The demo's few declines (one of each kind, crises 1-5 days ahead, so a newcomer sees
    signals today), in the caseloads of the demo's default users first
    (:data:`DEMO_WORKERS`; another household's when none of theirs fits); none for districts
    under :data:`DEMO_MIN_HOUSEHOLDS` households. With *spans* they are
    placed as the benchmark places its own: records from :data:`LEAD_IN_DAYS` before the
    onset, running to the last week (a household whose contacts stopped earlier would show
    nothing).

    The heat exposure comes first and its alert is *declared* (the whole district's:
    ``seed-demo`` declares it on the server). *shows(scenario)*, when given, says whether a
    planned decline shows as a signal on *today*; one that does not is replaced by the next
    household's (the demo is there to show what a signal looks like: a weight loss with no
    weight measured inside it, or a household answering yesterday's call, shows nothing on
    the day; how many declines the rules miss is the benchmark's figure, which chooses
    nothing). It is asked with the worker whose caseload is being filled: a decline on a
    household that worker holds is kept only when its signal lands on that worker's Today.
    A heat exposure is planned only when a crisis day 1-5 days ahead is in a heat
    or cold season."""
    if len(households) < DEMO_MIN_HOUSEHOLDS:
        return []
    ahead = [today + timedelta(days=d) for d in range(1, 6)]

    planned: list[Scenario] = []
    for worker, kinds in DEMO_WORKERS:

        def accept(scenario: Scenario, worker: str = worker) -> bool:
            return shows is None or shows(_declared(scenario), worker)

        taken = {s.household_id for s in planned}
        planned += plan_scenarios(
            [h for h in households if str(h["id"]) not in taken],
            1,
            seed,
            ahead,
            kinds=kinds,
            prefer_worker=worker,
            spans=spans,
            until=today - timedelta(days=7),
            accept=accept,
        )
    return [_declared(s) for s in planned]


def _declared(scenario: Scenario) -> Scenario:
    if scenario.alert is None:
        return scenario
    return Scenario(
        scenario.household_id,
        scenario.kind,
        scenario.onset,
        scenario.crisis_day,
        scenario.alert,
        declared=True,
    )


# --------------------------------------------------------------------------- applying


def _day(event: Mapping[str, Any]) -> date:
    return datetime.fromisoformat(event["device_time"]).date()


def _not_reached(payload: dict[str, Any], reached: str) -> None:
    for key in _REACHED_ONLY:
        payload.pop(key, None)
    payload["reached"] = reached
    payload["risk_signs"] = [s for s in payload.get("risk_signs", ()) if s != "no_food"]
    at_door = payload.get("method") == "visit" and reached in ("not_home", "no_answer")
    payload["actions_taken"] = ["reported_dong"] if at_door else []
    payload["escalation_level"] = 2 if at_door else 0


def _low_mood(payload: dict[str, Any], r: random.Random, p: float) -> None:
    payload["mood"] = "very_low" if r.random() < 0.2 + 0.4 * p else "low"
    if payload.get("escalation_level", 0) < 1:
        payload["escalation_level"] = 1
        payload["actions_taken"] = list(dict.fromkeys([*payload["actions_taken"], "info_given"]))


def _raise_answers(payload: dict[str, Any], points: int, r: random.Random) -> None:
    """Add up to *points* to a screening's item answers (PHQ-9 0-3 items, SGDS-K yes/no)."""
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        if isinstance(payload.get("total"), int):
            payload["total"] = min(13, payload["total"] + points)
        return
    from fieldapp.instruments import get_instrument

    inst = get_instrument(payload["instrument_id"])
    items = [i for i in inst.items or () if i.id != "q9"]
    r.shuffle(items)
    for _ in range(points):
        for item in items:
            options = sorted(item.options, key=lambda o: o.points)
            now = next(o.points for o in options if o.value == answers[item.id])
            higher = [o for o in options if o.points == now + 1]
            if higher:
                answers[item.id] = higher[0].value
                break


class _Injector:
    """Changes one household's raw events (in time order) for its scenario."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.s = scenario
        self.r = random.Random(f"{seed}:{scenario.household_id}:{scenario.kind}")
        self.missed = 0

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        p = self.s.progress(_day(event))
        kind = event["type"]
        if p is not None and event.get("payload") is not None:
            event = {**event, "payload": dict(event["payload"])}
            handler = getattr(self, f"_{self.s.kind}")
            handler(kind, event["payload"], p, _day(event))
        if kind == "welfare_check":
            self._keep_the_door_rule(event)
        return event

    def _keep_the_door_rule(self, event: dict[str, Any]) -> None:
        """Two missed calls make the next check a home visit (the programme's rule)."""
        pl = event["payload"]
        if self.missed >= 2 and pl.get("method") != "visit":
            pl["method"] = "visit"
            if pl["reached"] in ("no_answer", "phone_off", "wrong_number"):
                _not_reached(pl, "not_home")
        pl["attempt"] = self.missed + 1
        self.missed = 0 if pl["reached"] in ("yes", "hospitalised") else self.missed + 1

    def _miss(self, pl: dict[str, Any], chance: float) -> bool:
        if pl.get("reached") != "yes" or self.r.random() >= chance:
            return False
        door = pl.get("method") == "visit"
        _not_reached(pl, "not_home" if door else self.r.choice(("no_answer", "phone_off")))
        return True

    def _social_withdrawal(self, kind: str, pl: dict[str, Any], p: float, day: date) -> None:
        if kind == "welfare_check" and pl.get("reached") == "yes":
            if self._miss(pl, 0.45 * p):
                return
            if self.r.random() < 0.3 + 0.6 * p:
                _low_mood(pl, self.r, p)
            if self.r.random() < 0.5 + 0.5 * p:
                pl["social_contact_7d"] = False
            if self.r.random() < 0.4 + 0.6 * p:
                pl["went_out_7d"] = False
        elif kind == "screening" and pl.get("instrument_id") == "social_isolation":
            _raise_answers(pl, 3 + round(4 * p), self.r)

    def _depression_worsening(self, kind: str, pl: dict[str, Any], p: float, day: date) -> None:
        if kind == "welfare_check" and pl.get("reached") == "yes":
            if self.r.random() < 0.35 + 0.55 * p:
                _low_mood(pl, self.r, p)
            if self.r.random() < 0.5 * p and isinstance(pl.get("meals_24h"), int):
                pl["meals_24h"] = max(0, pl["meals_24h"] - 1)
            if p > 0.6 and self.r.random() < 0.2 * p and pl.get("suicidal_talk") == "none":
                pl["suicidal_talk"] = "passive"
                pl["escalation_level"] = max(2, pl.get("escalation_level", 0))
                pl["actions_taken"] = list(
                    dict.fromkeys([*pl["actions_taken"], "called_1577_0199", "reported_dong"])
                )
        elif kind == "screening" and pl.get("instrument_id") in ("phq9", "sgds_k"):
            _raise_answers(pl, 5 + round(7 * p), self.r)

    def _weight_loss(self, kind: str, pl: dict[str, Any], p: float, day: date) -> None:
        if kind == "visit":
            vitals = dict(pl.get("vitals") or {})
            if isinstance(vitals.get("weight_kg"), int | float):
                vitals["weight_kg"] = round(vitals["weight_kg"] * (1 - 0.1 * p), 1)
            pl["vitals"] = vitals
            if self.r.random() < p:
                pl["meals"] = "poor"
        elif kind == "welfare_check" and pl.get("reached") == "yes" and self.r.random() < 0.45 * p:
            pl["meals_24h"] = min(pl.get("meals_24h", 3), 1)

    def _home_going_silent(self, kind: str, pl: dict[str, Any], p: float, day: date) -> None:
        if kind != "welfare_check":
            return
        self._miss(pl, 0.3 + 0.7 * p)
        if pl.get("reached") != "yes" and pl.get("method") == "visit":
            signs = list(pl.get("risk_signs", ()))
            if self.r.random() < 0.35 + 0.6 * p:
                signs.append("mail_piled")
            if self.r.random() < 0.3 * p:
                signs.append("lights_abnormal")
            pl["risk_signs"] = list(dict.fromkeys(signs))

    def _heat_exposure(self, kind: str, pl: dict[str, Any], p: float, day: date) -> None:
        if kind != "welfare_check":
            return
        if self._miss(pl, 0.4 + 0.5 * p):
            return
        if pl.get("reached") == "yes":
            pl["seasonal_environment"] = season_of(day) or "heat"
            pl["shelter_informed"] = self.r.random() < 0.5
            if self.r.random() < 0.5 * p:
                pl["health"] = "worse"
            if self.r.random() < 0.5 * p:
                pl["risk_signs"] = list(
                    dict.fromkeys([*pl.get("risk_signs", ()), "heating_cooling_failure"])
                )
                pl["escalation_level"] = max(2, pl.get("escalation_level", 0))
                pl["actions_taken"] = list(
                    dict.fromkeys([*pl["actions_taken"], "service_linked", "reported_dong"])
                )


def injector(scenario: Scenario, seed: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function changing one household's raw events, fed one by one in time order, as the
    decline changes them (what :func:`apply_scenario` does to a list). The generator applies
    it to each record as it makes it, so its own programme rules (two missed calls make a
    home visit within a day or two) follow what the changed records say."""
    return _Injector(scenario, seed)


def apply_scenario(
    scenario: Scenario, events: Iterable[dict[str, Any]], seed: int
) -> list[dict[str, Any]]:
    """*events* (one household's raw events, in time order, without ``result``) as the
    decline changes them."""
    inject = _Injector(scenario, seed)
    return [inject(e) for e in events]
