"""Checking and pruning the audit trail: access-log chain verification, retention, export.

Appending lives in :mod:`sync.server.accesslog`; this module reads the chain back.

Verification walks the access log in id order (the order appends are serialized in) and
recomputes every link, so it names the first entry that was

* changed -- its stored hash no longer matches its contents;
* deleted -- the next entry's ``prev_hash`` points at a hash that is not the one before it
  (a gap in the chain);
* reordered -- the same link check fails where two entries swapped places;
* cut off the end -- only against a head hash recorded at an earlier check (``expect_hash``).

Retention deletes from the start of the chain only. The newest purged entry is kept as an
*anchor*: its personal fields are blanked, its action becomes ``retention_anchor`` and its
stored hash stays, so the first surviving entry still links to it and verification starts
from it. Permission changes (not chained) are deleted by age alone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.orm import Session

from sync.server.accesslog import GENESIS_HASH, HASHED_FIELDS, entry_hash
from sync.server.models import AccessLog, PermissionLog
from sync.server.spreadsheet_text import as_text_cell

#: Action of the row that stands in for the purged start of the chain.
ANCHOR_ACTION = "retention_anchor"
#: Username written into an anchor row (its real fields are gone with the purge).
ANCHOR_USERNAME = "(purged)"
#: Columns written by export_access_log, in order: the hashed fields between id and the hashes.
EXPORT_COLUMNS = ("id", *HASHED_FIELDS, "prev_hash", "hash")


class AuditError(Exception):
    """The audit trail cannot be changed as asked (the message says why)."""


@dataclass(frozen=True)
class ChainProblem:
    """One break in the access-log chain, at entry ``entry_id``."""

    entry_id: int  # 0: the chain as a whole
    kind: str  # changed | gap | misplaced_anchor | truncated
    message: str

    def __str__(self) -> str:
        if not self.entry_id:
            return f"access log: {self.message}"
        return f"access-log entry {self.entry_id}: {self.message}"


@dataclass(frozen=True)
class ChainReport:
    """What verification saw: entries checked, the chain head, and the problems found."""

    entries: int
    head_hash: str
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries(session: Session, batch: int = 1000) -> Iterator[Row[Any]]:
    """Every access-log entry in chain (id) order, as plain rows fetched in keyset batches."""
    table = AccessLog.__table__
    last_id = 0
    while True:
        rows = session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def check_chain(session: Session, *, expect_hash: str | None = None) -> ChainReport:
    """Recompute the whole access-log chain and report every break, oldest first.

    *expect_hash* is a head hash recorded at an earlier check: the chain must still hold that
    entry. This is how entries cut off the END of the log are found (the links alone cannot
    show that the newest entries are missing).
    """
    problems: list[ChainProblem] = []
    prev_hash = GENESIS_HASH
    count = 0
    seen_expected = expect_hash is None or expect_hash == GENESIS_HASH
    for entry in _entries(session):
        count += 1
        seen_expected = seen_expected or entry.hash == expect_hash
        if entry.action == ANCHOR_ACTION:
            if count != 1:
                problems.append(
                    ChainProblem(
                        entry.id,
                        "misplaced_anchor",
                        "a retention anchor in the middle of the chain: entries before it were "
                        "deleted outside retention",
                    )
                )
            prev_hash = entry.hash  # an anchor's hash is the purged entry's, taken on trust
            continue
        if entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    entry.id,
                    "gap",
                    "does not follow the entry before it (prev_hash mismatch): an entry before "
                    "it was deleted, changed or moved",
                )
            )
        expected = entry_hash(entry.prev_hash, entry)
        if expected != entry.hash:
            problems.append(
                ChainProblem(
                    entry.id,
                    "changed",
                    "its contents do not match its stored hash: the entry was changed",
                )
            )
        prev_hash = entry.hash
    if not seen_expected:
        problems.append(
            ChainProblem(
                0,
                "truncated",
                f"no entry has the hash {expect_hash} recorded at an earlier check: entries were "
                "cut off the end of the log (or, if that check is older than the retention "
                "period, purged since)",
            )
        )
    return ChainReport(entries=count, head_hash=prev_hash, problems=problems)


def verify_chain(session: Session) -> list[ChainProblem]:
    """The problems in the access-log chain, oldest first (empty when intact)."""
    return check_chain(session).problems


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class PurgeResult:
    """How many rows retention removed from each log."""

    access_log: int
    permission_log: int
    push_requests: int


def purge_expired(
    session: Session,
    *,
    access_log_days: int,
    permission_log_days: int,
    push_request_days: int | None = None,
    now: datetime | None = None,
    expect_hash: str | None = None,
) -> PurgeResult:
    """Delete audit rows past their retention, inside the caller's transaction.

    The access log loses the run of entries at the start of the chain that are older than
    *access_log_days*; the newest of them becomes the anchor. A chain that does not verify,
    or no longer holds *expect_hash* (the head recorded at an earlier check, see
    :func:`check_chain`: entries cut off the end), is not purged (AuditError): deleting would
    destroy the evidence.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    problems = check_chain(session, expect_hash=expect_hash).problems
    if problems:
        raise AuditError(
            f"the access log does not verify ({len(problems)} problem(s); first: "
            f"{problems[0]}); nothing was purged"
        )

    access_cutoff = now - timedelta(days=access_log_days)
    first_kept = session.scalar(select(func.min(AccessLog.id)).where(AccessLog.at >= access_cutoff))
    last_old_q = select(func.max(AccessLog.id)).where(AccessLog.action != ANCHOR_ACTION)
    if first_kept is not None:
        last_old_q = last_old_q.where(AccessLog.id < first_kept)
    last_old = session.scalar(last_old_q)
    purged_access = 0
    if last_old is not None:
        purged_access = session.scalar(
            select(func.count())
            .select_from(AccessLog)
            .where(AccessLog.id <= last_old, AccessLog.action != ANCHOR_ACTION)
        )
        session.execute(delete(AccessLog).where(AccessLog.id < last_old))
        session.execute(
            update(AccessLog)
            .where(AccessLog.id == last_old)
            .values(
                username=ANCHOR_USERNAME,
                action=ANCHOR_ACTION,
                device_id=None,
                ip=None,
                household_id=None,
                event_id=None,
                device_time=None,
                reason=f"entries up to this one were purged at {now.isoformat()}",
            )
        )

    perm_cutoff = now - timedelta(days=permission_log_days)
    purged_perm = session.execute(delete(PermissionLog).where(PermissionLog.at < perm_cutoff))
    purged_push = 0
    if push_request_days is not None:
        from sync.server.syncing import purge_stored_pushes

        purged_push = purge_stored_pushes(session, now - timedelta(days=push_request_days))
    session.expire_all()
    return PurgeResult(
        access_log=purged_access,
        permission_log=purged_perm.rowcount,
        push_requests=purged_push,
    )


# --------------------------------------------------------------------------- export


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return as_text_cell(str(value))  # a typed reason is never a formula in a spreadsheet


def export_access_log(
    session: Session,
    out: TextIO,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Write access-log entries with ``since <= at < until`` to *out* as CSV; return the count.

    The hashes are included, so an exported file can be checked against the chain later.
    """
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    query = select(AccessLog).order_by(AccessLog.id)
    if since is not None:
        query = query.where(AccessLog.at >= since)
    if until is not None:
        query = query.where(AccessLog.at < until)
    count = 0
    for entry in session.scalars(query.execution_options(yield_per=1000)):
        writer.writerow([_cell(getattr(entry, column)) for column in EXPORT_COLUMNS])
        count += 1
    return count
