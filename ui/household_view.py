"""One household: profile with editable fields and conflict cards, consents, timeline with sync
state, vitals trends, screening history, open actions, assignment history. Every opening is
written to the access log."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records
from fieldapp.household_state import HouseholdState, OpenItem, household_state
from fieldapp.instruments import load_instruments
from fieldapp.programme_time import kst_text, moment, programme_today
from fieldapp.validation import household_edit_problem
from ui import data
from ui.assignment_text import history_names, person_text, reason_text
from ui.charts import trend_chart, vitals_series
from ui.forms.builder import pick
from ui.households_model import form_name, label
from ui.operations import CollectionOp, OpChanges, OpRunner, QueryOp
from ui.saved_texts import shown  # saved Korean texts in the UI language
from ui.session import Session

#: The rule's open items shown as rows of 조치·의뢰 (open immediate actions and referrals).
_ACTION_KINDS = ("immediate_action", "referral")

EDITABLE = (
    "phone",
    "address_road",
    "address_detail",
    "household_type",
    "risk_level",
    "care_group",
    "notes",
)
CHOICES: dict[str, tuple[str, ...]] = {
    "household_type": ("elderly_alone", "midlife_alone", "youth_alone", "jjokbang", "other"),
    "risk_level": ("high", "medium", "low"),
    "care_group": ("intensive", "regular", "self_support"),
}


@dataclass
class HouseholdDetail:
    """Everything the view shows, read in one operation."""

    household: dict[str, Any]
    events: list[dict[str, Any]]
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    pending_fields: set[str] = field(default_factory=set)
    state: HouseholdState | None = None  # the household-state rule's answer for today


def load_detail(store: Any, household_id: str) -> HouseholdDetail | None:
    h = records.get_household(store, household_id)
    if h is None:
        return None
    with store.reading() as db:
        conflicts = [
            {**json.loads(r["data"]), "status": r["status"]}
            for r in db.query(
                "SELECT data, status FROM conflicts WHERE household_id = ? AND status = 'open'",
                [household_id],
            )
        ]
    pending = {e["field"] for e in records.pending_edits(store, household_id)}
    events = records.household_events(store, household_id)
    drafts = records.list_drafts(store, household_id)
    return HouseholdDetail(
        household=h,
        events=events,
        conflicts=conflicts,
        drafts=drafts,
        pending_fields=pending,
        state=household_state(h, events, programme_today(), drafts=drafts),
    )


def open_and_log(
    store: Any, household_id: str, user: str, device_id: str
) -> tuple[HouseholdDetail | None, OpChanges]:
    """Write the access-log entry for viewing, then read the household."""
    records.log_access(store, household_id, "view", user=user, device_id=device_id)
    return load_detail(store, household_id), OpChanges(
        events=True, sync_state=True, access_log_only=True
    )


def field_label(name: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "phone": QCoreApplication.translate("household", "전화"),
        "address_road": QCoreApplication.translate("household", "도로명주소"),
        "address_detail": QCoreApplication.translate("household", "상세주소"),
        "household_type": QCoreApplication.translate("household", "가구 유형"),
        "risk_level": QCoreApplication.translate("household", "위험도"),
        "care_group": QCoreApplication.translate("household", "관리군"),
        "isolation_band": QCoreApplication.translate("household", "고립 위험"),
        "notes": QCoreApplication.translate("household", "메모"),
        "emergency_contacts": QCoreApplication.translate("household", "비상 연락처"),
        "consent_general": QCoreApplication.translate("household", "개인정보 동의"),
        "consent_health": QCoreApplication.translate("household", "민감정보(건강) 동의"),
    }.get(name, name)


def value_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "phone":
        return data.phone_text(value)
    if name in ("household_type", "risk_level", "care_group"):
        return label(name, value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def event_summary(e: dict[str, Any]) -> str:
    """One line saying what an event recorded, in the UI language."""
    from PySide6.QtCore import QCoreApplication

    p = e.get("payload") or {}
    if e.get("redacted"):
        return QCoreApplication.translate("household", "(임상 기록: 볼 권한 없음)")
    t = e.get("type")
    result = p.get("result") or {}
    if t == "screening":
        name = p.get("instrument_id", "")
        try:
            inst = load_instruments()[name]
            name = pick(inst.name_ko, inst.name_en)
        except KeyError:
            pass
        band = pick(result.get("band_label_ko") or "", result.get("band_label_en") or "")
        total = QCoreApplication.translate("household", "%1점").replace("%1", str(p.get("total")))
        return f"{name}: {total} {band}".strip()
    if t == "visit":
        vit = p.get("vitals") or {}
        parts = []
        bp = [r for r in vit.get("bp") or [] if r.get("systolic")]
        if bp:
            readings = ", ".join(f"{r['systolic']}/{r.get('diastolic')}" for r in bp)
            parts.append(QCoreApplication.translate("household", "혈압 %1").replace("%1", readings))
        if (vit.get("glucose") or {}).get("value") is not None:
            parts.append(
                QCoreApplication.translate("household", "혈당 %1").replace(
                    "%1", str(vit["glucose"]["value"])
                )
            )
        if vit.get("weight_kg") is not None:
            parts.append(
                QCoreApplication.translate("household", "체중 %1kg").replace(
                    "%1", str(vit["weight_kg"])
                )
            )
        return " · ".join(parts) or QCoreApplication.translate("household", "방문")
    if t == "welfare_check":
        method = option_label("welfare_check", "method", p.get("method"))
        reached = option_label("welfare_check", "reached", p.get("reached"))
        level = QCoreApplication.translate("household", "단계 %1").replace(
            "%1", str(p.get("escalation_level", 0))
        )
        signs = ", ".join(
            option_label("welfare_check", "risk_signs", v) for v in p.get("risk_signs") or []
        )
        return " · ".join(x for x in (method, reached, level, signs) if x)
    if t == "referral":
        state = (
            QCoreApplication.translate("household", "완료")
            if p.get("status") == "done"
            else QCoreApplication.translate("household", "진행 중")
        )
        return f"[{label('urgency', p.get('urgency'))} · {state}] {shown(p.get('target', ''))}: {shown(p.get('reason', ''))}"
    if t == "note":
        return str(p.get("text", ""))
    if t == "access_log":
        action = {
            "view": QCoreApplication.translate("household", "열람"),
            "edit": QCoreApplication.translate("household", "수정"),
            "print": QCoreApplication.translate("household", "인쇄"),
            "export": QCoreApplication.translate("household", "내보내기"),
        }.get(p.get("action"), str(p.get("action")))
        reason = f" ({p['reason']})" if p.get("reason") else ""
        return (
            QCoreApplication.translate("household", "접근 기록: %1").replace("%1", action) + reason
        )
    if t == "void":
        return QCoreApplication.translate("household", "취소: %1").replace(
            "%1", str(p.get("reason", ""))
        )
    if t == "signal_ack":
        follow = p.get("follow_up")
        return QCoreApplication.translate("household", "신호 확인 (%1): %2").replace(
            "%1", str(p.get("rule", ""))
        ).replace("%2", str(p.get("note") or "-")) + (
            QCoreApplication.translate("household", " · 후속 확인일 %1").replace("%1", follow)
            if follow
            else ""
        )
    return ""


@functools.cache
def _form_options(form_id: str) -> dict[str, dict[Any, tuple[str, str]]]:
    from ui.forms.spec import load_form

    spec = load_form(form_id)
    return {f.id: {o.value: (o.label_ko, o.label_en) for o in f.options} for f in spec.fields()}


def option_label(form_id: str, field_id: str, value: Any) -> str:
    """The label of a form field's option value (the value itself if unknown)."""
    found = _form_options(form_id).get(field_id, {}).get(value)
    return pick(*found) if found else ("" if value is None else str(value))


