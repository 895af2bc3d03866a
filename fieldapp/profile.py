"""One user's local data folder (a *profile*): who signed in, the wrapped key, the database.

Several profiles can live on one shared laptop; ``--profile DIR`` chooses one and the
default is the platform's user data folder. Files in a profile folder:

``profile.json``  who signed in where (server URL, username, role, device id); no secrets.
``key.json``      the database key, wrapped by a key derived from the user's password.
``fieldapp.db``   the SQLCipher database (plus its ``-wal`` / ``-shm`` files).
``status.json``   non-secret sync counters (pending count, last sync, cursor), so that
                  ``fieldapp-sync status`` works without the password. No personal data.
                  Rewritten (with fsync) only when something in it changes.
``sync_times.json`` the last sync attempt and success, overwritten in place at every sync
                  without fsync (a crash may lose or garble the latest times; readers then
                  use status.json's).
``outbox_ledger.json`` how many records the database holds not yet sent, its identity
                  (:mod:`fieldapp.outbox_ledger`); written durably, checked at every open.
``fieldapp.db.damaged-<time>`` a database that could not be used, moved aside by an online
                  sign-in (kept, never deleted; ``export-pending --database`` reads it).
``drafts/``, ``logs/``, ``exports/``  files that may hold personal data; removed by a wipe.
``wiped.json``    left by :func:`wipe`: when, and which files were removed.

This module imports neither Qt nor HTTP code.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from fieldapp.durable_files import write_json_atomic
from fieldapp.errors import (
    CorruptError,
    FieldappError,
    OnlineLoginRequired,
    StoreError,
    WrongKeyError,
)
from fieldapp.outbox_ledger import LEDGER_FILE, LostRecordsError, OutboxLedger, file_salt
from fieldapp.store import DamagedDatabaseError, Store, refuse_empty

log = logging.getLogger("fieldapp.profile")

APP_NAME = "fieldapp"
#: Service name under which the device token is kept in the OS keyring.
KEYRING_SERVICE = "fieldapp"

PROFILE_FILE = "profile.json"
STORE_FILE = "fieldapp.db"
KEY_FILE = "key.json"
STATUS_FILE = "status.json"
TIMES_FILE = "sync_times.json"
WIPED_FILE = "wiped.json"
#: ``sync_times.json`` is padded to this many bytes, so that each sync overwrites it in
#: place (no new file, rename or truncation).
TIMES_BYTES = 256
#: Folders inside a profile that may hold personal data (removed by a wipe).
PERSONAL_DIRS = ("drafts", "logs", "exports")
#: Wrong passwords in a row at this laptop (lock screen or offline unlock) before only an
#: online sign-in unlocks it (the server then checks the password, with its own lock-out).
MAX_UNLOCK_ATTEMPTS = 5
#: The counter's key in ``status.json``.
FAILED_UNLOCKS = "failed_unlocks"
#: Suffixes SQLite adds next to a database file.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
#: ``status.json`` key: why the database could not be opened last time (None: it could).
STORE_PROBLEM = "store_problem"
#: A database moved aside is renamed ``fieldapp.db`` + this + a UTC time.
DAMAGED_SUFFIX = ".damaged-"


def default_profile_dir() -> Path:
    """Return the default profile folder: ``<user data dir>/fieldapp/profiles/default``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "profiles" / "default"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise FieldappError(
            f"The profile file {path} cannot be read ({err}). Sign in online again to recreate it."
        ) from err
    if not isinstance(data, dict):  # valid JSON, but not what this app writes: damaged
        raise FieldappError(
            f"The profile file {path} cannot be read (it is not a JSON object). Sign in "
            "online again to recreate it."
        )
    return data


@dataclass(frozen=True)
class LoginNotice:
    """One thing an online sign-in found and did about the local database, as facts for a
    message in the UI language, besides the English sentence (``str()``) for the command line.

    *kind*: ``missing`` (the file was gone with unsent records counted; a new one was made),
    ``moved_aside`` (a file that could not be used was moved to *moved_to*; a new one was
    made), ``lost_accepted`` (the file lacked records the ledger counted; the count starts
    afresh). *counted* is how many unsent records this laptop counted, *holds* how many the
    file held (``lost_accepted`` only).
    """

    kind: str
    text: str
    file_name: str = ""
    moved_to: str = ""
    counted: int = 0
    holds: int = 0

    def __str__(self) -> str:
        return self.text


