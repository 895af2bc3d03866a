"""Draws any :class:`~ui.forms.spec.FormSpec` as widgets, reads and writes its values.

One builder for every instrument and form: choice items become radio rows (a combo box when
there are many options), multi-selects become check-box grids, numbers get their unit and
range, and every field has an error line under it for inline validation.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import hangul
from fieldapp.instruments import evaluate_condition
from ui.forms.spec import FieldSpec, FormSpec
from ui.lang import korean_ui, pick  # noqa: F401  (korean_ui: re-exported, as before)

#: Above this many options a choice becomes a combo box instead of radio buttons.
MAX_RADIOS = 6
#: Field kinds laid out side by side, and how many to a row.
COMPACT_KINDS = ("int", "number", "derived")
GRID_COLUMNS = 2
#: Width of a column of side-by-side fields: a range message fits on one line.
COLUMN_WIDTH = 380


class FieldEditor(QWidget):
    """One field: label, input, unit, help and an error line."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field:{spec.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        required = spec.required or spec.required_when_shown
        text = pick(spec.label_ko, spec.label_en) + (" *" if required else "")
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("font-weight: bold;" if spec.kind in ("choice", "multi") else "")
        layout.addWidget(self.label)
        self._group: QButtonGroup | None = None
        self._radios: list[QRadioButton] = []
        self._checks: list[QCheckBox] = []
        self._combo: QComboBox | None = None
        self._line: QLineEdit | None = None
        self._text: QPlainTextEdit | None = None
        self._box: QCheckBox | None = None
        self._derived: QLabel | None = None
        self.counter: QLabel | None = None  # characters used, for texts with a maximum
        #: Option values not offered now (see :meth:`offer_options`).
        self.hidden_options: set[Any] = set()
        self._build(layout)
        if spec.default is not None:
            self.set_value(spec.default)
        help_text = pick(spec.help_ko, spec.help_en)
        if help_text:
            hint = QLabel(help_text)
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        # The error line's space is kept while it is hidden: a message appearing or going
        # away never moves what is below (the next click lands where the user aimed).
        # One line: the columns beside each other are wide enough for a message (see
        # COLUMN_WIDTH), so the reserved space is enough.
        self.error.setMinimumHeight(self.error.fontMetrics().lineSpacing())
        policy = self.error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.error.setSizePolicy(policy)
        self.error.hide()
        layout.addWidget(self.error)

    # ------------------------------------------------------------------ building

    def _build(self, layout: QVBoxLayout) -> None:
        spec = self.spec
        if spec.kind == "choice" and len(spec.options) <= MAX_RADIOS:
            row = QHBoxLayout()
            row.setSpacing(14)
            self._group = QButtonGroup(self)
            self._group.setExclusive(True)
            for i, opt in enumerate(spec.options):
                label = pick(opt.label_ko, opt.label_en)
                if opt.points is not None and spec.id.startswith("answers."):
                    label = f"{label} ({opt.points})"
                radio = QRadioButton(label)
                radio.setObjectName(f"option:{spec.id}:{opt.value}")
                self._group.addButton(radio, i)
                self._radios.append(radio)
                row.addWidget(radio)
            row.addStretch(1)
            self._group.idToggled.connect(lambda _i, on: on and self.changed.emit())
            layout.addLayout(row)
            self.label.setBuddy(self._radios[0] if self._radios else None)
        elif spec.kind == "choice":
            self._combo = QComboBox()
            self._combo.addItem(self.tr("— 선택 —"), None)
            for opt in spec.options:
                self._combo.addItem(pick(opt.label_ko, opt.label_en), opt.value)
            self._combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            layout.addWidget(self._combo)
            self.label.setBuddy(self._combo)
        elif spec.kind == "multi":
            grid = QGridLayout()
            cols = 3 if len(spec.options) > 6 else 2
            for i, opt in enumerate(spec.options):
                box = QCheckBox(pick(opt.label_ko, opt.label_en))
                box.setObjectName(f"option:{spec.id}:{opt.value}")
                box.toggled.connect(lambda _on: self.changed.emit())
                self._checks.append(box)
                grid.addWidget(box, i // cols, i % cols)
            layout.addLayout(grid)
        elif spec.kind in ("int", "number", "text", "date"):
            row = QHBoxLayout()
            self._line = QLineEdit()
            self._line.setObjectName(f"input:{spec.id}")
            if spec.kind == "int":
                self._line.setValidator(QIntValidator(-100000, 100000, self._line))
            elif spec.kind == "number":
                validator = QDoubleValidator(-100000.0, 100000.0, 2, self._line)
                validator.setNotation(QDoubleValidator.Notation.StandardNotation)
                validator.setLocale(QLocale.c())
                self._line.setValidator(validator)
            if spec.kind in ("int", "number"):
                self._line.setMaximumWidth(140)
                if spec.min is not None and spec.max is not None:
                    self._line.setPlaceholderText(f"{_fmt(spec.min)}–{_fmt(spec.max)}")
            elif spec.kind == "date":
                self._line.setPlaceholderText("YYYY-MM-DD")
                self._line.setMaximumWidth(160)
            self._line.textChanged.connect(lambda _t: self.changed.emit())
            row.addWidget(self._line)
            if spec.unit:
                row.addWidget(QLabel(spec.unit))
            if spec.kind in ("int", "number", "date"):
                row.addStretch(1)
            layout.addLayout(row)
            self.label.setBuddy(self._line)
        elif spec.kind == "longtext":
            self._text = QPlainTextEdit()
            self._text.setTabChangesFocus(True)
            self._text.setMaximumHeight(90)
            self._text.textChanged.connect(self.changed.emit)
            layout.addWidget(self._text)
            self.label.setBuddy(self._text)
            if spec.max_length:
                self.counter = QLabel()
                self.counter.setObjectName("hint")
                self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
                self._text.textChanged.connect(self._count)
                layout.addWidget(self.counter)
                self._count()
        elif spec.kind == "derived":
            self._derived = QLabel("—")
            self._derived.setObjectName(f"derived:{spec.id}")
            row = QHBoxLayout()
            row.addWidget(self._derived)
            if spec.unit:
                row.addWidget(QLabel(spec.unit))
            row.addStretch(1)
            layout.addLayout(row)
        elif spec.kind == "bool":
            self._box = QCheckBox(self.tr("예"))
            self._box.toggled.connect(lambda _on: self.changed.emit())
            layout.addWidget(self._box)
            self.label.setBuddy(self._box)

    # ------------------------------------------------------------------ values

    def value(self) -> Any:
        spec = self.spec
        if self._group is not None:
            i = self._group.checkedId()
            return spec.options[i].value if i >= 0 else None
        if self._combo is not None:
            return self._combo.currentData()
        if self._checks:
            return [
                o.value for o, b in zip(spec.options, self._checks, strict=True) if b.isChecked()
            ]
        if self._line is not None:
            text = self._line.text().strip()
            if not text:
                return None
            try:
                if spec.kind == "int":
                    return int(text)
                if spec.kind == "number":
                    number = float(text)
                    return int(number) if number.is_integer() and "." not in text else number
            except ValueError:
                return text  # validation reports it
            return text
        if self._text is not None:
            return self._text.toPlainText().strip() or None
        if self._box is not None:
            return self._box.isChecked()
        return None  # derived values are shown, not entered

    def _count(self) -> None:
        """'12 / 2000자': how much of the text's room is used (red when over)."""
        assert self._text is not None and self.spec.max_length
        used, room = len(self._text.toPlainText()), self.spec.max_length
        self.counter.setText(
            self.tr("%1 / %2자").replace("%1", f"{used:,}").replace("%2", f"{room:,}")
        )
        self.counter.setStyleSheet("color: #b00020;" if used > room else "")

    def show_derived(self, text: str) -> None:
        """Show a computed value (BMI) in a derived field."""
        if self._derived is not None:
            self._derived.setText(text or "—")

    def set_value(self, value: Any) -> None:
        spec = self.spec
        if self._group is not None:
            for i, opt in enumerate(spec.options):
                if opt.value == value and type(opt.value) is type(value):
                    self._radios[i].setChecked(True)
                    return
            checked = self._group.checkedButton()
            if checked is not None:
                self._group.setExclusive(False)
                checked.setChecked(False)
                self._group.setExclusive(True)
        elif self._combo is not None:
            idx = self._combo.findData(value)
            self._combo.setCurrentIndex(max(idx, 0))
        elif self._checks:
            chosen = set(value or [])
            for opt, box in zip(spec.options, self._checks, strict=True):
                box.setChecked(opt.value in chosen)
        elif self._line is not None:
            self._line.setText("" if value is None else str(value))
        elif self._text is not None:
            self._text.setPlainText("" if value is None else str(value))
        elif self._box is not None:
            self._box.setChecked(bool(value))

    def offer_options(self, facts: dict[str, Any]) -> None:
        """Offer only the options whose ``shown_when`` holds; a chosen option that is no
        longer offered is cleared (the user chooses again)."""
        shown = [
            o.shown_when is None or evaluate_condition(o.shown_when, facts)
            for o in self.spec.options
        ]
        if all(shown) and not self.hidden_options:
            return
        self.hidden_options = {
            o.value for o, ok in zip(self.spec.options, shown, strict=True) if not ok
        }
        for i, ok in enumerate(shown):
            if self._radios:
                self._radios[i].setVisible(ok)
            elif self._combo is not None:
                row = i + 1  # row 0 is "— 선택 —"
                item = self._combo.model().item(row)  # type: ignore[attr-defined]
                item.setEnabled(ok)
                self._combo.view().setRowHidden(row, not ok)
            elif self._checks:
                self._checks[i].setVisible(ok)
                if not ok:
                    self._checks[i].setChecked(False)
        if self.value() in self.hidden_options:
            self.set_value(None)

    def local_problem(self) -> str | None:
        """A problem visible from this field alone (missing, out of range, not a number)."""
        spec = self.spec
        value = self.value()
        # The Korean sentences are the domain's (fieldapp.hangul): the same words as the
        # check on saving, in one register, with the particle chosen from the label.
        if value is None or value == []:
            if not (spec.required or spec.required_when_shown):
                return None
            choose = spec.kind in ("choice", "multi", "bool")
            return pick(
                hangul.enter(spec.label_ko, choose=choose),
                self.tr("%1: 값을 입력하십시오.").replace("%1", spec.label_en),
            )
        if spec.kind in ("int", "number"):
            if isinstance(value, str):
                return pick(
                    hangul.enter_number(spec.label_ko),
                    self.tr("%1: 숫자로 입력하십시오.").replace("%1", spec.label_en),
                )
            if (spec.min is not None and value < spec.min) or (
                spec.max is not None and value > spec.max
            ):
                return pick(
                    hangul.enter_between(spec.label_ko, spec.min, spec.max, spec.unit),
                    self.tr("%1: %2–%3 사이로 입력하십시오.")
                    .replace("%1", spec.label_en)
                    .replace("%2", _fmt(spec.min))
                    .replace("%3", _fmt(spec.max) + (f" {spec.unit}" if spec.unit else "")),
                )
        return None

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def focus_input(self) -> None:
        for w in (
            self._radios[0] if self._radios else None,
            self._combo,
            self._line,
            self._text,
            self._checks[0] if self._checks else None,
            self._box,
        ):
            if w is not None:
                w.setFocus(Qt.FocusReason.OtherFocusReason)
                return


def household_facts(household: dict[str, Any] | None) -> dict[str, Any]:
    """What a household record already answers, by ``known_from`` key."""
    persons = (household or {}).get("persons") or []
    first = persons[0] if persons else {}
    return {"person.sex": first.get("sex")}


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


class FormWidget(QWidget):
    """All sections of a form; :meth:`values` gives ``{field id: value}``.

    Each section is its own titled box (object name ``section:<id>``), hidden while every one of
    its fields is hidden; widgets are made in field order, so Tab follows the fields.
    """

    changed = Signal()

    def __init__(self, spec: FormSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.editors: dict[str, FieldEditor] = {}
        self.section_boxes: dict[str, QGroupBox] = {}
        self._section_fields: dict[str, list[str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)  # room above the first box's title
        for n, section in enumerate(spec.sections):
            box = QGroupBox(pick(section.title_ko, section.title_en))
            key = section.id or str(n)
            box.setObjectName(f"section:{key}")
            self.section_boxes[key] = box
            self._section_fields[key] = [fs.id for fs in section.fields]
            inner = QVBoxLayout(box)
            help_text = pick(section.help_ko, section.help_en)
            if help_text:
                hint = QLabel(help_text)
                hint.setObjectName("hint")
                hint.setWordWrap(True)
                inner.addWidget(hint)
            grid: QGridLayout | None = None
            cell = 0
            for fs in section.fields:
                editor = FieldEditor(fs)
                editor.changed.connect(self._on_changed)
                self.editors[fs.id] = editor
                if fs.kind in COMPACT_KINDS and fs.visible_when is None:
                    # Runs of short number fields sit side by side (two BP readings in a row).
                    if grid is None:
                        grid = QGridLayout()
                        grid.setHorizontalSpacing(24)
                        grid.setColumnStretch(GRID_COLUMNS, 1)
                        for c in range(GRID_COLUMNS):
                            grid.setColumnMinimumWidth(c, COLUMN_WIDTH)
                        inner.addLayout(grid)
                        cell = 0
                    grid.addWidget(
                        editor,
                        cell // GRID_COLUMNS,
                        cell % GRID_COLUMNS,
                        Qt.AlignmentFlag.AlignTop,  # labels side by side stay on one line
                    )
                    cell += 1
                else:
                    grid = None
                    inner.addWidget(editor)
            layout.addWidget(box)
        layout.addStretch(1)
        self._update_visibility()

    def _on_changed(self) -> None:
        self._update_visibility()
        self.changed.emit()

    def _update_visibility(self) -> None:
        facts = {"field": {fid: e.value() for fid, e in self.editors.items()}}
        for editor in self.editors.values():
            cond = editor.spec.visible_when
            if cond is not None:
                editor.setVisible(evaluate_condition(cond, facts))
            editor.offer_options(facts)
        for key, box in self.section_boxes.items():
            ids = self._section_fields[key]
            box.setVisible(not ids or any(self.is_shown(fid) for fid in ids))

    def set_known(self, known: dict[str, Any]) -> None:
        """Fill the fields the household already answers (``known_from``) and stop asking
        them: the visit form does not ask 성별 when the household record says it."""
        for editor in self.editors.values():
            value = known.get(editor.spec.known_from) if editor.spec.known_from else None
            if value is not None:
                editor.set_value(value)
                editor.hide()
        self._update_visibility()

    def is_shown(self, field_id: str) -> bool:
        editor = self.editors[field_id]
        return editor.spec.visible_when is None or not editor.isHidden()

    def values(self) -> dict[str, Any]:
        """Values of the fields currently shown."""
        return {
            fid: e.value()
            for fid, e in self.editors.items()
            if self.is_shown(fid) and e.spec.kind != "derived"
        }

    def set_values(self, values: dict[str, Any]) -> None:
        for fid, value in values.items():
            if fid in self.editors:
                self.editors[fid].set_value(value)
        self._update_visibility()

    def local_problems(self, *, touched_only: set[str] | None = None) -> dict[str, str]:
        """Field id -> message for problems visible field by field."""
        out = {}
        for fid, editor in self.editors.items():
            if not self.is_shown(fid) or (touched_only is not None and fid not in touched_only):
                continue
            problem = editor.local_problem()
            if problem:
                out[fid] = problem
        return out

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show *problems* under their fields (and clear the others)."""
        for fid, editor in self.editors.items():
            editor.set_error(problems.get(fid))