def type_text(t: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "visit": QCoreApplication.translate("household", "방문"),
        "screening": QCoreApplication.translate("household", "선별검사"),
        "welfare_check": QCoreApplication.translate("household", "안부확인"),
        "referral": QCoreApplication.translate("household", "조치·의뢰"),
        "note": QCoreApplication.translate("household", "메모"),
        "access_log": QCoreApplication.translate("household", "열람"),
        "void": QCoreApplication.translate("household", "취소"),
        "signal_ack": QCoreApplication.translate("household", "신호 확인"),
    }.get(t, t)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(28)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], ids: list[str] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if ids is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


def _html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _made_at(e: dict[str, Any]) -> Any:
    """A record's time as a comparable instant (its offset does not matter)."""
    return moment(e.get("device_time")) or moment("0001-01-02T00:00:00+00:00")


def _when(e: dict[str, Any]) -> str:
    """When a record was made, in KST (``YYYY-MM-DD HH:MM``)."""
    return kst_text(e.get("device_time"))


class ConflictCard(QFrame):
    """Mine / theirs / who / when for one field; choose one."""

    chosen = Signal(str, object)  # field, value

    def __init__(
        self,
        conflict: dict[str, Any],
        parent: QWidget | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        """*names*: username -> display name, to name who wrote each value."""
        super().__init__(parent)
        self.setObjectName("conflictCard")
        self.setStyleSheet(
            "QFrame#conflictCard { background: #fff8e1; border: 1px solid #e0b000; border-radius: 6px; }"
        )
        name = conflict["field"]
        layout = QGridLayout(self)
        title = QLabel(
            self.tr("충돌: %1 — 두 값 중 하나를 고르십시오").replace("%1", field_label(name))
        )
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title, 0, 0, 1, 3)
        for row, (who, value, by, at) in enumerate(
            (
                (
                    self.tr("내 값"),
                    conflict.get("mine"),
                    conflict.get("mine_by"),
                    conflict.get("mine_at"),
                ),
                (
                    self.tr("다른 값"),
                    conflict.get("theirs"),
                    conflict.get("theirs_by"),
                    conflict.get("theirs_at"),
                ),
            ),
            start=1,
        ):
            layout.addWidget(QLabel(f"{who}: <b>{value_text(name, value)}</b>"), row, 0)
            by_text = person_text(by, names or {}) if by else "?"
            layout.addWidget(QLabel(f"{by_text} · {kst_text(at) or '?'} KST"), row, 1)
            button = QPushButton(self.tr("이 값 선택"))
            button.clicked.connect(lambda _=False, v=value: self.chosen.emit(name, v))
            layout.addWidget(button, row, 2)


