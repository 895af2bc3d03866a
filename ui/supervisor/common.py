"""Pieces shared by the supervisor screens: tables, the network call, the error line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from ui import errors as ui_errors
from ui.operations import NetworkOp, OpRunner
from ui.server_messages import server_message
from ui.supervisor.models import RecordTableModel

T = TypeVar("T")


def table_view(model: RecordTableModel, *, multi: bool = False) -> QTableView:
    """A read-only, row-selecting table over *model*."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    stretch_name_columns(view)
    return view


def stretch_name_columns(view: QTableView) -> None:
    """The spare width goes to the columns marked ``stretch`` (names), else to the first one;
    the others fit their contents. Call again when the model's columns change."""
    model = view.model()
    assert isinstance(model, RecordTableModel)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    marked = [i for i, c in enumerate(model.columns) if c.stretch] or [0]
    for i in range(len(model.columns)):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if i in marked
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(i, mode)


def documents_folder() -> Path:
    """The user's Documents folder (where exports start), else the home folder."""
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def save_file_dialog(parent: QWidget, title: str, file_name: str, file_filter: str) -> QFileDialog:
    """A save dialog starting in Documents with *file_name*, every label in the UI language.

    Qt's own dialog (used where the desktop offers none) takes its labels from Qt's
    translations, which miss some; they are set here through the app's. The list view
    leaves out the date column, whose format ignores the UI language.
    """
    dialog = QFileDialog(parent, title, str(documents_folder() / file_name), file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setViewMode(QFileDialog.ViewMode.List)
    for label, text in (
        (QFileDialog.DialogLabel.LookIn, QCoreApplication.translate("files", "위치:")),
        (QFileDialog.DialogLabel.FileName, QCoreApplication.translate("files", "파일 이름:")),
        (QFileDialog.DialogLabel.FileType, QCoreApplication.translate("files", "파일 형식:")),
        (QFileDialog.DialogLabel.Accept, QCoreApplication.translate("files", "저장")),
        (QFileDialog.DialogLabel.Reject, QCoreApplication.translate("files", "취소")),
    ):
        dialog.setLabelText(label, text)
    return dialog


def selected_rows(view: QTableView) -> list[dict[str, Any]]:
    model = view.model()
    assert isinstance(model, RecordTableModel)
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    return [model.row_at(r) for r in rows]


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def run_net(
    parent: QWidget,
    runner: OpRunner,
    work: Callable[[], T],
    done: Callable[[T], Any],
    error: QLabel | None = None,
) -> None:
    """Run *work* on the network worker; *done* on the main thread. A known condition (offline,
    refused with the server's reason) goes to *error*; a bug takes the crash path."""

    def ok(result: T) -> None:
        if error is not None:
            error.hide()
        done(result)

    def failed(err: Exception) -> None:
        if error is not None and ui_errors.is_known(err):
            error.setText(server_message(err))  # translated by the server's code
            error.setToolTip(str(err))  # the server's own words, for whoever supports the user
            error.show()

    op = NetworkOp(parent, work).success(ok)
    if error is not None:
        op.failure(failed)
    op.run(runner)
