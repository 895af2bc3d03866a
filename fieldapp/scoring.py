"""The scoring engine: answers (or an entered total) -> total, band, flags, required actions.

Works from the instrument data alone (see :mod:`fieldapp.instruments`); nothing about a
particular instrument is written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldapp import hangul
from fieldapp.errors import FieldProblem, ValidationError
from fieldapp.instruments import (
    URGENCY_RANK,
    Action,
    Instrument,
    Rule,
    is_int,
)

#: Context values an instrument may use, with their allowed ranges.
CONTEXT_RANGES: dict[str, tuple[int, int]] = {"age": (0, 130), "education_years": (0, 30)}
CONTEXT_SEXES = ("M", "F", "X")

__all__ = ["Action", "BandResult", "ScoreResult", "apply_rules", "check_context", "score"]


@dataclass(frozen=True)
class BandResult:
    id: str
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class ScoreResult:
    """What a completed instrument, panel or form means; ``to_dict()`` is the stored shape."""

    total: int | None
    band: BandResult | None
    flags: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def urgency(self) -> str | None:
        """The most pressing action's urgency, or None when nothing is required."""
        return self.actions[0].urgency if self.actions else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "total": self.total,
            "band": self.band.id if self.band else None,
            "band_label_ko": self.band.label_ko if self.band else None,
            "band_label_en": self.band.label_en if self.band else None,
            "flags": list(self.flags),
            "actions": [a.to_dict() for a in self.actions],
        }
        out.update(self.details)
        return out


def apply_rules(rules: Iterable[Rule], facts: Mapping[str, Any]) -> tuple[list[str], list[Action]]:
    """Fire every rule whose condition holds: flags in rule order, actions by urgency.

    The same action id raised by two rules appears once, at its most pressing urgency.
    """
    return rules_outcome([rule for rule in rules if rule.holds(facts)])


def rules_outcome(fired: Iterable[Rule]) -> tuple[list[str], list[Action]]:
    """Flags and actions of rules already known to fire (see :func:`apply_rules`)."""
    flags: list[str] = []
    actions: dict[str, Action] = {}
    for rule in fired:
        for f in rule.flags:
            if f not in flags:
                flags.append(f)
        if rule.action is not None:
            prev = actions.get(rule.action.id)
            if prev is None or URGENCY_RANK[rule.action.urgency] < URGENCY_RANK[prev.urgency]:
                actions[rule.action.id] = rule.action
    ordered = sorted(actions.values(), key=lambda a: URGENCY_RANK[a.urgency])
    return flags, ordered


def check_context(
    context: Mapping[str, Any] | None, required: Iterable[str], prefix: str = "context"
) -> list[FieldProblem]:
    """Problems with a screening context (age, education_years, sex)."""
    problems: list[FieldProblem] = []
    context = context or {}
    if not isinstance(context, Mapping):
        return [
            FieldProblem(prefix, "context must be an object", "상황 정보 형식이 잘못되었습니다.")
        ]
    for key in required:
        if context.get(key) is None:
            problems.append(
                FieldProblem(
                    f"{prefix}.{key}",
                    f"{key} is needed to interpret this instrument; enter it",
                    hangul.enter(_CONTEXT_KO.get(key, key)),
                )
            )
    for key, (lo, hi) in CONTEXT_RANGES.items():
        value = context.get(key)
        if value is not None and (not is_int(value) or not lo <= value <= hi):
            problems.append(
                FieldProblem(
                    f"{prefix}.{key}",
                    f"{key} must be a whole number from {lo} to {hi}, got {value!r}",
                    hangul.enter_between(
                        _CONTEXT_KO.get(key, key), lo, hi, CONTEXT_UNITS_KO.get(key, "")
                    ),
                )
            )
    sex = context.get("sex")
    if sex is not None and sex not in CONTEXT_SEXES:
        problems.append(
            FieldProblem(f"{prefix}.sex", "sex must be M, F or X", "성별은 M, F, X 중 하나입니다.")
        )
    return problems


_CONTEXT_KO = {"age": "나이", "education_years": "교육 연수", "sex": "성별"}
#: The context's names and units as the screening form shows them (ui/forms/spec.py).
CONTEXT_LABELS_KO = _CONTEXT_KO
CONTEXT_UNITS_KO = {"age": "세", "education_years": "년"}


