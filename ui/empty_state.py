"""What an empty table says: "없음" and what would appear there, instead of a blank grid."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel
from shiboken6 import isValid


class EmptyState(QObject):
    """A centred note over *view*'s viewport, shown while its model has no rows."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(view)
        self.view = view
        self.label = QLabel(text, view.viewport())
        self.label.setObjectName("emptyState")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #5b6576; padding: 16px;")
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
        ):
            signal.connect(self.update)
        self.update()

    def set_text(self, text: str) -> None:
        """Say something else when empty (a search with no hits, say)."""
        self.label.setText(text)

    def update(self, *_args: object) -> None:
        if not (isValid(self.view) and isValid(self.label)):
            return  # the table is being destroyed (a model may signal while it goes)
        self.label.setGeometry(self.view.viewport().rect())
        self.label.setVisible(self.view.model().rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self.view.viewport().rect())
        return False


def show_when_empty(view: QAbstractItemView, text: str) -> EmptyState:
    """Give *view* an empty state saying *text* ("없음: …이 여기에 나타납니다")."""
    return EmptyState(view, text)
