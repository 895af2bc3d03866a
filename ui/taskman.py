"""Background work for the UI (after Anki's ``qt/aqt/taskman.py``).

Every database call runs on ONE single-worker executor, which therefore owns the
:class:`~fieldapp.store.Store`; network work (sync, login) runs on a second executor beside
it. A finished task's callback is queued back to the main thread through a Qt signal, so no
widget is ever touched off the main thread.

``TaskManager(synchronous=True)`` runs every task inline and calls its callback at once (the
fake pool of Picard's tests), which makes pytest-qt tests deterministic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

Closure = Callable[[], None]


class InlineExecutor(Executor):
    """An executor that runs each task at once on the calling thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # handed to the caller through the future
            future.set_exception(err)
        return future


class TaskManager(QObject):
    """Runs tasks on the database or network executor; callbacks run on the main thread."""

    _closures_pending = Signal()

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._db: Executor
        self._net: Executor
        if synchronous:
            self._db = self._net = InlineExecutor()
        else:
            self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-db")
            self._net = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fieldapp-net")
        self._closures: list[Closure] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._closures_pending.connect(self._on_closures_pending)

    # ------------------------------------------------------------------ running

    def run_db(self, task: Callable[[], Any], on_done: Callable[[Future[Any]], None]) -> None:
        """Run *task* on the database worker; call *on_done(future)* on the main thread."""
        self._submit(self._db, task, on_done)

    def run_net(self, task: Callable[[], Any], on_done: Callable[[Future[Any]], None]) -> None:
        """Run *task* on the network executor; call *on_done(future)* on the main thread."""
        self._submit(self._net, task, on_done)

    def _submit(
        self, executor: Executor, task: Callable[[], Any], on_done: Callable[[Future[Any]], None]
    ) -> None:
        self._busy += 1

        def finished(future: Future[Any]) -> None:
            def call() -> None:
                self._busy -= 1
                on_done(future)

            self.run_on_main(call)

        executor.submit(task).add_done_callback(finished)

    def run_on_main(self, closure: Closure) -> None:
        """Run *closure* on the main thread (at once in synchronous mode)."""
        if self.synchronous:
            closure()
            return
        with self._lock:
            self._closures.append(closure)
        self._closures_pending.emit()

    @Slot()
    def _on_closures_pending(self) -> None:
        with self._lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            closure()

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        """Whether any task has not yet had its callback run."""
        return self._busy > 0

    def shutdown(self) -> None:
        """Wait for running tasks and stop both executors (callbacks still pending are dropped)."""
        self._db.shutdown(wait=True)
        if self._net is not self._db:
            self._net.shutdown(wait=True)