def _score_items(
    instrument: Instrument, answers: Any, problems: list[FieldProblem]
) -> tuple[int | None, dict[str, Any]]:
    if not isinstance(answers, Mapping):
        problems.append(
            FieldProblem(
                "answers",
                "answers must be an object of item id -> answer",
                "응답 형식이 잘못되었습니다.",
            )
        )
        return None, {}
    items = instrument.items or ()
    known = {it.id for it in items}
    for key in answers:
        if key not in known:
            problems.append(
                FieldProblem(
                    f"answers.{key}",
                    f"{instrument.id} has no item {key!r} (items: {', '.join(sorted(known))})",
                    f"{instrument.name_ko}에 {key} 문항이 없습니다.",
                )
            )
    total = 0
    values: dict[str, Any] = {}
    missing: list[str] = []
    for it in items:
        if answers.get(it.id) is None:
            missing.append(it.id)
            continue
        value = answers[it.id]
        points = it.points_for(value)
        if points is None:
            if it.kind == "count":
                allowed = f"a whole number from {it.min} to {it.max}"
                allowed_ko = f"{it.min}-{it.max} 사이의 정수"
            else:
                allowed = "one of " + ", ".join(repr(o.value) for o in it.options)
                allowed_ko = ", ".join(o.label_ko for o in it.options) + " 중 하나"
            problems.append(
                FieldProblem(
                    f"answers.{it.id}",
                    f"answer {value!r} for item {it.id} is not valid; use {allowed}",
                    f"{it.id} 문항의 응답이 올바르지 않습니다: {allowed_ko}",
                )
            )
            continue
        total += points
        values[it.id] = value
    if missing:
        problems.extend(
            FieldProblem(
                f"answers.{iid}",
                f"item {iid} is not answered; answer every item "
                f"({len(missing)} of {len(items)} missing)",
                f"{iid} 문항에 응답하지 않았습니다 ({len(missing)}개 문항 미응답).",
            )
            for iid in missing
        )
    return total, values


def score(
    instrument: Instrument,
    answers: Mapping[str, Any] | None,
    *,
    total: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> ScoreResult:
    """Score one administration of *instrument*.

    Item-based instruments take *answers* (every item); score-entry instruments take *total*.
    Raises :class:`ValidationError` listing every bad or missing field.
    """
    problems: list[FieldProblem] = check_context(context, instrument.context_required)
    item_values: dict[str, Any] = {}
    if instrument.score_entry:
        if answers:
            problems.append(
                FieldProblem(
                    "answers",
                    f"{instrument.id} records the total only; leave answers empty",
                    f"{hangul.with_particle(instrument.name_ko, '은/는')} 총점만 기록합니다.",
                )
            )
        if total is None:
            problems.append(
                FieldProblem(
                    "total",
                    f"enter the total score ({instrument.total_min}-{instrument.total_max})",
                    f"총점을 입력하십시오 ({instrument.total_min}-{instrument.total_max}).",
                )
            )
        elif not is_int(total) or not instrument.total_min <= total <= instrument.total_max:
            problems.append(
                FieldProblem(
                    "total",
                    f"total must be a whole number from {instrument.total_min} to "
                    f"{instrument.total_max}, got {total!r}",
                    hangul.enter_between("총점", instrument.total_min, instrument.total_max),
                )
            )
        computed = total
    else:
        computed, item_values = _score_items(instrument, answers, problems)
        if total is not None and not problems and total != computed:
            problems.append(
                FieldProblem(
                    "total",
                    f"the entered total {total!r} does not match the answers ({computed}); "
                    "leave the total empty for item-based instruments",
                    f"입력한 총점({total})이 응답의 합계({computed})와 다릅니다.",
                )
            )
    if problems:
        raise ValidationError(problems)
    assert computed is not None  # guaranteed by the checks above
    ctx = dict(context or {})

    details: dict[str, Any] = {}
    if instrument.band_by == "norms":
        norms = instrument.norms
        assert norms is not None  # checked at load
        cutoff = norms.cutoff(ctx["age"], ctx["education_years"])
        if cutoff is None:
            raise ValidationError(
                [
                    FieldProblem(
                        "context",
                        f"the norms table {norms.id} has no cut-off for age {ctx['age']} and "
                        f"{ctx['education_years']} years of education; check the age and "
                        "education or install a table that covers them",
                        "규준표에 해당 나이·교육 연수의 기준점이 없습니다.",
                    )
                ]
            )
        band = instrument.band("normal" if computed >= cutoff else "below_cutoff")
        details = {"cutoff": cutoff, "norms_id": norms.id, "norms_version": norms.version}
        if norms.sample:
            details["norms_notice_ko"] = norms.notice_ko
            details["norms_notice_en"] = norms.notice_en
    else:
        found = instrument.band_for_total(computed)
        assert found is not None  # bands cover the range (checked at load)
        band = found
    facts = {"total": computed, "band": band.id, "item": item_values, "context": ctx}
    flags, actions = apply_rules(instrument.rules, facts)
    if instrument.norms is not None and instrument.norms.sample:
        flags.append("norms_sample")
    return ScoreResult(
        total=computed,
        band=BandResult(band.id, band.label_ko, band.label_en),
        flags=flags,
        actions=actions,
        details=details,
    )
