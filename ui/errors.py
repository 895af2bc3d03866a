"""Known conditions become clear messages; bugs take the crash path (log + dialog)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp import errors as domain

if TYPE_CHECKING:
    from fieldapp.outbox_ledger import LostRecordsError

log = logging.getLogger("fieldapp.ui")


def _client_errors() -> dict[str, type[Exception]]:
    """The sync client's error classes by name (empty if the client is not importable)."""
    try:
        from sync import client_errors
    except ImportError:
        return {}
    return {
        name: cls
        for name, cls in vars(client_errors).items()
        if isinstance(cls, type) and issubclass(cls, Exception)
    }


def _no_keyring_text() -> str:
    return QCoreApplication.translate(
        "errors",
        "이 컴퓨터에는 안전한 비밀번호 저장소(키링)가 없습니다. 동기화할 때마다 비밀번호를 입력해 주십시오.",
    )


def is_known(err: BaseException) -> bool:
    """Whether *err* is a known condition (not a bug)."""
    if isinstance(err, domain.FieldappError):
        return True
    return isinstance(err, tuple(_client_errors().values()))


def message_for(err: BaseException) -> str:
    """A message in the UI language for a known condition, ending with what to do."""
    client = _client_errors()
    by_class: list[tuple[type[BaseException], str]] = [
        (
            domain.OnlineLoginRequired,
            QCoreApplication.translate(
                "errors",
                "비밀번호가 연속으로 여러 번 틀려 이 기기에서는 더 이상 오프라인으로 잠금을 해제할 수 없습니다. 인터넷에 연결해 로그아웃한 뒤 아이디와 비밀번호로 온라인 로그인하십시오. 기록은 이 기기에 그대로 있습니다.",
            ),
        ),
        (
            domain.WrongKeyError,
            QCoreApplication.translate(
                "errors",
                "비밀번호가 맞지 않습니다. 다시 입력해 주십시오. (Caps Lock이 켜져 있지 않은지 확인하십시오.)",
            ),
        ),
        (
            domain.TooNewError,
            QCoreApplication.translate(
                "errors",
                "이 데이터는 더 새로운 버전의 앱에서 만들어졌습니다. 앱을 업데이트해 주십시오.",
            ),
        ),
        (
            domain.DiskFullError,
            QCoreApplication.translate(
                "errors",
                "디스크 공간이 부족해 저장하지 못했습니다. 공간을 확보한 뒤 다시 저장하십시오. 이전에 저장한 내용은 그대로 있습니다.",
            ),
        ),
        (
            domain.LockedError,
            QCoreApplication.translate(
                "errors",
                "다른 프로그램(또는 다른 돌봄노트 창)이 데이터를 사용 중입니다. 그 프로그램을 닫고 다시 시도하십시오.",
            ),
        ),
        (
            domain.CorruptError,
            QCoreApplication.translate(
                "errors",
                "로컬 데이터 파일이 손상되었습니다. 파일을 지우지 말고 온라인으로 로그인해 새로 받으십시오.",
            ),
        ),
    ]
    for name, text in (
        (
            "DeviceWipedError",
            QCoreApplication.translate(
                "errors",
                "이 기기는 분실 또는 사용 중지로 등록되어 로컬 데이터가 삭제되었습니다. 담당 관리자에게 문의하십시오.",
            ),
        ),
        (
            "NoKeyringError",
            _no_keyring_text(),
        ),
        (
            "ServerUnavailableError",
            QCoreApplication.translate(
                "errors",
                "서버를 잠시 쓸 수 없습니다. 몇 분 뒤 다시 동기화하십시오. 기록은 이 기기에 남아 있고 다음 동기화 때 보내집니다.",
            ),
        ),
        (
            "OfflineError",
            QCoreApplication.translate(
                "errors",
                "서버에 연결할 수 없습니다. 인터넷 연결을 확인하십시오. 기록은 이 기기에 저장되어 있고 나중에 동기화됩니다.",
            ),
        ),
        (
            "SyncCancelled",
            QCoreApplication.translate(
                "errors", "동기화를 취소했습니다. 지금까지 보낸 기록은 그대로 반영되어 있습니다."
            ),
        ),
        (
            "ProtocolError",
            QCoreApplication.translate(
                "errors",
                "서버가 더 새로운 버전의 앱을 요구합니다. 앱을 업데이트해 주십시오. 기록은 이 기기에 안전하게 남아 있습니다.",
            ),
        ),
        (
            "AuthError",
            QCoreApplication.translate(
                "errors",
                "로그인하지 못했습니다. 아이디나 비밀번호가 틀렸거나, 실패가 반복되어 계정이 잠겼거나, 로그인이 만료되었습니다. 확인한 뒤 다시 로그인하십시오.",
            ),
        ),
    ):
        if name in client:
            by_class.append((client[name], text))
    if "ProfileOwnedError" in client and isinstance(err, client["ProfileOwnedError"]):
        return QCoreApplication.translate(
            "errors",
            "이 컴퓨터 계정의 돌봄노트 데이터는 %1 님의 것이라 다른 아이디로 로그인할 수 없습니다. %1 님의 기록은 그대로 있습니다. 한 컴퓨터를 함께 쓰면 사람마다 따로 컴퓨터 사용자 계정(Windows 로그인)을 만들어 돌봄노트를 여십시오.",
        ).replace("%1", err.owner)
    if "InsecureTransportError" in client and isinstance(err, client["InsecureTransportError"]):
        return server_address_text(getattr(err, "kind", "plain_http"))
    for cls, text in by_class:
        if isinstance(err, cls):
            left = getattr(err, "tries_left", None)  # structured: never parsed from the text
            if isinstance(err, domain.WrongKeyError) and left is not None:
                return text + " " + tries_left_text(left)
            return text
    from fieldapp.outbox_ledger import LostRecordsError

    if isinstance(err, LostRecordsError):
        return lost_records_text(err)
    if isinstance(err, domain.AlreadySavedError):
        return QCoreApplication.translate(
            "errors",
            "이 양식은 이미 저장되어 있습니다. 같은 기록을 두 번 저장하지 않았습니다. 작성 중이던 임시 저장본은 지웠습니다.",
        )
    if isinstance(err, domain.ValidationError):
        lines = list(dict.fromkeys(f"• {p.message_ko or p.message}" for p in err.problems))
        return (
            QCoreApplication.translate("errors", "입력 내용을 확인해 주십시오:")
            + "\n"
            + "\n".join(lines)
        )
    if "ServerError" in client and isinstance(err, client["ServerError"]):
        return (
            QCoreApplication.translate(
                "errors",
                "서버가 요청을 처리하지 못했습니다. 잠시 후 다시 시도하십시오. 기록은 이 기기에 남아 있습니다.",
            )
            + f" ({err})"
        )
    # Other StoreErrors carry a complete sentence of their own.
    return str(err)


