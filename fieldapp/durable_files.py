"""Small files that must survive a crash: written through a temporary file, fsync, rename.

Used for the profile's JSON files (:mod:`fieldapp.profile`), the outbox ledger
(:mod:`fieldapp.outbox_ledger`) and the wrapped key (:mod:`fieldapp.keys`). Every file is
readable by its owner only.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def fsync_dir(folder: Path) -> None:
    """Make a rename in *folder* durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(
    path: Path, data: bytes, *, durable: bool = True, sync_folder: bool = False
) -> None:
    """Write *data* to *path* through a temporary file and a rename (crash-safe), mode 0600.

    With *durable* the data is flushed to the disk before the rename (and with
    *sync_folder* the rename too, by an fsync of the folder). With *durable* False it is
    not: after a crash the file may hold the old contents, or (on some file systems) be
    empty; only for files whose readers accept that.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable and sync_folder:
        fsync_dir(path.parent)


def write_json_atomic(
    path: Path, data: Any, *, durable: bool = True, sync_folder: bool = False
) -> None:
    """Write *data* as indented JSON with :func:`write_bytes_atomic`.

    A lone surrogate (in a record the server holds that this laptop set aside) is written
    as its JSON escape, which reads back as the same text.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    write_bytes_atomic(
        path,
        text.encode("utf-8", "backslashreplace"),
        durable=durable,
        sync_folder=sync_folder,
    )


def is_count(value: Any) -> bool:
    """Whether *value*, read back from one of these files, is a count as written: a whole
    number, not negative (JSON ``true`` is not one). A file edited or damaged into another
    shape is then read as such, never half used."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
