"""The one rule of a household's state: what is due, what is open, what is unfinished.

Today, the households list (다음 방문 and the 방문 상태 filter), the household view (개요 and
조치·의뢰), the server's supervisor board and the two headless commands (``fieldapp-sync
worklist``, ``fieldapp-server board``) all call this module; no screen works it out itself.
Pure: no Qt, no I/O, no database (the cadence rules are data, loaded and cached by
:mod:`fieldapp.cadence`, whose due computation is this rule's cadence part).

Public API
----------
Dates (Asia/Seoul, whatever the machine's zone; from :mod:`fieldapp.programme_time`):
    ``programme_today(now=None) -> date``, ``programme_day(time) -> date | None``,
    ``kst_text(time) -> "YYYY-MM-DD HH:MM"``.

``household_state(household, events, today, *, drafts=(), programmes=None, rules=None,
alerts=None, providers=None) -> HouseholdState``
    *household*: a household row or wire dict (``id``, ``care_group``, ``risk_level``,
    ``isolation_band``, ``assignments``...). *events*: its records (effective or not: voided,
    superseded and rejected ones are left out here). *drafts*: its local drafts, as
    ``records.list_drafts`` gives them (``{id, household_id, form, data, updated_at}``).
    *programmes*: which programmes' cadence to compute (default: the programmes the household
    is assigned in, else those its records name). *providers*: extra open-item providers
    (default :func:`default_providers`).

``HouseholdState``: ``items`` (every :class:`OpenItem`, most pressing first), ``immediate``
    (the open immediate items), ``immediate_actions``, ``referrals`` (open referrals),
    ``signals``, ``drafts`` (:class:`DraftInfo`), ``next_due``, ``state`` (immediate /
    overdue / due_today / upcoming / not_due), ``urgency_rank``, ``overdue_days``,
    ``due`` (the cadence's :class:`~fieldapp.cadence.DueInfo` per programme), ``for_programme(p)``;
    ``next_contact_due`` and ``contact_state``: the same over every item but signals (the
    households list's 다음 방문 and 방문 상태: a signal is shown as a signal, it moves no visit).

``OpenItem``: one thing open for a household -- ``kind`` (``immediate_action``, ``referral``,
    ``draft_risk``, ``signal``, or a cadence reason: ``cadence``, ``first_contact``,
    ``missed_calls``, ``alert``), ``household_id``, ``programme`` (None: every programme),
    ``record_id`` (the record it comes from; a draft's id for ``draft_risk``), ``text_ko`` /
    ``text_en`` (why), ``since`` (KST day it began), ``due``, ``immediate``, ``form_id``,
    ``form_defaults``, ``severity``, ``evidence`` (record ids).

``worklist(households, events_by_household, programme, today, *, drafts_by_household=None,
rules=None, alerts=None, providers=None, states_out=None) -> list[WorkItem]``
    The worker's Today: one row per open immediate item (its record id) and per signal, then
    one row per household for its most pressing other reason (with "외 N건"); households not
    due are left out. *programme* None: each household's assigned programmes. *states_out* (a dict) gets
    every household's :class:`HouseholdState` (for the households list) without a second pass.

``immediate_count(items)``: how many of a worklist's rows are immediate (the board's
    "즉시 조치" count is this over the same rows).

Closing (explicit only; see :mod:`fieldapp.cadence`): an immediate action is closed by a record
whose payload ``closes`` names it (the banner's referral, saved in the same transaction as the
record, or the 조치 기록 made later from the household view), or by the welfare check's own
``actions_taken``; old done referrals without ``closes`` close the flagged records of their
programme made by the same device at the same instant. However old, an immediate action stays
open until a record answers it or the flagged record is voided or corrected away (no window).

Drafts (agreed with the form, ui/forms/form_page.py): a draft's ``data`` may hold
``result.immediate`` -- the immediate actions its answers raise, each a dict with ``text_ko`` /
``text_en`` (the form's computed result) -- and ``action_recorded`` (true once the banner's
action is recorded in the form). A draft with a non-empty ``result.immediate`` and no
``action_recorded`` carries an unhandled immediate risk: it is a ``draft_risk`` item, immediate,
listed first on Today. Drafts are local: the server's board never sees them, so for records the
board's count equals Today's immediate rows, and a risky draft adds one on the laptop only.

Signals (issue 17): an open-item provider is ``provider(household, events, today) ->
Iterable[OpenItem]`` (items of kind ``signal``); :func:`default_providers` lists the providers
every screen uses, so a new one is added there once, not in each screen. The board counts its
cadence columns with ``providers=()`` (it reads payloads reduced to what the cadence needs) and
lists signals apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldapp import cadence
from fieldapp.cadence import IMMEDIATE, NOT_DUE, STATES, Alert, CadenceRules, DueInfo, Reason
from fieldapp.programme_time import kst_text, programme_day, programme_today

__all__ = [
    "DraftInfo",
    "HouseholdState",
    "OpenItem",
    "OpenItemProvider",
    "WorkItem",
    "default_providers",
    "draft_info",
    "household_state",
    "immediate_count",
    "kst_text",
    "programme_day",
    "programme_today",
    "worklist",
]

IMMEDIATE_ACTION = "immediate_action"
REFERRAL = "referral"
DRAFT_RISK = "draft_risk"
SIGNAL = "signal"


@dataclass(frozen=True)
class OpenItem:
    """One thing open for a household (see the module docstring for the kinds)."""

    kind: str
    household_id: str
    programme: str | None
    record_id: str | None
    text_ko: str
    text_en: str
    since: date | None
    due: date
    immediate: bool = False
    form_id: str = ""
    form_defaults: Mapping[str, Any] = field(default_factory=dict)
    severity: str | None = None
    evidence: tuple[str, ...] = ()


OpenItemProvider = Callable[
    [Mapping[str, Any], Sequence[Mapping[str, Any]], date], Iterable[OpenItem]
]


def default_providers() -> tuple[OpenItemProvider, ...]:
    """The open-item providers every screen uses besides the cadence (signals go here)."""
    from fieldapp.signals import signal_items  # imports this module's OpenItem

    return (signal_items,)


@dataclass(frozen=True)
class DraftInfo:
    """A local unfinished form: its form, when last kept, and any unhandled immediate risk."""

    id: str
    household_id: str | None
    form: str
    programme: str | None
    updated_at: str
    immediate: tuple[Mapping[str, Any], ...] = ()
    action_recorded: bool = False

    @property
    def risk_unhandled(self) -> bool:
        return bool(self.immediate) and not self.action_recorded


def _form_programme(form: str) -> str | None:
    """The programme a form's record belongs to (welfare_check, visit, screening:<id>)."""
    from fieldapp.vocabulary import PROGRAMME_EVENT_TYPES

    record_type = form.split(":", 1)[0]
    for prog, types in PROGRAMME_EVENT_TYPES.items():
        if record_type in types:
            return prog.value
    return None