class HouseholdView(QWidget):
    """The whole record of one household. Opening it writes an access-log entry."""

    start_form = Signal(str, str)  # household id, form id
    resume_draft = Signal(str, dict)  # household id, draft
    correct_event = Signal(str, dict)  # household id, event to correct
    back = Signal()

    def __init__(
        self, runner: OpRunner, session: Session, household_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.household_id = household_id
        self.detail: HouseholdDetail | None = None
        self.setObjectName("householdView")
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        back = QPushButton(self.tr("← 목록"))
        back.setShortcut("Alt+Left")
        back.clicked.connect(self.back)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("hint")
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addWidget(back, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(titles, 1)
        self.welfare_button = QPushButton(self.tr("안부확인 기록"))
        self.welfare_button.clicked.connect(
            lambda: self.start_form.emit(household_id, "welfare_check")
        )
        self.visit_button = QPushButton(self.tr("방문 기록"))
        self.visit_button.clicked.connect(lambda: self.start_form.emit(household_id, "visit"))
        self.screen_button = QPushButton(self.tr("선별검사"))
        menu = QMenu(self.screen_button)
        for inst in sorted(load_instruments().values(), key=lambda i: i.name_ko):
            action = menu.addAction(pick(inst.name_ko, inst.name_en))
            action.triggered.connect(
                lambda _=False, iid=inst.id: self.start_form.emit(household_id, f"screening:{iid}")
            )
        self.screen_button.setMenu(menu)
        for b in (self.welfare_button, self.visit_button, self.screen_button):
            head.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        # Each worker is offered the forms of their own programme only: the server refuses a
        # record of another programme (a nurse's 안부확인, a volunteer's visit), and supervisors
        # write no household records on a laptop.
        self.welfare_button.setVisible(session.programme == "welfare_check")
        self.visit_button.setVisible(session.is_clinical)
        self.screen_button.setVisible(session.is_clinical)
        layout.addLayout(head)

        self.banners = QVBoxLayout()
        layout.addLayout(self.banners)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("householdTabs")
        layout.addWidget(self.tabs, 1)
        self._build_profile_tab()
        self.timeline = _table(
            [
                self.tr("시각 (KST)"),
                self.tr("종류"),
                self.tr("내용"),
                self.tr("작성자"),
                self.tr("동기화"),
            ]
        )
        self.timeline.setColumnWidth(0, 130)
        self.timeline.setColumnWidth(1, 90)
        self.timeline.setColumnWidth(2, 560)
        self.timeline.setColumnWidth(3, 110)
        self.timeline.doubleClicked.connect(self._correct_selected)
        tl = QWidget()
        tl_layout = QVBoxLayout(tl)
        tl_layout.addWidget(self.timeline)
        hint = QLabel(
            self.tr("기록을 두 번 누르면 정정 기록을 작성합니다 (원래 기록은 그대로 남습니다).")
        )
        hint.setObjectName("hint")
        tl_layout.addWidget(hint)
        self.tabs.addTab(tl, self.tr("타임라인"))
        self.charts_box = QWidget()
        self.charts_layout = QGridLayout(self.charts_box)
        self.tabs.addTab(self.charts_box, self.tr("건강 추이"))
        self.screenings = _table(
            [
                self.tr("날짜"),
                self.tr("검사"),
                self.tr("총점"),
                self.tr("판정"),
                self.tr("필요 조치"),
            ]
        )
        self.screenings.setColumnWidth(1, 260)
        self.screenings.setColumnWidth(3, 160)
        self.tabs.addTab(self.screenings, self.tr("선별검사 이력"))
        self.actions_table = _table(
            [self.tr("날짜"), self.tr("긴급도"), self.tr("상태"), self.tr("내용")]
        )
        self.actions_table.setObjectName("actionsTable")
        self.actions_table.doubleClicked.connect(self.close_selected_action)
        self.actions_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.actions_table.customContextMenuRequested.connect(self._actions_menu)
        self.close_action_button = QPushButton(self.tr("조치 기록 (선택한 항목 닫기)"))
        self.close_action_button.setObjectName("closeActionButton")
        self.close_action_button.clicked.connect(self.close_selected_action)
        self.actions_table.itemSelectionChanged.connect(self._action_selected)
        actions_page = QWidget()
        actions_layout = QVBoxLayout(actions_page)
        actions_layout.addWidget(self.actions_table)
        actions_bar = QHBoxLayout()
        actions_hint = QLabel(
            self.tr("필요·진행 중 항목을 두 번 누르거나 골라서 조치를 기록하면 그 항목이 닫힙니다.")
        )
        actions_hint.setObjectName("hint")
        actions_bar.addWidget(actions_hint, 1)
        actions_bar.addWidget(self.close_action_button)
        actions_layout.addLayout(actions_bar)
        self.tabs.addTab(actions_page, self.tr("조치·의뢰"))
        self._action_items: list[OpenItem | None] = []
        from ui.signals_panel import SignalsPanel

        self.signals_panel = SignalsPanel(runner, session)
        self.signals_panel.open_record.connect(self.show_record)
        self.tabs.addTab(self.signals_panel, self.tr("신호"))
        self.assignments = _table(
            [
                self.tr("사업"),
                self.tr("담당자"),
                self.tr("배정한 사람"),
                self.tr("시각"),
                self.tr("사유"),
            ]
        )
        self.tabs.addTab(self.assignments, self.tr("담당 이력"))
        runner.changed.connect(self._on_changed)

    def _build_profile_tab(self) -> None:
        page = QWidget()
        outer = QHBoxLayout(page)
        left = QVBoxLayout()
        self.conflict_box = QVBoxLayout()
        left.addLayout(self.conflict_box)
        box = QGroupBox(self.tr("기본 정보 (수정하면 서버와 필드별로 병합됩니다)"))
        form = QFormLayout(box)
        self.editors: dict[str, QWidget] = {}
        for name in EDITABLE:
            if name in CHOICES:
                editor = QComboBox()
                editor.addItem("—", None)
                for value in CHOICES[name]:
                    editor.addItem(label(name, value), value)
            else:
                editor = QLineEdit()
            editor.setObjectName(f"edit:{name}")
            if household_edit_problem(self.session.role, name) is not None:
                # Another programme's field (the server refuses it too): shown, not editable.
                editor.setEnabled(False)
                editor.setToolTip(self.tr("다른 사업 담당자만 수정할 수 있는 항목입니다."))
            self.editors[name] = editor
            form.addRow(field_label(name), editor)
        self.pending_label = QLabel()
        self.pending_label.setObjectName("hint")
        form.addRow("", self.pending_label)
        save = QPushButton(self.tr("변경 저장"))
        save.setObjectName("primary")
        save.clicked.connect(self.save_edits)
        form.addRow("", save)
        left.addWidget(box)
        recent_box = QGroupBox(self.tr("최근 기록"))
        self.recent = QLabel()
        self.recent.setObjectName("recentEvents")
        self.recent.setWordWrap(True)
        self.recent.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(recent_box).addWidget(self.recent)
        left.addWidget(recent_box)
        left.addStretch(1)
        right = QVBoxLayout()
        self.people_box = QGroupBox(self.tr("가구원 · 비상 연락처"))
        self.people = QLabel()
        self.people.setWordWrap(True)
        self.people.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self.people_box).addWidget(self.people)
        self.consent_box = QGroupBox(self.tr("동의"))
        self.consents = QLabel()
        self.consents.setWordWrap(True)
        QVBoxLayout(self.consent_box).addWidget(self.consents)
        self.open_box = QGroupBox(self.tr("진행 중인 조치"))
        self.open_actions = QLabel()
        self.open_actions.setWordWrap(True)
        self.open_actions.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self.open_box).addWidget(self.open_actions)
        self.drafts_box = QGroupBox(self.tr("작성 중인 양식"))
        self.drafts_layout = QVBoxLayout(self.drafts_box)
        right.addWidget(self.people_box)
        right.addWidget(self.open_box)
        right.addWidget(self.consent_box)
        right.addWidget(self.drafts_box)
        right.addStretch(1)
        outer.addLayout(left, 3)
        outer.addLayout(right, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(scroll, self.tr("개요"))

    # ------------------------------------------------------------------ loading

    def open(self) -> None:
        """Log the view and load the household."""
        hid, user, device = self.household_id, self.session.username, self.session.device_id
        CollectionOp(self, lambda store: open_and_log(store, hid, user, device)).success(
            self._show
        ).run(self.runner)

    def reload(self) -> None:
        hid = self.household_id
        QueryOp(self, lambda store: load_detail(store, hid)).success(self._show).run(self.runner)

    def _on_changed(self, changes: OpChanges) -> None:
        # drafts: a form kept or saved for this household changes 작성 중인 양식 (and a risky
        # draft is an open immediate item)
        if changes.touches(self.household_id) or changes.conflicts or changes.drafts:
            self.reload()

    def _show(self, detail: HouseholdDetail | None) -> None:
        if detail is None:
            self.title.setText(self.tr("이 가구는 더 이상 이 기기에 없습니다"))
            self.subtitle.setText(
                self.tr("담당이 바뀌었을 수 있습니다. 동기화 화면의 인계 기록을 확인하십시오.")
            )
            self.tabs.setEnabled(False)
            return
        self.detail = detail
        h = detail.household
        self.title.setText(data.primary_name(h) or self.tr("(이름 없음)"))
        self.subtitle.setText(
            " · ".join(
                x
                for x in (
                    data.household_label(h).split(" · ", 1)[-1],
                    data.dong_name(h.get("dong_code")),
                    data.phone_text(h.get("phone")),
                    label("household_type", h.get("household_type")),
                    self.tr("위험도 %1").replace("%1", label("risk_level", h.get("risk_level"))),
                    label("care_group", h.get("care_group")) if h.get("care_group") else "",
                )
                if x
            )
        )
        self._show_profile(detail)
        self._show_recent(detail.events)
        self._show_timeline(detail.events)
        self._show_charts(detail.events)
        self._show_screenings(detail.events)
        self._show_actions(detail)
        self._show_signals(detail)
        self._show_assignments(h)

    def _show_profile(self, detail: HouseholdDetail) -> None:
        h = detail.household
        for name, editor in self.editors.items():
            value = h.get(name)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            else:
                assert isinstance(editor, QLineEdit)
                editor.setText(data.phone_text(value) if name == "phone" else (value or ""))
        pending = ", ".join(field_label(f) for f in sorted(detail.pending_fields))
        self.pending_label.setText(
            self.tr("전송 대기 중인 수정: %1").replace("%1", pending) if pending else ""
        )
        while self.conflict_box.count():
            item = self.conflict_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for conflict in detail.conflicts:
            card = ConflictCard(conflict, names=self._names(h))
            card.chosen.connect(self._choose_conflict_value)
            self.conflict_box.addWidget(card)
        people = []
        for p in h.get("persons") or []:
            people.append(
                f"<b>{p.get('name', '')}</b> · {p.get('birth_date') or ''} · {p.get('sex') or ''} · "
                f"{data.phone_text(p.get('phone'))}"
            )
        for c in h.get("emergency_contacts") or []:
            people.append(
                self.tr("비상 연락처: %1").replace(
                    "%1",
                    f"{c.get('name', '')} ({c.get('relation') or ''}) {data.phone_text(c.get('phone'))}",
                )
            )
        self.people.setText("<br>".join(people) or "—")
        consent_lines = []
        for key in ("consent_general", "consent_health"):
            c = h.get(key)
            state = self.tr("동의함") if c and c.get("given") else self.tr("동의 없음")
            date = f" ({c.get('date')})" if c and c.get("date") else ""
            consent_lines.append(f"{field_label(key)}: {state}{date}")
        self.consents.setText("\n".join(consent_lines))
        while self.drafts_layout.count():
            item = self.drafts_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        state = detail.state
        drafts = {d["id"]: d for d in detail.drafts}
        infos = state.drafts if state is not None else ()
        if not infos:
            self.drafts_layout.addWidget(QLabel(self.tr("없음")))
        for info in infos:
            text = (
                self.tr("이어서 작성: %1 (%2)")
                .replace("%1", form_name(info.form))
                .replace("%2", kst_text(info.updated_at))
            )
            button = QPushButton(("⚠ " if info.risk_unhandled else "") + text)
            button.setObjectName("resumeDraft")
            if info.risk_unhandled:
                button.setToolTip(self.tr("즉시 조치가 아직 기록되지 않았습니다"))
            button.clicked.connect(
                lambda _=False, draft=drafts[info.id]: self.resume_draft.emit(
                    self.household_id, draft
                )
            )
            self.drafts_layout.addWidget(button)

    def _show_recent(self, events: list[dict[str, Any]]) -> None:
        shown = [
            e for e in events if e.get("effective") and e.get("type") not in ("access_log", "void")
        ]
        lines = [
            f"<b>{_when(e)[:10]}</b> {type_text(e.get('type', ''))} · {_html(event_summary(e))}"
            for e in shown[:8]
        ]
        self.recent.setText("<br>".join(lines) or self.tr("기록 없음"))

    def _show_timeline(self, events: list[dict[str, Any]]) -> None:
        rows, ids = [], []
        for e in events:
            state = label("sync_state", e.get("sync_state"))
            if e.get("reject_reason"):
                state += f" ({e['reject_reason']})"
            summary = event_summary(e)
            if e.get("voided_by"):
                summary = self.tr("[취소됨] ") + summary
            elif e.get("superseded_by"):
                summary = self.tr("[정정됨] ") + summary
            if e.get("amends") and e.get("type") != "void":
                summary = self.tr("[정정] ") + summary
            rows.append(
                [_when(e), type_text(e.get("type", "")), summary, e.get("created_by", ""), state]
            )
            ids.append(e["id"])
        _fill(self.timeline, rows, ids)

    def _show_charts(self, events: list[dict[str, Any]]) -> None:
        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        s = vitals_series(events)
        bp = trend_chart(
            self.tr("혈압 (두 번 측정 평균)"),
            [
                (self.tr("수축기"), s["systolic"], "#c62828"),
                (self.tr("이완기"), s["diastolic"], "#1565c0"),
            ],
            limits=[(self.tr("140/90 기준"), 140, "#999999")],
            unit="mmHg",
        )
        glucose = trend_chart(
            self.tr("혈당"),
            [(self.tr("혈당"), s["glucose"], "#6a1b9a")],
            limits=[(self.tr("저혈당 70"), 70, "#c62828")],
            unit="mg/dL",
        )
        weight = trend_chart(
            self.tr("체중"), [(self.tr("체중"), s["weight"], "#2e7d32")], unit="kg"
        )
        self.charts_layout.addWidget(bp, 0, 0, 1, 2)
        self.charts_layout.addWidget(glucose, 1, 0)
        self.charts_layout.addWidget(weight, 1, 1)

    def _show_screenings(self, events: list[dict[str, Any]]) -> None:
        rows = []
        for e in events:
            if e.get("type") != "screening" or not e.get("effective") or e.get("redacted"):
                continue
            p = e.get("payload") or {}
            r = p.get("result") or {}
            name = p.get("instrument_id", "")
            try:
                inst = load_instruments()[name]
                name = pick(inst.name_ko, inst.name_en)
            except KeyError:
                pass
            actions = "; ".join(
                pick(a.get("text_ko", ""), a.get("text_en", "")) for a in r.get("actions", [])
            )
            rows.append(
                [
                    _when(e)[:10],
                    name,
                    str(p.get("total", "")),
                    pick(r.get("band_label_ko") or "", r.get("band_label_en") or ""),
                    actions,
                ]
            )
        _fill(self.screenings, rows)

    def _show_actions(self, detail: HouseholdDetail) -> None:
        """조치·의뢰: one row per record (a flagged record and its answer are one row, 필요 while
        the rule says it is open); 개요's 진행 중인 조치 lists the rule's open items."""
        state = detail.state
        open_items = {
            i.record_id: i for i in (state.items if state else ()) if i.kind in _ACTION_KINDS
        }
        effective = [e for e in detail.events if e.get("effective")]
        by_id = {e["id"]: e for e in effective}
        answers: dict[str, dict[str, Any]] = {}  # record id -> the referral that closes it
        for e in effective:
            closes = (e.get("payload") or {}).get("closes")
            if e.get("type") == "referral" and closes in by_id:
                answers.setdefault(closes, e)
        rows: list[list[str]] = []
        items: list[OpenItem | None] = []
        for e in sorted(effective, key=_made_at):
            p = e.get("payload") or {}
            closes = p.get("closes")
            if e.get("type") == "referral" and closes in by_id:
                continue  # shown on the row of the record it answers
            answer = answers.get(e["id"])
            if e.get("type") == "referral":
                urgency = p.get("urgency")
                what = f"{shown(p.get('target', ''))}: {shown(p.get('reason', ''))}"
            else:
                flagged = [
                    a
                    for a in (p.get("result") or {}).get("actions", [])
                    if a.get("urgency") in ("immediate", "urgent")
                ]
                if not flagged:
                    continue
                urgency = (
                    "immediate" if any(a["urgency"] == "immediate" for a in flagged) else "urgent"
                )
                what = "; ".join(pick(a.get("text_ko", ""), a.get("text_en", "")) for a in flagged)
            item = open_items.get(e["id"])
            if item is not None:
                status = self.tr("필요") if item.kind == "immediate_action" else self.tr("진행 중")
            elif e.get("type") == "referral" or urgency == "immediate" or answer is not None:
                status = self.tr("완료")
            else:
                status = self.tr("권고")
            if answer is not None:
                ap = answer.get("payload") or {}
                what += (
                    self.tr(" → 조치: %1 (%2)")
                    .replace("%1", str(ap.get("target", "")))
                    .replace("%2", _when(answer))
                )
            rows.append([_when(e)[:10], label("urgency", urgency), status, what])
            items.append(item)  # an open action or referral: closed from here
        rows.reverse()
        items.reverse()
        _fill(self.actions_table, rows)
        self._action_items = items
        self._action_selected()
        self.open_actions.setText(self._open_lines(state))

    def _open_lines(self, state: HouseholdState | None) -> str:
        """진행 중인 조치: the rule's open immediate items first, then open referrals."""
        if state is None:
            return self.tr("없음")
        lines = []
        for item in state.items:
            if item.kind not in _ACTION_KINDS and not item.immediate:
                continue
            since = item.since.isoformat() if item.since else ""
            tag = label("urgency", "immediate") if item.immediate else self.tr("의뢰")
            lines.append(
                f"<b>[{_html(tag)}]</b> {_html(since)} {_html(pick(item.text_ko, item.text_en))}"
            )
        return "<br>".join(lines) or self.tr("없음")

    def open_action_items(self) -> list[OpenItem]:
        """The open immediate items 개요 lists (what Today and the board count)."""
        state = self.detail.state if self.detail is not None else None
        return state.immediate if state is not None else []

    def _selected_action(self) -> OpenItem | None:
        row = self.actions_table.currentRow()
        return self._action_items[row] if 0 <= row < len(self._action_items) else None

    def _action_selected(self) -> None:
        self.close_action_button.setEnabled(self._selected_action() is not None)

    def close_selected_action(self) -> None:
        """Open 조치 기록 for the selected 필요 row (saving it closes that record's action)."""
        item = self._selected_action()
        if item is None:
            return
        from ui.action_record import record_action

        self.action_dialog = record_action(self, self.runner, self.session, item)

    def _actions_menu(self, pos: Any) -> None:
        row = self.actions_table.rowAt(pos.y())
        if row < 0:
            return
        self.actions_table.selectRow(row)
        if self._selected_action() is None:
            return
        menu = QMenu(self.actions_table)
        menu.addAction(self.tr("조치 기록"), self.close_selected_action)
        menu.popup(self.actions_table.viewport().mapToGlobal(pos))

    def _show_signals(self, detail: HouseholdDetail) -> None:
        self.signals_panel.show_signals(detail.household, detail.events)
        active = sum(1 for s in self.signals_panel.signals if s.active)
        index = self.tabs.indexOf(self.signals_panel)
        title = self.tr("신호") + (f" ({active})" if active else "")
        self.tabs.setTabText(index, title)

    def show_record(self, record_id: str) -> None:
        """Show one record in the timeline (a signal's evidence is one click away)."""
        for row in range(self.timeline.rowCount()):
            item = self.timeline.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == record_id:
                self.tabs.setCurrentIndex(self.tabs.indexOf(self.timeline.parentWidget()))
                self.timeline.selectRow(row)
                self.timeline.scrollToItem(item)
                return

    def _names(self, h: dict[str, Any]) -> dict[str, str]:
        """username -> display name of the people this household's history names (an older
        server sent none: usernames then), and of the signed-in worker."""
        names = history_names(h.get("assignment_history") or [])
        names[self.session.username] = self.session.display_name
        return names

    def _show_assignments(self, h: dict[str, Any]) -> None:
        history = h.get("assignment_history") or []
        names = self._names(h)
        rows = []
        for prog, who in (h.get("assignments") or {}).items():
            rows.append(
                [label("programme", prog), person_text(who, names), "", self.tr("현재"), ""]
            )
        for a in reversed(history):
            rows.append(
                [
                    label("programme", a.get("programme")),
                    person_text(a.get("username"), names),
                    person_text(a.get("assigned_by"), names) if a.get("assigned_by") else "",
                    kst_text(a.get("at")),
                    reason_text(a.get("reason")),
                ]
            )
        _fill(self.assignments, rows)
        self.assignments.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )

    # ------------------------------------------------------------------ edits

    def _edited_values(self) -> dict[str, Any]:
        if self.detail is None:
            return {}
        h = self.detail.household
        out = {}
        for name, editor in self.editors.items():
            if not editor.isEnabled():
                continue
            if isinstance(editor, QComboBox):
                value = editor.currentData()
            else:
                assert isinstance(editor, QLineEdit)
                value = editor.text().strip() or None
                if name == "phone" and value and value == data.phone_text(h.get("phone")):
                    value = h.get("phone")
            if value != h.get(name):
                out[name] = value
        return out

    def save_edits(self) -> None:
        """Queue each changed field as its own edit (per-field merge on the server)."""
        changed = self._edited_values()
        if not changed:
            return
        hid, user, device = self.household_id, self.session.username, self.session.device_id
        role = self.session.role

        def op(store: Any) -> tuple[int, OpChanges]:
            with store.atomic():
                for name, value in changed.items():
                    records.edit_household_field(
                        store, hid, name, value, user=user, device_id=device, role=role
                    )
                records.log_access(store, hid, "edit", user=user, device_id=device)
            return len(changed), OpChanges(
                households=frozenset({hid}), household_list=True, sync_state=True
            )

        CollectionOp(self, op).run(self.runner)

    def _choose_conflict_value(self, name: str, value: Any) -> None:
        hid, user, device = self.household_id, self.session.username, self.session.device_id

        role = self.session.role

        def op(store: Any) -> tuple[None, OpChanges]:
            records.edit_household_field(
                store, hid, name, value, user=user, device_id=device, role=role
            )
            return None, OpChanges(households=frozenset({hid}), conflicts=True, sync_state=True)

        CollectionOp(self, op).run(self.runner)

    def _correct_selected(self) -> None:
        row = self.timeline.currentRow()
        if row < 0 or self.detail is None:
            return
        eid = self.timeline.item(row, 0).data(Qt.ItemDataRole.UserRole)
        event = next((e for e in self.detail.events if e["id"] == eid), None)
        if (
            event
            and event["type"] in ("visit", "screening", "welfare_check")
            and event.get("effective")
            and not event.get("redacted")
        ):
            self.correct_event.emit(self.household_id, event)
