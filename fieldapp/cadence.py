"""Who is due: next due dates, overdue days and the reasons, from rules kept as data.

Pure functions over plain dicts (household rows, event rows or wire events); no database.
The rules live in ``assets/cadence/*.json`` (versioned, with sources):

* ``visiting_health.json`` -- visit interval per care group (집중관리군 / 정기관리군 / 자기역량지원군);
* ``welfare_check.json`` -- weekly welfare checks by isolation band and risk level (twice a week
  for high risk where enabled), and two missed calls in a row -> a home-visit task;
* ``seasonal_alerts.json`` -- while a heat or cold alert is active, every high- and medium-risk
  household is due daily.

Besides the cadence, open immediate actions (from a record's computed result) and open
referrals make follow-ups. Closing is explicit, never inferred from days or row order:

* a record whose payload ``closes`` names a record closes it (an immediate action or an open
  referral); naming any record of a correction chain closes the record that stands now;
* a welfare check's own ``actions_taken`` closes its own immediate action;
* old records (before ``closes`` was always written): a done referral with no ``closes`` closes
  the flagged records of its programme made by the same device at the same instant (the form
  wrote the referral with the record's own ``device_time``) -- equal instants, so the answer
  depends on neither the zone nor the order of rows.

An immediate action stays open until a record answers it or the flagged record is voided or
corrected away: however old, it is never dropped by the calendar (files from before this still
carrying ``follow_up.open_action_window_days`` load; the key is ignored). Voided, corrected (superseded) and server-rejected events do not count. Days are
Asia/Seoul days (:mod:`fieldapp.programme_time`). The household-level rule every screen uses is
:mod:`fieldapp.household_state`; this module is its cadence part.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from fieldapp.amendments import resolve_amendments
from fieldapp.errors import AssetError
from fieldapp.instruments import is_int, read_json
from fieldapp.programme_time import PROGRAMME_ZONE, moment
from fieldapp.resources import asset_path

KST = PROGRAMME_ZONE  # programme days are Asia/Seoul days

# Urgency ranks of a worklist row, most pressing first.
IMMEDIATE, OVERDUE, DUE_TODAY, UPCOMING, NOT_DUE = 0, 1, 2, 3, 4
STATES = {
    IMMEDIATE: "immediate",
    OVERDUE: "overdue",
    DUE_TODAY: "due_today",
    UPCOMING: "upcoming",
    NOT_DUE: "not_due",
}
_URGENCIES = ("immediate", "urgent", "routine")


# --------------------------------------------------------------------------- rules as data


@dataclass(frozen=True)
class Interval:
    """Every *days* days, or every *months* calendar months."""

    days: int | None = None
    months: int | None = None

    def after(self, day: date) -> date:
        if self.months:
            month0 = day.month - 1 + self.months
            year, month = day.year + month0 // 12, month0 % 12 + 1
            return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        return day + timedelta(days=self.days or 0)

    def describe(self) -> tuple[str, str]:
        if self.months:
            return f"{self.months}개월마다", f"every {self.months} months"
        return f"{self.days}일마다", f"every {self.days} days"


@dataclass(frozen=True)
class Group:
    id: str
    label_ko: str
    label_en: str
    interval: Interval


@dataclass(frozen=True)
class ProgrammeCadence:
    """Cadence rules for one programme (``assets/cadence/<programme>.json``)."""

    programme: str
    version: str
    form: str
    contact_event_types: frozenset[str]
    upcoming_days: int
    referral_follow_up_days: Mapping[str, int]
    # visiting health
    groups: Mapping[str, Group] = field(default_factory=dict)
    default_group: str | None = None
    # welfare check
    default_days: int | None = None
    by_isolation_band: Mapping[str, int] = field(default_factory=dict)
    by_risk_level: Mapping[str, int] = field(default_factory=dict)
    twice_weekly_enabled: bool = False
    twice_weekly_days: int | None = None
    not_contact_reached: frozenset[str] = frozenset()
    stop_reached: frozenset[str] = frozenset()
    missed_count: int = 0
    missed_reached: frozenset[str] = frozenset()
    missed_task_form: str | None = None
    missed_task_defaults: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Season:
    kind: str
    label_ko: str
    label_en: str
    start: tuple[int, int]  # (month, day), inclusive
    end: tuple[int, int]  # inclusive; may wrap past the new year

    def contains(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


@dataclass(frozen=True)
class Overlay:
    """Heat and cold alert overlay (``assets/cadence/seasonal_alerts.json``)."""

    version: str
    programmes: frozenset[str]
    risk_levels: frozenset[str]
    isolation_bands: frozenset[str]
    interval_days: int
    seasons: Mapping[str, Season]

    def season_on(self, day: date) -> Season | None:
        for s in self.seasons.values():
            if s.contains(day):
                return s
        return None


@dataclass(frozen=True)
class CadenceRules:
    programmes: Mapping[str, ProgrammeCadence]
    overlay: Overlay | None


@dataclass(frozen=True)
class Alert:
    """A declared heat or cold alert covering a district (or some of its dongs)."""

    kind: str  # heat | cold
    start: date
    end: date | None = None
    district_code: str | None = None
    dong_codes: frozenset[str] = frozenset()

    def covers(self, household: Mapping[str, Any], day: date) -> bool:
        if day < self.start or (self.end is not None and day > self.end):
            return False
        if self.district_code and household.get("district_code") != self.district_code:
            return False
        return not self.dong_codes or household.get("dong_code") in self.dong_codes


def _mmdd(value: Any, path: Path, where: str) -> tuple[int, int]:
    try:
        month, day = (int(x) for x in str(value).split("-"))
        date(2024, month, day)  # a leap year accepts 02-29
    except ValueError:
        raise AssetError(f"{path.name}: {where}: {value!r} is not a MM-DD date") from None
    return month, day


def _days(value: Any, path: Path, where: str, minimum: int = 1) -> int:
    if not is_int(value) or value < minimum:
        raise AssetError(f"{path.name}: {where} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _programme(data: Mapping[str, Any], path: Path) -> ProgrammeCadence:
    fu = data.get("follow_up", {})
    follow_days = fu.get("referral_follow_up_days", {})
    if set(follow_days) != set(_URGENCIES):
        raise AssetError(
            f"{path.name}: referral_follow_up_days needs immediate, urgent and routine"
        )
    common: dict[str, Any] = {
        "programme": str(data["programme"]),
        "version": str(data["version"]),
        "form": str(data["form"]),
        "contact_event_types": frozenset(data["contact_event_types"]),
        "upcoming_days": _days(data.get("upcoming_days", 7), path, "upcoming_days", 0),
        "referral_follow_up_days": {
            k: _days(v, path, f"referral_follow_up_days.{k}", 0) for k, v in follow_days.items()
        },
    }
    if "groups" in data:
        groups: dict[str, Group] = {}
        for gid, g in data["groups"].items():
            has_days, has_months = "interval_days" in g, "interval_months" in g
            if has_days == has_months:
                raise AssetError(
                    f"{path.name}: group {gid!r} needs exactly one of interval_days, interval_months"
                )
            interval = (
                Interval(days=_days(g["interval_days"], path, f"group {gid!r} interval_days"))
                if has_days
                else Interval(months=_days(g["interval_months"], path, f"group {gid!r} months"))
            )
            groups[gid] = Group(gid, str(g["label_ko"]), str(g["label_en"]), interval)
        default_group = data.get("default_group")
        if default_group not in groups:
            raise AssetError(f"{path.name}: default_group {default_group!r} is not a group")
        return ProgrammeCadence(**common, groups=groups, default_group=default_group)
    iv = data["interval_days"]
    tw = data.get("high_risk_twice_weekly", {})
    mc = data.get("missed_calls", {})
    return ProgrammeCadence(
        **common,
        default_days=_days(iv["default"], path, "interval_days.default"),
        by_isolation_band={
            k: _days(v, path, f"by_isolation_band.{k}")
            for k, v in iv.get("by_isolation_band", {}).items()
        },
        by_risk_level={
            k: _days(v, path, f"by_risk_level.{k}") for k, v in iv.get("by_risk_level", {}).items()
        },
        twice_weekly_enabled=bool(tw.get("enabled", False)),
        twice_weekly_days=_days(tw.get("interval_days", 3), path, "twice_weekly interval_days"),
        not_contact_reached=frozenset(data.get("not_contact_reached", ())),
        stop_reached=frozenset(data.get("stop_reached", ())),
        missed_count=_days(mc.get("count", 2), path, "missed_calls.count"),
        missed_reached=frozenset(mc.get("reached", ())),
        missed_task_form=mc.get("task_form"),
        missed_task_defaults=dict(mc.get("task_defaults", {})),
    )


def _overlay(data: Mapping[str, Any], path: Path) -> Overlay:
    seasons = {
        kind: Season(
            kind,
            str(s["label_ko"]),
            str(s["label_en"]),
            _mmdd(s["start"], path, f"season {kind} start"),
            _mmdd(s["end"], path, f"season {kind} end"),
        )
        for kind, s in data["seasons"].items()
    }
    return Overlay(
        version=str(data["version"]),
        programmes=frozenset(data["programmes"]),
        risk_levels=frozenset(data["risk_levels"]),
        isolation_bands=frozenset(data["isolation_bands"]),
        interval_days=_days(data["interval_days"], path, "interval_days"),
        seasons=seasons,
    )


def load_cadence_file(path: Path) -> ProgrammeCadence | Overlay:
    """Load and check one cadence file; AssetError names the file and the fault."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise AssetError(f"{path.name}: a cadence file must be a JSON object")
    if not data.get("sources"):
        raise AssetError(f"{path.name}: 'sources' must list where the rules come from")
    try:
        if data.get("kind") == "overlay":
            return _overlay(data, path)
        if data.get("kind") == "programme_cadence":
            return _programme(data, path)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise AssetError(f"{path.name}: missing or malformed entry ({exc!r})") from None
    raise AssetError(f"{path.name}: kind must be 'programme_cadence' or 'overlay'")


