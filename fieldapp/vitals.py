"""Vital signs: check a visit's measurements and turn them into flags and actions.

Ranges, cut-offs, BMI bands and rules are data in ``assets/instruments/vitals.json``; the
result has the same shape as an instrument's (:class:`fieldapp.scoring.ScoreResult`).

Input shape::

    {"bp": [{"systolic": 128, "diastolic": 82}, {...}], "pulse": 72,
     "glucose": {"value": 105, "timing": "fasting" | "post_meal" | "random"},
     "height_cm": 160.5, "weight_kg": 58.2, "waist_cm": 81, "sex": "F"}

Every part is optional (a visit may measure only BP); nothing measured gives no flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from fieldapp import hangul
from fieldapp.errors import AssetError, FieldProblem, ValidationError
from fieldapp.instruments import Rule, is_number, parse_rules, read_json
from fieldapp.resources import asset_path
from fieldapp.scoring import BandResult, ScoreResult, apply_rules

VITALS_KEYS = ("bp", "pulse", "glucose", "height_cm", "weight_kg", "waist_cm", "sex")


@dataclass(frozen=True)
class InputRange:
    min: float
    max: float
    unit: str
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class BmiBand:
    id: str
    low: float | None  # inclusive
    below: float | None  # exclusive
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class VitalsPanel:
    id: str
    version: str
    inputs: Mapping[str, InputRange]
    bp_min_readings: int
    bp_max_readings: int
    glucose_timings: tuple[str, ...]
    sexes: tuple[str, ...]
    metrics: tuple[str, ...]
    bmi_bands: tuple[BmiBand, ...]
    rules: tuple[Rule, ...]

    def bmi_band(self, bmi: float) -> BmiBand:
        for b in self.bmi_bands:
            if (b.low is None or bmi >= b.low) and (b.below is None or bmi < b.below):
                return b
        raise AssertionError("BMI bands cover every value (checked at load)")


def parse_panel(path: Path) -> VitalsPanel:
    """Load and check the vitals panel file; AssetError names the file and the fault."""
    data = read_json(path)

    def fault(msg: str) -> AssetError:
        return AssetError(f"{path.name}: {msg}")

    if not isinstance(data, dict) or data.get("kind") != "panel":
        raise fault("not a panel file (kind must be 'panel')")
    try:
        inputs = {
            key: InputRange(
                float(v["min"]), float(v["max"]), v["unit"], v["label_ko"], v["label_en"]
            )
            for key, v in data["inputs"].items()
        }
        bp = data["bp_readings"]
        timings = tuple(t["value"] for t in data["glucose_timings"])
        sexes = tuple(s["value"] for s in data["sexes"])
        metrics = tuple(data["metrics"])
        bands = tuple(
            BmiBand(b["id"], b["from"], b["below"], b["label_ko"], b["label_en"])
            for b in data["bmi_bands"]["bands"]
        )
        version = data["version"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise fault(f"missing or malformed entry ({exc!r})") from None
    for key in ("systolic", "diastolic", "pulse", "glucose", "height_cm", "weight_kg", "waist_cm"):
        if key not in inputs:
            raise fault(f"inputs: missing range for {key!r}")
        if inputs[key].min >= inputs[key].max:
            raise fault(f"inputs: range for {key!r} runs backwards")
    if not bands or bands[0].low is not None or bands[-1].below is not None:
        raise fault("bmi_bands must start open (from: null) and end open (below: null)")
    for a, b in pairwise(bands):
        if a.below is None or a.below != b.low:
            raise fault(f"bmi_bands: gap or overlap between {a.id!r} and {b.id!r}")

    def check_leaf(leaf: Mapping[str, Any]) -> str | None:
        if "metric" not in leaf:
            return "vitals rules may use metric conditions only"
        if leaf["metric"] not in metrics:
            return f"names unknown metric {leaf['metric']!r}"
        return None

    rules = parse_rules(data.get("rules", []), path, check_leaf)
    return VitalsPanel(
        id=data.get("id", "vitals"),
        version=version,
        inputs=inputs,
        bp_min_readings=int(bp["min"]),
        bp_max_readings=int(bp["max"]),
        glucose_timings=timings,
        sexes=sexes,
        metrics=metrics,
        bmi_bands=bands,
        rules=rules,
    )


@cache
def load_panel() -> VitalsPanel:
    """The shipped vitals panel, validated once (cached)."""
    return parse_panel(asset_path("instruments", "vitals.json"))


def _number(
    panel: VitalsPanel,
    key: str,
    value: Any,
    where: str,
    problems: list[FieldProblem],
    reading: tuple[str, str] = ("", ""),
) -> float | None:
    rng = panel.inputs[key]
    if value is None:
        return None
    if not is_number(value) or not rng.min <= value <= rng.max:
        lo, hi = _fmt(rng.min), _fmt(rng.max)
        en, ko = reading
        problems.append(
            FieldProblem(
                where,
                f"{en}{rng.label_en} must be a number from {lo} to {hi} {rng.unit}, got {value!r}",
                hangul.enter_between(f"{ko}{rng.label_ko}", rng.min, rng.max, rng.unit),
            )
        )
        return None
    return float(value)


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def check_vitals(
    vitals: Any, prefix: str = "vitals", panel: VitalsPanel | None = None
) -> tuple[list[FieldProblem], dict[str, Any]]:
    """Return (problems, metrics) for a vitals dict; metrics feed the panel's rules."""
    panel = panel or load_panel()
    problems: list[FieldProblem] = []
    metrics: dict[str, Any] = {}
    if vitals is None:
        return problems, metrics
    if not isinstance(vitals, Mapping):
        return [
            FieldProblem(prefix, "vitals must be an object", "활력징후 형식이 잘못되었습니다.")
        ], {}
    for key in vitals:
        if key not in VITALS_KEYS:
            problems.append(
                FieldProblem(
                    f"{prefix}.{key}",
                    f"unknown vitals entry {key!r} (known: {', '.join(VITALS_KEYS)})",
                    f"알 수 없는 활력징후 항목입니다: {key}",
                )
            )

    readings = vitals.get("bp")
    if readings is not None:
        if not isinstance(readings, list) or not (
            panel.bp_min_readings <= len(readings) <= panel.bp_max_readings
        ):
            problems.append(
                FieldProblem(
                    f"{prefix}.bp",
                    f"give {panel.bp_min_readings}-{panel.bp_max_readings} blood-pressure "
                    "readings (two, 1-2 minutes apart, is the protocol)",
                    f"혈압은 {panel.bp_min_readings}-{panel.bp_max_readings}회 측정값을 입력하십시오 "
                    "(1-2분 간격 2회 권장).",
                )
            )
        else:
            sys_vals: list[float] = []
            dia_vals: list[float] = []
            for i, r in enumerate(readings):
                where = f"{prefix}.bp[{i}]"
                # Each message names its reading once: "혈압 2회차: ..."; a single value is
                # named as the form labels it ("2회차 수축기 혈압").
                name = (f"BP reading {i + 1}: ", f"혈압 {i + 1}회차: ")
                value_name = (f"BP reading {i + 1}: ", f"{i + 1}회차 ")
                if not isinstance(r, Mapping):
                    problems.append(
                        FieldProblem(where, "a reading is {systolic, diastolic}", "혈압 형식 오류")
                    )
                    continue
                for part in ("systolic", "diastolic"):
                    if r.get(part) is None:
                        rng = panel.inputs[part]
                        problems.append(
                            FieldProblem(
                                f"{where}.{part}",
                                f"{name[0]}{rng.label_en} is missing",
                                hangul.enter(f"{value_name[1]}{rng.label_ko}"),
                            )
                        )
                s = _number(
                    panel, "systolic", r.get("systolic"), f"{where}.systolic", problems, value_name
                )
                d = _number(
                    panel,
                    "diastolic",
                    r.get("diastolic"),
                    f"{where}.diastolic",
                    problems,
                    value_name,
                )
                if s is not None and d is not None:
                    if d >= s:
                        problems.append(
                            FieldProblem(
                                where,
                                f"{name[0]}diastolic ({_fmt(d)}) must be below systolic "
                                f"({_fmt(s)}); were the two swapped?",
                                f"{name[1]}이완기 혈압({_fmt(d)})이 수축기 혈압({_fmt(s)})보다 "
                                "높거나 같습니다. 두 값이 바뀌지 않았는지 확인하십시오.",
                            )
                        )
                    else:
                        sys_vals.append(s)
                        dia_vals.append(d)
            if sys_vals:  # the valid readings (all of them on a record that passes)
                metrics["systolic_mean"] = round(sum(sys_vals) / len(sys_vals), 1)
                metrics["diastolic_mean"] = round(sum(dia_vals) / len(dia_vals), 1)
                metrics["bp_readings"] = len(sys_vals)

    pulse = _number(panel, "pulse", vitals.get("pulse"), f"{prefix}.pulse", problems)
    if pulse is not None:
        metrics["pulse"] = pulse

    glucose = vitals.get("glucose")
    if glucose is not None:
        if not isinstance(glucose, Mapping):
            problems.append(
                FieldProblem(
                    f"{prefix}.glucose",
                    "glucose is {value, timing}",
                    "혈당은 값과 측정 시점을 함께 입력합니다.",
                )
            )
        else:
            g = _number(panel, "glucose", glucose.get("value"), f"{prefix}.glucose.value", problems)
            timing = glucose.get("timing")
            if glucose.get("value") is None:
                problems.append(
                    FieldProblem(
                        f"{prefix}.glucose.value",
                        "glucose value is missing",
                        "혈당 값을 입력하십시오.",
                    )
                )
            if timing not in panel.glucose_timings:
                problems.append(
                    FieldProblem(
                        f"{prefix}.glucose.timing",
                        f"say when glucose was measured: one of {', '.join(panel.glucose_timings)}",
                        "혈당 측정 시점(공복, 식후, 무작위)을 선택하십시오.",
                    )
                )
            elif g is not None:
                metrics["glucose"] = g
                metrics["glucose_timing"] = timing

    height = _number(panel, "height_cm", vitals.get("height_cm"), f"{prefix}.height_cm", problems)
    weight = _number(panel, "weight_kg", vitals.get("weight_kg"), f"{prefix}.weight_kg", problems)
    waist = _number(panel, "waist_cm", vitals.get("waist_cm"), f"{prefix}.waist_cm", problems)
    if height is not None:
        metrics["height_cm"] = height
    if weight is not None:
        metrics["weight_kg"] = weight
    if height is not None and weight is not None:
        metrics["bmi"] = round(weight / (height / 100) ** 2, 1)
    if waist is not None:
        metrics["waist_cm"] = waist
    sex = vitals.get("sex")
    if sex is not None:
        if sex not in panel.sexes:
            problems.append(
                FieldProblem(
                    f"{prefix}.sex",
                    f"sex must be one of {', '.join(panel.sexes)}",
                    "성별 값이 올바르지 않습니다.",
                )
            )
        else:
            metrics["sex"] = sex
    return problems, metrics


