"""Early-warning signals: a household's decline read from its own history, explained.

The rules are data (``assets/signals/signals.json``: versioned, each rule with its thresholds,
sentences, source and rationale), checked when loaded; a broken rule raises
:class:`~fieldapp.errors.AssetError` naming the file and the rule. Evaluation is pure (no Qt,
no I/O): :func:`evaluate` takes a household row, its effective records (as
:func:`fieldapp.records.effective_events` gives them: voided and superseded records left out,
corrections in place) and a date, and returns the household's signals. Records after the date
are ignored, so a history can be replayed day by day.

A detector is one general mechanism; a rule picks one and gives it thresholds:

* ``run`` -- the latest records in a row all match (``count`` of them);
* ``count_within`` -- ``count`` matching records within ``window_days`` of the latest one;
* ``same_sign_run`` -- the same value of a list field (a sign at the door) on ``count``
  records in a row;
* ``score_change`` -- the latest screening against the previous one: up by ``rise``
  points, crossing ``cross_at``, or ``band_rise`` bands higher;
* ``decline`` -- the latest measurement ``percent`` below the median of those
  ``min_gap_days`` to ``window_days`` before it;
* ``crossing`` -- the latest measurement ``below`` a value the previous one was not;
* ``no_contact`` -- more than ``max_days`` since the last successful contact; with
  ``counts_from`` (a day on the household row, e.g. ``alert_start``: the first day of the heat
  or cold alert covering it) the days count from that day at the earliest, and the signal's
  ``since`` is never before it.

A signal's id is stable (rule, household, first evidence record). A ``signal_ack`` record
naming it acknowledges it; it returns only when evidence newer than the acknowledgement
arrives.
"""

from __future__ import annotations

import hashlib
import statistics
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from fieldapp.errors import AssetError, FieldProblem
from fieldapp.instruments import (
    check_condition,
    compile_condition,
    get_instrument,
    is_number,
    read_json,
)
from fieldapp.resources import asset_path
from fieldapp.vocabulary import Programme

KST = timezone(timedelta(hours=9))
#: The record type of an acknowledgement (payload: signal_id, rule, note, follow_up).
SIGNAL_ACK = "signal_ack"
#: Forms whose option labels make the sentences (value -> label).
_LABEL_FORMS = ("welfare_check", "visit")

Test = Callable[[Mapping[str, Any]], bool]

# --------------------------------------------------------------------------- rules as data


@dataclass(frozen=True)
class Selector:
    """Records of one type, optionally only those meeting a condition."""

    type: str
    when: Test | None = None

    def takes(self, rec: _Rec) -> bool:
        return rec.type == self.type and (self.when is None or self.when(rec.facts))


@dataclass(frozen=True)
class SignalRule:
    """One rule of ``signals.json`` (see the module docstring for the detectors)."""

    id: str
    kind: str
    severity: str
    detector: str
    records: tuple[Selector, ...]
    thresholds: Mapping[str, Any]
    active_days: int
    text_ko: str
    text_en: str
    source: str
    rationale: str
    match: Test | None = None
    household: Test | None = None
    attempts: tuple[Selector, ...] = ()
    cleared_by: frozenset[str] = frozenset()
    show: str | None = None
    metric: str | None = None
    list_field: str | None = None
    signs: tuple[str, ...] = ()
    #: The programme whose worker acts on it (its Today shows it); the rule reads only records
    #: of that programme or of none: what that worker's laptop holds (records go to the
    #: worker of their programme), so laptop, server and board read the same. None: all.
    programme: str | None = None
    #: ``no_contact`` only: the household field naming the day the count starts from at the
    #: earliest (``alert_start``); a household without that day counts from the last contact.
    counts_from: str | None = None


@dataclass(frozen=True)
class SignalRules:
    """The loaded rule set: version, kind and severity labels, rules in file order."""

    version: str
    kinds: Mapping[str, Mapping[str, str]]
    severities: Mapping[str, Mapping[str, Any]]
    rules: tuple[SignalRule, ...]
    labels: Mapping[str, Mapping[Any, tuple[str, str]]] = field(default_factory=dict)

    def rule(self, rule_id: str) -> SignalRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"unknown signal rule {rule_id!r}")

    def severity_rank(self, severity: str) -> int:
        return int(self.severities[severity]["rank"])


#: Placeholders each detector fills in (a template using another one is a broken rule).
_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "run": ("count", "first_date", "last_date", "values_ko", "values_en"),
    "count_within": ("count", "first_date", "last_date", "values_ko", "values_en"),
    "same_sign_run": ("count", "first_date", "last_date", "sign_ko", "sign_en"),
    "score_change": (
        "before",
        "after",
        "before_date",
        "after_date",
        "band_ko",
        "band_en",
        "band_ko_ro",
        "before_band_ko",
        "before_band_en",
    ),
    "decline": ("baseline", "latest", "percent", "baseline_date", "latest_date"),
    "crossing": ("before", "after", "before_date", "after_date"),
    "no_contact": ("days", "last_date", "attempts"),
}
#: Thresholds each detector needs (name -> minimum; all numbers).
_THRESHOLDS: dict[str, dict[str, float]] = {
    "run": {"count": 1},
    "count_within": {"count": 1, "window_days": 1},
    "same_sign_run": {"count": 1},
    "score_change": {},
    "decline": {"percent": 0.1, "window_days": 1, "min_gap_days": 0},
    "crossing": {"below": 0},
    "no_contact": {"max_days": 0},
}
_OPTIONAL_THRESHOLDS = {"score_change": ("rise", "cross_at", "band_rise")}
_RULE_KEYS = {
    "id",
    "kind",
    "severity",
    "detector",
    "records",
    "match",
    "household",
    "attempts",
    "cleared_by",
    "show",
    "metric",
    "field",
    "signs",
    "programme",
    "thresholds",
    "counts_from",
    "active_days",
    "text_ko",
    "text_en",
    "source",
    "rationale",
}


