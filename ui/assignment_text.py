"""How 담당 이력 (a household's assignment history) names people and reasons.

People: "이름 (username)" where the name is known (the server sends each history entry's
display names, optional keys: an older server sends none, and then the username stands
alone). Reasons: the codes servers have written are shown in the UI language (older demo
databases say "demo data", an import "imported from CSV", an undo "undo of <id>: <why>");
a reason a supervisor typed is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

# The history entry's key holding each person, and the key of that person's display name.
NAME_KEYS = (
    ("username", "display_name"),
    ("previous_username", "previous_display_name"),
    ("assigned_by", "assigned_by_display_name"),
)

_UNDO = re.compile(r"^undo of [0-9a-fA-F-]{8,}: (?P<why>.*)$", re.DOTALL)


def history_names(history: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """username -> display name, from what the history entries say (newest wins)."""
    names: dict[str, str] = {}
    for entry in history:
        for user_key, name_key in NAME_KEYS:
            username, display = entry.get(user_key), entry.get(name_key)
            if username and display:
                names[str(username)] = str(display)
    return names


def person_text(username: Any, names: Mapping[str, str]) -> str:
    """A person as 담당 이력 shows them: "김하나 (volunteer1)" ("정은윤 (방문간호사 · nurse3)"
    when the name has its role in brackets), the username alone when the name is not known, a
    dash for nobody; the account older demo seeds used is named in words."""
    if not username:
        return "—"
    username = str(username)
    if username == "seed-demo":  # older demo databases: the seeding script
        return QCoreApplication.translate("assignments", "데모 준비")
    display = names.get(username)
    if not display or display == username:
        return username
    if display.endswith(")") and " (" in display:  # "정은윤 (방문간호사)": one bracket
        return f"{display[:-1]} · {username})"
    return f"{display} ({username})"


def reason_text(reason: Any) -> str:
    """Why the household was assigned, in the UI language when a server wrote it."""
    if not reason:
        return ""
    reason = str(reason)
    known = {
        "demo data": QCoreApplication.translate("assignments", "데모 자료 (최초 배정)"),
        "imported from CSV": QCoreApplication.translate(
            "assignments", "CSV 파일에서 가져옴 (최초 배정)"
        ),
        "신규 등록 (최초 배정)": QCoreApplication.translate("assignments", "신규 등록 (최초 배정)"),
    }
    # What the laptop itself writes when a pull from the start no longer lists a household
    # (sync.client.SyncEngine._let_go_of_unlisted; the first is older laptops' wording).
    unlisted = QCoreApplication.translate(
        "assignments",
        "서버에서 더 이상 내 담당이 아님 (이 기기가 떨어져 있는 동안 재배정되었거나 서버가 백업에서 복원됨)",
    )
    for text in (
        "no longer assigned to you on the server (it was restored from a backup)",
        "no longer assigned to you on the server (reassigned while this laptop was away, "
        "or the server was restored from a backup)",
    ):
        known[text] = unlisted
    if reason in known:
        return known[reason]
    undo = _UNDO.match(reason)
    if undo is not None:
        return QCoreApplication.translate("assignments", "재배정 되돌림: %1").replace(
            "%1", reason_text(undo.group("why"))
        )
    return reason