def evaluate_vitals(vitals: Any, *, panel: VitalsPanel | None = None) -> ScoreResult:
    """Check *vitals* and return flags and actions; raises ValidationError listing every fault.

    ``band`` is the Korean BMI band when height and weight are given; ``details["metrics"]``
    holds the derived values (mean BP, BMI, ...).
    """
    result, problems = assess_vitals(vitals, panel=panel)
    if problems:
        raise ValidationError(problems)
    return result


def assess_vitals(
    vitals: Any, *, panel: VitalsPanel | None = None
) -> tuple[ScoreResult, list[FieldProblem]]:
    """Flags and actions from every valid measurement, with the problems of the others.

    A form being filled in shows both: a glucose of 65 raises its alert even while a BP
    reading elsewhere is still wrong (:func:`evaluate_vitals` refuses the whole record).
    """
    panel = panel or load_panel()
    problems, metrics = check_vitals(vitals, panel=panel)
    band = None
    if "bmi" in metrics:
        b = panel.bmi_band(metrics["bmi"])
        band = BandResult(b.id, b.label_ko, b.label_en)
    flags, actions = apply_rules(panel.rules, {"metric": metrics})
    result = ScoreResult(
        total=None,
        band=band,
        flags=flags,
        actions=actions,
        details={"metrics": metrics, "panel_version": panel.version},
    )
    return result, problems
