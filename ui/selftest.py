"""``fieldapp --self-test``: prove that this installation can run, then print one line.

Runs offscreen (``QT_QPA_PLATFORM=offscreen`` unless set) and checks, in order: a temporary
encrypted store (create, write, integrity, reopen, wrong key refused), every instrument and
panel, every cadence file, every form, the district lists, the crisis numbers, every
translation ``.qm``, the bundled font (with Hangul glyphs), the icons, the embedded demo server
(migrated and answering on loopback), and one rendering of the main window. Every file is found
through :func:`fieldapp.resources.asset_path`, so the same checks run from source and from the
PyInstaller bundle. The first failure stops the run with a one-line reason naming the file.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fieldapp.errors import FieldappError
from fieldapp.resources import asset_path

#: Window size of the rendering check: a common field-laptop screen.
WINDOW_SIZE = (1366, 768)
#: Text that the bundled font must be able to draw.
HANGUL_SAMPLE = "돌봄노트 안부확인 방문간호 가나다힣"


class SelfTestFailure(Exception):
    """One check failed; ``str()`` is the one-line reason, naming the file at fault."""


def _fail(what: str, reason: str) -> SelfTestFailure:
    return SelfTestFailure(f"{what}: {reason}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _json_files(folder: str) -> list[Path]:
    path = asset_path(folder)
    files = sorted(path.glob("*.json")) if path.is_dir() else []
    if not files:
        raise _fail(folder, f"no data files in {path}")
    return files


# ------------------------------------------------------------------ domain checks


@contextmanager
def _temporary_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fieldapp-selftest-", ignore_cleanup_errors=True) as d:
        yield Path(d)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence one logger while an expected failure is provoked."""
    logger = logging.getLogger(logger_name)
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def check_store() -> str:
    """Create an encrypted store with a random key; write, check, reopen, refuse a wrong key."""
    from fieldapp import schema
    from fieldapp.errors import WrongKeyError
    from fieldapp.store import Store

    with _temporary_folder() as folder:
        path = folder / "selftest.db"
        key = Store.create_key()
        store = Store.open(path, key, create=True)
        try:
            store.set_meta("selftest", {"ok": True})
            if store.integrity_check() != ["ok"]:
                raise _fail("store", f"integrity_check failed: {store.integrity_check()}")
            if store.schema_steps != list(schema.SCHEMA_STEPS):
                raise _fail("store", f"schema steps {store.schema_steps} not applied")
        finally:
            store.close()
        if path.read_bytes()[:16] == b"SQLite format 3\x00":
            raise _fail("store", "the database file is not encrypted (SQLCipher missing?)")
        with Store.open(path, key) as again:
            if again.get_meta("selftest") != {"ok": True}:
                raise _fail("store", "a value written was not read back")
        try:
            with _quiet("fieldapp.store"):  # the refusal is expected: no warning on stderr
                Store.open(path, Store.create_key()).close()
        except WrongKeyError:
            pass
        else:
            raise _fail("store", "a wrong key opened the database")
    return "store"


def check_instruments() -> str:
    """Load and validate every instrument (with its norms table) and every panel."""
    from fieldapp.instruments import load_instruments_from, read_json
    from fieldapp.vitals import parse_panel

    files = _json_files("instruments")
    instruments = load_instruments_from(asset_path("instruments"))  # norms tables included
    documents = {p: read_json(p) for p in files}
    panels = [
        p for p, doc in documents.items() if isinstance(doc, dict) and doc.get("kind") == "panel"
    ]
    for panel in panels:
        parse_panel(panel)
    total = len(instruments) + len(panels)
    if total != len(files):
        raise _fail("instruments", f"{len(files)} files but {total} instruments loaded")
    referenced = {doc.get("norms") for doc in documents.values() if isinstance(doc, dict)}
    for norms in _json_files("norms"):
        if norms.name not in referenced:
            raise _fail(norms.name, "no instrument uses this norms table")
    return _count(total, "instrument")


def check_cadence() -> str:
    """Load and validate every cadence rule file."""
    from fieldapp import cadence

    files = _json_files("cadence")
    for path in files:
        cadence.load_cadence_file(path)
    cadence.load_rules_from(asset_path("cadence"))  # the set as a whole: programmes present
    return _count(len(files), "cadence file")


def check_forms() -> str:
    """Build every form of ``assets/forms`` into its specification."""
    from ui.forms.spec import load_form

    files = _json_files("forms")
    for path in files:
        spec = load_form(path.stem)
        if not spec.sections:
            raise _fail(path.name, "the form has no sections")
    return _count(len(files), "form")


def check_districts() -> str:
    """Load and validate every district list."""
    from fieldapp.districts import load_districts

    files = _json_files("districts")
    count = sum(len(load_districts(path)) for path in files)
    return _count(count, "district")


def check_crisis_numbers() -> str:
    """The crisis numbers must load and include the suicide-prevention line 109."""
    from ui.crisis import load_crisis_numbers

    numbers = [n.number for n in load_crisis_numbers()]
    if "109" not in numbers:
        raise _fail("crisis_numbers.json", "the 109 suicide-prevention line is missing")
    return _count(len(numbers), "crisis number")


# ------------------------------------------------------------------ Qt checks


