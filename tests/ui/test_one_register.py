"""One register everywhere: the app speaks 합쇼체 ("…합니다", "…하십시오", "…하겠습니까?").
Every Korean text a user can read is scanned for 해요체 endings ("…하세요", "…해 주세요",
"…할까요?", "…해요"): the translation sources (what ``tr()`` shows), the assets' JSON texts
(forms, instruments, rules) and the Korean string literals of ``ui/``, ``fieldapp/`` and
``sync/`` (messages the laptop and the server put on screen)."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: 해요체 sentence endings (followed by the end of the text, a space or punctuation).
HAEYO = re.compile(
    r"(세요|셔요|해요|돼요|되요|어요|아요|여요|워요|와요|에요|예요|까요|네요|지요|죠|게요|래요|나요|군요)"
    r"(?=$|[\s.,!?:;)\]\"'”…·])"
)


def haeyo(text: str) -> list[str]:
    return [m.group(0) for m in HAEYO.finditer(text)]


def test_the_scan_sees_the_other_register() -> None:
    for text in (
        "비밀번호를 입력하세요.",
        "다시 입력해 주세요. (확인)",
        "닫을까요?",
        "저장했어요",
        "확인 필요해요!",
        "담당자예요.",
    ):
        assert haeyo(text), text
    for text in (
        "비밀번호를 입력하십시오.",
        "닫겠습니까?",
        "확인 필요",
        "아니요",
        "중요",
        "저장했습니다.",
        "데모 자료 (최초 배정)",
    ):
        assert not haeyo(text), text


def _ts_sources() -> Iterator[tuple[str, str]]:
    for ts in sorted((ROOT / "assets" / "i18n").glob("*.ts")):
        for source in ET.parse(ts).getroot().iter("source"):
            yield f"{ts.name}", source.text or ""


def _json_texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_texts(item, f"{where}[{i}]")


def _asset_texts() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "assets").rglob("*.json")):
        yield from _json_texts(json.loads(path.read_text(encoding="utf-8")), str(path.name))


def _python_texts() -> Iterator[tuple[str, str]]:
    for package in ("ui", "fieldapp", "sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {
                id(body[0].value)
                for owner in ast.walk(tree)
                if isinstance(
                    owner, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                )
                and (body := owner.body)
                and isinstance(body[0], ast.Expr)
            }  # what the code says to its readers, not to users
            for node in ast.walk(tree):
                if id(node) in docstrings:
                    continue
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and HANGUL.search(node.value)
                ):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value


@pytest.mark.parametrize(
    "texts",
    [_ts_sources, _asset_texts, _python_texts],
    ids=["translation sources", "assets", "python literals"],
)
def test_no_haeyo_endings(texts: Any) -> None:
    scanned = list(texts())
    assert len(scanned) > 50  # the scan reads the texts it is meant to
    found = [f"{where}: {text!r}" for where, text in scanned if haeyo(text)]
    assert not found, "해요체 where the app speaks 합쇼체:\n" + "\n".join(found)