def load_rules_from(folder: Path) -> CadenceRules:
    """Every cadence file of *folder*, checked."""
    programmes: dict[str, ProgrammeCadence] = {}
    overlay: Overlay | None = None
    for path in sorted(folder.glob("*.json")):
        loaded = load_cadence_file(path)
        if isinstance(loaded, Overlay):
            overlay = loaded
        else:
            programmes[loaded.programme] = loaded
    if not programmes:
        raise AssetError(f"no cadence files in {folder}")
    return CadenceRules(programmes=programmes, overlay=overlay)


@cache
def load_rules() -> CadenceRules:
    """The shipped cadence rules (cached)."""
    return load_rules_from(asset_path("cadence"))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """Why a household is on the list: what, when due, how pressing, which form to start.

    *event_id* is the record the reason comes from (an immediate action's flagged record, an
    open referral); *since* the KST day that record was made.
    """

    code: str  # cadence | first_contact | missed_calls | immediate_action | referral | alert
    text_ko: str
    text_en: str
    due: date
    immediate: bool = False
    form_id: str = ""
    form_defaults: Mapping[str, Any] = field(default_factory=dict)
    event_id: str | None = None
    since: date | None = None


@dataclass(frozen=True)
class DueInfo:
    next_due: date | None
    overdue_days: int
    reasons: list[Reason]
    urgency_rank: int  # 0 immediate, 1 overdue, 2 due today, 3 upcoming, 4 not due

    @property
    def state(self) -> str:
        return STATES[self.urgency_rank]

    @property
    def reasons_ko(self) -> list[str]:
        return [r.text_ko for r in self.reasons]

    @property
    def reasons_en(self) -> list[str]:
        return [r.text_en for r in self.reasons]


