"""Users and devices: create users, deactivate, change role (all logged on the server); mark a
device lost (its token dies, it wipes at next contact, an incident starts the 72-hour clock)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.operations import OpRunner
from ui.supervisor.common import error_label, run_net, selected_rows, table_view
from ui.supervisor.models import (
    RecordTableModel,
    by_username,
    device_columns,
    incident_columns,
    remember_names,
    role_label,
    user_columns,
    when,
)

ROLES = ("volunteer", "nurse", "supervisor")


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("사용자 추가"))
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("10자 이상, 2종류 이상의 문자"))
        form.addRow(self.tr("아이디"), self.username)
        form.addRow(self.tr("이름"), self.display_name)
        form.addRow(self.tr("역할"), self.role)
        form.addRow(self.tr("처음 비밀번호"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip() or None,
            "role": self.role.currentData(),
            "password": self.password.text(),
        }


class PeoplePage(QWidget):
    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("사용자와 기기"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.error = error_label()
        layout.addWidget(self.error)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        users_box = QGroupBox(self.tr("사용자 (권한 변경은 3년간 기록됩니다)"))
        ubox = QVBoxLayout(users_box)
        self.users_model = RecordTableModel(user_columns(), self, order=by_username)
        self.users_view = table_view(self.users_model)
        ubox.addWidget(self.users_view)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("사용자 추가…"))
        self.role_button = QPushButton(self.tr("역할 변경…"))
        self.deactivate_button = QPushButton(self.tr("비활성화"))
        for b in (self.add_button, self.role_button, self.deactivate_button):
            row.addWidget(b)
        row.addStretch(1)
        ubox.addLayout(row)
        layout.addWidget(users_box, 1)

        devices_box = QGroupBox(self.tr("기기"))
        dbox = QVBoxLayout(devices_box)
        self.devices_model = RecordTableModel(device_columns(), self)
        self.devices_view = table_view(self.devices_model)
        dbox.addWidget(self.devices_view)
        row = QHBoxLayout()
        self.lost_button = QPushButton(self.tr("분실·도난 처리…"))
        self.lost_button.setObjectName("danger")
        row.addWidget(self.lost_button)
        row.addStretch(1)
        refresh = QPushButton(self.tr("새로 고침"))
        refresh.clicked.connect(self.reload)
        row.addWidget(refresh)
        dbox.addLayout(row)
        layout.addWidget(devices_box, 1)

        incidents_box = QGroupBox(self.tr("분실·도난 사고 (개인정보 유출 신고 기한 72시간)"))
        ibox = QVBoxLayout(incidents_box)
        self.incidents_model = RecordTableModel(incident_columns(), self)
        self.incidents_view = table_view(self.incidents_model)
        ibox.addWidget(self.incidents_view)
        layout.addWidget(incidents_box)

        # Lambdas: a button's clicked(checked) must not land in the optional arguments
        # (mark_lost(False) would skip the prompt).
        self.add_button.clicked.connect(lambda: self.add_user())
        self.role_button.clicked.connect(lambda: self.change_role())
        self.deactivate_button.clicked.connect(lambda: self.deactivate())
        self.lost_button.clicked.connect(lambda: self.mark_lost())

    def reload(self) -> None:
        def show(users: list[dict[str, Any]]) -> None:
            remember_names(users)
            self.users_model.set_rows(users)
            self.devices_model.set_rows([d for u in users for d in u["devices"]])

        run_net(self, self.runner, self.client.users, show, self.error)
        run_net(self, self.runner, self.client.incidents, self.incidents_model.set_rows, self.error)

    def _then_reload(self, text: str) -> Any:
        def done(_result: Any) -> None:
            self.message.setText(text)
            self.reload()

        return done

    def add_user(self, values: dict[str, Any] | None = None) -> None:
        if not values:
            dialog = NewUserDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        v = values
        run_net(
            self,
            self.runner,
            lambda: self.client.create_user(
                v["username"], v["role"], v["password"], v.get("display_name")
            ),
            self._then_reload(self.tr("사용자를 추가했습니다: %1").replace("%1", v["username"])),
            self.error,
        )

    def _user(self) -> dict[str, Any] | None:
        rows = selected_rows(self.users_view)
        return rows[0] if rows else None

    def change_role(self, role: str | None = None) -> None:
        user = self._user()
        if user is None:
            return
        if not role:
            labels = [role_label(r) for r in ROLES]
            chosen, ok = QInputDialog.getItem(
                self, self.tr("역할 변경"), user["username"], labels, 0, False
            )
            if not ok:
                return
            role = ROLES[labels.index(chosen)]
        name, new = user["username"], role
        run_net(
            self,
            self.runner,
            lambda: self.client.set_role(name, new),
            self._then_reload(self.tr("%1의 역할을 바꿨습니다.").replace("%1", name)),
            self.error,
        )

    def deactivate(self, confirmed: bool = False) -> None:
        user = self._user()
        if user is None:
            return
        name = user["username"]
        if not confirmed:
            answer = QMessageBox.question(
                self,
                self.tr("비활성화"),
                self.tr(
                    "%1 계정을 비활성화하겠습니까? 그 기기들은 다음 연결 때 자료를 지웁니다."
                ).replace("%1", name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        run_net(
            self,
            self.runner,
            lambda: self.client.deactivate(name),
            self._then_reload(self.tr("%1 계정을 비활성화했습니다.").replace("%1", name)),
            self.error,
        )

    def mark_lost(self, note: str | None = None) -> None:
        rows = selected_rows(self.devices_view)
        if not rows:
            return
        device = rows[0]
        if note is None:
            text, ok = QInputDialog.getText(
                self,
                self.tr("분실·도난 처리"),
                self.tr("무슨 일이 있었는지 적어 주십시오 (사고 기록에 남습니다):"),
            )
            if not ok:
                return
            note = text
        device_id, why = device["id"], note or None

        def done(incident: dict[str, Any]) -> None:
            self.message.setText(
                self.tr(
                    "기기를 분실 처리했습니다. 다음 연결 때 자료를 지웁니다. 신고 기한(72시간): %1"
                ).replace("%1", when(incident["report_due"]))
            )
            self.reload()

        run_net(self, self.runner, lambda: self.client.mark_lost(device_id, why), done, self.error)
