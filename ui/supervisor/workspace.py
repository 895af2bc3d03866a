"""The supervisor's tabbed workspace (see :mod:`ui.supervisor`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.operations import OpRunner
from ui.supervisor.alerts import AlertsPage
from ui.supervisor.board import BoardPage
from ui.supervisor.common import run_net
from ui.supervisor.conflicts import ConflictsPage
from ui.supervisor.inbox import InboxPage
from ui.supervisor.indicators import IndicatorsPage
from ui.supervisor.people import PeoplePage
from ui.supervisor.reassign import ReassignDialog


class SupervisorWorkspace(QWidget):
    """The supervisor's tabs; each loads from the server when first shown."""

    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("supervisorTabs")
        self.board = BoardPage(runner, client)
        self.conflicts = ConflictsPage(runner, client)
        self.inbox = InboxPage(runner, client)
        self.people = PeoplePage(runner, client)
        self.alerts = AlertsPage(runner, client)
        self.indicators = IndicatorsPage(runner, client)
        for page, title in (
            (self.board, self.tr("현황판")),
            (self.conflicts, self.tr("충돌 검토")),
            (self.inbox, self.tr("인계함")),
            (self.people, self.tr("사용자·기기")),
            (self.alerts, self.tr("폭염·한파")),
            (self.indicators, self.tr("지표·내보내기")),
        ):
            self.tabs.addTab(page, title)
        layout.addWidget(self.tabs)
        self._loaded: set[int] = set()
        self.tabs.currentChanged.connect(self._load_tab)
        self.board.reassign_requested.connect(self.open_reassign)
        self.board.undo_requested.connect(self.undo_last)
        #: The last reassignment applied in this session (its undo token), if not undone.
        self.last_result: dict[str, Any] | None = None
        self.conflicts.resolved.connect(lambda _r: self.board.reload())
        self.dialog: ReassignDialog | None = None

    def start(self) -> None:
        """Load the visible tab (call once the window is up)."""
        self._load_tab(self.tabs.currentIndex())

    def _load_tab(self, index: int) -> None:
        if index < 0:
            return
        self._loaded.add(index)
        page = self.tabs.widget(index)
        page.reload()  # type: ignore[attr-defined]

    def open_reassign(self, from_worker: dict[str, Any] | None = None) -> ReassignDialog:
        """Open the reassignment dialog (non-modal); the board refreshes after each change."""
        workers = (self.board.board or {}).get("workers", [])
        dialog = ReassignDialog(self.runner, self.client, workers, self, from_worker=from_worker)
        dialog.applied.connect(self._changed)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _changed(self, result: dict[str, Any]) -> None:
        """A reassignment was applied (or undone): remember it for undo, refresh the board."""
        self.last_result = None if result.get("undo_of") else result
        self.board.undo_button.setEnabled(self.last_result is not None)
        self.board.reload()

    def undo_last(self) -> None:
        """Undo the session's last reassignment (also after its dialog was closed)."""
        if self.last_result is None:
            return
        token = self.last_result["undo_token"]
        self.board.undo_button.setEnabled(False)
        run_net(self, self.runner, lambda: self.client.undo(token), self._changed, self.board.error)