# --------------------------------------------------------------------------- events


class _Ev:
    """An event reduced to what the cadence needs (a plain slotted class: built 100,000s of times)."""

    __slots__ = ("amends", "at", "day", "device_id", "id", "names", "payload", "programme", "type")

    def __init__(
        self,
        eid: str,
        etype: str,
        at: datetime,
        payload: Mapping[str, Any],
        amends: Any,
        programme: str | None,
        device_id: Any,
    ) -> None:
        self.id = eid
        self.type = etype
        self.at = at
        self.day = at.astimezone(KST).date()
        self.payload = payload
        self.amends = amends
        self.programme = programme
        self.device_id = device_id
        self.names: tuple[str, ...] = (eid,)  # its id and the ids it corrects, newest first


class Prepared:
    """A household's usable events (every programme), oldest first, and what they close.

    Built once per household by :func:`prepare_events`; :func:`due_from` reads it per programme.
    """

    __slots__ = ("closed", "events", "legacy")

    def __init__(self, events: list[_Ev]) -> None:
        self.events = events
        self.closed: set[str] = set()  # record ids named by a ``closes``
        self.legacy: set[tuple[Any, datetime, str | None]] = set()  # old done referrals
        for e in events:
            closes = e.payload.get("closes")
            if closes:
                self.closed.add(str(closes))
            elif e.type == "referral" and e.payload.get("status") == "done":
                self.legacy.add((e.device_id, e.at, e.programme))

    def named(self, e: _Ev) -> bool:
        """Whether a record names *e* (or a record *e* corrects) in its ``closes``."""
        return any(name in self.closed for name in e.names)

    def is_closed(self, e: _Ev) -> bool:
        """Whether a flagged record's immediate action is closed."""
        if self.named(e):
            return True
        if e.type == "welfare_check" and e.payload.get("actions_taken"):
            return True  # what was done is recorded on the check itself
        return bool(self.legacy) and (e.device_id, e.at, e.programme) in self.legacy


