"""The UI reaches the domain only through these operations (after Anki's CollectionOp/QueryOp).

* :class:`CollectionOp` changes the local database on the database worker and then tells
  every screen what changed (:class:`OpChanges`), so each decides whether to refresh.
* :class:`QueryOp` reads from the local database on the database worker.
* :class:`NetworkOp` does network work (login, sync) beside the database worker.

Each takes ``.success(cb)`` and ``.failure(cb)`` callbacks, run on the main thread. The
function given to an operation runs on a worker thread: it must not touch Qt objects (read
what it needs from widgets first, into local variables). A known
condition (:class:`fieldapp.errors.FieldappError` or one of the sync client's errors) with no
failure callback is shown as a clear message; anything else is a bug and takes the crash
path (log + dialog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldapp.errors import FieldappError
from ui import errors as ui_errors
from ui.taskman import TaskManager

if TYPE_CHECKING:
    from fieldapp.store import Store

log = logging.getLogger("fieldapp.ui.ops")

T = TypeVar("T")


@dataclass(frozen=True)
class OpChanges:
    """What a change touched; screens refresh only for what concerns them."""

    households: frozenset[str] = field(default_factory=frozenset)  # ids whose data changed
    household_list: bool = False  # households added, removed or their list columns changed
    events: bool = False
    drafts: bool = False
    sync_state: bool = False  # pending counts, rejected items, quarantine
    conflicts: bool = False
    from_sync: bool = False  # brought in by a sync (not a local save)
    #: The only events written are access-log entries (opening a household): they are sent,
    #: but change nothing a worklist or list shows.
    access_log_only: bool = False

    def touches(self, household_id: str) -> bool:
        return household_id in self.households or self.household_list


class OpRunner(QObject):
    """Holds the task manager and the open store; broadcasts what each change touched."""

    changed = Signal(object)  # OpChanges, emitted on the main thread after a CollectionOp
    store_changed = Signal()  # a store was opened or closed (unlock, lock, sign-out)

    def __init__(self, taskman: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The open store; only ever use it inside an operation's function."""
        if self._store is None:
            raise FieldappError("The app is locked: unlock it with your password first.")
        return self._store

    @property
    def has_store(self) -> bool:
        return self._store is not None

    def set_store(self, store: Store | None) -> None:
        self._store = store
        self.store_changed.emit()


class _Op(Generic[T]):
    """Shared callback handling of the three kinds of operation."""

    def __init__(self, parent: QWidget | None) -> None:
        self._parent = parent
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[Exception], Any] | None = None

    def success(self, cb: Callable[[T], Any]) -> _Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[Exception], Any]) -> _Op[T]:
        self._failure = cb
        return self

    def _finish(self, future: Future[Any], after: Callable[[Any], T] | None = None) -> None:
        try:
            value = future.result()
        except Exception as err:
            self._handle_error(err)
            return
        result = after(value) if after else value
        if self._success is not None and not self._parent_gone():
            self._success(result)

    def _parent_gone(self) -> bool:
        """Whether the widget that asked was closed meanwhile (its answer has nowhere to go:
        e.g. a household view replaced while its read was on the worker)."""
        return self._parent is not None and not shiboken6.isValid(self._parent)

    def _handle_error(self, err: Exception) -> None:
        if self._failure is not None and ui_errors.is_known(err):
            self._failure(err)
            return
        if ui_errors.is_known(err):
            log.info("known condition: %s", type(err).__name__)
            ui_errors.show_known_error(self._parent, err)
            return
        ui_errors.report_bug(self._parent, err)
        if self._failure is not None:
            self._failure(err)


class QueryOp(_Op[T]):
    """Read from the local database on the database worker: ``op(store) -> T``."""

    def __init__(self, parent: QWidget | None, op: Callable[[Store], T]) -> None:
        super().__init__(parent)
        self._op = op

    def run(self, runner: OpRunner) -> None:
        store, op = runner.store, self._op  # read here, on the main thread

        def task() -> T:
            return op(store)

        runner.taskman.run_db(task, self._finish)


class CollectionOp(_Op[T]):
    """Change the local database: ``op(store) -> (result, OpChanges)``; then broadcast changes."""

    def __init__(self, parent: QWidget | None, op: Callable[[Store], tuple[T, OpChanges]]) -> None:
        super().__init__(parent)
        self._op = op

    def run(self, runner: OpRunner) -> None:
        store, op = runner.store, self._op  # read here, on the main thread

        def task() -> tuple[T, OpChanges]:
            return op(store)

        def after(value: tuple[T, OpChanges]) -> T:
            result, changes = value
            runner.changed.emit(changes)
            return result

        runner.taskman.run_db(task, lambda f: self._finish(f, after))


class NetworkOp(_Op[T]):
    """Network work (login, sync) beside the database worker: ``op() -> T``."""

    def __init__(self, parent: QWidget | None, op: Callable[[], T]) -> None:
        super().__init__(parent)
        self._op = op

    def run(self, runner: OpRunner) -> None:
        runner.taskman.run_net(self._op, self._finish)


class DbCallOp(_Op[T]):
    """Run ``op()`` on the database worker without an open store (opening one, closing it)."""

    def __init__(self, parent: QWidget | None, op: Callable[[], T]) -> None:
        super().__init__(parent)
        self._op = op

    def run(self, runner: OpRunner) -> None:
        runner.taskman.run_db(self._op, self._finish)