def server_address_text(kind: str) -> str:
    """Why a server address may not be used (``InsecureTransportError.kind``), in the UI
    language, with what to do."""
    if kind == "not_an_address":
        return QCoreApplication.translate(
            "errors",
            "서버 주소가 올바르지 않습니다. https://server.example.kr 처럼 https:// 와 서버 이름만 입력하십시오. 띄어쓰기, 아이디나 비밀번호, '?'·'#' 기호는 주소에 넣지 않습니다. 주소는 구청 정보화 담당자에게 문의하십시오.",
        )
    if kind == "certificate":
        return QCoreApplication.translate(
            "errors",
            "서버의 보안 인증서를 확인하지 못했습니다. 이 네트워크에서는 계속하지 마십시오. 구청이 자체 인증서를 쓰는 경우 정보화 담당자에게 인증서 파일(CA 번들)을 받아 로그인하십시오.",
        )
    return QCoreApplication.translate(
        "errors",
        "보안되지 않은 주소(http://)입니다. https:// 로 시작하는 서버 주소를 입력하십시오.",
    )


def fill(text: str, *values: object) -> str:
    """*text* with ``%1``, ``%2`` ... replaced by *values* in one pass (as ``QString.arg``: a
    value that itself holds ``%2``, say a file name, is not replaced again)."""
    return re.sub(
        r"%(\d)",
        lambda m: str(values[int(m[1]) - 1]) if 0 < int(m[1]) <= len(values) else m[0],
        text,
    )


def lost_records_text(err: LostRecordsError) -> str:
    """What is missing from the local database and what to do, in the UI language."""
    from fieldapp.programme_time import kst_text

    # Literal translate("errors", ...) calls: pyside6-lupdate files each under its context
    # (a local tr() helper put them under none, so English showed them in Korean).
    if err.kind == "missing":
        what = QCoreApplication.translate(
            "errors",
            "이 기기의 데이터 파일(%1)이 없어졌습니다. 아직 서버로 보내지 않은 기록 %2건이 그 안에 있었습니다.",
        )
    elif err.kind == "replaced":
        what = QCoreApplication.translate(
            "errors",
            "이 기기의 데이터 파일(%1)이 전에 쓰던 파일이 아닙니다. 전 파일에는 보내지 않은 기록 %2건이 있었고, 지금 파일에는 %3건이 있습니다.",
        )
    else:
        what = QCoreApplication.translate(
            "errors",
            "이 기기의 데이터 파일(%1)에 보내지 않은 기록이 %3건뿐입니다. 이 기기가 센 것은 %2건이므로 %4건이 없어졌습니다.",
        )
    what = fill(what, err.file_name, err.counted, err.holds, err.lost)
    when = ""
    if err.oldest_time or err.newest_time:
        when = " " + fill(
            QCoreApplication.translate("errors", "(보내지 않은 기록: %1부터 %2까지)"),
            kst_text(err.oldest_time) or "?",
            kst_text(err.newest_time) or "?",
        )
    todo = QCoreApplication.translate(
        "errors",
        "아무것도 동기화하지 않았습니다. 백업이 있으면 파일을 (-wal 파일과 함께) 되돌려 놓으십시오. 남은 기록은 fieldapp-sync export-pending 으로 따로 저장할 수 있습니다. 온라인으로 로그인하면 없어진 기록을 포기하고 지금 파일로 계속합니다. 관리자에게 알리십시오.",
    )
    return what + when + " " + todo


