"""Reading what is left of a damaged local database, page by page, with the right key.

When SQLCipher cannot open a database (its header was overwritten, it was cut short, some
pages are garbage), the records on the pages that are still intact can be read anyway:
each 4,096-byte page is encrypted on its own (AES-256-CBC with the page's IV; an HMAC-SHA512
checks it), so :func:`salvage` decrypts every page whose HMAC holds (or, when the file's salt
is gone, every page that decrypts into a well-formed table page), applies the committed
frames of the ``-wal`` file, and decodes the rows of every table leaf page (SQLite's record
format, overflow pages followed). Rows are told apart by their shape (the columns of
``events``, ``household_edits`` and ``quarantine``); pages on the free list are left out.
Nothing is written: the file is only read, and nothing decrypted touches the disk.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlite_utils import Database

from fieldapp import schema
from fieldapp.schema import ACCEPTED, SYNC_STATES

PAGE = 4096
#: SQLCipher 4 keeps an IV (16 bytes) and an HMAC-SHA512 (64 bytes) at the end of each page.
RESERVE = 80
USABLE = PAGE - RESERVE
SALT = 16
_WAL_HEADER = 32
_FRAME_HEADER = 24
_TABLE_LEAF = 0x0D

#: The tables whose rows are saved.
SAVED_TABLES = ("events", "household_edits", "quarantine")


@functools.cache
def table_columns() -> dict[str, tuple[str, ...]]:
    """The columns of :data:`SAVED_TABLES` in schema order, from :mod:`fieldapp.schema`
    applied to an empty in-memory database."""
    conn = sqlite3.connect(":memory:")
    try:
        schema.migrations.apply(Database(conn))
        return {
            table: tuple(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
            for table in SAVED_TABLES
        }
    finally:
        conn.close()


@dataclass
class Salvage:
    """What :func:`salvage` read: rows by table (latest copy of each id) and page counts."""

    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    pages: int = 0
    unreadable_pages: int = 0

    def unsent(self, table: str) -> list[dict[str, Any]]:
        """Rows of *table* the server has not accepted (every quarantined row)."""
        rows = self.rows.get(table, {}).values()
        if table == "quarantine":
            return list(rows)
        return sorted(
            (r for r in rows if r["sync_state"] != ACCEPTED),
            key=lambda r: r["local_order"] if isinstance(r["local_order"], int) else 0,
        )


# ---------------------------------------------------------------------- pages


def _hmac_key(key: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", key, bytes(b ^ 0x3A for b in salt), 2, 32)


def _decrypt(key: bytes, hkey: bytes | None, raw: bytes, pgno: int) -> bytes | None:
    """The plaintext of page *pgno* (as SQLite sees it, reserve zeroed), or None."""
    if len(raw) != PAGE:
        return None
    start = SALT if pgno == 1 else 0
    body, iv, mac = raw[start:USABLE], raw[USABLE : USABLE + 16], raw[USABLE + 16 :]
    if hkey is not None:
        want = hmac.new(hkey, body + iv + struct.pack("<I", pgno), "sha512").digest()
        if not hmac.compare_digest(want, mac):
            return None
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(body) + decryptor.finalize()
    if pgno == 1:
        plain = b"SQLite format 3\x00" + plain
    return plain + bytes(RESERVE)


def _wal_frames(wal: bytes) -> Iterator[tuple[int, bytes]]:
    """(page number, raw page) of the committed frames of a ``-wal`` file, in order."""
    if len(wal) < _WAL_HEADER:
        return
    salts = wal[16:24]
    pending: list[tuple[int, bytes]] = []
    pos = _WAL_HEADER
    while pos + _FRAME_HEADER + PAGE <= len(wal):
        head = wal[pos : pos + _FRAME_HEADER]
        if head[8:16] != salts:
            break
        pgno, commit = struct.unpack(">II", head[:8])
        pending.append((pgno, wal[pos + _FRAME_HEADER : pos + _FRAME_HEADER + PAGE]))
        if commit:
            yield from pending
            pending = []
        pos += _FRAME_HEADER + PAGE


def _pages(path: Path, key: bytes, known_salts: Sequence[bytes]) -> tuple[dict[int, bytes], int]:
    """Decrypted pages by number, and how many pages there were."""
    data = path.read_bytes()
    raw = {n + 1: data[n * PAGE : (n + 1) * PAGE] for n in range(len(data) // PAGE)}
    wal_path = path.with_name(path.name + "-wal")
    if wal_path.exists():
        raw.update(_wal_frames(wal_path.read_bytes()))
    salts = [s for s in (data[:SALT], *known_salts) if len(s) == SALT]
    plain: dict[int, bytes] = {}
    for pgno, page in raw.items():
        for s in salts:  # the file's own salt, then the one the ledger noted
            found = _decrypt(key, _hmac_key(key, s), page, pgno)
            if found is not None:
                plain[pgno] = found
                break
        else:
            if not known_salts:
                # The file's salt may be what was damaged, with none noted elsewhere: keep a
                # page that decrypts into a plausible table leaf page.
                found = _decrypt(key, None, page, pgno)
                if found is not None and _plausible_leaf(found, pgno):
                    plain[pgno] = found
    total = max(raw, default=0)
    if 1 in plain:  # the page count page 1 gives (a file cut short has fewer)
        total = max(total, struct.unpack(">I", plain[1][28:32])[0])
    return plain, total


def _plausible_leaf(page: bytes, pgno: int) -> bool:
    head = 100 if pgno == 1 else 0
    cells, start = struct.unpack(">HH", page[head + 3 : head + 7])
    return page[head] == _TABLE_LEAF and 0 < cells < USABLE // 4 and head + 8 < start < USABLE


def _free_pages(pages: dict[int, bytes]) -> set[int]:
    """Pages on the free list (stale contents), as far as page 1 and the trunks tell."""
    first = pages.get(1)
    if first is None:
        return set()
    free: set[int] = set()
    trunk = struct.unpack(">I", first[32:36])[0]
    while trunk and trunk not in free and trunk in pages:
        free.add(trunk)
        body = pages[trunk]
        nxt, count = struct.unpack(">II", body[:8])
        for i in range(min(count, (USABLE - 8) // 4)):
            free.add(struct.unpack(">I", body[8 + 4 * i : 12 + 4 * i])[0])
        trunk = nxt
    return free


# ---------------------------------------------------------------------- records


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = buf[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    return (value << 8) | buf[pos + 8], pos + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list[Any]:
    """Decode one SQLite record (raises on malformed input)."""
    size, pos = _varint(payload, 0)
    types = []
    while pos < size:
        t, pos = _varint(payload, pos)
        types.append(t)
    values: list[Any] = []
    pos = size
    for t in types:
        if t == 0:
            values.append(None)
        elif t in _INT_SIZES:
            n = _INT_SIZES[t]
            values.append(int.from_bytes(payload[pos : pos + n], "big", signed=True))
            pos += n
        elif t == 7:
            values.append(struct.unpack(">d", payload[pos : pos + 8])[0])
            pos += 8
        elif t in (8, 9):
            values.append(t - 8)
        elif t >= 12:
            n = (t - 12) // 2
            chunk = payload[pos : pos + n]
            values.append(chunk.decode("utf-8") if t % 2 else bytes(chunk))
            pos += n
        else:
            raise ValueError("reserved serial type")
    if pos > len(payload):
        raise ValueError("record runs past its payload")
    return values


def _cell_payload(page: bytes, offset: int, pages: dict[int, bytes]) -> bytes:
    """The whole payload of the table-leaf cell at *offset* (overflow pages followed)."""
    total, pos = _varint(page, offset)
    _rowid, pos = _varint(page, pos)
    most = USABLE - 35
    if total <= most:
        return page[pos : pos + total]
    least = (USABLE - 12) * 32 // 255 - 23
    local = least + (total - least) % (USABLE - 4)
    if local > most:
        local = least
    out = bytearray(page[pos : pos + local])
    nxt = struct.unpack(">I", page[pos + local : pos + local + 4])[0]
    seen: set[int] = set()
    while len(out) < total:
        if nxt in seen or nxt not in pages:
            raise ValueError("overflow page unreadable")
        seen.add(nxt)
        over = pages[nxt]
        out += over[4:USABLE][: total - len(out)]
        nxt = struct.unpack(">I", over[:4])[0]
    return bytes(out)


def _leaf_records(page: bytes, pgno: int, pages: dict[int, bytes]) -> Iterator[list[Any]]:
    head = 100 if pgno == 1 else 0
    if page[head] != _TABLE_LEAF:
        return
    cells = struct.unpack(">H", page[head + 3 : head + 5])[0]
    for i in range(cells):
        ptr = head + 8 + 2 * i
        try:
            offset = struct.unpack(">H", page[ptr : ptr + 2])[0]
            yield _record(_cell_payload(page, offset, pages))
        except (ValueError, IndexError, UnicodeDecodeError, struct.error):
            continue


def _row_of(values: list[Any]) -> tuple[str, dict[str, Any]] | None:
    """The saved table a decoded record belongs to, by its shape, and the record as a row
    (a record written before later columns were added is shorter); None: another table."""
    for table, columns in table_columns().items():
        if len(values) > len(columns):
            continue
        row = dict(zip(columns, [*values, *[None] * (len(columns) - len(values))], strict=True))
        if not isinstance(row["id"], str) or not isinstance(row["household_id"], str):
            continue
        if table == "quarantine":
            if row["kind"] in ("event", "household_edit", "household"):
                return table, row
            continue
        key = "type" if table == "events" else "field"
        if row["sync_state"] in SYNC_STATES and isinstance(row[key], str):
            return table, row
    return None


def salvage(path: Path, key: bytes, salts: Sequence[bytes] = ()) -> Salvage:
    """Read every intact row of ``events``, ``household_edits`` and ``quarantine`` from the
    SQLCipher database at *path* (and its ``-wal``) with the raw *key*, past any damage.

    *salts*: the file's first 16 bytes as noted before it was damaged (the outbox ledger
    keeps them), for when its header was overwritten.
    """
    pages, total = _pages(Path(path), key, salts)
    free = _free_pages(pages)
    out = Salvage(pages=total, unreadable_pages=total - len(pages))
    for pgno in sorted(pages):
        if pgno in free:
            continue
        for values in _leaf_records(pages[pgno], pgno, pages):
            found = _row_of(values)
            if found is None:
                continue
            table, row = found
            held = out.rows.setdefault(table, {})
            old = held.get(row["id"])
            # An accepted copy wins (it was sent); otherwise the one met last.
            if old is None or old.get("sync_state") != ACCEPTED:
                held[row["id"]] = row
    return out


def export(found: Salvage) -> dict[str, Any]:
    """The unsent rows of *found* in the form of :func:`fieldapp.syncstate.export_pending`."""
    from fieldapp import syncstate

    def state(row: dict[str, Any]) -> dict[str, Any]:
        return {"sync_state": row["sync_state"], "reject_reason": row["reject_reason"]}

    events, edits, quarantine = [], [], []
    for row in found.unsent("events"):
        try:
            events.append({**syncstate.event_to_wire(row), **state(row)})
        except ValueError:  # a payload cut short: kept as the text that was read
            events.append({**row, "payload_unreadable": True})
    for row in found.unsent("household_edits"):
        try:
            edits.append({**syncstate.edit_to_wire(row), **state(row)})
        except ValueError:
            edits.append({**row, "value_unreadable": True})
    for row in found.unsent("quarantine"):
        try:
            quarantine.append({**row, "data": json.loads(row["data"])})
        except ValueError:
            quarantine.append(row)
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "events": events,
        "household_edits": edits,
        "quarantine": quarantine,
        "salvaged": {"pages": found.pages, "unreadable_pages": found.unreadable_pages},
    }
