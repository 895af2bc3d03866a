"""--lang en: referral texts saved in Korean are shown in English where a translation exists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale

from fieldapp.resources import asset_path


@pytest.fixture
def english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.SouthKorea))
    yield
    QLocale.setDefault(before)


def _a_phq9_action() -> dict[str, str]:
    data = json.loads(asset_path("instruments", "phq9.json").read_text(encoding="utf-8"))
    found: list[dict[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("text_ko") and node.get("text_en"):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return found[0]


def test_the_timeline_shows_a_saved_referral_in_english(ui_app: Any, english: None) -> None:
    from ui.household_view import event_summary

    action = _a_phq9_action()
    event = {
        "type": "referral",
        "payload": {
            "target": "109 자살예방 상담전화에 연결함, 관리자·동 주민센터에 알림",
            "reason": action["text_ko"] + " / 조치 메모: 딸에게 연락",
            "urgency": "immediate",
            "status": "done",
        },
    }
    text = event_summary(event)
    assert "Connected to 109, Told the supervisor / 주민센터" in text
    assert action["text_en"] in text and "딸에게 연락" in text  # the memo stays as typed
    assert action["text_ko"] not in text


def test_korean_interface_shows_what_was_saved(ui_app: Any) -> None:
    from ui.saved_texts import shown

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    try:
        assert shown("정신건강복지센터") == "정신건강복지센터"
    finally:
        QLocale.setDefault(before)


def test_demo_phrases_and_unknown_text(ui_app: Any, english: None) -> None:
    from ui.saved_texts import shown

    assert shown("정신건강복지센터") == "Mental health welfare centre"
    assert shown("자살 관련 언급: 연계 완료").startswith("Talk of suicide")
    assert shown("직접 쓴 메모") == "직접 쓴 메모"
