"""What the laptop knows about its outbox, kept OUTSIDE the database it describes.

``outbox_ledger.json`` in the profile folder says how many records the local database holds
that the server has not acknowledged yet (pending or sent), when the oldest of them was made,
the newest record made here, the database's identity (meta ``store.database_id``) and the
first 16 bytes of its file (SQLCipher's salt). It holds no personal data. It is rewritten
durably (temporary file, fsync, rename, fsync of the folder; owner-only) by a commit hook of
the open store (:meth:`OutboxLedger.attach`): when a transaction lowers the count (push
acknowledgements, a pulled copy of a local record) the ledger is written before the COMMIT;
when it raises it (a record saved) after. So a crash can leave the ledger lower than the
database, never higher: a ledger that counts more than the database holds means records were
lost (a 0-byte file, a deleted ``-wal``, a file put back from an older copy).

:meth:`OutboxLedger.check_file` (before the database is opened: no key needed) and
:meth:`OutboxLedger.check_store` (once it is open) raise :class:`LostRecordsError` saying
what is missing, how many records and since when, and what to do.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldapp.durable_files import is_count, write_json_atomic
from fieldapp.errors import StoreError
from fieldapp.store import PAGE_BYTES, Store

log = logging.getLogger("fieldapp.outbox_ledger")

LEDGER_FILE = "outbox_ledger.json"
FORMAT_VERSION = 1
#: Bytes at the start of a SQLCipher file that hold its salt (not secret, not encrypted).
SALT_BYTES = 16

#: The ledger's figures of an open store, in one statement (the literal "sync_state !=
#: 'accepted'" lets SQLite use the partial index on events, as in fieldapp.syncstate).
_FIGURES_SQL = (
    "SELECT (SELECT count(*) FROM events WHERE sync_state IN ('pending','sent') "
    "AND sync_state != 'accepted') + "
    "(SELECT count(*) FROM household_edits WHERE sync_state IN ('pending','sent')), "
    "(SELECT min(t) FROM (SELECT min(device_time) AS t FROM events "
    "WHERE sync_state IN ('pending','sent') AND sync_state != 'accepted' "
    "UNION ALL SELECT min(device_time) FROM household_edits "
    "WHERE sync_state IN ('pending','sent'))), "
    "(SELECT id || ' ' || device_time FROM (SELECT id, device_time FROM events "
    "WHERE sync_state IN ('pending','sent') AND sync_state != 'accepted' "
    "UNION ALL SELECT id, device_time FROM household_edits "
    "WHERE sync_state IN ('pending','sent')) ORDER BY device_time DESC LIMIT 1)"
)


class LostRecordsError(StoreError):
    """The local database holds fewer records not yet sent than the outbox ledger counted
    (or is missing, empty or another database): nothing was synced.

    Besides the English sentence, the facts for a message in the UI language: *kind*
    (``missing``: the file is gone; ``replaced``: another database; ``short``: records
    missing), the file's name, how many unsent records the ledger *counted* and the file
    *holds*, and the oldest and newest unsent record's times.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "short",
        file_name: str = "",
        counted: int = 0,
        holds: int = 0,
        oldest_time: str | None = None,
        newest_time: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind, self.file_name = kind, file_name
        self.counted, self.holds = counted, holds
        self.oldest_time, self.newest_time = oldest_time, newest_time

    @property
    def lost(self) -> int:
        """How many unsent records are missing (all counted ones when the file is gone)."""
        return max(0, self.counted - self.holds)


@dataclass(frozen=True)
class OutboxFigures:
    """The outbox of a database as the ledger keeps it."""

    unacknowledged: int = 0
    oldest_time: str | None = None
    newest_id: str | None = None
    newest_time: str | None = None


def store_figures(store: Store) -> OutboxFigures:
    """The outbox figures of *store* as it is now (inside a transaction: as it will be)."""
    with store.reading():
        count, oldest, newest = store.conn.execute(_FIGURES_SQL).fetchone()
    newest_id, _, newest_time = (newest or "").partition(" ")
    return OutboxFigures(int(count), oldest, newest_id or None, newest_time or None)


