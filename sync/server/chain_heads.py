"""The access log's recorded heads, kept OUTSIDE the database the log lives in.

The hash chain shows an entry changed, deleted or moved, but not the newest entries cut off
the end: the chain that is left is still a valid chain. So every verification, export and
access review that finds the chain intact appends its head (the newest entry's hash, how many
entries, when, by which command) to a file outside the database, and the next check requires
the chain to still hold the last recorded head (고시 제8조 ③: logs protected against
tampering). Whoever can rewrite the table cannot also quietly rewrite this file.

The file is JSON lines, append-only, ``0600``, each line fsynced (and the folder, when the
file is new). Where: ``Settings.audit_dir`` (``FIELDAPP_AUDIT_DIR``) when set; otherwise
beside a SQLite database (``<database>-access-log-heads.jsonl``), or for PostgreSQL in the
server's user data folder, one file per host, port and database.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from sync.server.db import is_sqlite, normalize_url
from sync.server.settings import APP_DIR_NAME, Settings

SUFFIX = "-access-log-heads.jsonl"


@dataclass(frozen=True)
class RecordedHead:
    """One recorded head: the chain's newest hash and length, when, and which command saw it."""

    head_hash: str
    entries: int
    at: str
    source: str


def heads_file(settings: Settings) -> Path:
    """The file holding the recorded heads of *settings*' database (see the module doc)."""
    url = make_url(normalize_url(settings.database_url))
    if is_sqlite(settings.database_url) and url.database and url.database != ":memory:":
        database = Path(url.database)
        folder = Path(settings.audit_dir) if settings.audit_dir else database.parent
        return folder / (database.name + SUFFIX)
    name = "-".join(str(x) for x in (url.host or "local", url.port or "", url.database or ""))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "database"
    folder = (
        Path(settings.audit_dir)
        if settings.audit_dir
        else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)) / "audit"
    )
    return folder / (safe + SUFFIX)


def last_recorded(path: Path) -> RecordedHead | None:
    """The newest head recorded in *path*, or None when none was (a line cut short by a
    crash is skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            data = json.loads(line)
            return RecordedHead(
                head_hash=str(data["head_hash"]),
                entries=int(data["entries"]),
                at=str(data["at"]),
                source=str(data["source"]),
            )
        except (ValueError, KeyError, TypeError):
            continue
    return None


def record_head(
    path: Path, head_hash: str, entries: int, source: str, now: datetime | None = None
) -> RecordedHead:
    """Append a head to *path* durably (fsync; the folder too when the file is new), 0600."""
    head = RecordedHead(
        head_hash=head_hash,
        entries=entries,
        at=(now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        source=source,
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if hasattr(os, "fchmod"):  # POSIX: an existing file gets 0600 too
            os.fchmod(fd, 0o600)
        os.write(fd, (json.dumps(asdict(head), sort_keys=True) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if new and hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return head
