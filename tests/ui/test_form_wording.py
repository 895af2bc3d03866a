"""Form messages: one register, the same words while typing and on saving, the particle chosen
from the word; and the form does not jump when an error line comes or goes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale


@pytest.fixture
def korean() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def visit_form(ui_app: Any, qtbot: Any, korean: None) -> Any:
    from ui.forms.builder import FormWidget
    from ui.forms.spec import load_form

    form = FormWidget(load_form("visit"))
    qtbot.addWidget(form)
    form.resize(1000, 1400)
    form.show()
    qtbot.waitExposed(form)
    return form


def _saved_messages(form: Any) -> set[str]:
    from fieldapp.validation import validate_form
    from ui.forms.spec import nest

    problems, _result = validate_form("visit", nest(form.values()))
    return {p.message_ko for p in problems}


def test_typing_and_saving_say_the_same_sentence(visit_form: Any) -> None:
    visit_form.editors["vitals.bp.0.systolic"].set_value(300)
    visit_form.editors["vitals.weight_kg"].set_value(400)
    typed = visit_form.local_problems()
    assert typed["vitals.bp.0.systolic"] == "1회차 수축기 혈압은 60~260 mmHg 사이로 입력하십시오."
    assert typed["vitals.weight_kg"] == "몸무게는 20~250 kg 사이로 입력하십시오."
    saved = _saved_messages(visit_form)
    assert typed["vitals.bp.0.systolic"] in saved
    assert typed["vitals.weight_kg"] in saved


def test_one_register_and_no_bracketed_particles(visit_form: Any) -> None:
    from fieldapp.validation import validate_form
    from ui.forms.spec import load_form, nest

    typed = visit_form.local_problems()  # every required field empty
    spec = load_form("welfare_check")
    saved, _ = validate_form("welfare_check", nest({}))
    messages = list(typed.values()) + [p.message_ko for p in saved]
    assert messages and spec
    for text in messages:
        assert "(는)" not in text and "(가)" not in text and "(를)" not in text, text
        assert not text.endswith("하세요.") and "필요합니다" not in text, text


def test_an_error_line_does_not_move_the_fields_below(visit_form: Any, qtbot: Any) -> None:
    first = visit_form.editors["vitals.bp.0.systolic"]
    below = visit_form.editors["vitals.pulse"]
    beside = visit_form.editors["vitals.bp.0.diastolic"]
    before = below.mapTo(visit_form, below.rect().topLeft()).y()
    label_before = beside.label.mapTo(visit_form, beside.label.rect().topLeft()).y()
    first.set_error("1회차 수축기 혈압은 60~260 mmHg 사이로 입력하십시오.")
    qtbot.wait(10)
    assert first.error.isVisible()
    assert below.mapTo(visit_form, below.rect().topLeft()).y() == before
    assert beside.label.mapTo(visit_form, beside.label.rect().topLeft()).y() == label_before
    assert first.label.mapTo(visit_form, first.label.rect().topLeft()).y() == label_before
    first.set_error(None)
    qtbot.wait(10)
    assert below.mapTo(visit_form, below.rect().topLeft()).y() == before


def test_screening_context_says_the_same_while_typing_and_on_saving(
    ui_app: Any, qtbot: Any, korean: None
) -> None:
    from fieldapp.instruments import get_instrument
    from fieldapp.scoring import check_context
    from ui.forms.builder import FormWidget
    from ui.forms.spec import instrument_form

    form = FormWidget(instrument_form(get_instrument("cist")))
    qtbot.addWidget(form)
    form.editors["context.age"].set_value(200)
    typed = form.local_problems()
    assert typed["context.age"] == "나이는 0~130 세 사이로 입력하십시오."
    saved = {p.message_ko for p in check_context({"age": 200, "education_years": 9}, ("age",))}
    assert typed["context.age"] in saved
    assert typed["context.education_years"] == "교육 연수를 입력하십시오."
    assert "교육 연수를 입력하십시오." in {
        p.message_ko for p in check_context({}, ("education_years",))
    }


def test_choices_follow_the_method(ui_app: Any, qtbot: Any) -> None:
    from ui.forms.builder import FormWidget
    from ui.forms.spec import load_form

    form = FormWidget(load_form("welfare_check"))
    qtbot.addWidget(form)
    reached = form.editors["reached"]
    form.editors["method"].set_value("phone")
    reached.set_value("phone_off")
    assert reached.value() == "phone_off" and not reached.hidden_options
    form.editors["method"].set_value("visit")
    assert reached.hidden_options == {"no_answer", "phone_off", "wrong_number"}
    assert reached.value() is None  # no longer offered: chosen again
    combo = reached._combo
    assert combo is not None
    offered = [
        combo.itemData(row) for row in range(1, combo.count()) if not combo.view().isRowHidden(row)
    ]
    assert "not_home" in offered and "phone_off" not in offered and "no_answer" not in offered
    form.editors["method"].set_value("phone")
    assert not reached.hidden_options


def test_the_visit_form_does_not_ask_what_the_household_says(ui_app: Any, qtbot: Any) -> None:
    from ui.forms.builder import FormWidget, household_facts
    from ui.forms.spec import load_form

    form = FormWidget(load_form("visit"))
    qtbot.addWidget(form)
    form.set_known(household_facts({"persons": [{"name": "가나다", "sex": "F"}]}))
    assert form.editors["vitals.sex"].isHidden()
    assert form.values()["vitals.sex"] == "F"
    unknown = FormWidget(load_form("visit"))
    qtbot.addWidget(unknown)
    unknown.set_known(household_facts({"persons": [{"name": "가나다"}]}))
    assert not unknown.editors["vitals.sex"].isHidden()


def test_a_long_memo_counts_its_characters(ui_app: Any, qtbot: Any, korean: None) -> None:
    from ui.forms.builder import FormWidget
    from ui.forms.spec import load_form

    form = FormWidget(load_form("visit"))
    qtbot.addWidget(form)
    notes = form.editors["notes"]
    assert notes.counter is not None and notes.counter.text() == "0 / 2,000자"
    notes.set_value("가" * 2001)
    assert notes.counter.text() == "2,001 / 2,000자" and "b00020" in notes.counter.styleSheet()


def test_the_phq9_stem_is_not_a_one_line_box_title(ui_app: Any, qtbot: Any) -> None:
    from fieldapp.instruments import get_instrument
    from ui.forms.spec import instrument_form

    phq9 = get_instrument("phq9")
    [section] = instrument_form(phq9).sections
    assert (section.title_ko, section.title_en) == (phq9.name_ko, phq9.name_en)
    assert phq9.stem_en and section.help_en == phq9.stem_en
