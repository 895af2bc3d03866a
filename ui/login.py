"""Start and unlock: first login online, offline unlock afterwards, idle auto-lock, lock screen."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.operations import DbCallOp, NetworkOp, OpRunner
from ui.session import Session

log = logging.getLogger("fieldapp.ui")

DEFAULT_IDLE_MINUTES = 10
DEMO_SERVER_HINT = "https://"


def _login_online(profile: Any, url: str, username: str, password: str) -> Any:
    from sync import client

    return client.login(profile, url, username, password, device_name=platform.node())


def _unlock_offline(profile: Any, password: str) -> Any:
    from fieldapp import profile as profiles

    return profiles.unlock(profile, password)


def _check_password(profile: Any, password: str) -> bool:
    """Whether *password* unlocks this profile; wrong ones count towards the unlock limit."""
    from fieldapp import profile as profiles

    profiles.check_password(profile, password)
    return True


class LoginDialog(QDialog):
    """Sign in online (first time, or another account) or unlock offline with the password.

    On success the store is handed to the runner and :attr:`session` is set.
    """

    def __init__(self, runner: OpRunner, profile: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.profile = profile
        self.session: Session | None = None
        self.setWindowTitle(self.tr("돌봄노트 로그인"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("돌봄노트"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://dolbom.mapo.example.kr")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("서버 주소"), self.server)
        form.addRow(self.tr("아이디"), self.username)
        form.addRow(self.tr("비밀번호"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.switch = QPushButton(self.tr("다른 계정으로 온라인 로그인"))
        self.switch.clicked.connect(lambda: self._set_online(True))
        self.submit = QPushButton()
        self.submit.setObjectName("primary")
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._submit)
        buttons.addWidget(self.switch)
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        layout.addLayout(buttons)
        self.password.returnPressed.connect(self._submit)
        self._online = not profile.exists()
        info = profile.info if profile.info_path.exists() else {}
        self.server.setText(info.get("server_url", ""))
        self.username.setText(info.get("username", ""))
        wiped = profile.wiped_info() if hasattr(profile, "wiped_info") else {}
        if wiped and not profile.exists():
            self.message.setText(
                self.tr(
                    "이 기기의 로컬 데이터는 %1에 삭제되었습니다. 다시 로그인하십시오."
                ).replace("%1", str(wiped.get("wiped_at", ""))[:16])
            )
        self._set_online(self._online)

    def _set_online(self, online: bool) -> None:
        self._online = online
        self.server.setEnabled(online)
        self.username.setEnabled(online)
        self.switch.setVisible(not online)
        if online:
            self.intro.setText(
                self.tr(
                    "처음 한 번은 인터넷에 연결해 로그인해야 합니다. 담당 가구가 이 기기에 암호화되어 저장됩니다."
                )
            )
            self.submit.setText(self.tr("로그인"))
            (self.server if not self.server.text() else self.username).setFocus()
        else:
            self.intro.setText(
                self.tr(
                    "%1 님, 비밀번호를 입력해 잠금을 해제하십시오. 인터넷 연결이 없어도 됩니다."
                ).replace("%1", self.profile.info.get("display_name") or self.username.text())
            )
            self.submit.setText(self.tr("잠금 해제"))
            self.password.setFocus()

    def _submit(self) -> None:
        password = self.password.text()
        if not password:
            self.message.setText(self.tr("비밀번호를 입력하십시오."))
            return
        if self._online and not (self.server.text().strip() and self.username.text().strip()):
            self.message.setText(self.tr("서버 주소와 아이디를 입력하십시오."))
            return
        self.submit.setEnabled(False)
        self.message.setText(self.tr("확인하는 중…"))
        profile = self.profile  # worker threads get plain values, never the dialog
        if self._online:
            url, user = self.server.text().strip(), self.username.text().strip()
            NetworkOp(self, lambda: _login_online(profile, url, user, password)).success(
                lambda store: self._done(store, password)
            ).failure(self._failed).run(self.runner)
        else:
            DbCallOp(self, lambda: _unlock_offline(profile, password)).success(
                lambda store: self._done(store, password)
            ).failure(self._failed).run(self.runner)

    def _done(self, store: Any, password: str) -> None:
        self.runner.set_store(store)
        keep = password if getattr(self.profile, "keyring_warning", None) else None
        self.session = Session.from_profile(self.profile, password=keep)
        self.password.clear()
        self.accept()

    def _failed(self, err: Exception) -> None:
        self.submit.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus()
        self.message.setText(ui_errors.message_for(err))
        from fieldapp.errors import CorruptError, OnlineLoginRequired

        # No local data yet, too many wrong passwords, or a damaged database (moved aside,
        # kept, at the online sign-in): only an online sign-in helps.
        needs_online = not self.profile.exists() or isinstance(
            err, (OnlineLoginRequired, CorruptError)
        )
        if needs_online and not self._online:
            self._set_online(True)
            if self.server.text().strip() and self.username.text().strip():
                self.password.setFocus()


class LockScreen(QFrame):
    """Covers the window while locked: nothing of the records shows; password to unlock."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, runner: OpRunner, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.setObjectName("lockScreen")
        self.setStyleSheet("QFrame#lockScreen { background: #23395d; } QLabel { color: white; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setMaximumWidth(420)
        inner = QVBoxLayout(box)
        title = QLabel(self.tr("잠겨 있습니다"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        who = QLabel(
            self.tr("%1 님의 화면이 잠겼습니다. 비밀번호를 입력하십시오.").replace(
                "%1", session.display_name
            )
        )
        who.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("비밀번호"))
        self.password.returnPressed.connect(self._unlock)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #ffd7d7;")
        crisis = QPushButton(self.tr("☎ 위기 상담 전화 (109 · 1577-0199 · 119 · 112 · 129)"))
        crisis.setObjectName("lockCrisisButton")
        crisis.setStyleSheet("background: #c62828; color: white; font-weight: bold; padding: 6px;")
        crisis.clicked.connect(self._show_crisis)
        row = QHBoxLayout()
        sign_out = QPushButton(self.tr("로그아웃"))
        sign_out.clicked.connect(self.sign_out_requested)
        self.unlock_button = QPushButton(self.tr("잠금 해제"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        row.addWidget(sign_out)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        for w in (title, who, self.password, self.message):
            inner.addWidget(w)
        inner.addLayout(row)
        inner.addSpacing(16)
        inner.addWidget(crisis)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(box)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(2)

    def _show_crisis(self) -> None:
        from ui.crisis import CrisisPanel

        CrisisPanel(self).open()

    def prepare(self) -> None:
        self.password.setEnabled(True)
        self.password.clear()
        self.message.clear()
        self.unlock_button.setEnabled(True)
        self.password.setEnabled(True)
        self.password.setFocus()

    def _unlock(self) -> None:
        password = self.password.text()
        if not password:
            return
        self.unlock_button.setEnabled(False)
        profile = self.session.profile
        NetworkOp(self, lambda: _check_password(profile, password)).success(
            lambda _ok: self._ok()
        ).failure(self._failed).run(self.runner)

    def _ok(self) -> None:
        self.password.clear()
        self.unlocked.emit()

    def _failed(self, err: Exception) -> None:
        from fieldapp.errors import OnlineLoginRequired

        # After too many wrong passwords only an online sign-in helps: no more tries here.
        locked_out = isinstance(err, OnlineLoginRequired)
        self.unlock_button.setEnabled(not locked_out)
        self.password.setEnabled(not locked_out)
        self.password.selectAll()
        self.message.setText(ui_errors.message_for(err))


class IdleWatcher(QObject):
    """Emits :attr:`idle` after *minutes* without keyboard or mouse input anywhere in the app."""

    idle = Signal()
    _INPUT = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )

    def __init__(
        self, minutes: float = DEFAULT_IDLE_MINUTES, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._INPUT:
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def run_login(
    runner: OpRunner, profile: Any, on_done: Callable[[Session | None], None]
) -> LoginDialog:
    """Show the login dialog; *on_done(session or None)* when it closes."""
    dialog = LoginDialog(runner, profile)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(lambda _r: on_done(dialog.session))
    dialog.show()
    return dialog
