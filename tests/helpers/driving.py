"""Drive the real form widgets as a person does: keys into inputs, clicks on options, Ctrl+S.

Every helper finds the widget by the object name the form builder gives it
(``input:<field id>``, ``option:<field id>:<value>``, ``step:<step id>``) and sends QTest
keyboard or mouse events to it, so the widgets' own signals run as they would for a user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QRadioButton,
    QWidget,
)


def widget(root: QWidget, cls: type[Any], name: str) -> Any:
    """The child of *root* of class *cls* called *name* (fails the test when absent)."""
    found = root.findChild(cls, name) if name else root.findChild(cls)
    assert found is not None, f"no {cls.__name__} named {name!r}"
    return found


def type_text(target: QWidget, text: str) -> None:
    """Type *text* into the focused *target*: keys for ASCII; Hangul arrives as the input
    method delivers it, one committed syllable at a time (QTest's keys are ASCII only)."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(target, char)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(char)
            QApplication.sendEvent(target, event)


def type_into(page: QWidget, field_id: str, text: str) -> None:
    """Click into a field's input, select what is there and type *text*."""
    line = widget(page, QLineEdit, f"input:{field_id}")
    line.setFocus(Qt.FocusReason.MouseFocusReason)
    QTest.mouseClick(line, Qt.MouseButton.LeftButton)
    line.selectAll()
    type_text(line, text)


def click(button: QAbstractButton) -> None:
    """A left click in the middle of *button* (once pending layout work is done, so that
    a banner that has just appeared has its real size)."""
    QApplication.processEvents()
    assert button.isVisible(), f"{button.objectName()} is not on screen"
    pos = button.rect().center()
    if isinstance(button, QCheckBox | QRadioButton):  # on the box: the text may end earlier
        pos.setX(min(8, pos.x()))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def choose(page: QWidget, field_id: str, value: Any) -> None:
    """Choose *value* in a choice or multi-select field: a click on its option, or for a
    long list (a combo box) the arrow keys until it is selected."""
    button = page.findChild(QAbstractButton, f"option:{field_id}:{value}")
    if button is not None:
        click(button)
        return
    combo = widget(widget(page, QWidget, f"field:{field_id}"), QComboBox, "")
    target = combo.findData(value)
    assert target >= 0, f"{field_id} has no option {value!r}"
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        QTest.keyClick(combo, key)


def tick(page: QWidget, step_id: str) -> None:
    """Click one of the risk banner's 'what was done' boxes."""
    click(widget(page, QAbstractButton, f"step:{step_id}"))


def press(target: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """One key press (with *modifier*) sent to *target*'s focus widget, as a keyboard does."""
    target.activateWindow()
    target.setFocus()
    focus = QApplication.focusWidget() or target
    mods = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    QTest.keyClick(focus, key, mods)


def ctrl_s(page: QWidget) -> None:
    """Ctrl+S on a form page (its Save shortcut)."""
    focus = QApplication.focusWidget()
    target = focus if focus is not None and page.isAncestorOf(focus) else page
    QTest.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def answer_next_dialog(answer: Callable[[Any], None]) -> list[tuple[str, str]]:
    """When the next modal dialog opens, hand it to *answer(box)* (which clicks or types as a
    person would); the returned list gets the box's (text, default button text). A box still
    open afterwards is rejected, so a test never waits on a dialog."""
    seen: list[tuple[str, str]] = []

    def handle() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, handle)
            return
        try:
            default = box.defaultButton() if hasattr(box, "defaultButton") else None
            seen.append((box.text(), default.text() if default is not None else ""))
            answer(box)
        finally:
            if box.isVisible():
                box.reject()

    QTimer.singleShot(0, handle)
    return seen


@contextmanager
def korean_locale() -> Iterator[None]:
    """The Korean UI (the app's default language) for the length of the block."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    try:
        yield
    finally:
        QLocale.setDefault(before)