def file_salt(path: Path) -> str | None:
    """The first 16 bytes of the database file, hex (None if it cannot be read)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except OSError:
        return None
    return head.hex() if len(head) == SALT_BYTES else None


_TEXT_KEYS = ("oldest_time", "newest_id", "newest_time", "database_id", "database_salt")


def _well_formed(data: Any) -> bool:
    """Whether *data* has the shape this module writes: an object whose count is a
    non-negative whole number and whose ids and times are text (or absent). A file edited or
    damaged into another shape is treated like an unreadable one, never half used."""
    if not isinstance(data, dict):
        return False
    if not is_count(data.get("unacknowledged", 0)):
        return False
    return all(isinstance(data.get(k), str | None) for k in _TEXT_KEYS)


class OutboxLedger:
    """The ledger file of one profile folder (``outbox_ledger.json``)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LEDGER_FILE
        #: identity and salt of the database being followed (set by check_store/adopt)
        self._identity: dict[str, Any] = {}

    # ------------------------------------------------------------------ file

    def read(self) -> dict[str, Any]:
        """The ledger's contents (empty when there is none, or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            log.warning("outbox ledger unreadable (%s): starting a new one", type(err).__name__)
            return {}
        if not _well_formed(data):
            log.warning("outbox ledger malformed: starting a new one")
            return {}
        return data

    def write(self, data: dict[str, Any]) -> None:
        """Replace the ledger durably: temporary file, fsync, rename, fsync of the folder."""
        data = {"version": FORMAT_VERSION, **data, "updated_at": datetime.now(UTC).isoformat()}
        write_json_atomic(self.path, data, sync_folder=True)

    def archive(self) -> Path | None:
        """Rename the ledger aside (``outbox_ledger.<time>.json``), kept; None if none."""
        if not self.path.exists():
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"outbox_ledger.{stamp}.json")
        os.replace(self.path, target)
        return target

    # ------------------------------------------------------------------ checks

    def missing_words(self, data: dict[str, Any] | None = None) -> str:
        """ "N records not yet sent to the server (the oldest made at ..., the newest ...)"."""
        data = self.read() if data is None else data
        n = int(data.get("unacknowledged") or 0)
        words = f"{n} record{'s' if n != 1 else ''} not yet sent to the server"
        details = []
        if data.get("oldest_time"):
            details.append(f"the oldest made at {data['oldest_time']}")
        if data.get("newest_time"):
            details.append(f"the newest at {data['newest_time']}, id {data.get('newest_id')}")
        return words + (f" ({', '.join(details)})" if details else "")

    def pending_count(self) -> int:
        """How many records the ledger says are not yet acknowledged (0 without a ledger)."""
        return int(self.read().get("unacknowledged") or 0)

    def check_file(self, db_path: Path) -> None:
        """Before opening: refuse a missing database the ledger says held unsent records."""
        data = self.read()
        if not db_path.exists() and int(data.get("unacknowledged") or 0):
            raise LostRecordsError(
                f"The local database {db_path} is missing, but it held "
                f"{self.missing_words(data)}. Nothing was synced. Put the file back (with its "
                f"{db_path.name}-wal if there was one) from a backup; or sign in online to start "
                "afresh (the records above are then lost unless a backup holds them).",
                kind="missing",
                file_name=db_path.name,
                **self._facts(data, holds=0),
            )

    def check_store(self, store: Store) -> None:
        """Once open: refuse another database, or one holding fewer unsent records than
        the ledger counted. A database holding as many or more brings the ledger up to date.

        Every ledger write happens under the database's write lock (see :meth:`_hook`), so
        holding it here, no other connection moves the outbox or the ledger meanwhile.
        """
        database_id = store.database_id
        with store.write_lock():
            data = self.read()
            figures = store_figures(store)
            self._refuse_lost(store, data, figures, database_id)
        self._follow(store)
        with store.write_lock():
            self._baseline(store_figures(store), self.read())

    def _refuse_lost(
        self,
        store: Store,
        data: dict[str, Any],
        figures: OutboxFigures,
        database_id: str | None,
    ) -> None:
        expected = int(data.get("unacknowledged") or 0)
        known_id = data.get("database_id")
        if known_id and database_id != known_id and expected:
            raise LostRecordsError(
                f"The local database {store.path} is not the one this laptop was using (it "
                f"was replaced), and the one before held {self.missing_words(data)}; this one "
                f"holds {figures.unacknowledged}. Nothing was synced. Put the previous file "
                "back from a backup, or save this one's records with `fieldapp-sync "
                "export-pending FILE`; signing in online keeps this file and starts counting "
                "again from it.",
                kind="replaced",
                file_name=store.path.name,
                **self._facts(data, holds=figures.unacknowledged),
            )
        if figures.unacknowledged < expected and (not known_id or database_id == known_id):
            lost = expected - figures.unacknowledged
            raise LostRecordsError(
                f"The local database {store.path} holds {figures.unacknowledged} records not "
                f"yet sent to the server, but this laptop counted {expected}: {lost} "
                f"record{'s are' if lost != 1 else ' is'} missing (records saved since "
                f"{data.get('oldest_time') or 'the last sync'}; the newest at "
                f"{data.get('newest_time')}, id {data.get('newest_id')}). This happens when "
                f"the file {store.path.name}-wal was deleted or the file was put back from an "
                "older copy. Nothing was synced. Put the file back together with its "
                f"{store.path.name}-wal from a backup; or save what is left with "
                "`fieldapp-sync export-pending FILE`; signing in online accepts the loss, keeps "
                "this file and sends the records it holds.",
                kind="short",
                file_name=store.path.name,
                **self._facts(data, holds=figures.unacknowledged),
            )

    @staticmethod
    def _facts(data: dict[str, Any], *, holds: int) -> dict[str, Any]:
        """The ledger's figures as :class:`LostRecordsError` keywords."""
        return {
            "counted": int(data.get("unacknowledged") or 0),
            "holds": holds,
            "oldest_time": data.get("oldest_time"),
            "newest_time": data.get("newest_time"),
        }

    def _follow(self, store: Store) -> None:
        self._identity = {
            "database_id": store.ensure_database_id(),
            "database_salt": file_salt(store.path),
            "page_bytes": PAGE_BYTES,
        }

    # ------------------------------------------------------------------ following a store

    def attach(self, store: Store) -> None:
        """Check *store* against the ledger, then keep the ledger in step with its commits."""
        self.check_store(store)
        store.commit_hooks.append(self._hook)

    def adopt(self, store: Store) -> None:
        """Start counting afresh from *store* (after an online sign-in), the old ledger kept
        aside; then follow its commits."""
        self.archive()
        self._follow(store)
        with store.write_lock():
            self._baseline(store_figures(store), {})
        store.commit_hooks.append(self._hook)

    def _entry(self, figures: OutboxFigures, data: dict[str, Any]) -> dict[str, Any]:
        newest = (data.get("newest_id"), data.get("newest_time"))
        if figures.newest_time and (not newest[1] or figures.newest_time >= str(newest[1])):
            newest = (figures.newest_id, figures.newest_time)
        return {
            **self._identity,
            "unacknowledged": figures.unacknowledged,
            "oldest_time": figures.oldest_time,
            "newest_id": newest[0],
            "newest_time": newest[1],
        }

    def _baseline(self, figures: OutboxFigures, data: dict[str, Any]) -> None:
        """Write the ledger for *figures* unless *data* (the ledger as read) already says so."""
        entry = self._entry(figures, data)
        if any(data.get(k) != v for k, v in entry.items()):
            self.write(entry)

    def _hook(self, store: Store) -> Callable[[], None] | None:
        """Commit hook: a lower count (the transaction acknowledges records) is written now,
        before the COMMIT, under the write lock the transaction holds; a higher one after
        the COMMIT, by :meth:`_catch_up`. Either way the ledger is never ahead of the
        database, whichever connection or process writes next."""
        figures = store_figures(store)
        before = self.read()
        entry = self._entry(figures, before)
        if all(before.get(k) == v for k, v in entry.items()):
            return None
        if figures.unacknowledged < int(before.get("unacknowledged") or 0):
            self.write(entry)
            return None
        return lambda: self._catch_up(store)

    def _catch_up(self, store: Store) -> None:
        """After a COMMIT: write the figures as they are now, under the write lock (another
        connection may have acknowledged records since)."""
        try:
            with store.write_lock():
                self._baseline(store_figures(store), self.read())
        except (OSError, StoreError) as err:  # the records are saved; the ledger stays lower
            log.warning("outbox ledger not updated: %s", type(err).__name__)
