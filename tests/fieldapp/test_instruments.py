"""Instrument files load and validate; broken copies fail with a message naming the file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.errors import AssetError
from fieldapp.instruments import (
    check_condition,
    compile_condition,
    condition_leaves,
    evaluate_condition,
    get_instrument,
    load_instruments,
    load_instruments_from,
    parse_instrument,
    parse_norms,
)
from fieldapp.resources import asset_path

INSTRUMENT_FILES = sorted(asset_path("instruments").glob("*.json"))
EXPECTED = {"sgds_k", "phq9", "k_frail", "cist", "mmse_ds", "sbq_r", "social_isolation"}


def test_every_shipped_instrument_loads() -> None:
    instruments = load_instruments()
    assert set(instruments) == EXPECTED
    for inst in instruments.values():
        assert inst.version and inst.sources and inst.licence_status
        assert inst.rules, f"{inst.id} has no rules"


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: p.name)
def test_each_file_is_valid_json_with_sources(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["sources"], path.name
    if data.get("kind") != "panel":
        assert parse_instrument(path).id == path.stem


def test_phq9_wording_version_and_score_entry_tools() -> None:
    assert get_instrument("phq9").version == "phq9-ko-mohw-1"
    for iid in ("cist", "mmse_ds", "sbq_r", "social_isolation"):
        assert get_instrument(iid).score_entry
    assert get_instrument("cist").norms is not None
    assert get_instrument("cist").norms.sample  # type: ignore[union-attr]


def test_sgds_k_reverse_items_as_published() -> None:
    inst = get_instrument("sgds_k")
    assert inst.reverse_items == ("q1", "q5", "q7", "q11", "q13")
    for item in inst.items or ():
        yes = item.points_for("yes")
        no = item.points_for("no")
        assert (yes, no) == ((0, 1) if item.id in inst.reverse_items else (1, 0))


def test_k_frail_illness_threshold_is_data_with_the_dispute_noted() -> None:
    item = get_instrument("k_frail").item("illness")
    assert item.kind == "count" and item.threshold == 5
    assert "verify" in item.note.lower() or "disput" in item.note.lower()


def test_get_instrument_unknown_names_the_known() -> None:
    with pytest.raises(KeyError, match="phq9"):
        get_instrument("beck")


def test_load_instruments_returns_a_fresh_dict() -> None:
    first = load_instruments()
    first.pop("phq9")
    assert "phq9" in load_instruments()


# ------------------------------------------------------------------ broken copies


@pytest.fixture
def broken(tmp_path: Path) -> Callable[[str, Callable[[dict[str, Any]], None]], Path]:
    """Copy the instruments folder and apply *change* to one file's JSON."""

    def make(name: str, change: Callable[[dict[str, Any]], None]) -> Path:
        folder = tmp_path / "instruments"
        shutil.copytree(asset_path("instruments"), folder)
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return folder

    return make


def _fails(folder: Path, *fragments: str) -> None:
    with pytest.raises(AssetError) as info:
        load_instruments_from(folder)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_gap_in_bands(broken) -> None:
    def gap(d: dict[str, Any]) -> None:
        d["bands"][1]["min"] = 6  # mild now 6-9: nothing covers 5

    _fails(broken("phq9.json", gap), "phq9.json", "gap", "5-5")


def test_overlapping_bands(broken) -> None:
    def overlap(d: dict[str, Any]) -> None:
        d["bands"][1]["min"] = 4

    _fails(broken("phq9.json", overlap), "phq9.json", "overlap")


def test_bands_short_of_the_range(broken) -> None:
    def short(d: dict[str, Any]) -> None:
        d["bands"][-1]["max"] = 12

    _fails(broken("social_isolation.json", short), "social_isolation.json", "end at 12")


def test_bands_starting_outside_the_range(broken) -> None:
    def early(d: dict[str, Any]) -> None:
        d["bands"][0]["min"] = -1

    _fails(broken("social_isolation.json", early), "social_isolation.json", "start at -1")


