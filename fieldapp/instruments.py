"""Screening instruments as data: load ``assets/instruments/*.json`` once and validate them.

Every instrument file carries its wording version, licence status, items (or ``null`` for
score-entry tools), total range, bands, rules and sources. A broken file raises
:class:`~fieldapp.errors.AssetError` naming the file and the fault, at start, not mid-visit.

Rules use a small declarative condition language (no ``eval``)::

    {"item": "q9", "op": ">=", "value": 1}       an item's answer value (count items: the count)
    {"total": ">=", "value": 10}                   the total score
    {"band": "==", "value": "high"}                the band id
    {"context": "age", "op": ">=", "value": 60}   a context value (age, education_years, ...)
    {"field": "reached", "op": "in", "value": [...]}   a form field (welfare-check form)
    {"metric": "systolic_mean", "op": ">=", "value": 180}   a vitals metric
    {"all": [...]}, {"any": [...]}, {"not": {...}}

Operators: ``== != >= > <= < in not_in contains intersects`` (``contains``: a list value holds
the given item; ``intersects``: it holds any of the given items). A missing value makes a leaf
false. Rules are compiled to closures once, at load (:func:`compile_condition`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.errors import AssetError
from fieldapp.resources import asset_path

URGENCIES = ("immediate", "urgent", "routine")
URGENCY_RANK = {"immediate": 0, "urgent": 1, "routine": 2}
OPS = ("==", "!=", ">=", ">", "<=", "<", "in", "not_in", "contains", "intersects")
_ORDER_OPS = (">=", ">", "<=", "<")
NAMED_SUBJECTS = ("item", "context", "field", "metric")
SCALAR_SUBJECTS = ("total", "band")


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Option:
    """One answer choice of an item."""

    value: Any
    label_ko: str
    label_en: str
    points: int


@dataclass(frozen=True)
class Item:
    """One question. ``kind`` is ``choice`` (options) or ``count`` (an integer, threshold)."""

    id: str
    text_ko: str
    text_en: str
    kind: str = "choice"
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    threshold: int | None = None  # count items: points given at or above this count
    threshold_points: int = 0
    note: str = ""

    def points_for(self, value: Any) -> int | None:
        """Points for *value*, or None when it is not a valid answer."""
        if self.kind == "count":
            lo, hi, at = self.min or 0, self.max or 0, self.threshold or 0
            if not is_int(value) or not lo <= value <= hi:
                return None
            return self.threshold_points if value >= at else 0
        for opt in self.options:
            if opt.value == value and type(opt.value) is type(value):
                return opt.points
        return None

    @property
    def max_points(self) -> int:
        if self.kind == "count":
            return self.threshold_points
        return max(o.points for o in self.options)

    @property
    def min_points(self) -> int:
        if self.kind == "count":
            return 0
        return min(o.points for o in self.options)


@dataclass(frozen=True)
class Band:
    """A score band; ``min``/``max`` are None for bands chosen by a norms table."""

    id: str
    label_ko: str
    label_en: str
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Action:
    """Something the worker must do, with how soon."""

    id: str
    urgency: str  # immediate | urgent | routine
    text_ko: str
    text_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "urgency": self.urgency,
            "text_ko": self.text_ko,
            "text_en": self.text_en,
        }


@dataclass(frozen=True)
class Rule:
    """When ``when`` holds, raise ``flags`` and require ``action`` (if any)."""

    id: str
    when: Mapping[str, Any]
    flags: tuple[str, ...]
    action: Action | None
    source: str = ""
    test: Callable[[Mapping[str, Any]], bool] | None = field(
        default=None, compare=False, repr=False
    )

    def holds(self, facts: Mapping[str, Any]) -> bool:
        """Whether the rule fires for *facts* (compiled when parsed)."""
        if self.test is not None:
            return self.test(facts)
        return evaluate_condition(self.when, facts)


@dataclass(frozen=True)
class NormsRow:
    age_min: int
    age_max: int
    edu_min: int
    edu_max: int
    cutoff: int  # totals at or above are normal


@dataclass(frozen=True)
class NormsTable:
    """Age x education cut-offs for a cognitive screen (CIST, MMSE-DS)."""

    id: str
    instrument_id: str
    version: str
    sample: bool
    notice_ko: str
    notice_en: str
    rows: tuple[NormsRow, ...]

    def cutoff(self, age: int, education_years: int) -> int | None:
        """The cut-off for this age and education, or None when the table has no row."""
        for row in self.rows:
            if row.age_min <= age <= row.age_max and row.edu_min <= education_years <= row.edu_max:
                return row.cutoff
        return None


@dataclass(frozen=True)
class Instrument:
    """A screening instrument loaded from its JSON file."""

    id: str
    version: str
    name_ko: str
    name_en: str
    licence_status: str
    administration: str
    items: tuple[Item, ...] | None
    reverse_items: tuple[str, ...]
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    rules: tuple[Rule, ...]
    sources: tuple[str, ...]
    band_by: str = "total"  # total | norms
    norms: NormsTable | None = None
    context_required: tuple[str, ...] = ()
    stem_ko: str = ""
    stem_en: str = ""
    path: str = ""

    @property
    def score_entry(self) -> bool:
        """True for tools where only the total is recorded (``items: null``)."""
        return self.items is None

    def item(self, item_id: str) -> Item:
        for it in self.items or ():
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def band(self, band_id: str) -> Band:
        for b in self.bands:
            if b.id == band_id:
                return b
        raise KeyError(band_id)

    def band_for_total(self, total: int) -> Band | None:
        for b in self.bands:
            if b.min is not None and b.max is not None and b.min <= total <= b.max:
                return b
        return None


# --------------------------------------------------------------------------- conditions


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(actual: Any, op: str, expected: Any) -> bool:
    """Apply one operator; a missing actual value (None) is never a match."""
    if actual is None:
        return False
    if op == "==":
        return bool(actual == expected)
    if op == "!=":
        return bool(actual != expected)
    if op in _ORDER_OPS:
        if not is_number(actual):
            return False
        if op == ">=":
            return bool(actual >= expected)
        if op == ">":
            return bool(actual > expected)
        if op == "<=":
            return bool(actual <= expected)
        return bool(actual < expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op == "contains":
        return isinstance(actual, list | tuple | set | frozenset) and expected in actual
    if op == "intersects":
        return isinstance(actual, list | tuple | set | frozenset) and any(
            x in expected for x in actual
        )
    raise ValueError(f"unknown operator {op!r}")


def evaluate_condition(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """Evaluate a checked condition against *facts*.

    *facts* maps ``total`` and ``band`` to scalars and ``item``, ``context``, ``field``,
    ``metric`` to dicts of named values.
    """
    if "all" in cond:
        return all(evaluate_condition(c, facts) for c in cond["all"])
    if "any" in cond:
        return any(evaluate_condition(c, facts) for c in cond["any"])
    if "not" in cond:
        return not evaluate_condition(cond["not"], facts)
    for subject in SCALAR_SUBJECTS:
        if subject in cond:
            return compare(facts.get(subject), cond[subject], cond["value"])
    for subject in NAMED_SUBJECTS:
        if subject in cond:
            values = facts.get(subject) or {}
            return compare(values.get(cond[subject]), cond["op"], cond["value"])
    raise ValueError(f"malformed condition {cond!r}")


Test = Callable[[Mapping[str, Any]], bool]


def compile_condition(cond: Mapping[str, Any]) -> Test:
    """Turn a checked condition into a closure over *facts* (same meaning as
    :func:`evaluate_condition`, several times faster for rules run on every record)."""
    if "all" in cond:
        parts = tuple(compile_condition(c) for c in cond["all"])

        def all_hold(facts: Mapping[str, Any]) -> bool:
            for p in parts:  # noqa: SIM110 - a plain loop: no generator per evaluation
                if not p(facts):
                    return False
            return True

        return all_hold
    if "any" in cond:
        parts = tuple(compile_condition(c) for c in cond["any"])

        def any_holds(facts: Mapping[str, Any]) -> bool:
            for p in parts:  # noqa: SIM110 - a plain loop: no generator per evaluation
                if p(facts):
                    return True
            return False

        return any_holds
    if "not" in cond:
        inner = compile_condition(cond["not"])
        return lambda facts: not inner(facts)
    for subject in SCALAR_SUBJECTS:
        if subject in cond:
            match, key = _compile_compare(cond[subject], cond["value"]), subject
            return lambda facts: match(facts.get(key))
    for subject in NAMED_SUBJECTS:
        if subject in cond:
            group, name = subject, cond[subject]
            match = _compile_compare(cond["op"], cond["value"])
            return lambda facts: match((facts.get(group) or _EMPTY).get(name))
    raise ValueError(f"malformed condition {cond!r}")


def _compile_compare(op: str, value: Any) -> Callable[[Any], bool]:
    """:func:`compare` with *op* and *value* fixed: one test of the actual value, no dispatch."""
    expected = _frozen(op, value)
    if op == "==":
        return lambda a: a is not None and bool(a == expected)
    if op == "!=":
        return lambda a: a is not None and bool(a != expected)
    if op == ">=":
        return lambda a: is_number(a) and bool(a >= expected)
    if op == ">":
        return lambda a: is_number(a) and bool(a > expected)
    if op == "<=":
        return lambda a: is_number(a) and bool(a <= expected)
    if op == "<":
        return lambda a: is_number(a) and bool(a < expected)
    if op == "in":
        return lambda a: a is not None and a in expected
    if op == "not_in":
        return lambda a: a is not None and a not in expected
    return lambda a: compare(a, op, expected)  # contains, intersects (and unknown: raises)


_EMPTY: Mapping[str, Any] = {}


def _frozen(op: str, value: Any) -> Any:
    """The list operand of a membership operator as a tuple (safe to share between calls)."""
    return tuple(value) if op in ("in", "not_in", "intersects") else value


def condition_leaves(cond: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Yield every leaf (non-``all``/``any``/``not``) of a checked condition."""
    if "all" in cond or "any" in cond:
        for c in cond.get("all", cond.get("any", [])):
            yield from condition_leaves(c)
    elif "not" in cond:
        yield from condition_leaves(cond["not"])
    else:
        yield cond


