"""The reassignment dialog: choose households, the new worker, see the dry-run preview, apply
with a reason, and undo within this session."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldapp.hangul import natural_key
from sync.client_supervisor import selection
from sync.protocol import ROLE_PROGRAMME, Programme
from ui.empty_state import show_when_empty
from ui.operations import OpRunner
from ui.supervisor.common import (
    error_label,
    run_net,
    selected_rows,
    stretch_name_columns,
    table_view,
)
from ui.supervisor.models import (
    RecordTableModel,
    by_risk_then_place,
    holding_device_columns,
    household_columns,
    moved_columns,
    person,
    preview_columns,
    programme_label,
    risk_label,
    size_label,
)

MODE_LIST, MODE_FILTER, MODE_ALL = 0, 1, 2
PROGRAMMES = tuple(p.value for p in Programme)
#: programme -> the role of the workers who hold it
ROLE_OF = {prog.value: role.value for role, prog in ROLE_PROGRAMME.items()}


class ReassignDialog(QDialog):
    """Bulk or single reassignment with a preview before anything changes."""

    applied = Signal(object)  # the apply (or undo) result

    def __init__(
        self,
        runner: OpRunner,
        client: Any,
        workers: list[dict[str, Any]],
        parent: QWidget | None = None,
        *,
        from_worker: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("가구 재배정"))
        self.resize(1240, 700)
        self.runner = runner
        self.client = client
        self.workers = workers
        self.preview: dict[str, Any] | None = None
        self.result: dict[str, Any] | None = None
        self.labels: dict[str, str] = {}
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        choose = QGroupBox(self.tr("1. 옮길 가구"))
        form = QFormLayout(choose)
        self.programme = QComboBox()
        for prog in PROGRAMMES:
            self.programme.addItem(programme_label(prog), prog)
        form.addRow(self.tr("사업"), self.programme)
        modes = QHBoxLayout()
        self.mode = QButtonGroup(self)
        for mode, text in (
            (MODE_LIST, self.tr("목록에서 선택")),
            (MODE_FILTER, self.tr("조건으로")),
            (MODE_ALL, self.tr("담당자의 가구 전체")),
        ):
            button = QRadioButton(text)
            self.mode.addButton(button, mode)
            modes.addWidget(button)
        self.mode.button(MODE_LIST).setChecked(True)
        form.addRow(self.tr("선택 방법"), modes)
        self.from_worker = QComboBox()
        form.addRow(self.tr("현재 담당자"), self.from_worker)
        self.dong = QComboBox()  # the dongs of the listed households, by name
        self.dong.addItem(self.tr("모든 행정동"), None)
        self.risk = QComboBox()
        self.risk.addItem(self.tr("전체"), None)
        for level in ("high", "medium", "low"):
            self.risk.addItem(risk_label(level), level)
        filters = QHBoxLayout()
        filters.addWidget(self.dong)
        filters.addWidget(self.risk)
        form.addRow(self.tr("조건"), filters)
        top.addWidget(choose, 1)

        target = QGroupBox(self.tr("2. 새 담당자와 사유"))
        tform = QFormLayout(target)
        self.to_worker = QComboBox()
        tform.addRow(self.tr("새 담당자"), self.to_worker)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(
            self.tr("예: 퇴사, 담당 지역 조정 (권한 변경 기록에 남습니다)")
        )
        tform.addRow(self.tr("사유"), self.reason)
        self.preview_button = QPushButton(self.tr("미리보기"))
        tform.addRow("", self.preview_button)
        top.addWidget(target, 1)
        layout.addLayout(top)

        split = QSplitter()
        left = QGroupBox(self.tr("가구 목록 (위험도 높은 순, 여러 개 선택 가능)"))
        lbox = QVBoxLayout(left)
        self.households_model = RecordTableModel(
            household_columns(self.programme_id), self, order=by_risk_then_place
        )
        self.households_view = table_view(self.households_model, multi=True)
        self.households_empty = show_when_empty(
            self.households_view,
            self.tr("이 사업·담당자에 해당하는 가구 없음. 위에서 다른 담당자를 고르십시오."),
        )
        lbox.addWidget(self.households_view)
        split.addWidget(left)
        right = QGroupBox(self.preview_title())
        self.result_box = right
        rbox = QVBoxLayout(right)
        self.summary = QLabel(self.tr("미리보기를 누르면 옮겨질 가구와 영향을 보여 줍니다."))
        self.summary.setWordWrap(True)
        rbox.addWidget(self.summary)
        self.preview_model = RecordTableModel(preview_columns(), self, order=by_risk_then_place)
        self.preview_view = table_view(self.preview_model)
        rbox.addWidget(self.preview_view, 2)
        self.devices_title = QLabel(
            self.tr("미전송 기록이 남아 있을 수 있는 기기 (다음 동기화 때 먼저 올린 뒤 삭제됨)")
        )
        self.devices_title.setObjectName("fieldError")
        self.devices_title.setWordWrap(True)
        rbox.addWidget(self.devices_title)
        self.devices_model = RecordTableModel(holding_device_columns(), self)
        self.devices_view = table_view(self.devices_model)
        rbox.addWidget(self.devices_view, 1)
        self.devices_title.hide()  # shown with a preview that finds such devices
        self.devices_view.hide()
        split.addWidget(right)
        split.setSizes([640, 600])
        layout.addWidget(split, 1)

        self.error = error_label()
        layout.addWidget(self.error)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        buttons = QHBoxLayout()
        self.undo_button = QPushButton(self.tr("되돌리기"))
        self.undo_button.setEnabled(False)
        self.apply_button = QPushButton(self.tr("적용"))
        self.apply_button.setObjectName("primary")
        self.apply_button.setEnabled(False)
        close = QPushButton(self.tr("닫기"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.programme.currentIndexChanged.connect(self._programme_changed)
        self.from_worker.currentIndexChanged.connect(self._reload_households)
        self.mode.idClicked.connect(self._mode_changed)
        for signal in (
            self.to_worker.currentIndexChanged,
            self.dong.currentIndexChanged,
            self.risk.currentIndexChanged,
        ):
            signal.connect(self._invalidate)
        self.households_view.selectionModel().selectionChanged.connect(self._invalidate)
        self.reason.textChanged.connect(self._update_buttons)
        self.preview_button.clicked.connect(self.run_preview)
        self.apply_button.clicked.connect(self.apply)
        self.undo_button.clicked.connect(self.undo)
        if from_worker and from_worker.get("programme") in PROGRAMMES:
            self.programme.setCurrentIndex(PROGRAMMES.index(from_worker["programme"]))
        self._programme_changed()
        if from_worker:
            index = self.from_worker.findData(from_worker["username"])
            if index >= 0:
                self.from_worker.setCurrentIndex(index)
        self._mode_changed(MODE_LIST)

    # ------------------------------------------------------------------ choosing

    @property
    def programme_id(self) -> str:
        return str(self.programme.currentData())

    def preview_title(self) -> str:
        return self.tr("3. 미리보기 (아직 바뀐 것은 없습니다)")

    def _programme_changed(self) -> None:
        role = ROLE_OF[self.programme_id]
        workers = sorted(self.workers, key=lambda w: natural_key(w["username"]))
        for combo, with_none in ((self.from_worker, True), (self.to_worker, False)):
            combo.blockSignals(True)
            combo.clear()
            if with_none:
                combo.addItem(self.tr("(전체)"), None)
            for w in workers:
                if w["role"] == role and (with_none or w["active"]):
                    combo.addItem(f"{w['display_name']} ({w['username']})", w["username"])
            combo.blockSignals(False)
        self.households_model.columns = household_columns(self.programme_id)
        stretch_name_columns(self.households_view)
        self._reload_households()

    def _mode_changed(self, mode: int) -> None:
        self.households_view.setEnabled(mode == MODE_LIST)
        self.dong.setEnabled(mode == MODE_FILTER)
        self.risk.setEnabled(mode == MODE_FILTER)
        self._invalidate()

    def _reload_households(self) -> None:
        self._invalidate()
        who = self.from_worker.currentData()

        def show(rows: list[dict[str, Any]]) -> None:
            self.households_model.set_rows(rows)
            self.labels.update({r["id"]: r["label"] for r in rows})
            self._fill_dongs(rows)

        run_net(
            self,
            self.runner,
            lambda: self.client.households(programme=self.programme_id, username=who),
            show,
            self.error,
        )

    def _fill_dongs(self, rows: list[dict[str, Any]]) -> None:
        """The 조건 choices: the 행정동 of the listed households, by name (the code is kept)."""
        chosen = self.dong.currentData()
        dongs = {r["dong_code"]: r.get("dong_name") or r["dong_code"] for r in rows}
        self.dong.blockSignals(True)
        self.dong.clear()
        self.dong.addItem(self.tr("모든 행정동"), None)
        for code, name in sorted(dongs.items(), key=lambda item: item[1]):
            self.dong.addItem(name, code)
        index = self.dong.findData(chosen)
        self.dong.setCurrentIndex(max(index, 0))
        self.dong.blockSignals(False)

    def select_households(self, household_ids: list[str]) -> None:
        """Select these rows of the list (list mode)."""
        from PySide6.QtCore import QItemSelectionModel

        self.mode.button(MODE_LIST).setChecked(True)
        self._mode_changed(MODE_LIST)
        sel = self.households_view.selectionModel()
        sel.clearSelection()
        for row, r in enumerate(self.households_model.rows):
            if r["id"] in household_ids:
                sel.select(
                    self.households_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    def current_selection(self) -> dict[str, Any]:
        mode = self.mode.checkedId()
        who = self.from_worker.currentData()
        if mode == MODE_LIST:
            ids = [r["id"] for r in selected_rows(self.households_view)]
            return selection(household_ids=ids)
        if mode == MODE_FILTER:
            return selection(
                from_username=who,
                dong_code=self.dong.currentData(),
                risk_level=self.risk.currentData(),
            )
        return selection(from_username=who)

    # ------------------------------------------------------------------ preview, apply, undo

    def _invalidate(self, *_args: Any) -> None:
        if self.preview is not None:
            self.preview = None
            self._show_preview_rows([])
            self.summary.setText(self.tr("선택이 바뀌었습니다. 다시 미리보기를 누르십시오."))
        self._update_buttons()

    def _show_preview_rows(self, rows: list[dict[str, Any]]) -> None:
        """The right panel as a preview (nothing changed yet)."""
        self.result_box.setTitle(self.preview_title())
        self.preview_model.columns = preview_columns(self.labels)
        self.preview_model.set_rows(rows)
        stretch_name_columns(self.preview_view)
        self.devices_model.set_rows([])
        self.devices_title.setVisible(False)
        self.devices_view.setVisible(False)

    def _show_moved(self, title: str, result: dict[str, Any]) -> None:
        """The right panel after 적용 or 되돌리기: what moved, from whom to whom."""
        self.result_box.setTitle(title)
        self.preview_model.columns = moved_columns(self.labels)
        self.preview_model.set_rows(result["moved"])
        stretch_name_columns(self.preview_view)
        self.devices_model.set_rows([])
        self.devices_title.setVisible(False)
        self.devices_view.setVisible(False)

    def _update_buttons(self) -> None:
        ready = bool(self.preview and self.preview["moving"]) and bool(self.reason.text().strip())
        self.apply_button.setEnabled(ready)

    def run_preview(self) -> None:
        to = self.to_worker.currentData()
        if not to:
            self.error.setText(self.tr("새 담당자를 고르십시오."))
            self.error.show()
            return
        chosen = self.current_selection()
        run_net(
            self,
            self.runner,
            lambda: self.client.preview(self.programme_id, to, chosen),
            self.show_preview,
            self.error,
        )

    def show_preview(self, preview: dict[str, Any]) -> None:
        self.preview = preview
        self._show_preview_rows(preview["moving"])
        self.devices_model.set_rows(preview["devices_pending"])
        affected = ", ".join(
            f"{w['display_name']} −{w['losing']} +{w['gaining']}" for w in preview["workers"]
        )
        text = (
            self.tr(
                "%1가구가 %2에게 옮겨집니다 (이미 담당: %3). 영향: %4. 받는 쪽 내려받기 약 %5 (기록 %6건)."
            )
            .replace("%1", str(len(preview["moving"])))
            .replace("%2", person(preview["to_username"]))
            .replace("%3", str(len(preview["already_there"])))
            .replace("%4", affected or "—")
            .replace("%5", size_label(preview["download_bytes"]))
            .replace("%6", str(preview["download_events"]))
        )
        if preview["devices_pending"]:
            text += " " + self.tr(
                "이전 담당자의 기기 %1대에 미전송 기록이 있을 수 있습니다: 기록은 버려지지 않고 "
                "다음 동기화 때 서버와 새 담당자의 인계함으로 갑니다."
            ).replace("%1", str(len(preview["devices_pending"])))
        self.summary.setText(text)
        self.devices_title.setVisible(bool(preview["devices_pending"]))
        self.devices_view.setVisible(bool(preview["devices_pending"]))
        self._update_buttons()

    def apply(self) -> None:
        if not self.preview:
            return
        reason = self.reason.text().strip()
        chosen = {"household_ids": [m["household_id"] for m in self.preview["moving"]]}
        to = self.preview["to_username"]
        self.apply_button.setEnabled(False)
        run_net(
            self,
            self.runner,
            lambda: self.client.reassign(self.programme_id, to, chosen, reason),
            self._applied,
            self.error,
        )

    def _applied(self, result: dict[str, Any]) -> None:
        self.result = result
        self.preview = None
        self._show_moved(self.tr("3. 적용됨: 아래 가구의 담당자가 바뀌었습니다"), result)
        to = person(result["moved"][0]["to_username"]) if result["moved"] else "—"
        self.summary.setText(
            self.tr("%1가구를 %2 담당으로 옮겼습니다.")
            .replace("%1", str(len(result["moved"])))
            .replace("%2", to)
        )
        self.outcome.setText(
            self.tr("%1가구를 옮겼습니다. 이 창에서 되돌릴 수 있습니다.").replace(
                "%1", str(len(result["moved"]))
            )
        )
        self.undo_button.setEnabled(True)
        self._update_buttons()
        self.applied.emit(result)
        self._reload_households()

    def undo(self) -> None:
        if not self.result:
            return
        token = self.result["undo_token"]
        self.undo_button.setEnabled(False)
        run_net(self, self.runner, lambda: self.client.undo(token), self._undone, self.error)

    def _undone(self, result: dict[str, Any]) -> None:
        self.result = None
        self._show_moved(self.tr("3. 되돌림: 아래 가구가 원래 담당자에게 돌아갔습니다"), result)
        self.summary.setText(self.tr("재배정을 되돌렸습니다."))
        self.outcome.setText(
            self.tr("되돌렸습니다: %1가구가 원래 담당자에게 돌아갔습니다.").replace(
                "%1", str(len(result["moved"]))
            )
        )
        self.applied.emit(result)
        self._reload_households()