class Profile:
    """One user's local data folder. Cheap to create; touches no file until asked."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        #: The device token when the OS has no keyring (kept in memory only, never on disk).
        self.memory_token: str | None = None
        #: Set when the token could not be saved in a keyring (a sentence to show).
        self.keyring_warning: str | None = None
        #: What the last online sign-in found and did about the local database (sentences
        #: to show: a damaged file moved aside, records counted but missing).
        self.login_notices: list[LoginNotice] = []

    # ------------------------------------------------------------------ paths

    @property
    def info_path(self) -> Path:
        return self.path / PROFILE_FILE

    @property
    def store_path(self) -> Path:
        return self.path / STORE_FILE

    @property
    def key_path(self) -> Path:
        return self.path / KEY_FILE

    @property
    def status_path(self) -> Path:
        return self.path / STATUS_FILE

    @property
    def times_path(self) -> Path:
        return self.path / TIMES_FILE

    @property
    def wiped_path(self) -> Path:
        return self.path / WIPED_FILE

    @property
    def ledger(self) -> OutboxLedger:
        """The outbox ledger of this profile (:mod:`fieldapp.outbox_ledger`)."""
        return OutboxLedger(self.path)

    # ------------------------------------------------------------------ contents

    def exists(self) -> bool:
        """True when a user has signed in here: profile, wrapped key and database exist."""
        return self.info_path.exists() and self.key_path.exists() and self.store_path.exists()

    @property
    def info(self) -> dict[str, Any]:
        """Who signed in where: server_url, username, display_name, role, district_code,
        device_id (and ca_bundle when one was given). Empty before the first login."""
        return _read_json(self.info_path)

    def save_info(self, info: dict[str, Any]) -> None:
        """Replace ``profile.json`` with *info* (must hold no secrets)."""
        self.ensure_dir()
        write_json_atomic(self.info_path, info)

    def ensure_dir(self) -> None:
        """Create the profile folder, readable by its owner only."""
        self.path.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o700)

    def read_status(self) -> dict[str, Any]:
        """The non-secret sync counters saved after the last sync (empty if none).

        A file that cannot be read counts as none (logged): every figure in it is worked
        out again from the database at the next unlock or sync, and refusing it would lock
        the worker out of their records, online sign-in included, over a cache. (Deleting
        the file has the same effect, so this gives nothing away: docs/security.md.)"""
        try:
            return _read_json(self.status_path)
        except FieldappError:
            log.warning("status.json cannot be read: its counters start afresh")
            return {}

    def update_status(
        self, volatile: dict[str, Any] | None = None, **values: Any
    ) -> dict[str, Any]:
        """Merge *values* into ``status.json`` and return the new contents.

        ``status.json`` is rewritten (durably) only when *values* change something in it.
        *volatile* values (the sync times, new at every sync) are written to
        ``sync_times.json`` at every call, without fsync, and into ``status.json`` too
        whenever it is rewritten anyway.
        """
        status = self.read_status()
        merged = {**status, **values}
        if merged != status or not self.status_path.exists():
            merged.update(volatile or {})
            self.ensure_dir()
            write_json_atomic(self.status_path, merged)
        if volatile:
            self._write_times(volatile)
        return {**merged, **(volatile or {})}

    def _write_times(self, times: dict[str, Any]) -> None:
        """Overwrite ``sync_times.json`` in place (padded to :data:`TIMES_BYTES`)."""
        data = json.dumps(times, default=str).encode("utf-8")
        if len(data) > TIMES_BYTES:
            write_json_atomic(self.times_path, times, durable=False)
            return
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.times_path, flags, 0o600)
        except FileNotFoundError:
            self.ensure_dir()
            fd = os.open(self.times_path, flags, 0o600)
        try:
            os.write(fd, data.ljust(TIMES_BYTES))
            if os.fstat(fd).st_size > TIMES_BYTES:  # left longer by an oversized write
                os.ftruncate(fd, TIMES_BYTES)
        finally:
            os.close(fd)

    def read_sync_times(self) -> dict[str, Any]:
        """``sync_times.json`` (last attempt and success); empty if missing or unreadable
        (it is written without fsync, so a crash may leave it empty)."""
        try:
            return _read_json(self.times_path)
        except FieldappError:
            return {}

    def wiped_info(self) -> dict[str, Any]:
        """What the last wipe removed and when (empty if this profile was never wiped)."""
        return _read_json(self.wiped_path)

    def __repr__(self) -> str:
        return f"<Profile {self.path}>"


def failed_unlocks(profile: Profile) -> int:
    """Wrong passwords in a row at this laptop since the last good unlock or online sign-in."""
    value = profile.read_status().get(FAILED_UNLOCKS, 0)
    return value if isinstance(value, int) and value >= 0 else MAX_UNLOCK_ATTEMPTS


def reset_failed_unlocks(profile: Profile) -> None:
    """Clear the wrong-password count (after a good unlock or an online sign-in)."""
    if profile.status_path.exists() and failed_unlocks(profile):
        profile.update_status(**{FAILED_UNLOCKS: 0})


def _online_required(profile: Profile) -> OnlineLoginRequired:
    return OnlineLoginRequired(
        f"The password was entered wrongly {MAX_UNLOCK_ATTEMPTS} times in a row on this "
        "laptop, so it can no longer be unlocked offline. Connect to the internet and sign in "
        "online (sign out, then log in with your username and password); your records stay "
        "on this laptop."
    )


def check_password(profile: Profile, password: str) -> bytes:
    """The database key, if *password* unwraps it and the unlock limit is not used up.

    Each wrong password counts; after :data:`MAX_UNLOCK_ATTEMPTS` in a row even the right one
    is refused (:class:`OnlineLoginRequired`) until an online sign-in. The count is kept in
    ``status.json``: it stops guessing at the keyboard of a found laptop; someone who copies
    the files is slowed by the key derivation instead (see docs/security.md).
    """
    from fieldapp import keys  # imported here: keys pulls in the KDF only when needed

    if failed_unlocks(profile) >= MAX_UNLOCK_ATTEMPTS:
        raise _online_required(profile)
    blob = keys.load_wrapped(profile.key_path)
    try:
        key = keys.unwrap_key(blob, password)
    except WrongKeyError as err:
        count = failed_unlocks(profile) + 1
        profile.update_status(**{FAILED_UNLOCKS: count})
        if count >= MAX_UNLOCK_ATTEMPTS:
            raise _online_required(profile) from err
        raise WrongKeyError(
            "The password is not correct for this laptop's local data. Check the keyboard "
            "layout (한/영) and Caps Lock and try again "
            f"({MAX_UNLOCK_ATTEMPTS - count} tries left before an online sign-in is needed); "
            "if your password was changed on the server, sign in online with the new one.",
            tries_left=MAX_UNLOCK_ATTEMPTS - count,
        ) from err
    reset_failed_unlocks(profile)
    return key


def unlock(profile: Profile, password: str) -> Store:
    """Open the profile's database offline: unwrap its key with *password*, open the store.

    Raises :class:`WrongKeyError` when the password does not unwrap the key,
    :class:`OnlineLoginRequired` after too many wrong passwords (:func:`check_password`), and
    :class:`StoreError` when there is nothing to unlock yet (no online login).
    """
    profile.ledger.check_file(profile.store_path)
    if not profile.key_path.exists() or not profile.store_path.exists():
        raise StoreError(
            f"There is no local data in {profile.path} yet. Sign in online once to download "
            "your households; after that you can unlock offline with your password."
        )
    return open_store(profile, check_password(profile, password))


def open_store(profile: Profile, key: bytes) -> Store:
    """Open the profile's database with *key* (the one its key file holds) and check it
    against the outbox ledger, which then follows its commits.

    Raises :class:`~fieldapp.outbox_ledger.LostRecordsError` when records the ledger counted
    are missing, and :class:`DamagedDatabaseError` (never a wrong-key error: the key file
    already said the password is right) when the file is empty, cut short or unreadable.
    Either way the file is left as it is, and ``status.json`` notes the problem.
    """
    ledger = profile.ledger
    try:
        ledger.check_file(profile.store_path)
        try:
            store = Store.open(profile.store_path, key)
        except (WrongKeyError, CorruptError) as err:
            raise damaged_error(profile, err) from err
        try:
            ledger.attach(store)
        except BaseException:
            store.close()
            raise
    except StoreError as err:
        _note_store_problem(profile, str(err))
        raise
    _note_store_problem(profile, None)
    return store


def _note_store_problem(profile: Profile, problem: str | None) -> None:
    """Keep (or clear) in ``status.json`` why the database could not be opened."""
    with contextlib.suppress(FieldappError, OSError):
        problem = " ".join((problem or "").split()) or None
        if profile.read_status().get(STORE_PROBLEM) != problem:
            profile.update_status(**{STORE_PROBLEM: problem})


def damaged_error(profile: Profile, err: StoreError) -> DamagedDatabaseError:
    """What is wrong with a database the right key does not open, and what to do."""
    path = profile.store_path
    ledger = profile.ledger
    if isinstance(err, DamagedDatabaseError):
        what = str(err)
    elif isinstance(err, WrongKeyError):
        known = ledger.read().get("database_salt")
        if known and known != file_salt(path):
            what = (
                f"The local database {path} is damaged: its first page (the file's header) "
                "is not what it was when it was last opened."
            )
        else:
            what = (
                f"The local database {path} cannot be read with this profile's key although "
                "your password opened the key file: the file is damaged (its first page) or "
                "is not this profile's database."
            )
    else:
        cause = err.__cause__ or err
        what = f"The local database {path} is damaged: some of its pages cannot be read ({cause})."
    count = ledger.pending_count()
    held = (
        f"This laptop counted {ledger.missing_words()} in it."
        if count
        else "This laptop counted no record in it waiting to be sent."
    )
    return DamagedDatabaseError(
        f"{what} {held} Nothing was changed. Save what can still be read with `fieldapp-sync "
        "export-pending FILE` (it reads past the damage), then sign in online: the damaged "
        "file is moved aside (kept, never deleted) and your households are fetched again."
    )


def store_problem(profile: Profile) -> str | None:
    """Why the profile's database cannot be used, as far as can be told without the key
    (missing with records counted, empty, cut short, header changed), or as found when it
    was last opened; None when nothing is known to be wrong."""
    path = profile.store_path
    try:
        profile.ledger.check_file(path)
        if not path.exists():
            if profile.info.get("username"):  # signed in once, then the file went
                return (
                    f"The local database {path} is missing (this laptop counted no record "
                    "in it waiting to be sent). Sign in online to fetch your households again."
                )
        else:
            refuse_empty(path)
            known = profile.ledger.read().get("database_salt")
            if known and known != file_salt(path):
                return damaged_error(profile, WrongKeyError(str(path))).args[0]
    except DamagedDatabaseError as err:
        return damaged_error(profile, err).args[0]
    except LostRecordsError as err:
        return str(err)
    return profile.read_status().get(STORE_PROBLEM)


def move_aside(path: Path) -> Path:
    """Rename a database file that cannot be used (and its side files) to
    ``<name>.damaged-<UTC time>``; kept, never deleted. Returns the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{stamp}")
    for suffix in ("", *SQLITE_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            os.replace(path.with_name(path.name + suffix), target.with_name(target.name + suffix))
    return target


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True


def wipe(profile: Profile) -> list[str]:
    """Delete every file with personal data from *profile*, and its keyring token.

    Removes the database (and its ``-wal``/``-shm``, and databases moved aside), the wrapped
    key, drafts, logs and exports in the profile folder, ``profile.json``, ``status.json`` and
    the outbox ledgers; leaves
    ``wiped.json`` saying when and what. Returns the removed names (relative to the
    folder), plus ``"keyring:<service>/<device id>"`` when a saved token was deleted.
    """
    device_id = profile.info.get("device_id") if profile.info_path.exists() else None
    removed: list[str] = []
    candidates = [profile.store_path]
    candidates += [profile.path / (STORE_FILE + s) for s in SQLITE_SIDE_FILES]
    candidates += [profile.key_path, profile.status_path, profile.times_path, profile.info_path]
    candidates += [profile.path / LEDGER_FILE]
    candidates += [profile.path / d for d in PERSONAL_DIRS]
    if profile.path.is_dir():  # databases moved aside, and the ledgers of earlier ones
        candidates += sorted(profile.path.glob(STORE_FILE + DAMAGED_SUFFIX + "*"))
        candidates += sorted(profile.path.glob("outbox_ledger.*.json"))
    for path in candidates:
        name = path.name + "/" if path.is_dir() else path.name
        if _remove(path):
            removed.append(name)
    # Leftover temporary files of interrupted writes (".profile.json.xxxx").
    if profile.path.is_dir():
        for path in profile.path.glob(".*.json.*"):
            if _remove(path):
                removed.append(path.name)
    if device_id and forget_token(device_id):
        removed.append(f"keyring:{KEYRING_SERVICE}/{device_id}")
    profile.memory_token = None
    if profile.path.is_dir():
        write_json_atomic(
            profile.wiped_path,
            {"wiped_at": datetime.now(UTC).isoformat(), "removed": removed},
        )
    return removed


def forget_token(device_id: str) -> bool:
    """Delete the device token saved in the OS keyring; True if one was deleted."""
    try:
        import keyring
        import keyring.errors
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    try:
        if keyring.get_password(KEYRING_SERVICE, device_id) is None:
            return False
        keyring.delete_password(KEYRING_SERVICE, device_id)
    except keyring.errors.KeyringError:
        return False
    return True
