"""``fieldapp --self-test``: passes on the shipped assets, fails naming a broken file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fieldapp.resources import ASSETS_DIR_ENV, asset_path
from ui import selftest

REPO = Path(__file__).resolve().parents[2]


def _count(folder: str, pattern: str = "*.json") -> int:
    return len(list(asset_path(folder).glob(pattern)))


def test_self_test_passes_on_shipped_assets(qapp: object) -> None:
    ok, line = selftest.run_self_test()
    assert ok, line
    assert line.startswith("self-test ok: store, ")
    assert "\n" not in line
    assert f"{_count('instruments')} instruments" in line
    assert f"{_count('cadence')} cadence files" in line
    qm = _count("i18n", "*.qm")
    assert f"{qm} translation{'' if qm == 1 else 's'}" in line
    assert "font NanumGothic" in line
    assert "demo server (" in line
    assert "main window 1366x768" in line


# ------------------------------------------------------------------ broken assets


def _truncate(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _drop_key(key: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        del data[key]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return edit


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00not a real file\x00" * 64)


def _without_109(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data["numbers"] if isinstance(data, dict) else data
    kept = [n for n in entries if n.get("number") != "109"]
    if isinstance(data, dict):
        data["numbers"] = kept
    else:
        data = kept
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


BROKEN = [
    pytest.param("instruments/phq9.json", _truncate, "phq9.json", id="instrument-json"),
    pytest.param("instruments/sgds_k.json", _drop_key("bands"), "sgds_k.json", id="instrument"),
    pytest.param(
        "cadence/welfare_check.json", _drop_key("sources"), "welfare_check.json", id="cadence"
    ),
    pytest.param("norms/cist_sample.json", _truncate, "cist_sample.json", id="norms"),
    pytest.param("forms/visit.json", _truncate, "visit.json", id="form"),
    pytest.param("districts/seoul.json", _truncate, "seoul.json", id="districts"),
    pytest.param("crisis_numbers.json", _without_109, "109", id="crisis-numbers"),
    pytest.param("fonts/NanumGothic.ttf", _garbage, "NanumGothic.ttf", id="font"),
    pytest.param("icons/fieldapp.png", _garbage, "fieldapp.png", id="icon"),
]


@pytest.fixture
def assets_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the assets folder, which the app then uses instead of its own."""
    target = tmp_path / "assets"
    shutil.copytree(asset_path(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv(ASSETS_DIR_ENV, str(target))
    return target


@pytest.mark.parametrize(("relative", "breaker", "named"), BROKEN)
def test_broken_asset_fails_naming_it(
    qapp: object,
    assets_copy: Path,
    relative: str,
    breaker: Callable[[Path], None],
    named: str,
) -> None:
    breaker(assets_copy / relative)
    ok, line = selftest.run_self_test()
    assert not ok
    assert line.startswith("self-test FAILED: ")
    assert named in line
    assert "\n" not in line


def test_broken_translation_fails_naming_it(qapp: object, assets_copy: Path) -> None:
    translations = sorted((assets_copy / "i18n").glob("*.qm"))
    assert translations, "the app ships at least one built translation"
    _garbage(translations[0])
    ok, line = selftest.run_self_test()
    assert not ok and translations[0].name in line


def test_empty_asset_folder_fails_naming_it(qapp: object, assets_copy: Path) -> None:
    for path in (assets_copy / "cadence").glob("*.json"):
        path.unlink()
    ok, line = selftest.run_self_test()
    assert not ok and "cadence" in line and "no data files" in line


# ------------------------------------------------------------------ the command


def _run_command(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--self-test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_prints_one_line_and_exits_zero() -> None:
    result = _run_command({})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("self-test ok: store, ")


def test_command_passes_without_the_modules_the_bundle_leaves_out() -> None:
    """The bundle excludes psycopg, pytest... (build.spec): the self-test must not need them.

    CI once built a bundle whose demo server failed with "No module named 'psycopg'" because a
    server module imported it at the top; this catches that before a bundle is built.
    """
    excluded = _spec_list("OTHER_EXCLUDES")
    assert "psycopg" in excluded
    code = (
        "import sys\n"
        f"for name in {excluded!r}: sys.modules[name] = None\n"
        "from ui.main import main\n"
        "sys.exit(main(['--self-test']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test ok: ")


def test_command_fails_with_reason_for_broken_instrument(tmp_path: Path) -> None:
    target = tmp_path / "assets"
    shutil.copytree(asset_path(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    _truncate(target / "instruments" / "phq9.json")
    result = _run_command({ASSETS_DIR_ENV: str(target)})
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("self-test FAILED: ") and "phq9.json" in line


# ------------------------------------------------------------------ the bundle's asset list


def _spec_list(name: str) -> Any:
    """The literal assigned to *name* in build.spec, read without running PyInstaller."""
    import ast

    tree = ast.parse((REPO / "build.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"build.spec has no {name}")


def _spec_categories() -> list[tuple[str, str, list[str]]]:
    """``ASSET_CATEGORIES`` from build.spec."""
    return _spec_list("ASSET_CATEGORIES")


def test_bundle_spec_lists_every_shipped_asset() -> None:
    """Every data file under assets/ falls in a category of build.spec (so it is bundled)."""
    root = asset_path()
    covered: set[Path] = set()
    for _category, folder, patterns in _spec_categories():
        for pattern in patterns:
            covered.update((root / folder).glob(pattern))
    shipped = {
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix not in {".py", ".pyc", ".ts"}
        and "__pycache__" not in p.parts
        and p.name != "README.md"
    }
    assert sorted(shipped - covered) == []
