"""``fieldapp --demo``: the embedded district server, the synthetic district, a signed-in worker.

Starts the district server on a free loopback port with a SQLite database in the user data
folder, seeds the synthetic district once, signs a demo worker into a demo profile and returns
what the app needs to open signed in. No Qt here: the caller runs it on a worker thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger("fieldapp.demo")

DEMO_HOUSEHOLDS = 200
DEMO_SEED = 1
#: Who `fieldapp --demo` signs in: the nurse with the largest caseload in the seeded district.
DEMO_DEFAULT_USER = "nurse3"
USERS_FILE = "demo-users.json"
DATABASE_FILE = "district.db"

#: ``progress(phase, done, total)``: phases "server", "users", "households", "events" (households
#: whose history is stored), "sign-in"; *total* 0 when unknown.
Progress = Callable[[str, int, int], None]


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    """The default progress callback."""


@dataclass
class DemoSetup:
    server: Any  # sync.server.embedded.EmbeddedServer
    profile: Any  # fieldapp.profile.Profile
    store: Any  # fieldapp.store.Store (signed in, synced once)
    users: list[dict[str, Any]]
    username: str
    password: str


def demo_dir() -> Path:
    """Where the demo keeps its server database and profiles."""
    return Path(platformdirs.user_data_dir("fieldapp", appauthor=False)) / "demo"


def is_seeded(folder: Path) -> bool:
    """Whether the demo district in *folder* was seeded completely before."""
    return (folder / USERS_FILE).exists()


def ensure_seeded(
    database_url: str,
    folder: Path,
    households: int = DEMO_HOUSEHOLDS,
    progress: Progress = _no_progress,
) -> list[dict[str, Any]]:
    """Seed the demo district into *database_url* unless done before; return the demo users."""
    users_path = folder / USERS_FILE
    if users_path.exists():
        return json.loads(users_path.read_text(encoding="utf-8"))
    from sqlalchemy.orm import Session

    from sync.server import db
    from sync.server.seeding import seed_demo

    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            result = seed_demo(session, households=households, seed=DEMO_SEED, progress=progress)
    finally:
        engine.dispose()
    users = result["users"]
    users_path.write_text(json.dumps(users, ensure_ascii=False, indent=2), encoding="utf-8")
    return users


def start_demo(
    *,
    folder: Path | None = None,
    username: str | None = None,
    role: str = "nurse",
    households: int = DEMO_HOUSEHOLDS,
    progress: Progress = _no_progress,
) -> DemoSetup:
    """Start the server, seed once, log a demo worker in and sync; return everything.

    *progress* hears of each step (see :data:`Progress`). A first run that was stopped while
    seeding left a partial district behind: it is started again from an empty database.
    """
    import shutil

    from fieldapp.profile import Profile
    from sync import client
    from sync.server.embedded import start_embedded

    folder = folder or demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if not is_seeded(folder):  # nothing yet, or an interrupted first run
        (folder / DATABASE_FILE).unlink(missing_ok=True)
        shutil.rmtree(folder / "profiles", ignore_errors=True)
    database_url = f"sqlite:///{folder / DATABASE_FILE}"
    progress("server", 0, 0)
    # Migrate before seeding: start_embedded migrates, so start it first.
    server = start_embedded(database_url)
    try:
        users = ensure_seeded(database_url, folder, households, progress)
        user = next(
            (u for u in users if u["username"] == username)
            if username
            else (u for u in users if u["role"] == role),
            None,
        )
        if user is None:
            raise ValueError(f"no demo user {username or role!r}")
        progress("sign-in", 0, 0)
        profile = Profile(folder / "profiles" / user["username"])
        store = client.login(
            profile, server.base_url, user["username"], user["password"], device_name="demo"
        )
        engine = client.SyncEngine(profile, store, password=user["password"])
        engine.sync_once()
    except BaseException:
        server.stop()
        raise
    return DemoSetup(server, profile, store, users, user["username"], user["password"])


def users_text(users: list[dict[str, Any]], base_url: str) -> str:
    """The demo's accounts, for stdout."""
    lines = [f"돌봄노트 demo server: {base_url}", "demo users (username / password / role):"]
    for u in users:
        lines.append(
            f"  {u['username']:<16} {u['password']:<20} {u['role']}  {u.get('display_name', '')}"
        )
    return "\n".join(lines)