def login_notice_text(notice: Any) -> str:
    """What an online sign-in found and did about the local database (a
    :class:`fieldapp.profile.LoginNotice`), in the UI language."""
    if notice.kind == "missing":
        text = QCoreApplication.translate(
            "errors",
            "이 기기의 데이터 파일(%1)이 없어져 새 파일을 만들고 담당 가구를 서버에서 다시 받았습니다. 없어진 파일에는 서버로 보내지 않은 기록 %2건이 있었습니다. 백업이 있으면 관리자에게 알리고 파일을 되돌려 놓으십시오.",
        )
    elif notice.kind == "moved_aside":
        text = QCoreApplication.translate(
            "errors",
            "이 기기의 데이터 파일(%1)을 쓸 수 없어 새 파일을 만들고 담당 가구를 서버에서 다시 받았습니다. 쓸 수 없던 파일은 지우지 않고 다음 위치에 옮겨 두었습니다: %3",
        )
        text = text.replace(": %3", ":\n%3\n")  # the path on a line of its own
        if notice.counted:
            text += QCoreApplication.translate(
                "errors",
                "그 파일에는 서버로 보내지 않은 기록 %2건이 있었습니다. 관리자에게 알리십시오. 읽을 수 있는 기록은 fieldapp-sync export-pending --database 로 따로 저장할 수 있습니다.",
            )
    else:
        text = QCoreApplication.translate(
            "errors",
            "이 기기가 센 보내지 않은 기록은 %2건인데 데이터 파일(%1)에는 %4건만 있었습니다. 온라인 로그인으로 없어진 기록을 포기하고 지금 파일로 계속합니다. 백업이 있으면 관리자에게 알리십시오.",
        )
    return fill(text, notice.file_name, notice.counted, notice.moved_to, notice.holds).strip()


def sign_in_notices(profile: Any) -> list[str]:
    """Everything the last sign-in has to tell the user, in the UI language: what it did
    about the local database, and a missing keyring."""
    texts = [login_notice_text(n) for n in getattr(profile, "login_notices", None) or []]
    if getattr(profile, "keyring_warning", None):
        texts.append(_no_keyring_text())
    return texts


def show_notices(parent: QWidget | None, texts: list[str]) -> QMessageBox | None:
    """Show *texts* in one window-modal box that does not block (None when there are none)."""
    if not texts:
        return None
    box = QMessageBox(parent)
    box.setObjectName("sign_in_notices")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("errors", "돌봄노트"))
    box.setText("\n\n".join(texts))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def tries_left_text(left: int) -> str:
    """The count of wrong passwords left before an online sign-in, in the UI language."""
    return QCoreApplication.translate(
        "errors", "(온라인 로그인이 필요해지기까지 %1번 남음)"
    ).replace("%1", str(left))


def show_known_error(parent: QWidget | None, err: BaseException) -> None:
    """Show a known condition as a warning dialog."""
    QMessageBox.warning(parent, QCoreApplication.translate("errors", "돌봄노트"), message_for(err))


def report_bug(parent: QWidget | None, err: BaseException) -> None:
    """The crash path for an unexpected error: log it with its traceback and say so."""
    from ui import crash  # a crash report (no personal data) when the hook is installed

    log.error("unexpected error\n%s", crash.format_trace((type(err), err, err.__traceback__)))
    report = crash.record_bug(err)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("errors", "돌봄노트 오류"))
    box.setText(
        QCoreApplication.translate(
            "errors",
            "예상하지 못한 오류가 발생했습니다. 저장된 기록은 안전합니다. 오류 내용이 로그에 기록되었습니다.",
        )
    )
    box.setDetailedText(f"{type(err).__name__}: {err}")
    if report is not None:
        box.setInformativeText(
            QCoreApplication.translate("errors", "오류 보고서: {path}").format(path=report)
        )
    box.open()
