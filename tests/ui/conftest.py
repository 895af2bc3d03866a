"""UI test fixtures: offscreen Qt, synchronous background work, a real district server.

``QT_QPA_PLATFORM=offscreen`` is set here, before anything imports Qt. Tests use pytest-qt's
session-wide ``qapp`` (never their own ``QApplication``). Background work runs inline through
``TaskManager(synchronous=True)`` so every test is deterministic; one test drives the threaded
manager and awaits its signal. Known-condition dialogs are recorded instead of shown, and an
unexpected error (the crash path) fails the test.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DEMO_HOUSEHOLDS = 60


@pytest.fixture(scope="session")
def ui_app(qapp: Any) -> Any:
    """The session's QApplication with the app's font and look (Korean UI)."""
    from ui import appsetup

    appsetup.register_fonts(qapp)
    appsetup.apply_style(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    """Record known-condition dialogs; make the crash path fail the test."""
    from ui import errors

    shown: list[BaseException] = []
    bugs: list[BaseException] = []
    monkeypatch.setattr(errors, "show_known_error", lambda _parent, err: shown.append(err))
    monkeypatch.setattr(errors, "report_bug", lambda _parent, err: bugs.append(err))
    yield shown
    if bugs:
        raise AssertionError(f"unexpected error reached the crash path: {bugs[0]!r}") from bugs[0]


@pytest.fixture
def known_errors(_no_dialogs: list[BaseException]) -> list[BaseException]:
    """Known conditions the code under test would have shown in a dialog."""
    return _no_dialogs


@dataclass
class District:
    base_url: str
    users: dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    """The real district server (embedded, SQLite) seeded with a small synthetic district,
    shared by the session's tests: a test that writes to it has a district of its own
    (:func:`seeded_district`)."""
    with seeded_district(tmp_path_factory.mktemp("district")) as made:
        yield made


@contextmanager
def seeded_district(folder: Path) -> Iterator[District]:
    """Start the embedded server on a SQLite file in *folder*, seeded with the demo district."""
    from sqlalchemy.orm import Session as DbSession

    from sync.server import db
    from sync.server.embedded import start_embedded
    from sync.server.seeding import seed_demo

    url = f"sqlite:///{folder / 'district.db'}"
    server = start_embedded(url)
    engine = db.make_engine(url)
    try:
        with DbSession(engine) as session:
            result = seed_demo(session, households=DEMO_HOUSEHOLDS, seed=3)
        engine.dispose()
        yield District(server.base_url, {u["username"]: u for u in result["users"]})
    finally:
        server.stop()


@dataclass
class Worker:
    """A worker signed in on a fresh laptop profile, with the app's runner and session."""

    runner: Any
    session: Any
    profile: Any
    password: str


def sign_in(district: District, folder: Path, username: str) -> Worker:
    """Log *username* in online (a new device) and pull their households."""
    from fieldapp.profile import Profile
    from sync import client
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    user = district.users[username]
    profile = Profile(folder / username)
    store = client.login(profile, district.base_url, username, user["password"], device_name="test")
    client.SyncEngine(profile, store, password=user["password"]).sync_once()
    runner = OpRunner(TaskManager(synchronous=True))
    runner.set_store(store)
    return Worker(
        runner, Session.from_profile(profile, password=user["password"]), profile, user["password"]
    )


@pytest.fixture
def nurse(ui_app: Any, district: District, tmp_path: Path) -> Iterator[Worker]:
    worker = sign_in(district, tmp_path, "nurse1")
    yield worker
    if worker.runner.has_store:
        worker.runner.store.close()


@pytest.fixture
def volunteer(ui_app: Any, district: District, tmp_path: Path) -> Iterator[Worker]:
    worker = sign_in(district, tmp_path, "volunteer1")
    yield worker
    if worker.runner.has_store:
        worker.runner.store.close()


def main_window(worker: Worker, qtbot: Any) -> Iterator[Any]:
    """The main window of *worker*, signed in (periodic sync off), closed down after."""
    from ui.mainwindow import MainWindow

    win = MainWindow(worker.runner, worker.session, start_sync=False)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.sync.stop()
    win.idle.stop()


@pytest.fixture
def window(nurse: Worker, qtbot: Any) -> Iterator[Any]:
    """The main window of the signed-in nurse (periodic sync off)."""
    yield from main_window(nurse, qtbot)


@pytest.fixture
def volunteer_window(volunteer: Worker, qtbot: Any) -> Iterator[Any]:
    """The main window of the signed-in volunteer (periodic sync off)."""
    yield from main_window(volunteer, qtbot)


@pytest.fixture
def full_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per full read of the household list (``data.load_household_rows``)."""
    from ui import data

    loads: list[int] = []
    real = data.load_household_rows
    monkeypatch.setattr(
        data, "load_household_rows", lambda *a, **kw: loads.append(1) or real(*a, **kw)
    )
    return loads
