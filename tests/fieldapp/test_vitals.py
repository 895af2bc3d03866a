"""Vitals: ranges with clear messages, Korean BMI bands, and the clinical flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldapp.errors import AssetError, ValidationError
from fieldapp.resources import asset_path
from fieldapp.vitals import evaluate_vitals, load_panel, parse_panel


def bp(*pairs: tuple[int, int]) -> list[dict[str, int]]:
    return [{"systolic": s, "diastolic": d} for s, d in pairs]


def flags(vitals: dict[str, Any]) -> list[str]:
    return evaluate_vitals(vitals).flags


def test_two_readings_are_averaged() -> None:
    result = evaluate_vitals({"bp": bp((138, 88), (144, 92))})
    assert result.details["metrics"]["systolic_mean"] == 141
    assert result.details["metrics"]["diastolic_mean"] == 90
    assert result.flags == ["bp_high"]
    assert result.actions[0].urgency == "routine"


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        (((139, 89), (139, 89)), []),
        (((140, 80), (140, 80)), ["bp_high"]),
        (((130, 90), (130, 90)), ["bp_high"]),
        (((179, 100), (180, 100)), ["bp_high"]),  # mean 179.5: not yet a crisis
        (((180, 100), (180, 100)), ["bp_crisis"]),
        (((150, 110), (150, 110)), ["bp_crisis"]),
    ],
)
def test_bp_cut_offs(readings: tuple[tuple[int, int], ...], expected: list[str]) -> None:
    assert flags({"bp": bp(*readings)}) == expected


def test_bp_crisis_is_immediate() -> None:
    result = evaluate_vitals({"bp": bp((190, 115), (186, 112))})
    assert [a.urgency for a in result.actions] == ["immediate"]
    assert "119" in result.actions[0].text_ko


def test_one_reading_is_accepted_but_flagged() -> None:
    assert flags({"bp": bp((120, 80))}) == ["bp_single_reading"]


@pytest.mark.parametrize(
    ("value", "timing", "expected"),
    [
        (125, "fasting", []),
        (126, "fasting", ["glucose_high"]),
        (199, "random", []),
        (200, "random", ["glucose_high"]),
        (150, "post_meal", []),
        (70, "fasting", []),
        (69, "random", ["hypoglycaemia"]),
    ],
)
def test_glucose_cut_offs(value: int, timing: str, expected: list[str]) -> None:
    assert flags({"glucose": {"value": value, "timing": timing}}) == expected


def test_hypoglycaemia_is_immediate() -> None:
    result = evaluate_vitals({"glucose": {"value": 55, "timing": "post_meal"}})
    assert result.actions[0].urgency == "immediate"


@pytest.mark.parametrize(
    ("height", "weight", "band"),
    [
        # banded on the one-decimal BMI shown to the nurse, as the published table reads
        (170, 53.3, "underweight"),  # 18.44 -> 18.4
        (170, 53.4, "normal"),  # 18.48 -> 18.5
        (170, 66.2, "normal"),  # 22.9
        (170, 66.5, "pre_obese"),  # 23.0
        (170, 72.2, "obese_1"),  # 24.98 -> rounds to 25.0
        (170, 86.7, "obese_2"),  # 30.0
        (170, 101.2, "obese_3"),  # 35.0
    ],
)
def test_korean_bmi_bands(height: float, weight: float, band: str) -> None:
    result = evaluate_vitals({"height_cm": height, "weight_kg": weight})
    assert result.band is not None and result.band.id == band


@pytest.mark.parametrize(
    ("sex", "waist", "flagged"),
    [("M", 89.9, False), ("M", 90, True), ("F", 84.9, False), ("F", 85, True), ("X", 100, False)],
)
def test_abdominal_obesity(sex: str, waist: float, flagged: bool) -> None:
    assert ("abdominal_obesity" in flags({"sex": sex, "waist_cm": waist})) is flagged


def test_nothing_measured_gives_nothing() -> None:
    result = evaluate_vitals({})
    assert result.flags == [] and result.actions == [] and result.band is None


def test_every_bad_value_is_reported_with_its_range() -> None:
    with pytest.raises(ValidationError) as info:
        evaluate_vitals(
            {
                "bp": [{"systolic": 300, "diastolic": 80}, {"systolic": 120}],
                "pulse": 0,
                "glucose": {"value": 100, "timing": "lunch"},
                "height_cm": "tall",
                "waist_cm": 30,
                "sex": "Q",
                "temperature": 36.5,
            }
        )
    found = {p.field: p.message for p in info.value.problems}
    assert "60 to 260 mmHg" in found["vitals.bp[0].systolic"]
    assert "missing" in found["vitals.bp[1].diastolic"]
    assert {
        "vitals.pulse",
        "vitals.glucose.timing",
        "vitals.height_cm",
        "vitals.waist_cm",
        "vitals.sex",
        "vitals.temperature",
    } <= set(found)
    assert all(p.message_ko for p in info.value.problems)


def test_swapped_bp_is_caught() -> None:
    with pytest.raises(ValidationError, match="swapped"):
        evaluate_vitals({"bp": bp((80, 120), (82, 121))})


def test_too_many_readings() -> None:
    with pytest.raises(ValidationError, match="readings"):
        evaluate_vitals({"bp": bp(*[(120, 80)] * 4)})


def test_panel_loads_with_ranges() -> None:
    panel = load_panel()
    assert (panel.inputs["systolic"].min, panel.inputs["systolic"].max) == (60, 260)


def test_broken_panel_names_the_file(tmp_path: Path) -> None:
    data = json.loads(asset_path("instruments", "vitals.json").read_text(encoding="utf-8"))
    data["bmi_bands"]["bands"][2]["from"] = 23.5
    path = tmp_path / "vitals.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match=r"vitals\.json: bmi_bands: gap or overlap"):
        parse_panel(path)
    data = json.loads(asset_path("instruments", "vitals.json").read_text(encoding="utf-8"))
    data["rules"][0]["when"] = {"metric": "temperature", "op": ">", "value": 38}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match="unknown metric 'temperature'"):
        parse_panel(path)