def prepare_events(events: Iterable[Mapping[str, Any]]) -> Prepared:
    """Usable events of every programme, oldest first (ties by id): voided, superseded and
    rejected ones left out; a correction keeps the time of what it corrects and knows the ids
    it replaces.

    Which records count is decided once, by :func:`fieldapp.amendments.resolve_amendments`
    (the laptop's store annotates its events with it; raw events are resolved here), so the
    screens, the board and the rule never disagree about corrections and voids.
    """
    rows = list(events)
    annotated = bool(rows) and all("effective" in e for e in rows)
    if not annotated:
        rows = [e for e in rows if e.get("sync_state") != "rejected"]
        if any(e.get("amends") for e in rows):
            rows = resolve_amendments(rows)
            annotated = True
    parsed: list[_Ev] = []
    for e in rows:
        get = e.get
        etype = get("type")
        eid = str(get("id"))
        if annotated:
            if not get("effective") or get("sync_state") == "rejected":
                continue
            at = moment(get("original_device_time") or get("device_time"))
        else:
            if etype == "void":
                continue
            at = moment(get("device_time"))
        if at is None:
            continue
        payload = get("payload") or {}
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except json.JSONDecodeError:
                payload = {}
        if not isinstance(payload, Mapping):
            payload = {}
        amends = get("amends")
        ev = _Ev(eid, str(etype), at, payload, amends, get("programme") or None, get("device_id"))
        if annotated and (amends or get("original_id") not in (None, eid)):
            ev.names = tuple(dict.fromkeys(str(x) for x in (eid, amends, get("original_id")) if x))
        parsed.append(ev)
    parsed.sort(key=_order)
    return Prepared(parsed)


def _order(e: _Ev) -> tuple[datetime, str]:
    return e.at, e.id


def _first_clause(text: str) -> str:
    for sep in (":", ". ", "。"):
        head, found, _ = text.partition(sep)
        if found and 0 < len(head) <= 60:
            return head.strip()
    return text if len(text) <= 60 else text[:57].rstrip() + "..."


def _reached(payload: Mapping[str, Any]) -> str | None:
    """A welfare check's ``reached`` value (None unless it is a string)."""
    value = payload.get("reached")
    return value if isinstance(value, str) else None


def _first_immediate(result: Any) -> Mapping[str, Any] | None:
    """The first immediate action of a computed result, if any (no list built: hot path)."""
    if not isinstance(result, Mapping):
        return None
    for a in result.get("actions") or ():
        if isinstance(a, Mapping) and a.get("urgency") == "immediate":
            return a
    return None


# --------------------------------------------------------------------------- due state


def _cadence_interval(
    household: Mapping[str, Any], pc: ProgrammeCadence
) -> tuple[Interval, str, str]:
    """The regular interval for this household, with a description (ko, en)."""
    if pc.groups:
        gid = household.get("care_group")
        group = pc.groups.get(gid) if gid else None
        if group is None:
            group = pc.groups[pc.default_group]  # type: ignore[index]
        every_ko, every_en = group.interval.describe()
        return group.interval, f"{group.label_ko}, {every_ko}", f"{group.label_en}, {every_en}"
    band, risk = household.get("isolation_band"), household.get("risk_level")
    days = [pc.default_days or 7]
    if band in pc.by_isolation_band:
        days.append(pc.by_isolation_band[band])
    if risk in pc.by_risk_level:
        days.append(pc.by_risk_level[risk])
    if pc.twice_weekly_enabled and "high" in (band, risk) and pc.twice_weekly_days:
        days.append(pc.twice_weekly_days)
    n = min(days)
    if n == 7:
        return Interval(days=7), "주 1회", "weekly"
    return Interval(days=n), f"{n}일마다", f"every {n} days"


