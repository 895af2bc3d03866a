"""Hand-over inbox: records that arrived late for households that moved, until acknowledged."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.empty_state import show_when_empty
from ui.operations import OpRunner
from ui.supervisor.common import error_label, run_net, selected_rows, table_view
from ui.supervisor.models import RecordTableModel, inbox_columns


class InboxPage(QWidget):
    """The district's inbox (supervisor), or with *mine* the signed-in worker's own."""

    def __init__(
        self, runner: OpRunner, client: Any, parent: QWidget | None = None, *, mine: bool = False
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        self.mine = mine
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("인계함: 가구를 옮긴 뒤 늦게 도착한 기록"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        if mine:
            hint = QLabel(
                self.tr(
                    "새로 맡은 가구에 이전 담당자가 늦게 보낸 기록입니다. 가구 기록에도 "
                    "들어가 있습니다. 읽은 뒤 확인 처리하십시오."
                )
            )
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = error_label()
        layout.addWidget(self.error)
        self.model = RecordTableModel(inbox_columns(), self)
        self.view = table_view(self.model, multi=True)
        self.empty = show_when_empty(
            self.view,
            self.tr(
                "확인할 인계 기록 없음. 가구를 옮긴 뒤 이전 담당자의 기기에서 늦게 도착한 "
                "기록이 여기에 나타납니다."
            ),
        )
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.ack_button = QPushButton(self.tr("선택한 기록 확인 처리"))
        self.ack_button.clicked.connect(self.acknowledge)
        refresh = QPushButton(self.tr("새로 고침"))
        refresh.clicked.connect(self.reload)
        row.addWidget(self.ack_button)
        row.addStretch(1)
        row.addWidget(refresh)
        layout.addLayout(row)

    def reload(self) -> None:
        fetch = self.client.my_inbox if self.mine else self.client.inbox
        run_net(self, self.runner, fetch, self.model.set_rows, self.error)

    def acknowledge(self) -> None:
        ids = [r["id"] for r in selected_rows(self.view)]
        if ids:
            ack = self.client.acknowledge_mine if self.mine else self.client.acknowledge
            run_net(
                self,
                self.runner,
                lambda: ack(ids),
                lambda _done: self.reload(),
                self.error,
            )