def draft_info(draft: Mapping[str, Any]) -> DraftInfo:
    """A stored draft (``records.list_drafts`` row) as the rule reads it."""
    data = draft.get("data")
    data = data if isinstance(data, Mapping) else {}
    result = data.get("result")
    immediate = result.get("immediate") if isinstance(result, Mapping) else None
    actions = tuple(a for a in immediate or () if isinstance(a, Mapping))
    form = str(draft.get("form") or "")
    return DraftInfo(
        id=str(draft.get("id")),
        household_id=draft.get("household_id"),
        form=form,
        programme=_form_programme(form),
        updated_at=str(draft.get("updated_at") or ""),
        immediate=actions,
        action_recorded=bool(data.get("action_recorded")),
    )


@dataclass(frozen=True)
class HouseholdState:
    """Everything open for one household on one day (see the module docstring)."""

    household_id: str
    today: date
    items: tuple[OpenItem, ...]
    drafts: tuple[DraftInfo, ...]
    due: Mapping[str, DueInfo]
    upcoming_days: int = 7

    def rank_of(self, item: OpenItem) -> int:
        return _rank(item, self.today, self.upcoming_days)

    @property
    def urgency_rank(self) -> int:
        return min((self.rank_of(i) for i in self.items), default=NOT_DUE)

    @property
    def state(self) -> str:
        return STATES[self.urgency_rank]

    @property
    def next_due(self) -> date | None:
        return min((i.due for i in self.items), default=None)

    @property
    def overdue_days(self) -> int:
        nd = self.next_due
        return max(0, (self.today - nd).days) if nd is not None else 0

    @property
    def contact_items(self) -> list[OpenItem]:
        """The items that ask for a contact: every item but signals (a signal is shown as a
        signal -- Today's row, the 신호 tab, the board's list -- and moves no contact)."""
        return [i for i in self.items if i.kind != SIGNAL]

    @property
    def next_contact_due(self) -> date | None:
        """The households list's 다음 방문: the next cadence contact or open follow-up, or the
        day of an open immediate item (signals left out)."""
        return min((i.due for i in self.contact_items), default=None)

    @property
    def contact_state(self) -> str:
        """The households list's 방문 상태: :attr:`state` over :attr:`contact_items`."""
        return STATES[min((self.rank_of(i) for i in self.contact_items), default=NOT_DUE)]

    @property
    def immediate(self) -> list[OpenItem]:
        return [i for i in self.items if i.immediate]

    @property
    def immediate_actions(self) -> list[OpenItem]:
        return [i for i in self.items if i.kind == IMMEDIATE_ACTION]

    @property
    def referrals(self) -> list[OpenItem]:
        return [i for i in self.items if i.kind == REFERRAL]

    @property
    def signals(self) -> list[OpenItem]:
        return [i for i in self.items if i.kind == SIGNAL]

    @property
    def open_record_ids(self) -> set[str]:
        """The records whose immediate action or referral is still open."""
        return {
            i.record_id
            for i in self.items
            if i.kind in (IMMEDIATE_ACTION, REFERRAL) and i.record_id
        }

    def for_programme(self, programme: str | None) -> HouseholdState:
        """Only the items of *programme* (and those of every programme); None: all."""
        if programme is None:
            return self
        return HouseholdState(
            self.household_id,
            self.today,
            tuple(i for i in self.items if i.programme in (None, programme)),
            tuple(d for d in self.drafts if d.programme in (None, programme)),
            {p: d for p, d in self.due.items() if p == programme},
            self.upcoming_days,
        )


