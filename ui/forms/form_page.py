"""A form being filled in: live score and actions, the risk banner, drafts saved as you type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records
from fieldapp.instruments import get_instrument
from fieldapp.programme_time import current_time
from ui.forms.banner import RiskBanner
from ui.forms.builder import FormWidget, pick
from ui.forms.evaluate import LiveResult, editor_for, evaluate
from ui.forms.spec import FormSpec, flatten, instrument_form, load_form, nest
from ui.operations import CollectionOp, OpChanges, OpRunner
from ui.session import Session

URGENCY_COLOURS = {"immediate": "#b00020", "urgent": "#c77700", "routine": "#2e5d9f"}
DRAFT_DELAY_MS = 600


def form_spec(form_id: str) -> FormSpec:
    """The spec of a form id: ``welfare_check``, ``visit`` or ``screening:<instrument>``."""
    if form_id.startswith("screening:"):
        return instrument_form(get_instrument(form_id.split(":", 1)[1]))
    return load_form(form_id)


def build_event(
    spec: FormSpec,
    values: dict[str, Any],
    household_id: str,
    session: Session,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The event a filled-in form records (its ``result`` is computed by the domain); its id
    is *event_id* (the form's draft id), or a new one."""
    payload = nest(values)
    if spec.event_type == "screening" and spec.instrument is not None:
        inst = spec.instrument
        payload = {
            "instrument_id": inst.id,
            "instrument_version": inst.version,
            "answers": None if inst.score_entry else payload.get("answers", {}),
            "total": payload.get("total") if inst.score_entry else None,
            "context": payload.get("context", {}),
        }
    programme = spec.extra.get("programme") or session.programme
    if spec.event_type in ("screening", "visit"):
        programme = "visiting_health"
    return {
        "id": event_id or records.new_id(),
        "type": spec.event_type,
        "household_id": household_id,
        "programme": programme,
        "created_by": session.username,
        "device_id": session.device_id,
        "device_time": current_time().astimezone(UTC).isoformat(),
        "payload": payload,
        "amends": None,
    }


