"""Background work for the UI (after Anki's ``qt/aqt/taskman.py``).

Every database call runs on ONE single-worker executor, which therefore owns the
:class:`~fieldapp.store.Store`; network work (sync, login) runs on a second executor beside
it. A finished task's callback is queued for the main thread, which drains the queue on a
short timer while work is outstanding, so no widget is ever touched off the main thread.

Worker threads never call into Qt at all: PySide6 6.12 corrupts reference counts when a
signal is emitted from a plain Python thread (``Fatal Python error: bool_dealloc``, see
PYSIDE-3124), so the hand-over is a locked Python list, not a queued signal.

``TaskManager(synchronous=True)`` runs every task inline and calls its callback at once (the
fake pool of Picard's tests), which makes pytest-qt tests deterministic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

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


#: How often the main thread looks for finished work while some is outstanding (ms).
POLL_MS = 10


class Inbox:
    """Closures waiting for the main thread: a plain locked list, safe to fill from any thread.

    Worker threads get this object (or its :meth:`put`), never the QObject that owns it:
    even reading an attribute of a PySide object off the main thread is avoided.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Closure] = []

    def put(self, closure: Closure) -> None:
        with self._lock:
            self._items.append(closure)

    def take(self) -> list[Closure]:
        with self._lock:
            items, self._items = self._items, []
        return items

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._items)


class TaskManager(QObject):
    """Runs tasks on the database or network executor; callbacks run on the main thread."""

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
        self.inbox = Inbox()
        self._busy = 0
        self._main = threading.main_thread()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_closures_pending)

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
        if not self.synchronous and not self._timer.isActive():
            self._timer.start()

        inbox = self.inbox

        def call(future: Future[Any]) -> None:  # main thread
            self._busy -= 1
            on_done(future)

        if self.synchronous:
            call(executor.submit(task))
            return

        def finished(future: Future[Any]) -> None:  # worker thread: no Qt, no self
            inbox.put(lambda: call(future))

        executor.submit(task).add_done_callback(finished)

    def poster(self) -> Callable[[Closure], None]:
        """A function that worker code may call to run a closure on the main thread.

        Take it on the main thread and hand it to the worker; while a task is outstanding
        the main thread drains what it posts. In synchronous mode it runs the closure at once.
        """
        if self.synchronous:
            return lambda closure: closure()
        return self.inbox.put

    def run_on_main(self, closure: Closure) -> None:
        """From the main thread: run *closure* soon (at once in synchronous mode)."""
        if self.synchronous:
            closure()
            return
        self.inbox.put(closure)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_closures_pending(self) -> None:
        for closure in self.inbox.take():
            closure()
        if self._busy == 0 and not self.inbox:
            self._timer.stop()

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        """Whether any task has not yet had its callback run."""
        return self._busy > 0

    def shutdown(self) -> None:
        """Wait for running tasks and stop both executors (callbacks still pending are dropped)."""
        self._timer.stop()
        self._db.shutdown(wait=True)
        if self._net is not self._db:
            self._net.shutdown(wait=True)