def _rank(item: OpenItem, today: date, upcoming_days: int) -> int:
    return cadence.rank(item, today, upcoming_days)


def assigned_programmes(household: Mapping[str, Any]) -> list[str]:
    """The programmes *household* is assigned in (someone holds it), in a fixed order."""
    assignments = household.get("assignments") or {}
    return (
        sorted(p for p, who in assignments.items() if who)
        if isinstance(assignments, Mapping)
        else []
    )


def _programmes_of(
    household: Mapping[str, Any], prepared: cadence.Prepared, rules: CadenceRules
) -> list[str]:
    progs = [p for p in assigned_programmes(household) if p in rules.programmes]
    if progs:
        return progs
    return sorted({e.programme for e in prepared.events if e.programme in rules.programmes})


def _reason_item(hid: str, programme: str, r: Reason) -> OpenItem:
    return OpenItem(
        kind=r.code,
        household_id=hid,
        programme=programme,
        record_id=r.event_id,
        text_ko=r.text_ko,
        text_en=r.text_en,
        since=r.since,
        due=r.due,
        immediate=r.immediate,
        form_id=r.form_id,
        form_defaults=r.form_defaults,
    )


def _draft_item(hid: str, d: DraftInfo, today: date) -> OpenItem:
    first = d.immediate[0]
    day = programme_day(d.updated_at) or today
    return OpenItem(
        kind=DRAFT_RISK,
        household_id=hid,
        programme=d.programme,
        record_id=d.id,
        text_ko=f"작성 중인 양식에 즉시 조치 미기록: {first.get('text_ko', '')}",
        text_en=f"Unfinished form with an immediate action not recorded: {first.get('text_en', '')}",
        since=day,
        due=day,
        immediate=True,
        form_id=d.form,
    )


def household_state(
    household: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]],
    today: date,
    *,
    drafts: Iterable[Mapping[str, Any] | DraftInfo] = (),
    programmes: Sequence[str] | None = None,
    rules: CadenceRules | None = None,
    alerts: Iterable[Alert | Mapping[str, Any]] | None = None,
    providers: Sequence[OpenItemProvider] | None = None,
) -> HouseholdState:
    """The state of *household* on *today* (see the module docstring)."""
    rules = rules or cadence.load_rules()
    return _state(
        household,
        list(events),
        today,
        drafts,
        programmes,
        rules,
        cadence.parse_alerts(alerts),
        default_providers() if providers is None else providers,
    )


def _state(
    household: Mapping[str, Any],
    events: list[Mapping[str, Any]],
    today: date,
    drafts: Iterable[Mapping[str, Any] | DraftInfo],
    programmes: Sequence[str] | None,
    rules: CadenceRules,
    alerts: Sequence[Alert],
    providers: Sequence[OpenItemProvider],
) -> HouseholdState:
    hid = str(household.get("id"))
    prepared = cadence.prepare_events(events)
    progs = (
        list(programmes) if programmes is not None else _programmes_of(household, prepared, rules)
    )
    items: list[OpenItem] = []
    due: dict[str, DueInfo] = {}
    for prog in progs:
        info = cadence.due_from(household, prepared, prog, today, rules, alerts=alerts)
        due[prog] = info
        items.extend(_reason_item(hid, prog, r) for r in info.reasons)
    infos = tuple(d if isinstance(d, DraftInfo) else draft_info(d) for d in drafts)
    items.extend(_draft_item(hid, d, today) for d in infos if d.risk_unhandled)
    for provider in providers:
        items.extend(provider(household, events, today))
    upcoming = min((rules.programmes[p].upcoming_days for p in progs), default=7)
    rank = cadence.rank
    items.sort(
        key=lambda i: (
            rank(i, today, upcoming),
            not leads(i.kind),
            i.due,
            i.kind,
            i.record_id or "",
        )
    )
    return HouseholdState(hid, today, tuple(items), infos, due, upcoming)