def _alert_kind(
    household: Mapping[str, Any], today: date, alerts: Sequence[Alert], overlay: Overlay
) -> tuple[str | None, date | None]:
    """(season kind or '', alert start) when an alert covers the household today."""
    for a in alerts:
        if a.covers(household, today):
            return a.kind, a.start
    if household.get("alert_active"):
        season = overlay.season_on(today)
        return (season.kind if season else ""), None
    return None, None


def due_state(
    household: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]],
    programme: str,
    today: date,
    rules: CadenceRules | None = None,
    *,
    alerts: Iterable[Alert | Mapping[str, Any]] | None = None,
) -> DueInfo:
    """When *household* is next due in *programme*, how overdue, and why.

    *events* are the household's events (dicts shaped like ``events`` rows or wire events;
    payload a dict or JSON text). *alerts* are declared heat/cold alerts (or set
    ``household["alert_active"]``).
    """
    return due_from(
        household, prepare_events(events), programme, today, rules, alerts=parse_alerts(alerts)
    )


def due_from(
    household: Mapping[str, Any],
    prepared: Prepared,
    programme: str,
    today: date,
    rules: CadenceRules | None = None,
    *,
    alerts: Sequence[Alert] = (),
) -> DueInfo:
    """:func:`due_state` over events already read by :func:`prepare_events`."""
    rules = rules or load_rules()
    pc = rules.programmes.get(programme)
    if pc is None:
        raise ValueError(f"no cadence rules for programme {programme!r}")
    reasons: list[Reason] = []
    # one pass: the last contact, welfare checks, referrals, flagged records
    last_contact: _Ev | None = None
    checks: list[_Ev] = []
    flagged: list[tuple[_Ev, Mapping[str, Any]]] = []
    referrals: list[_Ev] = []
    contact_types = pc.contact_event_types
    for e in prepared.events:
        if e.programme and e.programme != programme:
            continue
        payload = e.payload
        etype = e.type
        if etype == "welfare_check":
            checks.append(e)
        elif etype == "referral":
            referrals.append(e)
        result = payload.get("result")
        if result:
            action = _first_immediate(result)
            if action is not None:
                flagged.append((e, action))
        if etype in contact_types and (
            etype != "welfare_check" or _reached(payload) not in pc.not_contact_reached
        ):
            last_contact = e
    stopped = bool(checks) and _reached(checks[-1].payload) in pc.stop_reached

    # 1. the regular cadence
    if not stopped:
        interval, every_ko, every_en = _cadence_interval(household, pc)
        if last_contact is None:
            reasons.append(
                Reason(
                    "first_contact",
                    f"첫 {'방문' if pc.groups else '안부확인'} 필요 (기록 없음; {every_ko})",
                    f"No {'visit' if pc.groups else 'welfare check'} recorded yet ({every_en})",
                    today,
                    form_id=pc.form,
                )
            )
        else:
            due = interval.after(last_contact.day)
            reasons.append(
                Reason(
                    "cadence",
                    f"정기 {'방문' if pc.groups else '안부확인'} ({every_ko}): 마지막 {last_contact.day.isoformat()}",
                    f"Regular {'visit' if pc.groups else 'welfare check'} ({every_en}): last {last_contact.day.isoformat()}",
                    due,
                    form_id=pc.form,
                    event_id=last_contact.id,
                    since=last_contact.day,
                )
            )

    # 2. missed calls in a row -> home visit
    if pc.missed_count and not stopped:
        run = 0
        run_event: _Ev | None = None
        for e in reversed(checks):
            if e.payload.get("method") == "visit" or _reached(e.payload) not in pc.missed_reached:
                break
            run += 1
            if run == 1:
                run_event = e
        if run >= pc.missed_count and run_event is not None:
            reasons.append(
                Reason(
                    "missed_calls",
                    f"연속 {run}회 연락 안 됨: 가정방문 필요",
                    f"{run} missed calls in a row: home visit needed",
                    run_event.day,
                    form_id=pc.missed_task_form or pc.form,
                    form_defaults=dict(pc.missed_task_defaults),
                    event_id=run_event.id,
                    since=run_event.day,
                )
            )

    # 3. immediate actions still open (closed only by a record that answers them; no age limit)
    for e, action in flagged:
        if prepared.is_closed(e):
            continue
        reasons.append(
            Reason(
                "immediate_action",
                f"즉시 조치 미완료 ({e.day.isoformat()}): "
                f"{_first_clause(str(action.get('text_ko', '')))}",
                f"Immediate action still open ({e.day.isoformat()}): "
                f"{_first_clause(str(action.get('text_en', '')))}",
                e.day,
                immediate=True,
                form_id=pc.form,
                event_id=e.id,
                since=e.day,
            )
        )

    # 4. open referrals
    for e in referrals:
        if e.payload.get("status", "open") != "open" or prepared.named(e):
            continue
        urgency = e.payload.get("urgency")
        days = pc.referral_follow_up_days.get(str(urgency), pc.referral_follow_up_days["routine"])
        target = str(e.payload.get("target", ""))
        reasons.append(
            Reason(
                "referral",
                f"의뢰 후속 확인: {target} ({e.day.isoformat()})",
                f"Referral follow-up: {target} ({e.day.isoformat()})",
                e.day + timedelta(days=days),
                immediate=urgency == "immediate",
                form_id=pc.form,
                event_id=e.id,
                since=e.day,
            )
        )

    # 5. heat / cold alert overlay
    overlay = rules.overlay
    if (
        overlay is not None
        and not stopped
        and programme in overlay.programmes
        and (
            household.get("risk_level") in overlay.risk_levels
            or household.get("isolation_band") in overlay.isolation_bands
        )
    ):
        kind, start = _alert_kind(household, today, alerts, overlay)
        if kind is not None:
            season = overlay.seasons.get(kind)
            label_ko = season.label_ko if season else "기상"
            label_en = season.label_en if season else "Weather"
            due = today if start is None else start
            if last_contact is not None:
                due = max(due, last_contact.day + timedelta(days=overlay.interval_days))
            reasons.append(
                Reason(
                    "alert",
                    f"{label_ko} 특보 중: 고위험·중위험 가구 매일 확인",
                    f"{label_en} alert: high- and medium-risk households are checked daily",
                    due,
                    form_id=pc.form,
                )
            )

    return rank_reasons(reasons, today, pc.upcoming_days)


