"""The main window: navigation, pages, crisis numbers, lock, sync status."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from ui import data
from ui.crisis import CrisisPanel
from ui.households import HouseholdsPage
from ui.login import DEFAULT_IDLE_MINUTES, IdleWatcher, LockScreen
from ui.operations import OpRunner, QueryOp
from ui.session import Session
from ui.sync_panel import SyncController, SyncPanel, SyncStatusWidget
from ui.today import TodayPage

if TYPE_CHECKING:  # imported when first opened: not needed for the first screen
    from ui.forms.form_page import FormPage
    from ui.household_view import HouseholdView
    from ui.supervisor.workspace import SupervisorWorkspace

log = logging.getLogger("fieldapp.ui")

PAGE_TODAY, PAGE_HOUSEHOLDS, PAGE_SYNC = 0, 1, 2
#: The fourth page: the supervisor workspace, or for workers their hand-over inbox.
PAGE_SUPERVISOR = PAGE_INBOX = 3


class MainWindow(QMainWindow):
    """One signed-in worker's workspace."""

    signed_out = Signal()

    def __init__(
        self,
        runner: OpRunner,
        session: Session,
        *,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
        sync_interval_s: float = 300.0,
        start_sync: bool = True,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.session = session
        self.setWindowTitle(self.tr("돌봄노트 — %1").replace("%1", session.display_name))
        self.resize(1366, 768)
        self.sync = SyncController(runner, session, interval_s=sync_interval_s, parent=self)

        # top level: workspace or lock screen
        self.top = QStackedWidget()
        self.setCentralWidget(self.top)
        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        for text in (self.tr("오늘 할 일"), self.tr("가구 목록"), self.tr("동기화")):
            self.nav.addItem(text)
        self._nav_row = PAGE_TODAY  # the page shown (kept when leaving a form is refused)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.pages = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.top.addWidget(workspace)
        self.lock_screen = LockScreen(runner, session)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.top.addWidget(self.lock_screen)

        self.today = TodayPage(runner, session)
        self.households = HouseholdsPage(runner, session)
        self.sync_panel = SyncPanel(runner, self.sync)
        for page in (self.today, self.households, self.sync_panel):
            self.pages.addWidget(page)
        # Issue 6 (helper H): the supervisor workspace, or a worker's own hand-over inbox.
        from ui.supervisor.inbox import InboxPage

        client: Any = _LazySupervisorClient(self.sync)
        self.supervisor: SupervisorWorkspace | None = None
        self.inbox_page: InboxPage | None = None
        if session.role in ("supervisor", "admin"):
            from ui.supervisor.workspace import SupervisorWorkspace

            self.supervisor = SupervisorWorkspace(runner, client)
            self.nav.addItem(self.tr("관리자 화면"))
            self.pages.addWidget(self.supervisor)
        else:
            self.inbox_page = InboxPage(runner, client, mine=True)
            self.nav.addItem(self.tr("인계함"))
            self.pages.addWidget(self.inbox_page)
        self.today.start_form.connect(self.open_form)
        self.today.resume_draft.connect(self.resume_draft)
        self.today.open_household.connect(self.open_household)
        self.today.due_states.connect(self.households.set_due)
        self.households.open_household.connect(self.open_household)
        self._detail: QWidget | None = None  # household view or form on top of the pages
        self._household: HouseholdView | None = None
        self.form_page: FormPage | None = None  # the form opened last

        self._build_toolbar()
        self.status = SyncStatusWidget(self.sync)
        role = self._role_text()
        name = session.display_name
        who = QLabel(name if role in name or "(" in name else f"{name} ({role})")
        who.setObjectName("hint")
        self.statusBar().addWidget(who)
        self.statusBar().addPermanentWidget(self.status)

        self.idle = IdleWatcher(idle_minutes, self)
        self.idle.idle.connect(self.lock)
        self.nav.setCurrentRow(PAGE_SUPERVISOR if self.supervisor is not None else PAGE_TODAY)
        self.today.reload()
        self.households.reload()
        self.sync_panel.reload()
        if start_sync:  # after the window has shown (sync.client is imported then)
            QTimer.singleShot(0, self.sync.start_periodic)

    def _role_text(self) -> str:
        return {
            "volunteer": self.tr("우리동네돌봄단"),
            "nurse": self.tr("방문간호사"),
            "supervisor": self.tr("관리자"),
            "admin": self.tr("시스템 관리자"),
        }.get(self.session.role, self.session.role)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar(self.tr("도구"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        self.crisis_button = QToolButton()
        self.crisis_button.setObjectName("crisisButton")
        self.crisis_button.setText(self.tr("☎ 위기 상담 전화 (F1)"))
        self.crisis_button.setShortcut(QKeySequence("F1"))
        self.crisis_button.setToolTip(self.tr("109 · 1577-0199 · 119 · 112 · 129"))
        self.crisis_button.clicked.connect(self.show_crisis_numbers)
        bar.addWidget(self.crisis_button)
        bar.addSeparator()

        def action(text: str, shortcut: str, slot: Any) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            act.triggered.connect(slot)
            bar.addAction(act)
            return act

        self.today_action = action(
            self.tr("오늘 할 일 (Ctrl+1)"), "Ctrl+1", lambda: self.show_page(PAGE_TODAY)
        )
        self.households_action = action(
            self.tr("가구 목록 (Ctrl+2)"), "Ctrl+2", lambda: self.show_page(PAGE_HOUSEHOLDS)
        )
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self._find)
        self.addAction(self.find_action)
        self.sync_action = action(self.tr("동기화 (F5)"), "F5", self.sync.sync_now)
        bar.addSeparator()
        self.lock_action = action(self.tr("잠금 (Ctrl+L)"), "Ctrl+L", self.lock)
        self.sign_out_action = action(self.tr("로그아웃"), "", self.sign_out)

    # ------------------------------------------------------------------ navigation

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        form = self._open_form_page()
        if form is not None and not form.may_leave():  # back to the form to record the action
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._nav_row)
            self.nav.blockSignals(False)
            return
        self._nav_row = row
        self._close_detail()
        self.pages.setCurrentIndex(row)
        self.pages.currentWidget().setFocus()
        if row == PAGE_SUPERVISOR and self.supervisor is not None:
            self.supervisor.start()
        elif row == PAGE_INBOX and self.inbox_page is not None:
            self.inbox_page.reload()

    def show_page(self, page: int) -> None:
        if self.nav.currentRow() != page:
            self.nav.setCurrentRow(page)  # _nav_changed runs on its signal
        else:
            self._nav_changed(page)

    def _find(self) -> None:
        self.show_page(PAGE_HOUSEHOLDS)
        self.households.search.setFocus()
        self.households.search.selectAll()

    def _close_detail(self) -> None:
        if self._detail is not None:
            form = self._open_form_page()
            if form is not None:
                form.save_draft()
            self.pages.removeWidget(self._detail)
            self._detail.deleteLater()
            self._detail = None
        if self._household is not None and self._household is not self._detail:
            self.pages.removeWidget(self._household)
            self._household.deleteLater()
            self._household = None

    def _open_form_page(self) -> FormPage | None:
        """The form shown on top of the pages, if one is."""
        detail = self._detail
        return detail if detail is not None and detail is self.form_page else None

    def _show_detail(self, widget: QWidget) -> None:
        if self._detail is not None and self._detail is not self._household:
            self.pages.removeWidget(self._detail)
            self._detail.deleteLater()
        self._detail = widget
        self.pages.addWidget(widget)
        self.pages.setCurrentWidget(widget)

    def open_household(self, household_id: str) -> HouseholdView:
        """Show one household (writes the access log)."""
        from ui.household_view import HouseholdView

        self._close_detail()
        view = HouseholdView(self.runner, self.session, household_id)
        view.start_form.connect(self.open_form)
        view.resume_draft.connect(self.resume_draft)
        view.correct_event.connect(self.correct_event)
        view.back.connect(lambda: self.show_page(max(0, self.nav.currentRow())))
        self._household = view
        self._show_detail(view)
        view.open()
        return view

    def open_form(
        self,
        household_id: str,
        form_id: str,
        *,
        draft: dict[str, Any] | None = None,
        amends: dict[str, Any] | None = None,
    ) -> None:
        """Start *form_id* for a household (label read first, on the database worker)."""
        from fieldapp import records
        from ui.forms.builder import household_facts

        def read(store: Any) -> tuple[str, dict[str, Any]]:
            h = records.get_household(store, household_id)
            return (data.household_label(h) if h else household_id), household_facts(h)

        def show(read_out: tuple[str, dict[str, Any]]) -> None:
            page = self._show_form(household_id, read_out[0], form_id, draft, amends)
            page.form.set_known(read_out[1])  # not asked again: 성별 from the household

        QueryOp(self, read).success(show).run(self.runner)

    def _show_form(
        self,
        household_id: str,
        text: str,
        form_id: str,
        draft: dict[str, Any] | None,
        amends: dict[str, Any] | None,
    ) -> FormPage:
        from ui.forms.form_page import FormPage

        page = FormPage(
            self.runner, self.session, household_id, text, form_id, draft=draft, amends=amends
        )
        page.closed.connect(lambda: self._form_closed(page))
        page.saved.connect(lambda _e: self.statusBar().showMessage(self.tr("저장했습니다."), 5000))
        if self._detail is not None and self._detail is not self._household:
            self.pages.removeWidget(self._detail)
            self._detail.deleteLater()
        self._detail = page
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self.form_page = page
        return page

    def _form_closed(self, page: FormPage) -> None:
        self.pages.removeWidget(page)
        page.deleteLater()
        if self._detail is page:
            self._detail = self._household
        if self._household is not None:
            self.pages.setCurrentWidget(self._household)
        else:
            self.pages.setCurrentIndex(max(0, self.nav.currentRow()))

    def resume_draft(self, household_id: str, draft: dict[str, Any]) -> None:
        self.open_form(household_id, draft["form"], draft=draft)

    def correct_event(self, household_id: str, event: dict[str, Any]) -> None:
        """Open the form that corrects *event*; a record of another programme (a nurse's note
        for a volunteer) is not offered, as the server would refuse its correction."""
        programme = event.get("programme")
        if programme and self.session.programme and programme != self.session.programme:
            QMessageBox.information(
                self,
                self.tr("수정할 수 없는 기록"),
                self.tr(
                    "다른 사업의 기록은 수정하거나 취소할 수 없습니다. "
                    "잘못된 내용은 기록한 담당자나 관리자에게 알려 주십시오."
                ),
            )
            return
        form = event["type"]
        if form == "screening":
            form = f"screening:{event['payload']['instrument_id']}"
        self.open_form(household_id, form, amends=event)

    def show_crisis_numbers(self) -> None:
        CrisisPanel(self).open()

    # ------------------------------------------------------------------ lock and sign-out

    @property
    def locked(self) -> bool:
        return self.top.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide everything behind the lock screen (open forms keep their drafts)."""
        if self.locked:
            return
        form = self._open_form_page()
        if form is not None:
            form.save_draft()
        for dialog in self.findChildren(CrisisPanel):
            dialog.close()
        self.top.setCurrentWidget(self.lock_screen)
        self.statusBar().hide()
        self._set_toolbar_visible(False)
        self.lock_screen.prepare()

    def unlock(self) -> None:
        self.top.setCurrentIndex(0)
        self._set_toolbar_visible(True)
        self.statusBar().show()
        self.idle.set_minutes(self.idle.timer.interval() / 60_000)

    def _set_toolbar_visible(self, visible: bool) -> None:
        from PySide6.QtWidgets import QToolBar

        for bar in self.findChildren(QToolBar):
            bar.setVisible(visible)

    def sign_out(self) -> None:
        """Ask, then stop syncing, close the store and go back to the sign-in window (local
        data stays)."""
        question = (
            self.tr("동기화 중입니다. 취소하고 로그아웃하시겠습니까?")
            if self.sync.running
            else self.tr(
                "로그아웃하시겠습니까? 기록은 이 기기에 그대로 남고, 로그인 창으로 돌아갑니다."
            )
        )
        answer = QMessageBox.question(self, self.tr("로그아웃"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.sync.stop()
        self.idle.stop()
        self.signed_out.emit()
        self.close()


class _LazySupervisorClient:
    """A :class:`sync.client_supervisor.SupervisorClient` over the sync engine, built on first
    use (keeps requests and the sync client out of start-up; the inbox loads when shown)."""

    def __init__(self, controller: SyncController) -> None:
        self._controller = controller
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            from sync.client_supervisor import SupervisorClient

            self._client = SupervisorClient.for_engine(self._controller.engine)
        return getattr(self._client, name)


def render_for_self_test(profile_dir: Any, size: Any) -> Any:
    """Render the main window once over an empty, freshly created store; return the QPixmap.

    Used by ``fieldapp --self-test``: proves the window, its pages and their models build and
    paint with the bundled assets. Nothing is sent anywhere (sync is not started).
    """
    from pathlib import Path

    from PySide6.QtCore import QSize

    from fieldapp.profile import Profile
    from fieldapp.store import Store
    from ui.taskman import TaskManager

    profile = Profile(Path(profile_dir))
    profile.save_info(
        {
            "server_url": "https://selftest.invalid",
            "username": "selftest",
            "display_name": "self-test",
            "role": "nurse",
            "district_code": "11440",
            "device_id": "selftest-device",
        }
    )
    store = Store.open(profile.store_path, Store.create_key(), create=True)
    runner = OpRunner(TaskManager(synchronous=True))
    runner.set_store(store)
    try:
        window = MainWindow(runner, Session.from_profile(profile), start_sync=False)
        window.resize(size if isinstance(size, QSize) else QSize(*size))
        pixmap = window.grab()
        window.idle.stop()
        window.close()
        window.deleteLater()
    finally:
        store.close()
    return pixmap