# --------------------------------------------------------------------------- worklist


@dataclass(frozen=True)
class WorkItem:
    """One row of a worker's Today."""

    household_id: str
    programme: str | None
    code: str  # the kind of the row's item (immediate_action, referral, cadence, ...)
    state: str
    urgency_rank: int
    due: date  # this row's due date
    next_due: date | None  # the household's
    overdue_days: int
    reason_ko: str
    reason_en: str
    form_id: str
    form_defaults: Mapping[str, Any]
    record_id: str | None  # the record (or draft) the row comes from
    since: date | None
    reasons: tuple[OpenItem, ...]  # every item of the household (in this programme)
    item: OpenItem | None = None  # the row's own item

    def as_json(self) -> dict[str, Any]:
        """The row as the headless ``worklist --json`` prints it."""
        return {
            "household_id": self.household_id,
            "programme": self.programme,
            "code": self.code,
            "urgency": self.state,
            "due": self.due.isoformat(),
            "record_id": self.record_id,
            "since": self.since.isoformat() if self.since else None,
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
            "form": self.form_id,
        }


def _rows_of(state: HouseholdState, programme: str | None) -> list[WorkItem]:
    """Today's rows for one household: each immediate item, else its most pressing reason."""
    items = state.items
    today, upcoming = state.today, state.upcoming_days
    rank_of = {id(i): cadence.rank(i, today, upcoming) for i in items}
    pressing = [i for i in items if rank_of[id(i)] < NOT_DUE]
    if not pressing:
        return []
    next_due, overdue_days = state.next_due, state.overdue_days
    immediate = [i for i in pressing if i.immediate]
    # each signal is a row of its own (acknowledging one is its own act); the other reasons
    # give the household one row, its most pressing
    flagged = [i for i in pressing if i.kind == SIGNAL and not i.immediate]
    others = [i for i in pressing if i.kind != SIGNAL or i.immediate]
    heads = immediate or others[:1]
    rest = len(others) - len(heads)
    rows = []
    for n, item in enumerate([*heads, *flagged]):
        more = rest if n == 0 else 0
        rank = rank_of[id(item)]
        rows.append(
            WorkItem(
                household_id=state.household_id,
                programme=item.programme or programme,
                code=item.kind,
                state=STATES[rank],
                urgency_rank=rank,
                due=item.due,
                next_due=next_due,
                overdue_days=overdue_days,
                reason_ko=item.text_ko + (f" 외 {more}건" if more else ""),
                reason_en=item.text_en + (f" (+{more} more)" if more else ""),
                form_id=item.form_id,
                form_defaults=item.form_defaults,
                record_id=item.record_id,
                since=item.since,
                reasons=items,
                item=item,
            )
        )
    return rows


def leads(code: str) -> bool:
    """Whether rows of *code* lead their urgency (an unsaved risky answer lives on this
    laptop only: it leads the immediate rows). Every list of rows sorts with it."""
    return code == DRAFT_RISK


def worklist(
    households: Iterable[Mapping[str, Any]],
    events_by_household: Mapping[str, Iterable[Mapping[str, Any]]],
    programme: str | None,
    today: date,
    *,
    drafts_by_household: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    rules: CadenceRules | None = None,
    alerts: Iterable[Alert | Mapping[str, Any]] | None = None,
    providers: Sequence[OpenItemProvider] | None = None,
    states_out: dict[str, HouseholdState] | None = None,
) -> list[WorkItem]:
    """The worker's list for *today*: immediate items (one row each), then overdue, due today
    and upcoming households (one row each, most pressing reason first)."""
    rules = rules or cadence.load_rules()
    if programme is not None and programme not in rules.programmes:
        raise ValueError(f"no cadence rules for programme {programme!r}")
    alert_list = cadence.parse_alerts(alerts)
    chosen = default_providers() if providers is None else providers
    drafts_by_household = drafts_by_household or {}
    rows: list[WorkItem] = []
    for hh in households:
        hid = str(hh.get("id"))
        progs = [programme] if programme is not None else None
        state = _state(
            hh,
            list(events_by_household.get(hid, ())),
            today,
            drafts_by_household.get(hid, ()),
            progs,
            rules,
            alert_list,
            chosen,
        )
        state = state.for_programme(programme)
        if states_out is not None:
            states_out[hid] = state
        rows.extend(_rows_of(state, programme))
    rows.sort(
        key=lambda w: (
            w.urgency_rank,
            not leads(w.code),
            w.due,
            w.household_id,
            w.record_id or "",
        )
    )
    return rows


def immediate_count(rows: Iterable[WorkItem]) -> int:
    """How many rows are immediate (Today's 즉시 조치 rows; the board's count)."""
    return sum(1 for r in rows if r.urgency_rank == IMMEDIATE)
