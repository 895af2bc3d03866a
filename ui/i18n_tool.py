"""Refresh the translations: ``python -m ui.i18n_tool``.

Runs ``pyside6-lupdate`` over every module of ``ui/`` into ``assets/i18n/fieldapp_<lang>.ts``
(Korean is the source language; existing translations are kept, strings no longer in the
code are dropped), then ``pyside6-lrelease`` to build the ``.qm`` files the app loads. New
strings come out marked unfinished: translate them (Qt Linguist, ``pyside6-linguist``, or by
hand) and run the tool again. ``tests/ui/test_i18n.py`` fails while any string is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fieldapp.resources import asset_path

TARGET_LANGUAGES = {"en": "en_US"}


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else name


def ui_sources() -> list[str]:
    root = Path(__file__).resolve().parent
    return [str(p) for p in sorted(root.rglob("*.py"))]


def main() -> int:
    for lang, locale in TARGET_LANGUAGES.items():
        ts = asset_path("i18n", f"fieldapp_{lang}.ts")
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                *ui_sources(),
                "-no-obsolete",
                "-source-language",
                "ko_KR",
                "-target-language",
                locale,
                "-ts",
                str(ts),
            ],
            check=True,
        )
        subprocess.run(
            [_tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