def test_rule_naming_an_unknown_item(broken) -> None:
    def bad_rule(d: dict[str, Any]) -> None:
        d["rules"][0]["when"] = {"item": "q10", "op": ">=", "value": 1}

    _fails(broken("phq9.json", bad_rule), "phq9.json", "unknown item 'q10'")


def test_rule_naming_an_unknown_band(broken) -> None:
    def bad_band(d: dict[str, Any]) -> None:
        d["rules"][0]["when"] = {"band": "==", "value": "extreme"}

    _fails(broken("social_isolation.json", bad_band), "social_isolation.json", "extreme")


def test_rule_with_unknown_operator(broken) -> None:
    def bad_op(d: dict[str, Any]) -> None:
        d["rules"][0]["when"] = {"total": "=>", "value": 8}

    _fails(broken("sgds_k.json", bad_op), "sgds_k.json", "unknown operator")


def test_option_points_outside_the_total_range(broken) -> None:
    def too_many(d: dict[str, Any]) -> None:
        d["items"][0]["options"][0]["points"] = 5

    _fails(broken("phq9.json", too_many), "phq9.json", "outside the total range")


def test_reverse_item_that_does_not_exist(broken) -> None:
    def bad_reverse(d: dict[str, Any]) -> None:
        d["reverse_items"].append("q16")

    _fails(broken("sgds_k.json", bad_reverse), "sgds_k.json", "q16")


def test_reverse_item_scoring_yes(broken) -> None:
    def flipped(d: dict[str, Any]) -> None:
        d["items"][0]["options"][0]["points"] = 1  # q1 "yes" -> 1, but q1 is reversed
        d["items"][0]["options"][1]["points"] = 0

    _fails(broken("sgds_k.json", flipped), "sgds_k.json", "reverse item 'q1'")


def test_bad_urgency(broken) -> None:
    def urgency(d: dict[str, Any]) -> None:
        d["rules"][0]["action"]["urgency"] = "whenever"

    _fails(broken("phq9.json", urgency), "phq9.json", "whenever")


def test_malformed_json(tmp_path: Path) -> None:
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "phq9.json").write_text("{not json", encoding="utf-8")
    _fails(folder, "phq9.json", "not readable JSON")


def test_id_must_match_file_name(broken) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["id"] = "phq8"

    _fails(broken("phq9.json", rename), "phq9.json", "does not match the file name")


def test_norms_table_overlap_named(tmp_path: Path) -> None:
    data = json.loads(asset_path("norms", "cist_sample.json").read_text(encoding="utf-8"))
    data["rows"].append(dict(data["rows"][0]))
    path = tmp_path / "cist_bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match=r"cist_bad\.json: rows\[12\]: overlaps rows\[0\]"):
        parse_norms(path, "cist", 0, 30)


def test_norms_sample_must_say_so(tmp_path: Path) -> None:
    data = json.loads(asset_path("norms", "mmse_ds_sample.json").read_text(encoding="utf-8"))
    data["notice_en"] = "Official table"
    path = tmp_path / "mmse.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AssetError, match="sample"):
        parse_norms(path, "mmse_ds", 0, 30)


# ------------------------------------------------------------------ condition language


def test_condition_language() -> None:
    facts = {"total": 12, "band": "moderate", "item": {"q9": 0}, "context": {"age": 70}}
    assert evaluate_condition({"total": ">=", "value": 10}, facts)
    assert not evaluate_condition({"item": "q9", "op": ">=", "value": 1}, facts)
    assert evaluate_condition(
        {
            "all": [
                {"context": "age", "op": ">=", "value": 60},
                {"not": {"band": "==", "value": "x"}},
            ]
        },
        facts,
    )
    assert evaluate_condition(
        {"any": [{"band": "in", "value": ["moderate"]}, {"total": "<", "value": 0}]}, facts
    )
    # a missing value never matches
    assert not evaluate_condition({"context": "education_years", "op": "<", "value": 99}, facts)
    signs = {"field": {"risk_signs": ["no_food", "alcohol"]}}
    assert evaluate_condition(
        {"field": "risk_signs", "op": "intersects", "value": ["alcohol"]}, signs
    )
    assert not compile_condition({"field": "risk_signs", "op": "intersects", "value": ["x"]})(signs)
    assert compile_condition({"field": "risk_signs", "op": "contains", "value": "no_food"})(signs)


