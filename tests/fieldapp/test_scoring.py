"""The scoring engine: totals, bands, flags and actions, checked against the published rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.errors import ValidationError
from fieldapp.instruments import Instrument, Item, get_instrument, load_instruments
from fieldapp.scoring import score

ITEM_BASED = sorted(i.id for i in load_instruments().values() if not i.score_entry)
SCORE_ENTRY = sorted(i.id for i in load_instruments().values() if i.score_entry)


def _answer(item: Item) -> st.SearchStrategy[Any]:
    if item.kind == "count":
        return st.integers(item.min, item.max)  # type: ignore[arg-type]
    return st.sampled_from([o.value for o in item.options])


def answer_sets(inst: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({it.id: _answer(it) for it in inst.items or ()})


def _bands_holding(inst: Instrument, total: int) -> list[str]:
    return [b.id for b in inst.bands if b.min <= total <= b.max]  # type: ignore[operator]


@pytest.mark.parametrize("instrument_id", ITEM_BASED)
def test_every_answer_set_scores_in_range_and_one_band(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)

    @settings(max_examples=200, deadline=None)
    @given(answers=answer_sets(inst), age=st.integers(0, 130))
    def check(answers: dict[str, Any], age: int) -> None:
        result = score(inst, answers, context={"age": age})
        assert result.total is not None
        assert inst.total_min <= result.total <= inst.total_max
        assert _bands_holding(inst, result.total) == [result.band.id]  # type: ignore[union-attr]
        expected = sum(it.points_for(answers[it.id]) or 0 for it in inst.items or ())
        assert result.total == expected
        ranks = [{"immediate": 0, "urgent": 1, "routine": 2}[a.urgency] for a in result.actions]
        assert ranks == sorted(ranks)

    check()


@pytest.mark.parametrize("instrument_id", SCORE_ENTRY)
def test_every_entered_total_lands_in_one_band(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)

    @settings(max_examples=100, deadline=None)
    @given(
        total=st.integers(inst.total_min, inst.total_max),
        age=st.integers(60, 120),
        edu=st.integers(0, 30),
    )
    def check(total: int, age: int, edu: int) -> None:
        result = score(inst, None, total=total, context={"age": age, "education_years": edu})
        assert result.total == total
        band_ids = [b.id for b in inst.bands]
        assert result.band is not None and result.band.id in band_ids
        if inst.band_by == "total":
            assert _bands_holding(inst, total) == [result.band.id]

    check()


# ------------------------------------------------------------------ SGDS-K


def _sgds(answers: dict[int, str], default: str) -> dict[str, str]:
    return {f"q{i}": answers.get(i, default) for i in range(1, 16)}


def test_sgds_k_all_yes_is_10_and_all_no_is_5() -> None:
    inst = get_instrument("sgds_k")
    assert score(inst, _sgds({}, "yes")).total == 10
    all_no = score(inst, _sgds({}, "no"))
    assert all_no.total == 5
    assert all_no.band.id == "normal"  # type: ignore[union-attr]


def test_sgds_k_mixed_case_hand_computed() -> None:
    # yes to 1, 2, 3, 5, 8, 12; no to the rest.
    # depressive answers: 2, 3, 8, 12 ("yes" on plain items) = 4
    #                     7, 11, 13 ("no" on reversed items)  = 3   -> total 7 (1 and 5 are 0)
    answers = _sgds({1: "yes", 2: "yes", 3: "yes", 5: "yes", 8: "yes", 12: "yes"}, "no")
    result = score(get_instrument("sgds_k"), answers)
    assert result.total == 7
    assert result.band.id == "normal"  # type: ignore[union-attr]
    assert result.actions == []
    answers["q4"] = "yes"  # one more depressive answer -> 8, 우울 의심
    result = score(get_instrument("sgds_k"), answers)
    assert result.total == 8
    assert result.band.label_ko == "우울 의심"  # type: ignore[union-attr]
    assert [a.id for a in result.actions] == ["refer_mental_health_centre"]


# ------------------------------------------------------------------ PHQ-9


def _phq(**answers: int) -> dict[str, int]:
    base = {f"q{i}": 0 for i in range(1, 10)}
    base.update(answers)
    return base


def test_phq9_item9_is_immediate_whatever_the_total() -> None:
    result = score(get_instrument("phq9"), _phq(q9=1))
    assert result.total == 1
    assert result.band.id == "minimal"  # type: ignore[union-attr]
    assert result.actions[0].urgency == "immediate"
    assert {"suicide_risk", "show_crisis_numbers", "alert_supervisor"} <= set(result.flags)
    assert "109" in result.actions[0].text_ko and "1577-0199" in result.actions[0].text_ko


def test_phq9_referral_and_elderly_further_assessment() -> None:
    inst = get_instrument("phq9")
    moderate = score(inst, _phq(q1=3, q2=3, q3=3, q4=1), context={"age": 40})
    assert moderate.total == 10 and moderate.band.id == "moderate"  # type: ignore[union-attr]
    assert [a.id for a in moderate.actions] == ["refer_mental_health_centre"]
    assert moderate.actions[0].urgency == "urgent"
    mild_old = score(inst, _phq(q1=2, q2=3), context={"age": 60})
    assert [a.id for a in mild_old.actions] == ["further_assessment"]
    mild_young = score(inst, _phq(q1=2, q2=3), context={"age": 59})
    assert mild_young.actions == []
    no_age = score(inst, _phq(q1=2, q2=3))
    assert no_age.actions == []


def test_phq9_answers_must_be_the_option_values() -> None:
    inst = get_instrument("phq9")
    with pytest.raises(ValidationError) as info:
        score(inst, _phq(q1=4, q2=True, q3="1"))  # type: ignore[arg-type]
    assert [p.field for p in info.value.problems] == ["answers.q1", "answers.q2", "answers.q3"]


def test_partial_answers_name_the_missing_items() -> None:
    answers = _phq()
    del answers["q4"], answers["q7"]
    answers["q99"] = 1
    with pytest.raises(ValidationError) as info:
        score(get_instrument("phq9"), answers)
    fields = [p.field for p in info.value.problems]
    assert fields == ["answers.q99", "answers.q4", "answers.q7"]
    assert "not answered" in str(info.value)
    assert all(p.message_ko for p in info.value.problems)


def test_a_total_sent_with_answers_must_agree() -> None:
    with pytest.raises(ValidationError, match="does not match"):
        score(get_instrument("phq9"), _phq(q1=1), total=5)
    assert score(get_instrument("phq9"), _phq(q1=1), total=1).total == 1


# ------------------------------------------------------------------ K-FRAIL


def test_k_frail_bands_and_illness_threshold() -> None:
    inst = get_instrument("k_frail")
    base = {"fatigue": "no", "resistance": "no", "ambulation": "no", "weight_loss": "no"}
    assert score(inst, {**base, "illness": 4}).band.id == "robust"  # type: ignore[union-attr]
    pre = score(inst, {**base, "illness": 5})
    assert pre.total == 1 and pre.band.id == "pre_frail"  # type: ignore[union-attr]
    frail = score(inst, {**base, "fatigue": "yes", "resistance": "yes", "illness": 11})
    assert frail.total == 3 and frail.band.id == "frail"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="0 to 11"):
        score(inst, {**base, "illness": 12})


# ------------------------------------------------------------------ score entry


def test_score_entry_tools_take_a_total_in_range() -> None:
    sbq = get_instrument("sbq_r")
    assert score(sbq, None, total=6).actions == []
    at_risk = score(sbq, None, total=7)
    assert at_risk.band.id == "at_risk"  # type: ignore[union-attr]
    assert at_risk.actions[0].urgency == "immediate"
    for bad in (2, 19, None, 7.5):
        with pytest.raises(ValidationError) as info:
            score(sbq, None, total=bad)  # type: ignore[arg-type]
        assert info.value.problems[0].field == "total"
    with pytest.raises(ValidationError, match="total only"):
        score(sbq, {"q1": 1}, total=7)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "general"),
        (1, "low"),
        (3, "low"),
        (4, "medium"),
        (8, "medium"),
        (9, "high"),
        (13, "high"),
    ],
)
def test_social_isolation_bands(total: int, band: str) -> None:
    assert score(get_instrument("social_isolation"), None, total=total).band.id == band  # type: ignore[union-attr]


def test_cognitive_screen_uses_the_norms_table() -> None:
    cist = get_instrument("cist")
    table = cist.norms
    assert table is not None
    cutoff = table.cutoff(75, 3)
    assert cutoff is not None
    below = score(cist, None, total=cutoff - 1, context={"age": 75, "education_years": 3})
    assert below.band.id == "below_cutoff"  # type: ignore[union-attr]
    assert [a.id for a in below.actions] == ["refer_dementia_centre"]
    normal = score(cist, None, total=cutoff, context={"age": 75, "education_years": 3})
    assert normal.band.id == "normal"  # type: ignore[union-attr]
    assert [a.id for a in normal.actions] == ["rescreen_2y"]
    assert "norms_sample" in normal.flags
    assert "sample" in normal.to_dict()["norms_notice_en"].lower()


def test_cognitive_screen_needs_age_and_education() -> None:
    with pytest.raises(ValidationError) as info:
        score(get_instrument("mmse_ds"), None, total=25, context={"age": 70})
    assert [p.field for p in info.value.problems] == ["context.education_years"]
    with pytest.raises(ValidationError, match="no cut-off for age 40"):
        score(get_instrument("mmse_ds"), None, total=25, context={"age": 40, "education_years": 6})
    with pytest.raises(ValidationError) as info:
        score(get_instrument("cist"), None, total=25, context={"age": 70, "education_years": 31})
    assert info.value.problems[0].field == "context.education_years"


def test_result_dict_shape() -> None:
    out = score(get_instrument("phq9"), _phq(q9=2)).to_dict()
    assert set(out) >= {"total", "band", "band_label_ko", "band_label_en", "flags", "actions"}
    assert set(out["actions"][0]) == {"id", "urgency", "text_ko", "text_en"}