def _condition(value: Any, path: Path, where: str) -> Test:
    faults = check_condition(value, where)
    if faults:
        raise AssetError(f"{path.name}: {faults[0]}")
    return compile_condition(value)


def _selectors(value: Any, path: Path, where: str) -> tuple[Selector, ...]:
    if not isinstance(value, list) or not value:
        raise AssetError(f"{path.name}: {where} must be a non-empty list of {{type, when}}")
    out = []
    for i, sel in enumerate(value):
        if not isinstance(sel, dict) or not isinstance(sel.get("type"), str) or not sel["type"]:
            raise AssetError(f"{path.name}: {where}[{i}] needs a record 'type'")
        extra = set(sel) - {"type", "when"}
        if extra:
            raise AssetError(f"{path.name}: {where}[{i}]: unexpected keys {sorted(extra)}")
        when = _condition(sel["when"], path, f"{where}[{i}].when") if "when" in sel else None
        out.append(Selector(sel["type"], when))
    return tuple(out)


def _text(raw: Mapping[str, Any], key: str, path: Path, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AssetError(f"{path.name}: {where}: '{key}' must be a non-empty text")
    return value


def _parse_rule(
    raw: Any,
    path: Path,
    index: int,
    kinds: Mapping[str, Any],
    severities: Mapping[str, Any],
) -> SignalRule:
    if not isinstance(raw, dict):
        raise AssetError(f"{path.name}: rules[{index}] must be an object")
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid.replace("_", "").isalnum():
        raise AssetError(f"{path.name}: rules[{index}]: 'id' must be letters, digits and _")
    where = f"rule {rid!r}"
    extra = set(raw) - _RULE_KEYS
    if extra:
        raise AssetError(f"{path.name}: {where}: unknown keys {sorted(extra)}")
    if raw.get("kind") not in kinds:
        raise AssetError(
            f"{path.name}: {where}: kind {raw.get('kind')!r} is not one of {sorted(kinds)}"
        )
    if raw.get("severity") not in severities:
        raise AssetError(
            f"{path.name}: {where}: severity {raw.get('severity')!r} is not one of "
            f"{sorted(severities)}"
        )
    detector = raw.get("detector")
    if detector not in _PLACEHOLDERS:
        raise AssetError(
            f"{path.name}: {where}: detector {detector!r} is not one of {sorted(_PLACEHOLDERS)}"
        )
    thresholds = raw.get("thresholds")
    if not isinstance(thresholds, dict):
        raise AssetError(f"{path.name}: {where}: 'thresholds' must be an object")
    allowed = set(_THRESHOLDS[detector]) | set(_OPTIONAL_THRESHOLDS.get(detector, ()))
    for name in sorted(set(thresholds) - allowed):
        raise AssetError(f"{path.name}: {where}: unknown threshold {name!r}")
    for name in _THRESHOLDS[detector]:
        if name not in thresholds:
            raise AssetError(f"{path.name}: {where}: threshold {name!r} is missing")
    for name, value in thresholds.items():
        minimum = _THRESHOLDS[detector].get(name, 0)
        if not is_number(value) or value < minimum:
            raise AssetError(
                f"{path.name}: {where}: threshold {name!r} must be a number >= {minimum}, "
                f"got {value!r}"
            )
    if detector == "score_change" and not thresholds:
        raise AssetError(f"{path.name}: {where}: score_change needs rise, cross_at or band_rise")
    active = raw.get("active_days")
    if not isinstance(active, int) or isinstance(active, bool) or active < 1:
        raise AssetError(f"{path.name}: {where}: 'active_days' must be a whole number >= 1")
    if detector in ("run", "count_within") and "match" not in raw:
        raise AssetError(f"{path.name}: {where}: detector {detector} needs 'match'")
    if detector in ("decline", "crossing") and not isinstance(raw.get("metric"), str):
        raise AssetError(f"{path.name}: {where}: detector {detector} needs 'metric'")
    if detector == "same_sign_run" and (
        not isinstance(raw.get("field"), str) or not isinstance(raw.get("signs"), list)
    ):
        raise AssetError(f"{path.name}: {where}: same_sign_run needs 'field' and 'signs'")
    if detector == "no_contact" and "attempts" not in raw:
        raise AssetError(f"{path.name}: {where}: no_contact needs 'attempts'")
    counts_from = raw.get("counts_from")
    if counts_from is not None and (
        detector != "no_contact" or not isinstance(counts_from, str) or not counts_from
    ):
        raise AssetError(
            f"{path.name}: {where}: 'counts_from' names a household day field, and only for "
            "the no_contact detector"
        )
    texts = {}
    for key in ("text_ko", "text_en"):
        texts[key] = _text(raw, key, path, where)
        try:
            texts[key].format_map({name: "x" for name in _PLACEHOLDERS[detector]})
        except (KeyError, ValueError, IndexError) as exc:
            raise AssetError(
                f"{path.name}: {where}: {key} uses {exc} which the {detector} detector does not "
                f"fill (use {', '.join(_PLACEHOLDERS[detector])})"
            ) from None
    programme = raw.get("programme")
    if programme is not None and programme not in {p.value for p in Programme}:
        raise AssetError(
            f"{path.name}: {where}: programme {programme!r} is not one of "
            f"{', '.join(p.value for p in Programme)} (or leave it out: every programme)"
        )
    cleared = raw.get("cleared_by", [])
    if not isinstance(cleared, list) or not all(isinstance(t, str) for t in cleared):
        raise AssetError(f"{path.name}: {where}: 'cleared_by' must list record types")
    return SignalRule(
        id=rid,
        kind=raw["kind"],
        severity=raw["severity"],
        detector=detector,
        records=_selectors(raw.get("records"), path, f"{where}: records"),
        thresholds=dict(thresholds),
        active_days=active,
        text_ko=texts["text_ko"],
        text_en=texts["text_en"],
        source=_text(raw, "source", path, where),
        rationale=_text(raw, "rationale", path, where),
        match=_condition(raw["match"], path, f"{where}: match") if "match" in raw else None,
        household=(
            _condition(raw["household"], path, f"{where}: household")
            if "household" in raw
            else None
        ),
        attempts=(
            _selectors(raw["attempts"], path, f"{where}: attempts") if "attempts" in raw else ()
        ),
        cleared_by=frozenset(cleared),
        show=raw.get("show"),
        metric=raw.get("metric"),
        list_field=raw.get("field"),
        signs=tuple(raw.get("signs", ())),
        programme=programme,
        counts_from=counts_from,
    )


def _labelled(raw: Any, path: Path, section: str) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or not raw:
        raise AssetError(f"{path.name}: '{section}' must be a non-empty object")
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not entry.get("label_ko") or not entry.get("label_en"):
            raise AssetError(f"{path.name}: {section} {key!r} needs label_ko and label_en")
    return raw


def _form_labels() -> dict[str, dict[Any, tuple[str, str]]]:
    """field id -> value -> (label_ko, label_en), from the shipped forms' options."""
    out: dict[str, dict[Any, tuple[str, str]]] = {}
    for form in _LABEL_FORMS:
        data = read_json(asset_path("forms", f"{form}.json"))
        for fld in data.get("fields", []):
            for opt in fld.get("options", []):
                out.setdefault(fld["id"], {})[opt["value"]] = (opt["label_ko"], opt["label_en"])
    return out


def load_signal_rules_file(path: Path) -> SignalRules:
    """Load and check one signals file; AssetError names the file and the faulty entry."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise AssetError(f"{path.name}: a signals file must be a JSON object")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise AssetError(f"{path.name}: 'version' must name the rule set's version")
    kinds = _labelled(data.get("kinds"), path, "kinds")
    severities = _labelled(data.get("severities"), path, "severities")
    for key, entry in severities.items():
        if not isinstance(entry.get("rank"), int):
            raise AssetError(f"{path.name}: severity {key!r} needs a whole-number 'rank'")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise AssetError(f"{path.name}: 'rules' must be a non-empty list")
    rules = [_parse_rule(r, path, i, kinds, severities) for i, r in enumerate(raw_rules)]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise AssetError(f"{path.name}: rule id {r.id!r} appears twice")
        seen.add(r.id)
    return SignalRules(version, kinds, severities, tuple(rules), _form_labels())


@cache
def load_signal_rules() -> SignalRules:
    """The shipped rules (``assets/signals/signals.json``), checked once (cached)."""
    return load_signal_rules_file(asset_path("signals", "signals.json"))


# --------------------------------------------------------------------------- signals


@dataclass(frozen=True)
class Evidence:
    """One record behind a signal: its id, type, day (KST) and the values that count."""

    record_id: str
    type: str
    day: str
    values: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "type": self.type,
            "day": self.day,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class Acknowledgement:
    """The ``signal_ack`` record that acknowledged a signal."""

    record_id: str
    by: str | None
    at: str
    note: str
    follow_up: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "by": self.by,
            "at": self.at,
            "note": self.note,
            "follow_up": self.follow_up,
        }


@dataclass(frozen=True)
class Signal:
    """A signal on one household: why (the evidence, in a sentence) and since when.

    ``since`` is the day (KST) of the first evidence record (for a rule counting from a
    household day, e.g. the alert's first day, that day when the first evidence, the last
    contact, is older), ``raised_on`` the day the rule's condition first held.
    ``acknowledged`` is set while an acknowledgement covers every piece of evidence; such a
    signal is not :attr:`active`.
    """

    id: str
    household_id: str
    rule: str
    kind: str
    severity: str
    since: str
    raised_on: str
    evidence: tuple[Evidence, ...]
    text_ko: str
    text_en: str
    source: str
    rules_version: str
    acknowledged: Acknowledgement | None = None
    programme: str | None = None

    @property
    def active(self) -> bool:
        return self.acknowledged is None

    @property
    def evidence_ids(self) -> list[str]:
        return [e.record_id for e in self.evidence]

    def to_dict(self) -> dict[str, Any]:
        """The JSON row of the headless commands (and anything else that shows signals)."""
        return {
            "id": self.id,
            "household_id": self.household_id,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "since": self.since,
            "raised_on": self.raised_on,
            "evidence_record_ids": self.evidence_ids,
            "evidence": [e.to_dict() for e in self.evidence],
            "text_ko": self.text_ko,
            "text_en": self.text_en,
            "source": self.source,
            "rules_version": self.rules_version,
            "programme": self.programme,
            "acknowledged": self.acknowledged.to_dict() if self.acknowledged else None,
        }


def signal_id(rule_id: str, household_id: str, first_record_id: str) -> str:
    """The stable id of a signal: rule, household and its first evidence record."""
    digest = hashlib.sha256(f"{rule_id}|{household_id}|{first_record_id}".encode()).hexdigest()
    return f"{rule_id}:{digest[:16]}"


def hit_signal_id(rule_id: str, household_id: str, hit: _Hit) -> str:
    """The id of the signal *hit* makes: :func:`signal_id` of its first evidence record, and
    of its ``since`` when that is later than the record (a second alert with the same last
    contact is a new signal, not one the first alert's acknowledgement covers)."""
    key = hit.evidence[0].id
    if hit.since is not None:
        key = f"{key}@{hit.since.isoformat()}"
    return signal_id(rule_id, household_id, key)


# --------------------------------------------------------------------------- records


class _Rec:
    """A record prepared once per evaluation: type, instant, KST day; its condition facts
    are built the first time a rule asks."""

    __slots__ = ("_day", "_facts", "at", "created_by", "id", "payload", "programme", "type")

    def __init__(self, r: Mapping[str, Any], at: datetime) -> None:
        payload = r.get("payload")
        self.id: str = r["id"]
        self.type: str = r["type"]
        self.at = at
        self.payload: Mapping[str, Any] = payload if payload.__class__ is dict else {}
        self.created_by: str | None = r.get("created_by")
        self.programme: str | None = r.get("programme")
        self._facts: dict[str, Any] | None = None
        self._day: date | None = None

    @property
    def day(self) -> date:
        """The record's programme day (Asia/Seoul)."""
        if self._day is None:
            self._day = self.at.astimezone(KST).date()
        return self._day

    @property
    def facts(self) -> Mapping[str, Any]:
        """What conditions read: ``field`` (payload), ``metric`` (computed vitals),
        ``total`` and ``band`` (computed score)."""
        if self._facts is None:
            payload = self.payload
            result = payload.get("result")
            if not isinstance(result, dict):
                result = {}
            self._facts = {
                "field": payload,
                "metric": result.get("metrics") or {},
                "total": result.get("total", payload.get("total")),
                "band": result.get("band"),
            }
        return self._facts


#: Record types no rule reads (skipped when preparing).
_UNREAD = frozenset({"note", "access_log", "void"})


def _instant(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if value.__class__ is str else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def prepare_records(records: Iterable[Mapping[str, Any]]) -> list[_Rec]:
    """Effective records as evaluation reads them, oldest first (ties by id); notes and
    other records no rule reads are left out."""
    out = [
        _Rec(r, _instant(r.get("original_device_time") or r["device_time"]))
        for r in records
        if r["type"] not in _UNREAD
    ]
    out.sort(key=_order)
    return out


#: Time order of prepared records (ties by id), computed in C.
_order = attrgetter("at", "id")


class History:
    """A household's records prepared once (:func:`prepare_records`), for evaluating on one
    day or replaying many: records by type, merged pools cached, days for slicing by date."""

    def __init__(self, records: Iterable[Mapping[str, Any]]) -> None:
        self.records = prepare_records(records)
        self._by_type: dict[str, list[_Rec]] = {}
        for rec in self.records:
            self._by_type.setdefault(rec.type, []).append(rec)
        self._pools: dict[tuple[frozenset[str], str | None], list[_Rec]] = {}

    def pool(self, types: frozenset[str], programme: str | None = None) -> list[_Rec]:
        """The records of *types*, oldest first; with *programme*, only those of that
        programme or of none (what that programme's worker's laptop holds)."""
        key = (types, programme)
        got = self._pools.get(key)
        if got is None:
            if len(types) == 1:
                got = self._by_type.get(next(iter(types)), [])
            else:
                got = sorted((r for t in types for r in self._by_type.get(t, ())), key=_order)
            if programme is not None:
                got = [r for r in got if r.programme in (None, programme)]
            self._pools[key] = got
        return got

    @staticmethod
    def _upto(recs: list[_Rec], on: date) -> int:
        """How many of *recs* were made by the end of *on*."""
        if not recs or recs[-1].day <= on:
            return len(recs)
        return bisect_right(recs, on, key=_day_of)

    def newest_first(
        self, selectors: Sequence[Selector], on: date, programme: str | None = None
    ) -> Iterator[_Rec]:
        """The records *selectors* take (of *programme*, see :meth:`pool`), made by the end of
        *on*, newest first."""
        recs = self.pool(frozenset(s.type for s in selectors), programme)
        for i in range(self._upto(recs, on) - 1, -1, -1):
            rec = recs[i]
            for sel in selectors:
                if sel.takes(rec):
                    yield rec
                    break

    def of_type(self, etype: str, on: date, programme: str | None = None) -> list[_Rec]:
        recs = self.pool(frozenset((etype,)), programme)
        return recs[: self._upto(recs, on)]


def _day_of(rec: _Rec) -> date:
    return rec.day


# --------------------------------------------------------------------------- detectors


@dataclass
class _Hit:
    """What a detector found: the evidence (oldest first), the day it first held, and the
    values its sentences use."""

    evidence: list[_Rec]
    raised_on: date
    values: dict[str, Any]
    #: The signal's since when it is not the first evidence record's day (a count starting
    #: from the alert's first day, after the last contact).
    since: date | None = None


def _shown(rule: SignalRule, rec: _Rec) -> Any:
    if rule.show is None:
        return None
    if rule.show == "metric.bp":
        m = rec.facts["metric"]
        sys_, dia = m.get("systolic_mean"), m.get("diastolic_mean")
        return f"{sys_:.0f}/{dia:.0f}" if is_number(sys_) and is_number(dia) else None
    group, _, name = rule.show.partition(".")
    value = (rec.facts.get(group) or {}).get(name)
    if isinstance(value, list):
        return [v for v in value if v in rule.signs] or value
    return value


def _label(rules: SignalRules, name: str, value: Any, lang: int) -> str:
    if isinstance(value, list):
        return "·".join(_label(rules, name, v, lang) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    label = rules.labels.get(name, {}).get(value)
    return label[lang] if label else str(value)


def _values_text(rules: SignalRules, rule: SignalRule, recs: Sequence[_Rec], lang: int) -> str:
    name = (rule.show or "").partition(".")[2]
    return ", ".join(_label(rules, name, _shown(rule, r), lang) for r in recs)


Newest = Iterator[_Rec]


def _run(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    assert rule.match is not None
    run: list[_Rec] = []
    for rec in newest:
        if not rule.match(rec.facts):
            break
        run.append(rec)
    count = int(rule.thresholds["count"])
    if len(run) < count:
        return None
    run.reverse()
    return _Hit(run, run[count - 1].day, {"count": len(run)})


def _count_within(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    assert rule.match is not None
    window = int(rule.thresholds["window_days"])
    inside: list[_Rec] = []
    start: date | None = None
    stale = on - timedelta(days=rule.active_days)
    for rec in newest:
        if start is not None and rec.day < start:
            break
        if start is None and rec.day < stale:
            break  # nothing recent enough to be active
        if rule.match(rec.facts):
            if start is None:
                start = rec.day - timedelta(days=window - 1)
            inside.append(rec)
    count = int(rule.thresholds["count"])
    if len(inside) < count:
        return None
    inside.reverse()
    raised = inside[-1].day  # the first record completing `count` within the window
    for i in range(count - 1, len(inside)):
        if (inside[i].day - inside[i - count + 1].day).days < window:
            raised = inside[i].day
            break
    return _Hit(inside, raised, {"count": len(inside)})


def _same_sign_run(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    name = rule.list_field or ""
    run: list[_Rec] = []
    alive: set[str] | None = None  # the signs every record so far shows
    best: tuple[int, str] | None = None
    for rec in newest:
        signs = set(rec.facts["field"].get(name) or ()) & set(rule.signs)
        alive = signs if alive is None else alive & signs
        if not alive:
            break
        run.append(rec)
        best = (len(run), min(alive, key=rule.signs.index))
    count = int(rule.thresholds["count"])
    if best is None or best[0] < count:
        return None
    run.reverse()
    return _Hit(run, run[count - 1].day, {"count": best[0], "sign": best[1]})


def _band_rank(iid: str, band: Any) -> int | None:
    try:
        ids = [b.id for b in get_instrument(iid).bands]
    except KeyError:
        return None
    return ids.index(band) if band in ids else None


def _ro(word: str) -> str:
    """*word* with 로/으로 (으로 after a final consonant other than ㄹ)."""
    if not word:
        return word
    code = ord(word[-1]) - 0xAC00
    final = code % 28 if 0 <= code < 11172 else 0
    return f"{word}{'으로' if final not in (0, 8) else '로'}"


def _latest_two(newest: Newest, value: Callable[[_Rec], Any]) -> list[tuple[_Rec, Any]]:
    out: list[tuple[_Rec, Any]] = []
    for rec in newest:
        v = value(rec)
        if v is not None:
            out.append((rec, v))
            if len(out) == 2:
                break
    out.reverse()
    return out


def _score_change(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    pair = _latest_two(newest, lambda r: r.facts["total"] if is_number(r.facts["total"]) else None)
    if len(pair) < 2:
        return None
    (before, b), (after, a) = pair
    t = rule.thresholds
    fired = ("rise" in t and a - b >= t["rise"]) or ("cross_at" in t and b < t["cross_at"] <= a)
    iid = str(after.payload.get("instrument_id", ""))
    if "band_rise" in t:
        rb, ra = _band_rank(iid, before.facts["band"]), _band_rank(iid, after.facts["band"])
        fired = fired or (rb is not None and ra is not None and ra - rb >= t["band_rise"])
    if not fired:
        return None
    res_a = after.payload.get("result") or {}
    res_b = before.payload.get("result") or {}
    band_ko = str(res_a.get("band_label_ko") or after.facts["band"] or "")
    values = {
        "before": b,
        "after": a,
        "band_ko": band_ko,
        "band_en": str(res_a.get("band_label_en") or after.facts["band"] or ""),
        "band_ko_ro": _ro(band_ko),
        "before_band_ko": str(res_b.get("band_label_ko") or before.facts["band"] or ""),
        "before_band_en": str(res_b.get("band_label_en") or before.facts["band"] or ""),
    }
    return _Hit([before, after], after.day, values)


def _metric(rec: _Rec, name: str) -> float | None:
    value = rec.facts["metric"].get(name)
    if not is_number(value):
        value = rec.facts["field"].get(name)
    return float(value) if is_number(value) else None


def _decline(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    name = rule.metric or ""
    t = rule.thresholds
    latest: tuple[_Rec, float] | None = None
    base: list[tuple[_Rec, float]] = []
    lo = hi = on
    for rec in newest:
        v = _metric(rec, name)
        if v is None:
            continue
        if latest is None:
            latest = (rec, v)
            lo = rec.day - timedelta(days=int(t["window_days"]))
            hi = rec.day - timedelta(days=int(t["min_gap_days"]))
            continue
        if rec.day < lo:
            break
        if rec.day <= hi:
            base.append((rec, v))
    if latest is None or not base:
        return None
    base.reverse()
    baseline = statistics.median(v for _, v in base)
    last, value = latest
    if baseline <= 0:
        return None
    percent = (baseline - value) / baseline * 100
    if percent < t["percent"]:
        return None
    values = {
        "baseline": f"{baseline:g}",
        "latest": f"{value:g}",
        "percent": f"{percent:.1f}",
        "baseline_date": base[0][0].day.isoformat(),
        "latest_date": last.day.isoformat(),
    }
    return _Hit([r for r, _ in base] + [last], last.day, values)


def _crossing(rule: SignalRule, newest: Newest, h: History, on: date) -> _Hit | None:
    pair = _latest_two(newest, lambda r: _metric(r, rule.metric or ""))
    if len(pair) < 2:
        return None
    (before, b), (after, a) = pair
    if not (a < rule.thresholds["below"] <= b):
        return None
    return _Hit([before, after], after.day, {"before": f"{b:g}", "after": f"{a:g}"})


def _no_contact(
    rule: SignalRule, newest: Newest, h: History, on: date, floor: date | None = None
) -> _Hit | None:
    """More than ``max_days`` since the last successful contact; with *floor* (the first day
    of the alert), counted from the day before *floor* when the last contact is older: the
    alert makes the household due on its first day, as a contact the day before would, so
    the signal holds from the alert's second day at the earliest, dated from its first."""
    last = next(newest, None)
    if last is None:
        return None
    days = (on - last.day).days
    max_days = int(rule.thresholds["max_days"])
    since = None
    counted_from = last.day
    if floor is not None and last.day < floor:
        since = floor
        counted_from = max(last.day, floor - timedelta(days=1))
    if (on - counted_from).days <= max_days:
        return None
    tried: list[_Rec] = []
    for rec in h.newest_first(rule.attempts, on, rule.programme):
        if rec.at <= last.at:
            break
        tried.append(rec)
    tried.reverse()
    values = {"days": days, "last_date": last.day.isoformat(), "attempts": len(tried)}
    raised = counted_from + timedelta(days=max_days + 1)
    return _Hit([last, *tried], raised, values, since)


def _household_day(value: Any) -> date | None:
    """A day on the household row (ISO text or a date); None when absent or not a day."""
    if isinstance(value, datetime):
        return value.astimezone(KST).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _is_iso_day(value[:10]):
        return date.fromisoformat(value[:10])
    return None


_DETECTORS: dict[str, Callable[[SignalRule, Newest, History, date], _Hit | None]] = {
    "run": _run,
    "count_within": _count_within,
    "same_sign_run": _same_sign_run,
    "score_change": _score_change,
    "decline": _decline,
    "crossing": _crossing,
    "no_contact": _no_contact,
}


# --------------------------------------------------------------------------- evaluation


def _evidence(rule: SignalRule, rec: _Rec) -> Evidence:
    f, m = rec.facts["field"], rec.facts["metric"]
    values: dict[str, Any]
    if rule.detector == "score_change":
        values = {"total": rec.facts["total"], "band": rec.facts["band"]}
        if f.get("instrument_id"):
            values["instrument_id"] = f["instrument_id"]
    elif rule.detector in ("decline", "crossing"):
        values = {rule.metric or "": _metric(rec, rule.metric or "")}
    elif rule.detector == "same_sign_run":
        values = {rule.list_field or "": list(f.get(rule.list_field or "") or [])}
    elif rule.detector == "no_contact":
        values = {k: f[k] for k in ("method", "reached") if k in f}
    elif rule.show == "metric.bp":
        values = {k: m.get(k) for k in ("systolic_mean", "diastolic_mean")}
    else:
        name = (rule.show or "value").partition(".")[2] or "value"
        values = {name: _shown(rule, rec)}
    return Evidence(rec.id, rec.type, rec.day.isoformat(), values)


def _sentence_values(rules: SignalRules, rule: SignalRule, hit: _Hit, lang: int) -> dict[str, Any]:
    values = dict(hit.values)
    ev = hit.evidence
    values.setdefault("first_date", ev[0].day.isoformat())
    values.setdefault("last_date", ev[-1].day.isoformat())
    values.setdefault("before_date", ev[0].day.isoformat())
    values.setdefault("after_date", ev[-1].day.isoformat())
    if rule.detector in ("run", "count_within"):
        values["values_ko"] = _values_text(rules, rule, ev, 0)
        values["values_en"] = _values_text(rules, rule, ev, 1)
    if rule.detector == "same_sign_run":
        sign = values.get("sign")
        values["sign_ko"] = _label(rules, rule.list_field or "", sign, 0)
        values["sign_en"] = _label(rules, rule.list_field or "", sign, 1)
    return values


def _acks(recs: Iterable[_Rec]) -> dict[str, list[_Rec]]:
    out: dict[str, list[_Rec]] = {}
    for rec in recs:
        sid = rec.payload.get("signal_id")
        if isinstance(sid, str):
            out.setdefault(sid, []).append(rec)
    return out


def hits(
    household: Mapping[str, Any], history: History, on: date, rules: SignalRules
) -> Iterator[tuple[SignalRule, _Hit]]:
    """Each rule that holds for the household on *on*, with what it found (no sentences,
    no acknowledgements: the cheap part of :func:`signals_of`, for replays)."""
    assigned = household.get("assignments") or {}
    hh_facts = {
        "field": household,
        "context": {"programmes": [p for p, who in assigned.items() if who]},
    }
    for rule in rules.rules:
        if rule.household is not None and not rule.household(hh_facts):
            continue
        newest = history.newest_first(rule.records, on, rule.programme)
        if rule.counts_from is not None:
            floor = _household_day(household.get(rule.counts_from))
            hit = _no_contact(rule, newest, history, on, floor)
        else:
            hit = _DETECTORS[rule.detector](rule, newest, history, on)
        if hit is None or not hit.evidence:
            continue
        if rule.detector != "no_contact" and (on - hit.evidence[-1].day).days > rule.active_days:
            continue
        first = hit.since or hit.evidence[0].day
        if any(
            r.day >= first for t in rule.cleared_by for r in history.of_type(t, on, rule.programme)
        ):
            continue
        yield rule, hit


def signals_of(
    household: Mapping[str, Any],
    history: History,
    on: date,
    rules: SignalRules | None = None,
) -> list[Signal]:
    """:func:`evaluate` over a prepared :class:`History`."""
    rules = rules or load_signal_rules()
    hid = str(household.get("id"))
    found = list(hits(household, history, on, rules))
    if not found:
        return []
    acks = _acks(history.of_type(SIGNAL_ACK, on))
    out = [_signal(rules, rule, hid, hit, acks) for rule, hit in found]
    out.sort(key=lambda s: (rules.severity_rank(s.severity), s.raised_on, s.rule))
    return out


def _signal(
    rules: SignalRules, rule: SignalRule, hid: str, hit: _Hit, acks: Mapping[str, list[_Rec]]
) -> Signal:
    first = hit.evidence[0]
    sid = hit_signal_id(rule.id, hid, hit)
    newest = max(r.at for r in hit.evidence)
    ack = None
    for a in sorted(acks.get(sid, ()), key=lambda r: r.at, reverse=True):
        if a.at >= newest:
            p = a.payload
            ack = Acknowledgement(
                a.id,
                a.created_by,
                a.at.astimezone(KST).isoformat(),
                str(p.get("note") or ""),
                p.get("follow_up"),
            )
            break
    return Signal(
        id=sid,
        household_id=hid,
        rule=rule.id,
        kind=rule.kind,
        severity=rule.severity,
        since=(hit.since or first.day).isoformat(),
        raised_on=hit.raised_on.isoformat(),
        evidence=tuple(_evidence(rule, r) for r in hit.evidence),
        text_ko=rule.text_ko.format_map(_sentence_values(rules, rule, hit, 0)),
        text_en=rule.text_en.format_map(_sentence_values(rules, rule, hit, 1)),
        source=rule.source,
        rules_version=rules.version,
        acknowledged=ack,
        programme=rule.programme,
    )


def evaluate(
    household: Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    on: date,
    rules: SignalRules | None = None,
) -> list[Signal]:
    """Every signal of *household* on day *on* (KST), most severe first, acknowledged ones
    included (see :attr:`Signal.active`). *records* are its effective records in any order;
    those made after *on* are ignored."""
    return signals_of(household, History(records), on, rules)


def active_signals(
    household: Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    on: date,
    rules: SignalRules | None = None,
) -> list[Signal]:
    """The signals of :func:`evaluate` that no acknowledgement covers."""
    return [s for s in evaluate(household, records, on, rules) if s.active]


def ack_payload(signal: Signal, note: str, follow_up: date | None) -> dict[str, Any]:
    """The payload of a ``signal_ack`` record acknowledging *signal*."""
    return {
        "signal_id": signal.id,
        "rule": signal.rule,
        "note": note,
        "follow_up": follow_up.isoformat() if follow_up else None,
        "rules_version": signal.rules_version,
    }


def ack_problems(payload: Mapping[str, Any]) -> list[FieldProblem]:
    """What is wrong with a ``signal_ack`` payload (empty when it is right)."""
    problems = [
        FieldProblem(f"payload.{k}", f"unknown signal_ack field {k!r}", "알 수 없는 항목")
        for k in sorted(set(payload) - {"signal_id", "rule", "note", "follow_up", "rules_version"})
    ]
    if not isinstance(payload.get("rules_version", ""), str):
        problems.append(FieldProblem("payload.rules_version", "must be text", "형식 오류"))
    for key, limit in (("signal_id", 200), ("rule", 64)):
        value = payload.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            problems.append(
                FieldProblem(
                    f"payload.{key}",
                    f"{key} must name the signal (text of 1-{limit} characters)",
                    "확인한 신호가 지정되지 않았습니다.",
                )
            )
    note = payload.get("note", "")
    if not isinstance(note, str) or len(note) > 5000:
        problems.append(
            FieldProblem("payload.note", "note must be text up to 5000 characters", "메모 오류")
        )
    follow_up = payload.get("follow_up")
    if follow_up is not None and not _is_iso_day(follow_up):
        problems.append(
            FieldProblem(
                "payload.follow_up",
                f"follow_up must be a date YYYY-MM-DD or null, got {follow_up!r}",
                "후속 조치일은 YYYY-MM-DD 형식의 날짜입니다.",
            )
        )
    return problems


def _is_iso_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- many households


def district_signals(
    households: Iterable[Mapping[str, Any]],
    records_by_household: Mapping[str, Iterable[Mapping[str, Any]]],
    on: date,
    rules: SignalRules | None = None,
) -> list[Signal]:
    """The signals of many households (a worker's or a district's), most severe first, then
    the longest standing. The laptop and the server both call this, so their lists agree."""
    rules = rules or load_signal_rules()
    out: list[Signal] = []
    for hh in households:
        out += evaluate(hh, records_by_household.get(str(hh["id"]), ()), on, rules)
    out.sort(key=lambda s: (rules.severity_rank(s.severity), s.raised_on, s.household_id, s.rule))
    return out


def signal_line(row: Mapping[str, Any]) -> str:
    """One line of the commands' text output, from a :meth:`Signal.to_dict` row."""
    state = "  (확인됨)" if row.get("acknowledged") else ""
    return (
        f"{row['severity']:<6} {row['kind']:<10} {row['household_id']}  {row['since']}  "
        f"{row['text_ko']}{state}"
    )


# --------------------------------------------------------------------------- open items


def effective_only(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The records that count among *events*: the laptop's annotated rows (``effective``) as
    they are, raw rows (the server's) resolved by :func:`fieldapp.amendments.resolve_amendments`;
    rejected ones left out either way."""
    from fieldapp.amendments import resolve_amendments

    rows = [e for e in events if e.get("sync_state") != "rejected"]
    if rows and not all("effective" in e for e in rows):
        rows = resolve_amendments(rows)
    return [e for e in rows if e["effective"]]


def signal_items(
    household: Mapping[str, Any], events: Sequence[Mapping[str, Any]], today: date
) -> list[Any]:
    """The household's signals as open items of the one household-state rule
    (:mod:`fieldapp.household_state`, kind ``signal``): every screen and the board show them
    alike. An active signal is due today (it asks for a look now); an acknowledged one whose
    acknowledgement set a follow-up day is due on that day, until it is acknowledged again.
    Acting on either is acknowledging (``form_id`` ``signal_ack``, the signal's id and rule
    as defaults)."""
    from fieldapp.household_state import SIGNAL, OpenItem

    rules = load_signal_rules()
    out = []
    for s in signals_of(household, History(effective_only(events)), today, rules):
        ack = s.acknowledged
        follow = None
        if ack is not None and ack.follow_up and _is_iso_day(ack.follow_up):
            follow = date.fromisoformat(ack.follow_up)
        if not s.active and follow is None:
            continue
        kind = rules.kinds[s.kind]
        head_ko, head_en = f"신호 · {kind['label_ko']}", f"Signal · {kind['label_en']}"
        if not s.active:
            by = f"{ack.by} " if ack and ack.by else ""
            head_ko += f" 후속 확인 ({by}{ack.at[:10] if ack else ''} 확인)"
            head_en += f" follow-up (acknowledged {by}{ack.at[:10] if ack else ''})"
        out.append(
            OpenItem(
                kind=SIGNAL,
                household_id=s.household_id,
                programme=s.programme,
                record_id=s.evidence[-1].record_id,
                text_ko=f"{head_ko}: {s.text_ko}",
                text_en=f"{head_en}: {s.text_en}",
                since=date.fromisoformat(s.since),
                due=today if s.active else (follow or today),
                form_id=SIGNAL_ACK,
                form_defaults={"signal_id": s.id, "rule": s.rule},
                severity=s.severity,
                evidence=tuple(s.evidence_ids),
            )
        )
    return out