class ResultPanel(QFrame):
    """Score, band and required actions, updated as the form is filled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultPanel")
        self.setStyleSheet(
            "QFrame#resultPanel { background: white; border: 1px solid #d9dde3; border-radius: 6px; }"
        )
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("결과"))
        title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.progress = QLabel()
        self.progress.setObjectName("hint")
        self.score = QLabel()
        self.score.setObjectName("liveScore")
        self.score.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1d2b45;")
        self.band = QLabel()
        self.band.setObjectName("liveBand")
        self.band.setWordWrap(True)
        self.band.setStyleSheet("font-size: 11pt;")
        self.actions = QLabel()
        self.actions.setObjectName("liveActions")
        self.actions.setWordWrap(True)
        self.actions.setTextFormat(Qt.TextFormat.RichText)
        self.actions.setAlignment(Qt.AlignmentFlag.AlignTop)
        for w in (title, self.progress, self.score, self.band, self.actions):
            layout.addWidget(w)
        layout.addStretch(1)

    def show_result(
        self, res: LiveResult, score_form: bool, problems: list[str] | None = None
    ) -> None:
        """Show *res*; *problems* (messages naming their field) are the entries still to
        check: the actions shown come from every valid answer, never "none" because of them."""
        self.progress.setVisible(bool(res.required))  # no empty line on a form with none
        if res.required:
            self.progress.setText(
                self.tr("필수 항목 %1 / %2 입력")
                .replace("%1", str(res.answered))
                .replace("%2", str(res.required))
            )
        if score_form:
            total = "—" if res.total is None else str(res.total)
            self.score.setText(
                self.tr("총점 %1").replace("%1", total)
                + ("" if res.complete else self.tr(" (작성 중)"))
            )
        else:
            done = res.complete and res.filled > 0
            self.score.setText(self.tr("작성 완료") if done else self.tr("작성 중"))
        band = pick(res.band_ko, res.band_en)
        lines = []
        m = res.metrics
        if m.get("systolic_mean") is not None:
            lines.append(
                self.tr("평균 혈압 %1/%2 mmHg")
                .replace("%1", _num(m["systolic_mean"]))
                .replace("%2", _num(m["diastolic_mean"]))
            )
        if m.get("glucose") is not None:
            lines.append(self.tr("혈당 %1 mg/dL").replace("%1", _num(m["glucose"])))
        if m.get("bmi") is not None:
            lines.append(self.tr("BMI %1 (%2)").replace("%1", _num(m["bmi"])).replace("%2", band))
        elif band:
            lines.append(self.tr("판정: %1").replace("%1", band))
        self.band.setText("\n".join(lines))
        self.band.setVisible(bool(lines))
        to_check = self.tr("확인 필요")
        check = "".join(
            f'<p style="color:#8a5a00">{to_check} · {_escape(m)}</p>' for m in problems or ()
        )
        if not res.actions:
            if check:
                pending = self.tr("판정 전: 아래 입력을 확인하면 결과가 나옵니다.")
                self.actions.setText(f"<p>{pending}</p>{check}")
            else:
                self.actions.setText(self.tr("필요한 조치 없음"))
            return
        urgency = {
            "immediate": self.tr("즉시"),
            "urgent": self.tr("긴급"),
            "routine": self.tr("일반"),
        }
        lines = [
            f'<p><b style="color:{URGENCY_COLOURS[a.urgency]}">[{urgency[a.urgency]}]</b> '
            f"{_escape(pick(a.text_ko, a.text_en))}</p>"
            for a in res.actions
        ]
        self.actions.setText("".join(lines) + check)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FormPage(QWidget):
    """One form for one household. Emits :attr:`saved` with the stored event, :attr:`closed`."""

    saved = Signal(dict)
    closed = Signal()

    def __init__(
        self,
        runner: OpRunner,
        session: Session,
        household_id: str,
        household_label: str,
        form_id: str,
        *,
        draft: dict[str, Any] | None = None,
        amends: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.household_id = household_id
        self.form_id = form_id
        self.spec = form_spec(form_id)
        self.amends = amends
        #: The draft's id is the id the record gets: a form is saved once, never twice.
        self.draft_id = (draft or {}).get("id") or records.new_id()
        #: Set when saving begins: no autosave after that (it would bring the draft back).
        self.saving = False
        self.result = LiveResult(complete=False)
        self._touched: set[str] = set()
        self._loading = True
        self.setObjectName("formPage")

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        title = QLabel(pick(self.spec.title_ko, self.spec.title_en))
        title.setObjectName("pageTitle")
        who = QLabel(household_label)
        who.setObjectName("hint")
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(who)
        head.addStretch(1)
        if amends is not None:
            note = QLabel(self.tr("정정 기록: 원래 기록은 그대로 남고 새 기록이 덧붙습니다."))
            note.setStyleSheet("color: #c77700; font-weight: bold;")
            head.addWidget(note)
        layout.addLayout(head)
        notice = pick(self.spec.notice_ko, self.spec.notice_en)
        if notice:
            n = QLabel(notice)
            n.setWordWrap(True)
            n.setStyleSheet("color: #8a5a00;")
            layout.addWidget(n)
        self.banner = RiskBanner()
        self.banner.recorded_changed.connect(lambda _r: self._after_change())
        layout.addWidget(self.banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.form = FormWidget(self.spec)
        self.form.changed.connect(self._on_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.panel = ResultPanel()
        self.panel.setMinimumWidth(260)
        split.addWidget(scroll)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.draft_state = QLabel()
        self.draft_state.setObjectName("hint")
        self.cancel_button = QPushButton(self.tr("닫기"))
        self.cancel_button.clicked.connect(self._close)
        self.save_button = QPushButton(self.tr("저장 (Ctrl+S)"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.draft_state)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self._close)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)

        if amends is not None:
            self.form.set_values(_values_of_event(self.spec, amends))
        if draft:
            data = draft.get("data", {})
            self.form.set_values(data.get("values", {}))
            self.banner.restore(data.get("steps", []), data.get("note", ""))
            self._touched = set(data.get("values", {}))
        self._loading = False
        self._after_change()
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            QTimer.singleShot(0, first.focus_input)

    # ------------------------------------------------------------------ live

    def _on_changed(self) -> None:
        if self._loading:
            return
        sender_values = self.form.values()
        self._touched |= {k for k, v in sender_values.items() if v not in (None, "", [])}
        self._after_change()
        self._draft_timer.start()

    def _after_change(self) -> None:
        values = self.form.values()
        self.result = evaluate(self.spec, values)
        self.banner.set_actions(self.result.immediate)
        shown = self.form.local_problems(touched_only=self._touched)
        named = {}  # problems of touched fields, for the result panel (each named once)
        for fid, message in self.result.problems.items():
            editor = editor_for(fid, self.form.editors)
            if editor is not None and editor in self._touched:
                shown.setdefault(editor, message)
                named[fid] = message
        self.form.show_problems(shown)
        self.panel.show_result(
            self.result, self.spec.event_type == "screening", list(named.values())
        )
        if self.result.metrics.get("bmi") is not None and "vitals.bmi" in self.form.editors:
            self.form.editors["vitals.bmi"].show_derived(str(self.result.metrics["bmi"]))
        blocked = bool(self.result.immediate) and not self.banner.recorded
        self.save_button.setEnabled(not blocked)
        self.save_button.setToolTip(
            self.tr("위험 배너에 한 일을 먼저 기록하십시오.") if blocked else ""
        )

    @property
    def needs_action_record(self) -> bool:
        return bool(self.result.immediate) and not self.banner.recorded

    # ------------------------------------------------------------------ drafts

    def draft_data(self) -> dict[str, Any]:
        """What a draft keeps: the values, the banner's record, ``result`` (``actions`` the
        answers raise so far as in a record's ``payload.result``, and the ``immediate`` ones)
        and ``action_recorded``: a draft carrying an unhandled immediate risk is listed as one
        (the draft fields of :mod:`fieldapp.household_state`)."""
        return {
            "values": self.form.values(),
            "steps": self.banner.steps_done(),
            "note": self.banner.note_text(),
            "amends": self.amends["id"] if self.amends else None,
            "result": {
                "actions": [a.to_dict() for a in self.result.actions],
                "immediate": [a.to_dict() for a in self.result.immediate],
            },
            "action_recorded": self.banner.recorded,
        }

    def save_draft(self) -> None:
        """Keep what is typed so far (a crash or a lock loses nothing); never once saving
        has begun."""
        self._draft_timer.stop()
        if self.saving:
            return
        data = self.draft_data()
        draft_id, hid, form_id = self.draft_id, self.household_id, self.form_id

        def op(store: Any) -> tuple[None, OpChanges]:
            records.save_draft(store, draft_id, form_id, hid, data)
            return None, OpChanges(drafts=True)

        CollectionOp(self, op).success(
            lambda _r: self.draft_state.setText(
                self.tr("임시 저장됨 %1").replace("%1", datetime.now().strftime("%H:%M:%S"))
            )
        ).run(self.runner)

    # ------------------------------------------------------------------ saving

    def save(self) -> None:
        """Validate and record the event (plus a referral for the actions taken on a risk)."""
        if self.saving:
            return
        self._touched |= set(self.form.editors)
        self._after_change()
        if self.needs_action_record:
            self.banner.setFocus()
            return
        problems = self.form.local_problems()
        for fid, message in self.result.problems.items():
            editor = editor_for(fid, self.form.editors)
            if editor is not None:
                problems.setdefault(editor, message)
        if problems:
            self.form.show_problems(problems)
            first = next(iter(problems))
            self.form.editors[first].focus_input()
            return
        event = build_event(
            self.spec, self.form.values(), self.household_id, self.session, self.draft_id
        )
        if self.amends is not None:
            event["amends"] = self.amends["id"]
        referrals = self._referrals(event)
        draft_id = self.draft_id
        role = self.session.role
        self.saving = True
        self._draft_timer.stop()

        def op(store: Any) -> tuple[dict[str, Any], OpChanges]:
            stored = records.save_form_record(store, event, referrals, draft_id=draft_id, role=role)
            return stored, OpChanges(
                households=frozenset({event["household_id"]}),
                events=True,
                drafts=True,
                sync_state=True,
            )

        self.save_button.setEnabled(False)
        CollectionOp(self, op).success(self._saved).failure(self._save_failed).run(self.runner)

    def _referrals(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """One referral (status done) per immediate action, recording what the worker did;
        each ``closes`` the record it answers (saved with it, in one transaction)."""
        if not self.result.immediate:
            return []
        labels = {sid: ko for sid, ko, _en in RiskBanner.STEPS}
        done = ", ".join(labels[s] for s in self.banner.steps_done())
        note = self.banner.note_text()
        out = []
        for action in self.result.immediate:
            out.append(
                {
                    "id": records.new_id(),
                    "type": "referral",
                    "household_id": event["household_id"],
                    "programme": event["programme"],
                    "created_by": event["created_by"],
                    "device_id": event["device_id"],
                    "device_time": event["device_time"],
                    "payload": {
                        "target": done[:200],
                        "reason": action.text_ko + (f" / 조치 메모: {note}" if note else ""),
                        "urgency": "immediate",
                        "status": "done",
                        "closes": event["id"],
                    },
                    "amends": None,
                }
            )
        return out

    def _saved(self, event: dict[str, Any]) -> None:
        self.saved.emit(event)
        self.closed.emit()

    def _save_failed(self, err: Exception) -> None:
        from fieldapp.errors import AlreadySavedError, ValidationError
        from ui import errors as ui_errors

        if isinstance(err, AlreadySavedError):  # saved before: say so; the draft is gone
            self.runner.changed.emit(OpChanges(drafts=True))
            ui_errors.show_known_error(self, err)
            self.closed.emit()
            return
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(err, ValidationError):
            problems: dict[str, str] = {}
            for p in err.problems:
                fid = p.field.removeprefix("payload.").replace("[", ".").replace("]", "")
                editor = editor_for(fid, self.form.editors)
                if editor is not None:
                    problems.setdefault(editor, p.message_ko or p.message)
            if problems:
                self.form.show_problems(problems)
                return
        ui_errors.show_known_error(self, err)

    def may_leave(self) -> bool:
        """Whether the worker may leave this form for another page: one whose answers raise
        an immediate action with nothing recorded asks first (kept as a draft if so)."""
        if self.saving or not self.needs_action_record:
            return True
        if self._park_risk():
            self.save_draft()
            return True
        self.banner.setFocus()
        return False

    def _close(self) -> None:
        if self.saving:
            return
        if self.needs_action_record:  # a risk is never parked silently
            if self.may_leave():
                self.closed.emit()
            return
        if self._touched and self._draft_timer.isActive():
            self.save_draft()
        if self._touched:
            answer = QMessageBox.question(
                self,
                self.tr("양식 닫기"),
                self.tr(
                    "작성 중인 내용은 임시 저장되어 있습니다. 나중에 가구 화면에서 이어서 작성할 수 있습니다. 닫겠습니까?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.closed.emit()

    def _park_risk(self) -> bool:
        """Ask before closing with an immediate action not recorded; True to keep it as a
        draft (then listed first on Today), False (the default) to record the action now."""
        box = QMessageBox(self)
        box.setObjectName("parkRiskDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("즉시 조치 미기록"))
        risks = "\n".join(f"• {pick(a.text_ko, a.text_en)}" for a in self.result.immediate)
        box.setText(self.tr("이 답에는 즉시 조치가 필요합니다:") + "\n" + risks)
        box.setInformativeText(
            self.tr(
                "한 일을 기록하지 않고 닫으면 임시 저장되고, 오늘 할 일 맨 위에 즉시 조치로 남습니다."
            )
        )
        record = box.addButton(self.tr("지금 조치 기록"), QMessageBox.ButtonRole.AcceptRole)
        park = box.addButton(self.tr("임시 저장하고 닫기"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(record)
        box.setEscapeButton(record)
        box.exec()
        return box.clickedButton() is park


def _values_of_event(spec: FormSpec, event: dict[str, Any]) -> dict[str, Any]:
    """Form values from a stored event (to start a correction from it)."""
    payload = dict(event.get("payload") or {})
    payload.pop("result", None)
    if spec.event_type == "screening":
        flat: dict[str, Any] = {}
        for k, v in (payload.get("answers") or {}).items():
            flat[f"answers.{k}"] = v
        for k, v in (payload.get("context") or {}).items():
            flat[f"context.{k}"] = v
        if spec.instrument is not None and spec.instrument.score_entry:
            flat["total"] = payload.get("total")
        return flat
    return flatten(payload)
