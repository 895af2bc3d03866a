"""The one validator for events: used by the forms, ``fieldapp-sync record`` and the server.

:func:`validate_event` checks the envelope and the payload of every event type, recomputes
``payload["result"]`` (never trusted from the wire) and returns a normalised copy, or raises
:class:`~fieldapp.errors.ValidationError` listing every bad field (not just the first).
:func:`validate_form` gives the same checks to a form being filled in, for inline messages.

Forms are data (``assets/forms/*.json``); so are instruments and the vitals panel.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from fieldapp import hangul
from fieldapp.errors import AssetError, FieldProblem, ValidationError
from fieldapp.instruments import (
    URGENCY_RANK,
    Action,
    Rule,
    check_condition,
    compile_condition,
    condition_leaves,
    is_int,
    is_number,
    load_instruments,
    parse_rules,
    read_json,
)
from fieldapp.resources import asset_path
from fieldapp.scoring import ScoreResult, apply_rules, rules_outcome, score
from fieldapp.signals import ack_problems
from fieldapp.text_rule import find_bad_text
from fieldapp.text_rule import is_good_text as is_good_text
from fieldapp.vitals import assess_vitals, check_vitals, evaluate_vitals
from fieldapp.vocabulary import (
    EDITABLE_HOUSEHOLD_FIELDS,
    HOUSEHOLD_FIELD_PROGRAMME,
    PROGRAMME_EVENT_TYPES,
    ROLE_PROGRAMME,
    EventType,
    Programme,
    Role,
)

FIELD_TYPES = ("choice", "multi", "bool", "int", "number", "text")
_EVENT_TYPES = frozenset(t.value for t in EventType)
_PROGRAMMES = frozenset(p.value for p in Programme)
_ROLES = frozenset(r.value for r in Role)
ACCESS_ACTIONS = ("view", "edit", "print", "export")
REFERRAL_STATUSES = ("open", "done")
MAX_TEXT = 5000

#: Envelope keys an event may carry (wire Event plus the local events-table bookkeeping).
ENVELOPE_KEYS = frozenset(
    {
        "id",
        "type",
        "household_id",
        "programme",
        "created_by",
        "device_id",
        "device_time",
        "payload",
        "amends",
        "skew_flag",
        "server_time",
        "redacted",
        "late_handover",
        "sync_state",
        "reject_reason",
        "local_order",
    }
)

# 6 digits, a hyphen (or dash, optionally spaced), 7 digits: the shape of a 주민등록번호.
_RRN = re.compile(r"(?<!\d)\d{6}\s*[-‐‑–—]\s*\d{7}(?!\d)")
# The same 13 digits run together: a birth date (YYMMDD) then a sex digit 1-8.
_RRN_PLAIN = re.compile(r"(?<!\d)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[1-8]\d{6}(?!\d)")

RRN_MESSAGE = (
    "this looks like a resident registration number (주민등록번호); do not record it: "
    "remove it and save again"
)
RRN_MESSAGE_KO = "주민등록번호로 보이는 번호가 있습니다. 주민등록번호는 기록하지 마십시오. 지우고 다시 저장하십시오."


def looks_like_rrn(text: str) -> bool:
    """True when *text* holds something shaped like a 주민등록번호 (6 digits - 7 digits)."""
    return bool(_RRN.search(text) or _RRN_PLAIN.search(text))


# --------------------------------------------------------------------------- text and time

BAD_TEXT_MESSAGE = (
    "holds a lone UTF-16 surrogate (a broken character, \\ud800-\\udfff, often from a bad "
    "copy and paste); it is not text and cannot be stored: retype it and save again"
)
BAD_TEXT_MESSAGE_KO = (
    "깨진 글자(짝이 없는 서로게이트 문자)가 있습니다. 그 부분을 다시 입력하고 저장하십시오."
)


def text_problems(value: Any, where: str = "") -> list[FieldProblem]:
    """[the problem] when :func:`find_bad_text` finds a broken string in *value*, else []."""
    path = find_bad_text(value, where)
    if path is None:
        return []
    return [FieldProblem(path, BAD_TEXT_MESSAGE, BAD_TEXT_MESSAGE_KO)]


def device_time_problem(value: Any, field: str = "device_time") -> FieldProblem | None:
    """Why *value* is not a usable device time, or None: it must be ISO 8601 (or an aware
    datetime) with a UTC offset, and the instant must lie within years 1-9999 in UTC (the
    range a datetime can hold: ``9999-12-31T23:59:59-14:00`` is valid ISO 8601 but falls in
    the year 10000 in UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return _time_problem(value, field)
    else:
        return _time_problem(value, field)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return _time_problem(value, field)
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        return FieldProblem(
            field,
            f"{field} {value!r} lies outside the years 1-9999 once converted to UTC; check the "
            "device's date and time and record it again",
            "기기 날짜·시간이 올바르지 않습니다(표시할 수 없는 연도). 날짜와 시간을 확인하고 다시 기록하십시오.",
        )
    return None


def programme_problem(role: str, event_type: str, programme: str | None) -> FieldProblem | None:
    """Why a worker of *role* may not write a record of *event_type* labelled *programme*,
    or None when they may.

    A volunteer or nurse writes only records of their role's own programme
    (:data:`~fieldapp.vocabulary.ROLE_PROGRAMME`; no programme means their own), and only the
    record types that programme keeps (:data:`~fieldapp.vocabulary.PROGRAMME_EVENT_TYPES`).
    Other roles (supervisor, admin) work on the district routes and write no records here.
    """
    own = own_programme(role)
    if own is None:
        return FieldProblem(
            "programme",
            f"a {role} does not write household records; records are written by the "
            "volunteer or nurse assigned to the household",
            "이 역할은 가구 기록을 작성할 수 없습니다. 담당 돌봄단원·간호사가 작성합니다.",
        )
    if programme is not None and programme != own.value:
        return FieldProblem(
            "programme",
            f"a {role} writes records of the {own.value} programme only, not {programme}",
            "담당 사업의 기록만 작성할 수 있습니다.",
        )
    if event_type not in {t.value for t in PROGRAMME_EVENT_TYPES[own]}:
        return FieldProblem(
            "type",
            f"a {event_type} record is not part of the {own.value} programme "
            f"(a {role} writes {', '.join(sorted(t.value for t in PROGRAMME_EVENT_TYPES[own]))})",
            "담당 사업에서 작성할 수 없는 기록 종류입니다.",
        )
    return None


def own_programme(role: str | None) -> Programme | None:
    """The programme a worker of *role* works in; None for other roles and unknown ones."""
    return ROLE_PROGRAMME.get(Role(role)) if role in _ROLES else None


def amendment_problem(
    role: str, event: Mapping[str, Any], target: Mapping[str, Any] | None
) -> FieldProblem | None:
    """Why a worker of *role* may not write *event*, a correction or void of *target*, or None.

    *target* is the amended record (``household_id``, ``type`` and its ``programme``: the one
    it was written in, its author's when it names none), None when no such record is known.
    An amendment names a record of the same household and of the writer's own programme (so
    a volunteer never corrects or voids a nurse's note, nor a nurse a volunteer's); a
    correction (any type but ``void``) keeps the original's type and programme.
    """
    amends = event.get("amends")
    if target is None or target.get("household_id") != event.get("household_id"):
        return FieldProblem(
            "amends",
            f"amends {amends!r}, which is not a stored event of this household",
            "수정·취소할 기록이 이 가구에 없습니다.",
        )
    own = own_programme(role)
    kind, programme = target.get("type"), target.get("programme")
    if own is None or programme != own.value:
        return FieldProblem(
            "amends",
            f"amends a {kind} record of the {programme or 'unknown'} programme; a {role} "
            f"corrects or voids only records of the "
            f"{own.value if own else 'own'} programme",
            "다른 사업의 기록은 수정하거나 취소할 수 없습니다.",
        )
    if event.get("type") == EventType.void.value:
        return None
    if event.get("type") != kind:
        return FieldProblem(
            "type",
            f"a correction must have the type of the event it amends ({kind})",
            "수정 기록은 원래 기록과 종류가 같아야 합니다.",
        )
    if event.get("programme") not in (None, programme):
        return FieldProblem(
            "programme",
            f"a correction keeps the programme of the record it amends ({programme})",
            "수정 기록은 원래 기록과 사업이 같아야 합니다.",
        )
    return None


def household_edit_problem(role: str | None, field: str) -> FieldProblem | None:
    """Why a worker of *role* may not edit the household field *field*, or None.

    Only :data:`~fieldapp.vocabulary.EDITABLE_HOUSEHOLD_FIELDS` are edited on a device; a
    field that belongs to one programme (:data:`~fieldapp.vocabulary.HOUSEHOLD_FIELD_PROGRAMME`:
    the care group and the health-data consent, a nurse's) only by that programme's worker;
    the rest by any worker holding the household. Supervisors and admins edit on the district
    routes, not through push.
    """
    if field not in EDITABLE_HOUSEHOLD_FIELDS:
        return FieldProblem(
            field,
            f"field {field!r} cannot be edited on a device; editable fields: "
            + ", ".join(EDITABLE_HOUSEHOLD_FIELDS),
            "이 항목은 현장에서 수정할 수 없습니다.",
        )
    own = own_programme(role)
    if own is None:
        return FieldProblem(
            field,
            f"a {role} does not edit household fields on a device; the volunteer or nurse "
            "assigned to the household does",
            "이 역할은 현장에서 가구 정보를 수정할 수 없습니다.",
        )
    owner = HOUSEHOLD_FIELD_PROGRAMME.get(field)
    if owner is not None and owner is not own:
        allowed = [
            f for f in EDITABLE_HOUSEHOLD_FIELDS if HOUSEHOLD_FIELD_PROGRAMME.get(f, own) is own
        ]
        return FieldProblem(
            field,
            f"{field} belongs to the {owner.value} programme: only its worker edits it; a "
            f"{role} edits {', '.join(allowed)}",
            "이 항목은 다른 사업 담당자만 수정할 수 있습니다.",
        )
    return None


# --------------------------------------------------------------------------- forms as data


@dataclass(frozen=True)
class FormOption:
    value: Any
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class FormField:
    id: str
    type: str
    label_ko: str
    label_en: str
    required: bool = False
    required_when: Mapping[str, Any] | None = None
    options: tuple[FormOption, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    default: Any = None

    @cached_property
    def option_values(self) -> tuple[Any, ...]:
        return tuple(o.value for o in self.options)

    @cached_property
    def required_test(self) -> Callable[[Mapping[str, Any]], bool] | None:
        """``required_when`` compiled once (None when the field has no such condition)."""
        return None if self.required_when is None else compile_condition(self.required_when)


@dataclass(frozen=True)
class Form:
    """A form described by ``assets/forms/<id>.json``: fields and rules."""

    id: str
    version: str
    event_type: str
    fields: tuple[FormField, ...]
    rules: tuple[Rule, ...]
    min_escalation: Mapping[str, int]  # rule id -> escalation level it requires

    def field(self, field_id: str) -> FormField:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @cached_property
    def fields_by_id(self) -> Mapping[str, FormField]:
        """The fields by id (built once per loaded form)."""
        return {f.id: f for f in self.fields}


def parse_form(path: Path) -> Form:
    """Load and check a form file; AssetError names the file and the fault."""
    data = read_json(path)

    def fault(msg: str) -> AssetError:
        return AssetError(f"{path.name}: {msg}")

    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise fault("a form file is an object with a 'fields' list")
    fields: list[FormField] = []
    for i, raw in enumerate(data["fields"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise fault(f"fields[{i}]: must be an object with an 'id'")
        fid = raw["id"]
        ftype = raw.get("type")
        if ftype not in FIELD_TYPES:
            raise fault(f"field {fid!r}: type {ftype!r} is not one of {', '.join(FIELD_TYPES)}")
        try:
            options = tuple(
                FormOption(o["value"], o["label_ko"], o["label_en"]) for o in raw.get("options", [])
            )
            ff = FormField(
                id=fid,
                type=ftype,
                label_ko=raw["label_ko"],
                label_en=raw["label_en"],
                required=bool(raw.get("required", False)),
                required_when=raw.get("required_when"),
                options=options,
                min=raw.get("min"),
                max=raw.get("max"),
                max_length=raw.get("max_length"),
                default=raw.get("default"),
            )
        except (KeyError, TypeError) as exc:
            raise fault(f"field {fid!r}: missing or malformed entry ({exc!r})") from None
        if ftype in ("choice", "multi") and len(options) < 2:
            raise fault(f"field {fid!r}: a {ftype} field needs at least two options")
        if ftype in ("int", "number") and (ff.min is None or ff.max is None or ff.min > ff.max):
            raise fault(f"field {fid!r}: a number field needs min <= max")
        fields.append(ff)
    by_id = {f.id: f for f in fields}
    if len(by_id) != len(fields):
        raise fault("duplicate field ids")

    def check_leaf(leaf: Mapping[str, Any]) -> str | None:
        if "field" not in leaf:
            return "form rules may use field conditions only"
        target = by_id.get(leaf["field"])
        if target is None:
            return f"names unknown field {leaf['field']!r}"
        if target.options:
            values = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
            bad = [v for v in values if v not in target.option_values]
            if bad:
                return f"field {target.id!r} has no option {bad[0]!r}"
        return None

    for f in fields:
        if f.required_when is not None:
            faults = check_condition(f.required_when, f"field {f.id!r} required_when")
            if faults:
                raise fault(faults[0])
            for leaf in condition_leaves(f.required_when):
                problem = check_leaf(leaf)
                if problem:
                    raise fault(f"field {f.id!r} required_when: {problem}")
    rules = parse_rules(data.get("rules", []), path, check_leaf)
    min_esc: dict[str, int] = {}
    for r in data.get("rules", []):
        if "min_escalation" in r:
            if not is_int(r["min_escalation"]) or not 0 <= r["min_escalation"] <= 3:
                raise fault(f"rule {r['id']!r}: min_escalation must be 0-3")
            min_esc[r["id"]] = r["min_escalation"]
    return Form(
        id=str(data.get("id", path.stem)),
        version=str(data.get("version", "")),
        event_type=str(data.get("event_type", "")),
        fields=tuple(fields),
        rules=rules,
        min_escalation=min_esc,
    )


@cache
def load_form(form_id: str) -> Form:
    """One form from ``assets/forms/<form_id>.json`` (validated, cached)."""
    return parse_form(asset_path("forms", f"{form_id}.json"))


@cache
def load_crisis_numbers() -> list[dict[str, str]]:
    """The crisis numbers to show at all times (109, 1577-0199, 129, 119, 112, 120)."""
    path = asset_path("crisis_numbers.json")
    data = read_json(path)
    try:
        numbers = [
            {k: str(n[k]) for k in ("number", "dial", "label_ko", "label_en")}
            for n in data["numbers"]
        ]
    except (KeyError, TypeError) as exc:
        raise AssetError(f"{path.name}: malformed entry ({exc!r})") from None
    return numbers


# --------------------------------------------------------------------------- form values


def apply_defaults(form: Form, values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of *values* with each absent field that has a default filled in."""
    out = dict(values)
    for f in form.fields:
        if out.get(f.id) is None and f.default is not None:
            out[f.id] = json.loads(json.dumps(f.default))
    return out


def _text_problems(where: str, value: Any, max_length: int, required: bool) -> list[FieldProblem]:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            return [FieldProblem(where, "must not be empty", "내용을 입력하십시오.")]
        return []
    if not isinstance(value, str):
        return [FieldProblem(where, "must be text", "글자로 입력하십시오.")]
    if len(value) > max_length:
        return [
            FieldProblem(
                where,
                f"is {len(value)} characters long; keep it to {max_length}",
                f"{max_length}자 이내로 줄이십시오.",
            )
        ]
    if looks_like_rrn(value):
        return [FieldProblem(where, RRN_MESSAGE, RRN_MESSAGE_KO)]
    return []


def check_form_values(
    form: Form, values: Any, prefix: str = "", known_extra: frozenset[str] = frozenset()
) -> list[FieldProblem]:
    """Every problem with *values* for *form* (unknown fields, types, ranges, required)."""
    if not isinstance(values, Mapping):
        return [FieldProblem(prefix.rstrip(".") or "values", "must be an object", "형식 오류")]
    problems: list[FieldProblem] = []
    by_id = form.fields_by_id
    for key in values:
        if key not in by_id and key not in known_extra:
            problems.append(
                FieldProblem(
                    f"{prefix}{key}",
                    f"the {form.id} form has no field {key!r}",
                    f"{key} 항목은 이 양식에 없습니다.",
                )
            )
    facts = {"field": values}
    for f in form.fields:
        value = values.get(f.id)
        # Empty (an empty multi counts only when required, and is fine otherwise): the one
        # case where required / required_when matters, so only then is it evaluated.
        if (
            value is None
            or (f.type == "text" and isinstance(value, str) and not value.strip())
            or (f.type == "multi" and value == [])
        ):
            test = f.required_test
            if f.required or (test is not None and test(facts)):
                problems.append(
                    FieldProblem(
                        f"{prefix}{f.id}",
                        f"{f.label_en} is required",
                        hangul.enter(f.label_ko, choose=f.type in ("choice", "multi", "bool")),
                    )
                )
            continue
        if f.type == "choice":
            if value not in f.option_values:
                problems.append(
                    FieldProblem(
                        f"{prefix}{f.id}",
                        f"{value!r} is not an option; use one of "
                        + ", ".join(str(v) for v in f.option_values),
                        f"{f.label_ko}: 목록에 있는 값을 선택하십시오.",
                    )
                )
        elif f.type == "multi":
            if not isinstance(value, list):
                problems.append(
                    FieldProblem(f"{prefix}{f.id}", "must be a list of options", "목록 형식 오류")
                )
            else:
                bad = [v for v in value if v not in f.option_values]
                if bad:
                    problems.append(
                        FieldProblem(
                            f"{prefix}{f.id}",
                            f"unknown option(s) {', '.join(map(str, bad))}; use "
                            + ", ".join(str(v) for v in f.option_values),
                            f"{f.label_ko}: 목록에 없는 값이 있습니다.",
                        )
                    )
                elif len(set(value)) != len(value):
                    problems.append(
                        FieldProblem(f"{prefix}{f.id}", "lists an option twice", "중복 선택")
                    )
        elif f.type == "bool":
            if not isinstance(value, bool):
                problems.append(
                    FieldProblem(
                        f"{prefix}{f.id}", "must be true or false", "예/아니오로 답하십시오."
                    )
                )
        elif f.type in ("int", "number"):
            ok = is_int(value) if f.type == "int" else is_number(value)
            lo, hi = f.min, f.max
            if not ok or not (lo <= value <= hi):  # type: ignore[operator]
                kind = "a whole number" if f.type == "int" else "a number"
                problems.append(
                    FieldProblem(
                        f"{prefix}{f.id}",
                        f"{f.label_en} must be {kind} from {_num(lo)} to {_num(hi)}, got {value!r}",
                        hangul.enter_between(f.label_ko, lo, hi),
                    )
                )
        elif f.type == "text":
            problems += _text_problems(f"{prefix}{f.id}", value, f.max_length or MAX_TEXT, False)
    return problems


def _num(x: float | None) -> str:
    return "?" if x is None else (str(int(x)) if x == int(x) else str(x))


def _welfare_result(form: Form, values: Mapping[str, Any]) -> ScoreResult:
    facts = {"field": dict(values)}
    fired = [r for r in form.rules if r.holds(facts)]  # each rule evaluated once
    flags, actions = rules_outcome(fired)
    fired_ids = {r.id for r in fired}
    required_level = max(
        (lvl for rid, lvl in form.min_escalation.items() if rid in fired_ids),
        default=0,
    )
    recorded = values.get("escalation_level")
    if is_int(recorded) and recorded < required_level:
        flags.append("escalation_below_required")
    return ScoreResult(
        total=None,
        band=None,
        flags=flags,
        actions=actions,
        details={"escalation_required": required_level, "form_version": form.version},
    )


def _merge(a: ScoreResult, flags: list[str], actions: list[Action]) -> ScoreResult:
    merged_flags = list(a.flags) + [f for f in flags if f not in a.flags]
    by_id = {x.id: x for x in a.actions}
    for x in actions:
        if x.id not in by_id or URGENCY_RANK[x.urgency] < URGENCY_RANK[by_id[x.id].urgency]:
            by_id[x.id] = x
    ordered = sorted(by_id.values(), key=lambda x: URGENCY_RANK[x.urgency])
    return ScoreResult(a.total, a.band, merged_flags, ordered, dict(a.details))


def _visit_result(
    form: Form, values: Mapping[str, Any], base: ScoreResult | None = None
) -> ScoreResult:
    """The visit's result; *base*: its vitals' result when already assessed (no problems)."""
    if base is None:
        base = evaluate_vitals(values.get("vitals"))
    form_values = {k: v for k, v in values.items() if k != "vitals"}
    flags, actions = apply_rules(form.rules, {"field": form_values})
    result = _merge(base, flags, actions)
    result.details["form_version"] = form.version
    return result


def validate_form(form_id: str, values: Any) -> tuple[list[FieldProblem], dict[str, Any] | None]:
    """Check a form being filled in: (problems, result dict or None when not yet valid).

    *form_id* is ``welfare_check``, ``visit`` or an instrument id (values then hold
    ``answers`` / ``total`` / ``context``). Field names in problems match the form's ids.
    """
    if bad_text := text_problems(values):  # the same rule as for saved events
        return bad_text, None
    instruments = load_instruments()
    if form_id in instruments:
        if not isinstance(values, Mapping):
            return [FieldProblem("values", "must be an object", "형식 오류")], None
        try:
            res = score(
                instruments[form_id],
                values.get("answers"),
                total=values.get("total"),
                context=values.get("context"),
            )
        except ValidationError as err:
            return list(err.problems), None
        return [], res.to_dict()
    if form_id == "welfare_check":
        form = load_form("welfare_check")
        if isinstance(values, Mapping):
            values = apply_defaults(form, values)
        problems = check_form_values(form, values)
        if problems:
            return problems, None
        return [], _welfare_result(form, values).to_dict()
    if form_id == "visit":
        form = load_form("visit")
        if isinstance(values, Mapping):
            values = apply_defaults(form, values)
        problems = check_form_values(form, values, known_extra=frozenset({"vitals"}))
        if isinstance(values, Mapping):
            problems += check_vitals(values.get("vitals"))[0]
        if problems:
            return problems, None
        return [], _visit_result(form, values).to_dict()
    return [
        FieldProblem(
            "form",
            f"unknown form {form_id!r}; use welfare_check, visit or an instrument id "
            f"({', '.join(sorted(instruments))})",
            "알 수 없는 양식입니다.",
        )
    ], None


# --------------------------------------------------------------------------- events


def _envelope_problems(event: Mapping[str, Any]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def need_str(key: str, ko: str) -> str | None:
        value = event.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                FieldProblem(
                    key,
                    f"{key} is required (a non-empty string)",
                    f"{hangul.with_particle(ko, '이/가')} 없습니다.",
                )
            )
            return None
        return value

    eid = need_str("id", "기록 ID")
    if eid is not None:
        try:
            uuid.UUID(eid)
        except ValueError:
            problems.append(
                FieldProblem(
                    "id", f"id {eid!r} is not a UUID; make one with uuid4()", "기록 ID 형식 오류"
                )
            )
    etype = event.get("type")
    if not isinstance(etype, str) or etype not in _EVENT_TYPES:
        problems.append(
            FieldProblem(
                "type",
                f"unknown event type {etype!r}; use one of {', '.join(t.value for t in EventType)}",
                "알 수 없는 기록 종류입니다.",
            )
        )
    need_str("household_id", "가구 ID")
    need_str("created_by", "작성자")
    need_str("device_id", "기기 ID")
    programme = event.get("programme")
    if programme is not None and (not isinstance(programme, str) or programme not in _PROGRAMMES):
        problems.append(
            FieldProblem(
                "programme",
                f"unknown programme {programme!r}; use one of {', '.join(p.value for p in Programme)}",
                "알 수 없는 사업입니다.",
            )
        )
    if (time_problem := device_time_problem(event.get("device_time"))) is not None:
        problems.append(time_problem)
    amends = event.get("amends")
    if amends is not None and (not isinstance(amends, str) or not amends.strip()):
        problems.append(
            FieldProblem("amends", "amends must name an event id", "수정 대상 ID 형식 오류")
        )
    elif amends is not None and amends == eid:
        problems.append(
            FieldProblem(
                "amends", "an event cannot amend itself", "자기 자신을 수정할 수 없습니다."
            )
        )
    if etype == EventType.void.value and amends is None:
        problems.append(
            FieldProblem(
                "amends",
                "a void must name the event it cancels in amends",
                "취소할 기록을 지정하십시오.",
            )
        )
    return problems


def _time_problem(value: Any, field: str = "device_time") -> FieldProblem:
    return FieldProblem(
        field,
        f"{field} {value!r} must be ISO 8601 with an offset, e.g. 2026-05-01T09:30:00+09:00",
        "기기 시간은 시간대가 포함된 ISO 8601 형식이어야 합니다.",
    )


def _prefixed(problems: list[FieldProblem], prefix: str) -> list[FieldProblem]:
    return [FieldProblem(f"{prefix}{p.field}", p.message, p.message_ko) for p in problems]


def _screening(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    instruments = load_instruments()
    iid = payload.get("instrument_id")
    if not isinstance(iid, str) or iid not in instruments:
        problems.append(
            FieldProblem(
                "payload.instrument_id",
                f"unknown instrument {iid!r}; use one of {', '.join(sorted(instruments))}",
                "알 수 없는 검사 도구입니다.",
            )
        )
        return
    inst = instruments[iid]
    version = payload.get("instrument_version")
    if version != inst.version:
        problems.append(
            FieldProblem(
                "payload.instrument_version",
                f"instrument_version {version!r} does not match {iid} version {inst.version!r} "
                "known to this app",
                "검사 도구 판이 이 앱의 판과 다릅니다.",
            )
        )
    extra = set(payload) - {
        "instrument_id",
        "instrument_version",
        "answers",
        "total",
        "context",
        "result",
    }
    problems += [
        FieldProblem(f"payload.{k}", f"unknown screening field {k!r}", "알 수 없는 항목")
        for k in sorted(extra)
    ]
    context = payload.get("context")
    if context is not None and not isinstance(context, dict):
        problems.append(FieldProblem("payload.context", "context must be an object", "형식 오류"))
        return
    try:
        res = score(inst, payload.get("answers"), total=payload.get("total"), context=context)
    except ValidationError as err:
        problems += _prefixed(err.problems, "payload.")
        return
    payload["total"] = res.total
    payload.setdefault("answers", None)
    payload.setdefault("context", {})
    payload["result"] = res.to_dict()


def _visit(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    form = load_form("visit")
    payload.update(apply_defaults(form, payload))
    values = {k: v for k, v in payload.items() if k != "result"}
    found = check_form_values(form, values, "payload.", frozenset({"vitals"}))
    # The vitals are checked once: their problems here, their result below.
    vitals, vitals_found = assess_vitals(values.get("vitals"))
    found += _prefixed(vitals_found, "payload.")
    if found:
        problems += found
        return
    payload["result"] = _visit_result(form, values, vitals).to_dict()


def _welfare(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    form = load_form("welfare_check")
    payload.update(apply_defaults(form, payload))
    values = {k: v for k, v in payload.items() if k != "result"}
    found = check_form_values(form, values, "payload.")
    if found:
        problems += found
        return
    payload["result"] = _welfare_result(form, values).to_dict()


def _referral(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    extra = set(payload) - {"target", "reason", "urgency", "status", "closes"}
    problems += [
        FieldProblem(f"payload.{k}", f"unknown referral field {k!r}", "알 수 없는 항목")
        for k in sorted(extra)
    ]
    problems += _text_problems("payload.target", payload.get("target"), 200, True)
    problems += _text_problems("payload.reason", payload.get("reason"), MAX_TEXT, True)
    if not isinstance(payload.get("urgency"), str) or payload["urgency"] not in URGENCY_RANK:
        problems.append(
            FieldProblem(
                "payload.urgency",
                "urgency must be immediate, urgent or routine",
                "긴급도는 immediate, urgent, routine 중 하나입니다.",
            )
        )
    status = payload.get("status", "open")
    if not isinstance(status, str) or status not in REFERRAL_STATUSES:
        problems.append(
            FieldProblem(
                "payload.status", "status must be open or done", "상태는 open 또는 done입니다."
            )
        )
    payload["status"] = status
    closes = payload.get("closes")
    if closes is not None and (not isinstance(closes, str) or not closes.strip()):
        problems.append(
            FieldProblem("payload.closes", "closes must name a referral or event id", "형식 오류")
        )
    payload.setdefault("closes", None)


def _note(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    extra = set(payload) - {"text"}
    problems += [
        FieldProblem(f"payload.{k}", f"unknown note field {k!r}", "알 수 없는 항목")
        for k in sorted(extra)
    ]
    problems += _text_problems("payload.text", payload.get("text"), MAX_TEXT, True)


def _access_log(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    extra = set(payload) - {"action", "reason"}
    problems += [
        FieldProblem(f"payload.{k}", f"unknown access-log field {k!r}", "알 수 없는 항목")
        for k in sorted(extra)
    ]
    action = payload.get("action")
    if not isinstance(action, str) or action not in ACCESS_ACTIONS:
        problems.append(
            FieldProblem(
                "payload.action",
                f"action must be one of {', '.join(ACCESS_ACTIONS)}",
                "열람 기록 종류가 올바르지 않습니다.",
            )
        )
    # A print or export needs a checked reason (고시 제8조 ②).
    needs_reason = action in ("print", "export")
    problems += _text_problems("payload.reason", payload.get("reason"), 500, needs_reason)


def _void(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    extra = set(payload) - {"reason"}
    problems += [
        FieldProblem(f"payload.{k}", f"unknown void field {k!r}", "알 수 없는 항목")
        for k in sorted(extra)
    ]
    problems += _text_problems("payload.reason", payload.get("reason"), 1000, True)


def _signal_ack(payload: dict[str, Any], problems: list[FieldProblem]) -> None:
    problems += ack_problems(payload)


_PAYLOAD_CHECKS = {
    EventType.screening.value: _screening,
    EventType.visit.value: _visit,
    EventType.welfare_check.value: _welfare,
    EventType.referral.value: _referral,
    EventType.note.value: _note,
    EventType.access_log.value: _access_log,
    EventType.void.value: _void,
    EventType.signal_ack.value: _signal_ack,
}


def validate_event(
    event: Mapping[str, Any], *, role: str | None = None, copy: bool = True
) -> dict[str, Any]:
    """Check one event (envelope and payload) and return a normalised copy.

    Every string in it (values and keys, at any depth) must be well-formed text
    (:func:`find_bad_text`) and ``device_time`` an instant a datetime can hold in UTC
    (:func:`device_time_problem`). With *role* (the writer's), the record must also be one
    that role may write (:func:`programme_problem`).

    The payload may be a dict or a JSON string (as stored in the ``events`` table); the
    copy always holds a dict. For screening, visit and welfare-check events the copy's
    ``payload["result"]`` is recomputed here, overwriting anything sent. Events marked
    ``redacted`` (clinical details withheld from this user) get envelope checks only.
    Raises ValidationError listing every bad field.

    The payload is deep-copied through JSON (the caller's dict is untouched, and a value
    that is not plain JSON is refused). With *copy* False the caller hands over a payload
    it owns that is plain JSON already (just decoded, e.g. a pydantic model's JSON-mode
    dump): it is checked and changed in place (results recomputed), not copied.
    """
    if not isinstance(event, Mapping):
        raise ValidationError(
            [FieldProblem("event", "an event must be a JSON object", "형식 오류")]
        )
    problems = _envelope_problems(event)
    etype, programme = event.get("type"), event.get("programme")
    scope_problem = (
        programme_problem(role, etype, programme)
        if role is not None and isinstance(etype, str) and isinstance(programme, str | None)
        else None
    )
    if scope_problem is not None:
        problems.append(scope_problem)
    out = dict(event)
    payload = out.get("payload")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError:
            payload = None
    if not isinstance(payload, dict):
        problems.append(FieldProblem("payload", "payload must be a JSON object", "내용 형식 오류"))
        raise ValidationError(problems)
    try:  # a deep copy; the caller's dict is untouched
        if copy:
            payload = json.loads(json.dumps(payload))
    except (TypeError, ValueError) as exc:
        problems.append(
            FieldProblem("payload", f"payload is not plain JSON ({exc})", "내용 형식 오류")
        )
        raise ValidationError(problems) from None
    bad_text = text_problems({**out, "payload": payload})
    if bad_text:  # a broken string cannot be stored, shown or sent: nothing more to check
        raise ValidationError(problems + bad_text)
    out["payload"] = payload
    check = _PAYLOAD_CHECKS.get(out["type"]) if isinstance(out.get("type"), str) else None
    if check is not None and not out.get("redacted"):
        check(payload, problems)
    if problems:
        raise ValidationError(problems)
    return out
