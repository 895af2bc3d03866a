"""Live meaning of a form while it is filled in: score, band, flags and required actions.

Uses the domain's engines (``fieldapp.scoring``, ``fieldapp.vitals`` and the rules of the
form files); a half-filled form still fires the rules it can (PHQ-9 item 9 raises its
immediate action the moment it is answered, before the other items).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp import scoring, vitals
from fieldapp.errors import FieldProblem, ValidationError
from fieldapp.instruments import URGENCY_RANK, Action, Rule, parse_rules
from fieldapp.resources import asset_path
from ui.forms.spec import FormSpec, nest


@dataclass
class LiveResult:
    """What the form means so far."""

    complete: bool
    total: int | None = None
    band_id: str | None = None
    band_ko: str = ""
    band_en: str = ""
    flags: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # field id -> Korean message
    answered: int = 0
    required: int = 0
    filled: int = 0  # fields with any value
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def immediate(self) -> list[Action]:
        return [a for a in self.actions if a.urgency == "immediate"]


@cache
def form_rules(form_id: str) -> tuple[Rule, ...]:
    """The rules of ``assets/forms/<form_id>.json`` (conditions on its fields)."""
    path: Path = asset_path("forms", f"{form_id}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_rules(data.get("rules", []), path, lambda _leaf: None)


def _merge(actions: list[Action], more: list[Action]) -> list[Action]:
    seen: dict[str, Action] = {a.id: a for a in actions}
    for a in more:
        prev = seen.get(a.id)
        if prev is None or URGENCY_RANK[a.urgency] < URGENCY_RANK[prev.urgency]:
            seen[a.id] = a
    return sorted(seen.values(), key=lambda a: URGENCY_RANK[a.urgency])


def _problems(err: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in err.problems:
        out.setdefault(_field_id(p), p.message_ko or p.message)
    return out


def _field_id(p: FieldProblem) -> str:
    # "vitals.bp[0].systolic" -> "vitals.bp.0.systolic"
    name = p.field.removeprefix("payload.")
    return name.replace("[", ".").replace("]", "")


def evaluate(spec: FormSpec, values: dict[str, Any]) -> LiveResult:
    """The live result of *spec* filled with *values* (never raises for bad input)."""
    required = [
        f for f in spec.fields() if (f.required or f.required_when_shown) and f.id in values
    ]
    answered = [f for f in required if values.get(f.id) not in (None, "", [])]
    payload = nest(values)
    if spec.event_type == "screening" and spec.instrument is not None:
        res = _screening(spec, payload)
    elif spec.event_type == "visit":
        res = _visit(spec, payload, values)
    else:
        res = _form(spec, values)
    res.answered, res.required = len(answered), len(required)
    res.filled = sum(1 for v in values.values() if v not in (None, "", [], False))
    return res


def _screening(spec: FormSpec, payload: dict[str, Any]) -> LiveResult:
    inst = spec.instrument
    assert inst is not None
    answers = payload.get("answers") or {}
    context = payload.get("context") or {}
    try:
        result = scoring.score(
            inst,
            None if inst.score_entry else answers,
            total=payload.get("total") if inst.score_entry else None,
            context=context,
        )
    except ValidationError as err:
        flags, actions = scoring.apply_rules(
            inst.rules, {"item": answers, "context": context, "total": None, "band": None}
        )
        partial = 0
        for item in inst.items or ():
            pts = item.points_for(answers.get(item.id)) if item.id in answers else None
            partial += pts or 0
        return LiveResult(
            complete=False,
            total=partial if answers else None,
            flags=flags,
            actions=actions,
            problems=_problems(err),
        )
    return LiveResult(
        complete=True,
        total=result.total,
        band_id=result.band.id if result.band else None,
        band_ko=result.band.label_ko if result.band else "",
        band_en=result.band.label_en if result.band else "",
        flags=list(result.flags),
        actions=list(result.actions),
    )


def _visit(spec: FormSpec, payload: dict[str, Any], values: dict[str, Any]) -> LiveResult:
    """Alerts from every valid measurement; the invalid ones are named as problems."""
    res = _form(spec, values)
    res.problems.update(_checked(spec.id, payload))
    vres, problems = vitals.assess_vitals(payload.get("vitals") or {})
    res.problems.update(_problems(ValidationError(problems)))
    res.complete = not res.problems
    res.actions = _merge(res.actions, list(vres.actions))
    res.flags += [f for f in vres.flags if f not in res.flags]
    res.metrics = dict(vres.details.get("metrics", {}))
    if vres.band is not None:
        res.band_id, res.band_ko, res.band_en = vres.band.id, vres.band.label_ko, vres.band.label_en
    return res


def editor_for(field_id: str, editors: Iterable[str]) -> str | None:
    """The form field a problem belongs under: *field_id* itself, or for a group (one BP
    reading, ``vitals.bp.1``) its last field (``vitals.bp.1.diastolic``)."""
    found = None
    for fid in editors:
        if fid == field_id:
            return fid
        if fid.startswith(field_id + "."):
            found = fid
    return found


def _checked(form_id: str, payload: dict[str, Any]) -> dict[str, str]:
    """Problems the domain's form check finds (the same check that runs on saving)."""
    from fieldapp.validation import validate_form

    problems, _result = validate_form(form_id, payload)
    out: dict[str, str] = {}
    for p in problems:
        out.setdefault(_field_id(p), p.message_ko or p.message)
    return out


def _form(spec: FormSpec, values: dict[str, Any]) -> LiveResult:
    flags, actions = scoring.apply_rules(form_rules(spec.id), {"field": values})
    problems = {
        f.id: "입력이 필요합니다."
        for f in spec.fields()
        if f.required and f.id in values and values.get(f.id) in (None, "", [])
    }
    if spec.event_type == "welfare_check":
        problems.update(_checked(spec.id, nest(values)))
    return LiveResult(complete=not problems, flags=flags, actions=actions, problems=problems)