def rank_reasons(reasons: list[Reason], today: date, upcoming_days: int) -> DueInfo:
    """The due state of *reasons*: most pressing first (rank, then due date, then record)."""
    if not reasons:
        return DueInfo(None, 0, [], NOT_DUE)
    ranked = sorted(
        ((rank(r, today, upcoming_days), r.due, r.event_id or "", r) for r in reasons),
        key=lambda t: t[:3],
    )
    next_due = min(r.due for r in reasons)
    return DueInfo(
        next_due=next_due,
        overdue_days=max(0, (today - next_due).days),
        reasons=[t[-1] for t in ranked],
        urgency_rank=ranked[0][0],
    )


class _Ranked(Protocol):
    @property
    def immediate(self) -> bool: ...
    @property
    def due(self) -> date: ...


def rank(reason: _Ranked, today: date, upcoming_days: int) -> int:
    """The urgency rank of one reason or open item (IMMEDIATE .. NOT_DUE)."""
    if reason.immediate:
        return IMMEDIATE
    if reason.due < today:
        return OVERDUE
    if reason.due == today:
        return DUE_TODAY
    if reason.due <= today + timedelta(days=upcoming_days):
        return UPCOMING
    return NOT_DUE


def parse_alerts(alerts: Iterable[Alert | Mapping[str, Any]] | None) -> list[Alert]:
    """Declared alerts as :class:`Alert` (dicts with ISO ``start``/``end`` accepted)."""
    out: list[Alert] = []
    for a in alerts or ():
        if isinstance(a, Alert):
            out.append(a)
            continue
        start = a["start"]
        end = a.get("end")
        out.append(
            Alert(
                kind=str(a.get("kind", "")),
                start=start if isinstance(start, date) else date.fromisoformat(str(start)),
                end=None
                if end is None
                else (end if isinstance(end, date) else date.fromisoformat(str(end))),
                district_code=a.get("district_code"),
                dong_codes=frozenset(a.get("dong_codes") or ()),
            )
        )
    return out