def check_condition(cond: Any, where: str) -> list[str]:
    """Return the structural faults of a condition (empty when well formed)."""
    if not isinstance(cond, dict) or not cond:
        return [f"{where}: a condition must be a non-empty object"]
    for key in ("all", "any"):
        if key in cond:
            if len(cond) != 1 or not isinstance(cond[key], list) or not cond[key]:
                return [f"{where}: '{key}' takes a non-empty list and nothing else"]
            faults: list[str] = []
            for i, c in enumerate(cond[key]):
                faults += check_condition(c, f"{where}.{key}[{i}]")
            return faults
    if "not" in cond:
        if len(cond) != 1:
            return [f"{where}: 'not' takes one condition and nothing else"]
        return check_condition(cond["not"], f"{where}.not")
    subjects = [k for k in (*SCALAR_SUBJECTS, *NAMED_SUBJECTS) if k in cond]
    if len(subjects) != 1:
        return [
            f"{where}: name exactly one of all/any/not/"
            f"{'/'.join((*SCALAR_SUBJECTS, *NAMED_SUBJECTS))} (got {sorted(cond)})"
        ]
    subject = subjects[0]
    if "value" not in cond:
        return [f"{where}: missing 'value'"]
    if subject in SCALAR_SUBJECTS:
        op = cond[subject]
        allowed = {subject, "value"}
    else:
        op = cond.get("op")
        allowed = {subject, "op", "value"}
        if not isinstance(cond[subject], str) or not cond[subject]:
            return [f"{where}: '{subject}' must name something"]
    extra = set(cond) - allowed
    if extra:
        return [f"{where}: unexpected keys {sorted(extra)}"]
    if op not in OPS:
        return [f"{where}: unknown operator {op!r} (use one of {', '.join(OPS)})"]
    value = cond["value"]
    if op in _ORDER_OPS and not is_number(value):
        return [f"{where}: operator {op} needs a number, got {value!r}"]
    if op in ("in", "not_in", "intersects") and not isinstance(value, list):
        return [f"{where}: operator {op} needs a list, got {value!r}"]
    return []