def check_translations() -> str:
    """Every ``.qm`` under ``assets/i18n`` must load and hold translations; every language too."""
    from PySide6.QtCore import QTranslator

    from ui.appsetup import LANGUAGES, translation_file

    folder = asset_path("i18n")
    files = sorted(folder.glob("*.qm")) if folder.is_dir() else []
    if not files:
        raise _fail("i18n", f"no built translations (.qm) in {folder}")
    for lang in LANGUAGES[1:]:  # Korean is the source language
        if translation_file(lang) not in files:
            raise _fail(translation_file(lang).name, "missing (run pyside6-lrelease)")
    for path in files:
        translator = QTranslator()
        if not translator.load(str(path)):
            raise _fail(path.name, "QTranslator could not load it")
        if translator.isEmpty():
            raise _fail(path.name, "holds no translations")
    return _count(len(files), "translation")


def check_font() -> str:
    """Register every bundled font; each must draw Hangul; the OFL licence must be beside it."""
    from PySide6.QtGui import QFontDatabase, QRawFont

    folder = asset_path("fonts")
    fonts = sorted(folder.glob("*.ttf")) + sorted(folder.glob("*.otf"))
    if not fonts:
        raise _fail("fonts", f"no font files in {folder}")
    if not (folder / "OFL.txt").is_file():
        raise _fail("OFL.txt", "the font licence must ship with the font")
    families: list[str] = []
    for path in fonts:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id == -1:
            raise _fail(path.name, "Qt could not load the font")
        families += QFontDatabase.applicationFontFamilies(font_id)
        raw = QRawFont(str(path), 12)
        missing = [
            c for c in HANGUL_SAMPLE if not c.isspace() and not raw.supportsCharacter(ord(c))
        ]
        if not raw.isValid() or missing:
            raise _fail(path.name, f"no glyphs for {''.join(missing) or 'Hangul'}")
    return f"font {families[0]}"


def check_icons() -> str:
    """Every icon under ``assets/icons`` must load as a non-empty image."""
    from PySide6.QtGui import QIcon

    folder = asset_path("icons")
    icons = sorted(p for p in folder.iterdir() if p.suffix in {".svg", ".png", ".ico"})
    if not icons:
        raise _fail("icons", f"no icons in {folder}")
    for path in icons:
        if QIcon(str(path)).pixmap(32, 32).isNull():
            raise _fail(path.name, "the icon could not be drawn")
    return _count(len(icons), "icon")


def check_demo_server() -> str:
    """The embedded server (``--demo``): its migrations run and it answers its health check.

    Migrates a temporary SQLite database with the bundled Alembic scripts, serves it on a
    loopback port and asks ``GET /api/v1/health``; nothing leaves this computer.
    """
    import requests
    from alembic.script import ScriptDirectory

    from sync.protocol import HEALTH_PATH
    from sync.server.db import alembic_config
    from sync.server.embedded import start_embedded
    from sync.server.settings import Settings

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = scripts.get_heads()
    if len(heads) != 1:
        raise _fail("sync/server/migrations", f"expected one head, found {heads}")
    count = len(list(scripts.walk_revisions()))
    with _temporary_folder() as folder:
        url = f"sqlite:///{folder / 'selftest-server.sqlite3'}"
        server = start_embedded(url, settings=Settings(database_url=url))
        try:
            answer = requests.get(f"{server.base_url}{HEALTH_PATH}", timeout=10)
        finally:
            server.stop()
    if answer.status_code != 200 or answer.json().get("status") != "ok":
        raise _fail("demo server", f"health check answered {answer.status_code}")
    return f"demo server ({_count(count, 'migration')})"


def check_main_window() -> str:
    """Render the main window once, with an empty temporary profile, to a non-null pixmap."""
    from ui.mainwindow import render_for_self_test

    with _temporary_folder() as profile:
        pixmap = render_for_self_test(profile, WINDOW_SIZE)
        if pixmap.isNull():
            raise _fail("main window", "rendering produced an empty image")
        return f"main window {pixmap.width()}x{pixmap.height()}"


#: The checks in order: (what, function returning its part of the report line).
CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("store", check_store),
    ("instruments", check_instruments),
    ("cadence", check_cadence),
    ("forms", check_forms),
    ("districts", check_districts),
    ("crisis numbers", check_crisis_numbers),
    ("translations", check_translations),
    ("font", check_font),
    ("icons", check_icons),
    ("demo server", check_demo_server),
    ("main window", check_main_window),
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_self_test(
    checks: tuple[tuple[str, Callable[[], str]], ...] = CHECKS,
) -> tuple[bool, str]:
    """Run every check; return (passed, the one-line report).

    Creates the QApplication if none exists (offscreen unless ``QT_QPA_PLATFORM`` is set).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "fieldapp"])
    parts: list[str] = []
    for what, check in checks:
        try:
            parts.append(check())
        except SelfTestFailure as err:
            return False, _one_line(f"self-test FAILED: {err}")
        except FieldappError as err:
            return False, _one_line(f"self-test FAILED: {what}: {err}")
        except Exception as err:
            return False, _one_line(f"self-test FAILED: {what}: {type(err).__name__}: {err}")
    del app
    return True, "self-test ok: " + ", ".join(parts)


def main() -> int:
    """Run the self-test, print its line (stdout on success, stderr on failure), return 0/1."""
    ok, line = run_self_test()
    stream = sys.stdout if ok else sys.stderr
    if stream is not None:  # a windowed Windows build has no console streams
        print(line, file=stream, flush=True)
    return 0 if ok else 1
