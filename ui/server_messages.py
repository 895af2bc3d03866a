"""The server's error codes as sentences in the UI language.

The server answers a refusal with an ``ErrorBody``: ``code`` for programs, ``detail`` (English)
for logs. The supervisor screens show :func:`server_message` instead of the English detail:
one translated sentence per code, saying what is wrong and what to do. A code the table does
not know falls back to the generic sentence of :mod:`ui.errors`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def server_messages() -> dict[str, str]:
    """Every error code the server sends, with its sentence (translated now)."""
    return {
        # sync.protocol's general codes
        "invalid": QCoreApplication.translate(
            "server",
            "서버가 요청을 받아들이지 않았습니다. 입력한 내용을 확인한 뒤 다시 시도하십시오.",
        ),
        "forbidden": QCoreApplication.translate(
            "server", "이 작업을 할 권한이 없습니다. 필요하면 구 관리자에게 요청하십시오."
        ),
        "not_found": QCoreApplication.translate(
            "server",
            "찾는 항목이 서버에 없습니다. 다른 사람이 먼저 바꿨을 수 있으니 새로 고침하십시오.",
        ),
        "auth_failed": QCoreApplication.translate(
            "server", "로그인이 만료되었습니다. 로그아웃한 뒤 다시 로그인하십시오."
        ),
        "account_locked": QCoreApplication.translate(
            "server", "로그인 실패가 반복되어 계정이 잠시 잠겼습니다. 잠시 뒤 다시 시도하십시오."
        ),
        "device_revoked": QCoreApplication.translate(
            "server", "이 기기는 사용이 중지되었습니다. 관리자에게 문의하십시오."
        ),
        "too_large": QCoreApplication.translate(
            "server", "요청이 너무 큽니다. 한 번에 고르는 가구 수를 줄이십시오."
        ),
        "protocol_unsupported": QCoreApplication.translate(
            "server", "서버가 더 새로운 버전의 앱을 요구합니다. 앱을 업데이트하십시오."
        ),
        "resync_required": QCoreApplication.translate(
            "server", "서버의 데이터가 바뀌었습니다. 동기화한 뒤 다시 시도하십시오."
        ),
        "idempotency_mismatch": QCoreApplication.translate(
            "server", "같은 요청이 다른 내용으로 다시 왔습니다. 다시 시도하십시오."
        ),
        # reassignment
        "no_selection": QCoreApplication.translate(
            "server",
            "옮길 가구를 고르십시오: 목록에서 선택하거나, 조건을 정하거나, 담당자의 가구 전체를 고릅니다.",
        ),
        "empty_selection": QCoreApplication.translate(
            "server", "선택한 가구가 없습니다. 목록에서 가구를 하나 이상 고르십시오."
        ),
        "nothing_matches": QCoreApplication.translate(
            "server", "조건에 맞는 가구가 없습니다. 조건을 바꾸십시오."
        ),
        "worker_inactive": QCoreApplication.translate(
            "server", "비활성화된 담당자입니다. 사용 중인 담당자를 고르십시오."
        ),
        "worker_wrong_programme": QCoreApplication.translate(
            "server", "이 사업을 맡을 수 없는 담당자입니다. 같은 사업의 담당자를 고르십시오."
        ),
        "reason_required": QCoreApplication.translate(
            "server", "재배정 사유를 입력하십시오. 권한 변경 기록에 남습니다."
        ),
        "already_held": QCoreApplication.translate(
            "server", "선택한 가구는 모두 이미 새 담당자가 맡고 있습니다."
        ),
        "undo_too_old": QCoreApplication.translate(
            "server", "오래된 재배정이라 되돌릴 수 없습니다. 새 재배정으로 다시 옮기십시오."
        ),
        "undo_done": QCoreApplication.translate("server", "이미 되돌린 재배정입니다."),
        "undo_moved_again": QCoreApplication.translate(
            "server",
            "그 뒤에 다시 옮겨진 가구가 있어 되돌릴 수 없습니다. 새 재배정으로 옮기십시오.",
        ),
        # people and devices
        "unknown_dong": QCoreApplication.translate(
            "server", "이 구에 없는 행정동입니다. 목록에서 행정동을 고르십시오."
        ),
        "own_account": QCoreApplication.translate(
            "server", "자기 계정은 비활성화하거나 역할을 바꿀 수 없습니다."
        ),
        "device_not_active": QCoreApplication.translate(
            "server", "이미 회수되었거나 분실 처리된 기기입니다."
        ),
        # heat and cold alerts
        "alert_dates": QCoreApplication.translate(
            "server", "끝나는 날이 시작하는 날보다 앞섭니다. 날짜를 확인하십시오."
        ),
        "alert_past": QCoreApplication.translate(
            "server", "끝나는 날이 이미 지났습니다. 오늘 이후로 정하십시오."
        ),
        "alert_ended": QCoreApplication.translate("server", "이미 종료된 특보입니다."),
    }


def server_message(err: BaseException) -> str:
    """The sentence for a refused request (by its ``code``), else :func:`ui.errors.message_for`."""
    code = getattr(err, "code", None)
    if code:
        text = server_messages().get(str(code))
        if text is not None:
            return text
    from ui import errors

    return errors.message_for(err)