_ACTUALS = [None, 0, 1, 2, 2.5, True, False, "a", "b", ["a"], ["a", "b"], [], ("b",)]
_LEAVES = [
    {"field": "x", "op": op, "value": value}
    for op, values in {
        "==": [1, "a", True, None],
        "!=": [1, "a", False],
        ">=": [1, 2.5],
        ">": [1],
        "<=": [2],
        "<": [0, 2.5],
        "in": [["a", 1], [True]],
        "not_in": [["a"], [2, False]],
        "contains": ["a", 1],
        "intersects": [["b"], [1, "x"]],
    }.items()
    for value in values
] + [{"total": ">=", "value": 1}, {"band": "in", "value": ["a"]}]


@pytest.mark.parametrize("cond", _LEAVES, ids=repr)
def test_compiled_condition_agrees_with_the_interpreter(cond: dict[str, Any]) -> None:
    compiled = compile_condition(cond)
    nested = {"all": [cond, {"any": [cond, {"not": cond}]}]}
    compiled_nested = compile_condition(nested)
    for actual in _ACTUALS:
        for facts in ({"field": {"x": actual}, "total": actual, "band": actual}, {}):
            expected = evaluate_condition(cond, facts)
            assert compiled(facts) is expected, (cond, actual)
            assert compiled_nested(facts) is evaluate_condition(nested, facts), (cond, actual)


@pytest.mark.parametrize(
    ("cond", "fragment"),
    [
        ({}, "non-empty"),
        ({"all": []}, "non-empty list"),
        ({"total": ">=", "value": "ten"}, "needs a number"),
        ({"item": "q1", "op": "in", "value": 3}, "needs a list"),
        ({"item": "q1", "total": ">=", "value": 3}, "exactly one"),
        ({"item": "q1", "op": "==", "value": 1, "extra": 2}, "unexpected keys"),
        ({"item": "q1", "op": "=="}, "missing 'value'"),
    ],
)
def test_malformed_conditions_are_reported(cond: Any, fragment: str) -> None:
    faults = check_condition(cond, "rule x")
    assert faults and fragment in faults[0]


def _shipped_rules() -> list[tuple[str, Any]]:
    from fieldapp.validation import load_form
    from fieldapp.vitals import load_panel

    rules = [(f"{i.id}:{r.id}", r) for i in load_instruments().values() for r in i.rules]
    rules += [(f"vitals:{r.id}", r) for r in load_panel().rules]
    for form_id in ("welfare_check", "visit"):
        rules += [(f"{form_id}:{r.id}", r) for r in load_form(form_id).rules]
    return rules


def _leaf_values(cond: Any) -> list[Any]:
    values: list[Any] = [None, 0, 1, 5, 10, 200, "yes", [], True, False]
    for leaf in condition_leaves(cond):
        v = leaf["value"]
        values += v if isinstance(v, list) else [v]
        if isinstance(v, list):
            values.append(v[:2])
        if isinstance(v, int | float) and not isinstance(v, bool):
            values += [v - 1, v + 1]
    return values


@pytest.mark.parametrize(
    ("name", "rule"), _shipped_rules(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_compiled_rules_agree_with_the_interpreter(name: str, rule: Any) -> None:
    values = st.sampled_from(_leaf_values(rule.when))
    names = sorted(
        {
            str(leaf.get(k))
            for leaf in condition_leaves(rule.when)
            for k in leaf
            if k in ("item", "context", "field", "metric")
        }
    )
    named = st.fixed_dictionaries({n: values for n in names}) if names else st.just({})
    facts = st.fixed_dictionaries(
        {
            "total": values,
            "band": values,
            "item": named,
            "context": named,
            "field": named,
            "metric": named,
        }
    )

    @settings(max_examples=60, deadline=None)
    @given(facts=facts)
    def check(facts: dict[str, Any]) -> None:
        assert rule.holds(facts) == evaluate_condition(rule.when, facts), name

    check()
