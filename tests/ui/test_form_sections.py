"""Form sections on screen: one titled box per section, Tab in field order, results intact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QGroupBox, QWidget

from ui.forms.builder import FieldEditor, FormWidget
from ui.forms.evaluate import evaluate
from ui.forms.spec import load_form


def _use_locale(language: QLocale.Language, country: QLocale.Country) -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(language, country))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def korean() -> Iterator[None]:
    """The Korean UI (the app's default language)."""
    yield from _use_locale(QLocale.Language.Korean, QLocale.Country.SouthKorea)


@pytest.fixture
def english() -> Iterator[None]:
    yield from _use_locale(QLocale.Language.English, QLocale.Country.UnitedStates)


@pytest.fixture
def welfare(ui_app: Any, qtbot: Any, korean: None) -> FormWidget:
    form = FormWidget(load_form("welfare_check"))
    qtbot.addWidget(form)
    form.show()
    return form


def _section_of(form: FormWidget, field_id: str) -> str:
    for key, box in form.section_boxes.items():
        if box.isAncestorOf(form.editors[field_id]):
            return key
    raise AssertionError(f"{field_id} is in no section box")


def test_each_section_is_its_own_titled_box(welfare: FormWidget) -> None:
    boxes = welfare.findChildren(QGroupBox)
    assert [b.objectName() for b in boxes] == [
        "section:contact",
        "section:health_life",
        "section:risk_environment",
        "section:actions",
    ]
    assert [b.title() for b in boxes] == ["연락", "건강·생활", "위험 신호·환경", "대응·메모"]
    assert _section_of(welfare, "reached") == "contact"
    assert _section_of(welfare, "suicidal_talk") == "health_life"
    assert _section_of(welfare, "risk_signs") == "risk_environment"
    assert _section_of(welfare, "notes") == "actions"


def _focus_order(form: FormWidget) -> list[str]:
    """Field ids in the order Tab reaches their inputs (the widgets' focus chain)."""
    order: list[str] = []
    start: QWidget = form
    w = start.nextInFocusChain()
    while w is not start and w is not None:
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            parent = w.parentWidget()
            while parent is not None and not isinstance(parent, FieldEditor):
                parent = parent.parentWidget()
            if parent is not None and (not order or order[-1] != parent.spec.id):
                order.append(parent.spec.id)
        w = w.nextInFocusChain()
    return order


def test_tab_follows_the_fields_section_by_section(welfare: FormWidget) -> None:
    expected = [f.id for f in welfare.spec.fields()]
    assert list(welfare.editors) == expected
    assert _focus_order(welfare) == expected


def test_a_section_whose_fields_are_all_hidden_is_hidden(welfare: FormWidget) -> None:
    health = welfare.section_boxes["health_life"]
    assert health.isHidden(), "health and life are asked once the person is reached"
    assert not welfare.section_boxes["contact"].isHidden()
    welfare.editors["reached"].set_value("yes")
    assert not health.isHidden()
    welfare.editors["reached"].set_value("no_answer")
    assert health.isHidden()


def test_required_counter_and_rules_see_every_section(welfare: FormWidget) -> None:
    res = evaluate(welfare.spec, welfare.values())
    assert res.required == 4  # method, attempt, reached, escalation level
    welfare.set_values({"method": "visit", "reached": "yes"})
    res = evaluate(welfare.spec, welfare.values())
    assert (res.required, res.answered) == (10, 4)  # attempt and escalation have defaults
    welfare.editors["suicidal_talk"].set_value("active")
    res = evaluate(welfare.spec, welfare.values())
    assert [a.id for a in res.immediate] == ["suicide_crisis"]


def test_visit_sections(ui_app: Any, qtbot: Any) -> None:
    form = FormWidget(load_form("visit"))
    qtbot.addWidget(form)
    assert list(form.section_boxes) == ["vitals", "health_care", "lifestyle"]
    assert _section_of(form, "vitals.bmi") == "vitals"
    assert _section_of(form, "falls_since_last_visit") == "health_care"
    assert _section_of(form, "notes") == "lifestyle"


def test_section_titles_in_english(ui_app: Any, qtbot: Any, english: None) -> None:
    form = FormWidget(load_form("welfare_check"))
    qtbot.addWidget(form)
    titles = [b.title() for b in form.section_boxes.values()]
    assert titles == [
        "Contact",
        "Health and daily life",
        "Risk signs and environment",
        "Response and notes",
    ]