# --------------------------------------------------------------------------- loading


def _fault(path: Path, message: str) -> AssetError:
    return AssetError(f"{path.name}: {message}")


def read_json(path: Path) -> Any:
    """Read one JSON asset, turning a missing or malformed file into AssetError."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssetError(f"{path.name}: file missing ({path})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AssetError(f"{path.name}: not readable JSON ({exc})") from None


def _req(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: Path, where: str):
    if key not in data:
        raise _fault(path, f"{where}: missing '{key}'")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _fault(path, f"{where}: '{key}' has the wrong type ({type(value).__name__})")
    return value


def parse_action(data: Any, path: Path, where: str) -> Action | None:
    """Parse and check a rule's action (``null`` allowed)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _fault(path, f"{where}: action must be an object or null")
    urgency = _req(data, "urgency", str, path, where)
    if urgency not in URGENCIES:
        raise _fault(path, f"{where}: urgency {urgency!r} is not one of {', '.join(URGENCIES)}")
    return Action(
        id=_req(data, "id", str, path, where),
        urgency=urgency,
        text_ko=_req(data, "text_ko", str, path, where),
        text_en=_req(data, "text_en", str, path, where),
    )


def parse_rules(
    raw: Any, path: Path, check_leaf: Any, where_prefix: str = "rules"
) -> tuple[Rule, ...]:
    """Parse a rules list; *check_leaf(leaf) -> str | None* checks each leaf's reference."""
    if not isinstance(raw, list):
        raise _fault(path, f"'{where_prefix}' must be a list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(raw):
        where = f"{where_prefix}[{i}]"
        if not isinstance(r, dict):
            raise _fault(path, f"{where}: must be an object")
        rid = _req(r, "id", str, path, where)
        if rid in seen:
            raise _fault(path, f"{where}: duplicate rule id {rid!r}")
        seen.add(rid)
        when = _req(r, "when", dict, path, f"rule {rid!r}")
        faults = check_condition(when, f"rule {rid!r}")
        if faults:
            raise _fault(path, faults[0])
        for leaf in condition_leaves(when):
            problem = check_leaf(leaf)
            if problem:
                raise _fault(path, f"rule {rid!r}: {problem}")
        flags = r.get("flags", [])
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            raise _fault(path, f"rule {rid!r}: 'flags' must be a list of strings")
        action = parse_action(r.get("action"), path, f"rule {rid!r}")
        if action is None and not flags:
            raise _fault(path, f"rule {rid!r}: gives neither flags nor an action")
        rules.append(
            Rule(
                id=rid,
                when=when,
                flags=tuple(flags),
                action=action,
                source=r.get("source", ""),
                test=compile_condition(when),
            )
        )
    return tuple(rules)


def _parse_item(raw: Any, path: Path, index: int) -> Item:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        raise _fault(path, f"{where}: must be an object")
    iid = _req(raw, "id", str, path, where)
    where = f"item {iid!r}"
    text_ko = _req(raw, "text_ko", str, path, where)
    text_en = _req(raw, "text_en", str, path, where)
    kind = raw.get("type", "choice")
    if kind == "count":
        lo = _req(raw, "min", int, path, where)
        hi = _req(raw, "max", int, path, where)
        th = _req(raw, "threshold", dict, path, where)
        value = _req(th, "value", int, path, f"{where} threshold")
        points = _req(th, "points", int, path, f"{where} threshold")
        if not lo <= value <= hi or lo > hi:
            raise _fault(path, f"{where}: threshold {value} outside the count range {lo}-{hi}")
        if points < 0:
            raise _fault(path, f"{where}: threshold points must not be negative")
        return Item(
            iid, text_ko, text_en, "count", (), lo, hi, value, points, str(th.get("note", ""))
        )
    if kind != "choice":
        raise _fault(path, f"{where}: unknown item type {kind!r} (choice or count)")
    raw_opts = _req(raw, "options", list, path, where)
    if len(raw_opts) < 2:
        raise _fault(path, f"{where}: needs at least two options")
    options: list[Option] = []
    for j, o in enumerate(raw_opts):
        ow = f"{where} option {j}"
        if not isinstance(o, dict) or "value" not in o:
            raise _fault(path, f"{ow}: must be an object with a 'value'")
        if not isinstance(o["value"], str | int) or isinstance(o["value"], bool):
            raise _fault(path, f"{ow}: value must be a string or an integer")
        pts = _req(o, "points", int, path, ow)
        if pts < 0:
            raise _fault(path, f"{ow}: points must not be negative")
        options.append(
            Option(
                o["value"],
                _req(o, "label_ko", str, path, ow),
                _req(o, "label_en", str, path, ow),
                pts,
            )
        )
    if len({(type(o.value), o.value) for o in options}) != len(options):
        raise _fault(path, f"{where}: duplicate option values")
    return Item(iid, text_ko, text_en, "choice", tuple(options))


def _parse_bands(
    raw: Any, path: Path, lo: int, hi: int, by_norms: bool, key: str
) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fault(path, f"'{key}' must be a non-empty list")
    bands: list[Band] = []
    for i, b in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(b, dict):
            raise _fault(path, f"{where}: must be an object")
        bid = _req(b, "id", str, path, where)
        label_ko = _req(b, "label_ko", str, path, f"band {bid!r}")
        label_en = _req(b, "label_en", str, path, f"band {bid!r}")
        if by_norms:
            bands.append(Band(bid, label_ko, label_en))
            continue
        bmin = _req(b, "min", int, path, f"band {bid!r}")
        bmax = _req(b, "max", int, path, f"band {bid!r}")
        if bmin > bmax:
            raise _fault(path, f"band {bid!r}: min {bmin} is above max {bmax}")
        bands.append(Band(bid, label_ko, label_en, bmin, bmax))
    if len({b.id for b in bands}) != len(bands):
        raise _fault(path, f"'{key}': duplicate band ids")
    if by_norms:
        if {b.id for b in bands} != {"normal", "below_cutoff"}:
            raise _fault(
                path,
                f"'{key}': a norms-banded instrument needs exactly the bands normal and below_cutoff",
            )
        return tuple(bands)
    spans = sorted((b.min, b.max, b.id) for b in bands if b.min is not None and b.max is not None)
    if spans[0][0] != lo:
        raise _fault(path, f"'{key}': bands start at {spans[0][0]}, not at the total minimum {lo}")
    expected = lo
    for bmin, bmax, bid in spans:
        if bmin > expected:
            raise _fault(path, f"'{key}': gap in bands, no band covers {expected}-{bmin - 1}")
        if bmin < expected:
            raise _fault(path, f"'{key}': band {bid!r} overlaps the band before it at {bmin}")
        expected = bmax + 1
    if expected - 1 != hi:
        raise _fault(path, f"'{key}': bands end at {expected - 1}, not at the total maximum {hi}")
    return tuple(bands)


def parse_norms(path: Path, instrument_id: str, lo: int, hi: int) -> NormsTable:
    """Load and check an age x education norms table (rows must not overlap)."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise _fault(path, "a norms table must be a JSON object")
    if data.get("instrument_id") != instrument_id:
        raise _fault(path, f"instrument_id {data.get('instrument_id')!r} is not {instrument_id!r}")
    sample = _req(data, "sample", bool, path, "table")
    notice_en = str(data.get("notice_en", ""))
    if sample and "sample" not in notice_en.lower():
        raise _fault(path, "a sample table must say 'sample' in notice_en")
    rows: list[NormsRow] = []
    for i, r in enumerate(_req(data, "rows", list, path, "table")):
        where = f"rows[{i}]"
        if not isinstance(r, dict):
            raise _fault(path, f"{where}: must be an object")
        row = NormsRow(
            *(
                _req(r, k, int, path, where)
                for k in ("age_min", "age_max", "edu_min", "edu_max", "cutoff")
            )
        )
        if row.age_min > row.age_max or row.edu_min > row.edu_max:
            raise _fault(path, f"{where}: a range runs backwards")
        if not lo <= row.cutoff <= hi + 1:
            raise _fault(path, f"{where}: cutoff {row.cutoff} outside the total range {lo}-{hi}")
        for j, other in enumerate(rows):
            if (
                row.age_min <= other.age_max
                and other.age_min <= row.age_max
                and row.edu_min <= other.edu_max
                and other.edu_min <= row.edu_max
            ):
                raise _fault(path, f"{where}: overlaps rows[{j}] (same age and education)")
        rows.append(row)
    if not rows:
        raise _fault(path, "the table has no rows")
    return NormsTable(
        id=_req(data, "id", str, path, "table"),
        instrument_id=instrument_id,
        version=_req(data, "version", str, path, "table"),
        sample=sample,
        notice_ko=str(data.get("notice_ko", "")),
        notice_en=notice_en,
        rows=tuple(rows),
    )


def parse_instrument(path: Path, data: Any | None = None) -> Instrument:
    """Parse and validate one instrument file; raises AssetError naming the file and fault."""
    if data is None:
        data = read_json(path)
    if not isinstance(data, dict):
        raise _fault(path, "an instrument file must be a JSON object")
    iid = _req(data, "id", str, path, "instrument")
    if f"{iid}.json" != path.name:
        raise _fault(path, f"id {iid!r} does not match the file name")
    tr = _req(data, "total_range", dict, path, "instrument")
    lo = _req(tr, "min", int, path, "total_range")
    hi = _req(tr, "max", int, path, "total_range")
    if lo > hi:
        raise _fault(path, f"total_range min {lo} is above max {hi}")
    licence = _req(data, "licence", dict, path, "instrument")
    band_by = data.get("band_by", "total")
    if band_by not in ("total", "norms"):
        raise _fault(path, f"band_by {band_by!r} is not 'total' or 'norms'")

    items: tuple[Item, ...] | None = None
    if "items" not in data:
        raise _fault(path, "instrument: missing 'items' (use null for score-entry tools)")
    if data["items"] is not None:
        raw_items = data["items"]
        if not isinstance(raw_items, list) or not raw_items:
            raise _fault(path, "'items' must be a non-empty list or null")
        items = tuple(_parse_item(r, path, i) for i, r in enumerate(raw_items))
        if len({it.id for it in items}) != len(items):
            raise _fault(path, "duplicate item ids")
        lowest = sum(it.min_points for it in items)
        highest = sum(it.max_points for it in items)
        if lowest < lo or highest > hi:
            raise _fault(
                path,
                f"option points give totals {lowest}-{highest}, outside the total range {lo}-{hi}",
            )

    item_ids = {it.id for it in items or ()}
    reverse = data.get("reverse_items", [])
    if not isinstance(reverse, list):
        raise _fault(path, "'reverse_items' must be a list")
    for rid in reverse:
        if rid not in item_ids:
            raise _fault(path, f"reverse item {rid!r} is not an item of this instrument")
        item = next(it for it in items or () if it.id == rid)
        # A reverse item gives its points for the negative answer ("no"), not "yes".
        yes = next((o for o in item.options if o.value == "yes"), None)
        if yes is not None and yes.points != item.min_points:
            raise _fault(path, f"reverse item {rid!r} gives points for 'yes'")

    bands = _parse_bands(data.get("bands"), path, lo, hi, band_by == "norms", "bands")
    alt = data.get("alternative_bands")
    if isinstance(alt, dict) and "bands" in alt:
        _parse_bands(alt["bands"], path, lo, hi, False, "alternative_bands")
    band_ids = {b.id for b in bands}

    norms = None
    context_required = tuple(data.get("context_required", ()))
    if band_by == "norms":
        norms_name = _req(data, "norms", str, path, "instrument")
        norms = parse_norms(asset_path("norms", norms_name), iid, lo, hi)
        if not {"age", "education_years"} <= set(context_required):
            raise _fault(path, "a norms-banded instrument must require age and education_years")

    def check_leaf(leaf: Mapping[str, Any]) -> str | None:
        if "item" in leaf:
            if leaf["item"] not in item_ids:
                return f"names unknown item {leaf['item']!r}"
        elif "band" in leaf:
            values = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
            unknown = [v for v in values if v not in band_ids]
            if unknown:
                return f"names unknown band {unknown[0]!r}"
        elif "field" in leaf or "metric" in leaf:
            return "instrument rules may use item, total, band and context only"
        return None

    rules = parse_rules(data.get("rules", []), path, check_leaf)
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        raise _fault(path, "'sources' must list at least one source")
    return Instrument(
        id=iid,
        version=_req(data, "version", str, path, "instrument"),
        name_ko=_req(data, "name_ko", str, path, "instrument"),
        name_en=_req(data, "name_en", str, path, "instrument"),
        licence_status=_req(licence, "status", str, path, "licence"),
        administration=_req(data, "administration", str, path, "instrument"),
        items=items,
        reverse_items=tuple(reverse),
        total_min=lo,
        total_max=hi,
        bands=bands,
        rules=rules,
        sources=tuple(str(s) for s in sources),
        band_by=band_by,
        norms=norms,
        context_required=context_required,
        stem_ko=str(data.get("stem_ko", "")),
        stem_en=str(data.get("stem_en", "")),
        path=str(path),
    )


def load_instruments_from(folder: Path) -> dict[str, Instrument]:
    """Load and validate every instrument file in *folder* (panels such as vitals skipped)."""
    if not folder.is_dir():
        raise AssetError(f"instruments folder missing: {folder}")
    found: dict[str, Instrument] = {}
    for path in sorted(folder.glob("*.json")):
        data = read_json(path)
        if isinstance(data, dict) and data.get("kind") == "panel":
            continue
        inst = parse_instrument(path, data)
        found[inst.id] = inst
    if not found:
        raise AssetError(f"no instrument files in {folder}")
    return found


@cache
def _load_shipped() -> dict[str, Instrument]:
    return load_instruments_from(asset_path("instruments"))


def load_instruments() -> dict[str, Instrument]:
    """All shipped instruments by id, validated once (cached); a fresh dict each call."""
    return dict(_load_shipped())


def get_instrument(instrument_id: str) -> Instrument:
    """One instrument by id; KeyError names the known ids."""
    instruments = _load_shipped()
    try:
        return instruments[instrument_id]
    except KeyError:
        raise KeyError(
            f"unknown instrument {instrument_id!r}; known: {', '.join(sorted(instruments))}"
        ) from None
