"""Texts saved in Korean (a referral's action and steps), shown in English where a translation
exists.

A referral recorded from the risk banner stores the action it answers and the steps ticked in
Korean (records are Korean, whoever reads them). In the English interface the timeline shows
each known piece in English: the actions of every rule in the assets (their ``text_ko`` /
``text_en``), the banner's steps, and the demo history's referral phrases. What the worker
typed (the 조치 메모) stays as typed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldapp.resources import asset_path
from ui.lang import korean_ui

#: Referral targets and reasons of the demo history (fieldapp/demo.py, sync/server/demo_workflows.py).
PHRASES = {
    "정신건강복지센터": "Mental health welfare centre",
    "자살 관련 언급": "Talk of suicide",
    "119 / 의료기관": "119 / medical care",
    "급성 증상": "Acute symptoms",
    "동 주민센터 통합사례관리": "Community centre integrated case management",
    "위험 징후 발견": "Signs of risk found",
    "동 주민센터": "Community centre (동 주민센터)",
    "방문 시 응답 없음": "No answer at the door",
    "의료기관": "Medical care",
    "혈압 180 이상": "Blood pressure 180 or higher",
    "저혈당": "Low blood sugar",
    "PHQ-9 9번 문항 응답": "PHQ-9 item 9 answered",
    "PHQ-9 10점 이상": "PHQ-9 score 10 or more",
    "무릎 통증 악화로 보행 어려움: 정형외과 진료 연계": (
        "Knee pain worse, walking hard: referred to orthopaedics"
    ),
}
#: How a saved referral joins its pieces (ui/forms/form_page.py, fieldapp/records.py).
NOTE_SEPARATOR = " / 조치 메모: "
DONE_SUFFIX = ": 연계 완료"


def _pairs(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ko, en = node.get("text_ko"), node.get("text_en")
        if isinstance(ko, str) and isinstance(en, str) and ko and en:
            yield ko, en
        for value in node.values():
            yield from _pairs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pairs(value)


@cache
def translations() -> dict[str, str]:
    """Korean -> English of every saved phrase the app can translate."""
    from ui.forms.banner import RiskBanner

    table = dict(PHRASES)
    for folder in ("forms", "instruments"):
        for path in sorted(asset_path(folder).glob("*.json")):
            table.update(_pairs(json.loads(path.read_text(encoding="utf-8"))))
    table.update({ko: en for _sid, ko, en in RiskBanner.STEPS})
    return table


def _piece(text: str, table: dict[str, str]) -> str:
    if text in table:
        return table[text]
    if text.endswith(DONE_SUFFIX) and text[: -len(DONE_SUFFIX)] in table:
        return table[text[: -len(DONE_SUFFIX)]] + QCoreApplication.translate("saved", ": 연계 완료")
    if ", " in text:  # the banner's ticked steps, joined
        parts = text.split(", ")
        if all(p in table for p in parts):
            return ", ".join(table[p] for p in parts)
    return text


def shown(text: str) -> str:
    """*text* (saved in Korean) in the UI language, piece by piece where a translation exists."""
    if korean_ui() or not text:
        return text
    table = translations()
    head, sep, note = text.partition(NOTE_SEPARATOR)
    out = _piece(head, table)
    return out + (QCoreApplication.translate("saved", " / 조치 메모: ") + note if sep else "")
