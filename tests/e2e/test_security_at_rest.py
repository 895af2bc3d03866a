"""A laptop's files, copied off the disk by a thief, yield nothing without the password.

Attacker's view: the thief has ``fieldapp.db`` and ``key.json`` (a full disk image), but not
the password. They try plain sqlite3, SQLCipher with the obvious guesses, and the wrapped key
with guessed passwords. Then the owner changes the password on the server: the new password
opens the same files after the next online login, and the old one no longer does.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from fieldapp import keys
from fieldapp import profile as profiles
from fieldapp.errors import WrongKeyError
from fieldapp.profile import Profile
from fieldapp.store import Store
from sync.client import AuthError, SyncEngine, login
from sync.server import admin
from tests.e2e.conftest import CHEAP_KDF
from tests.helpers.world import PASSWORD

NEW_PASSWORD = "Changed-pass-2027"
#: Text the synced households hold (tests/helpers/world.household_wire): must not show in clear.
PLAIN_MARKERS = ["가상로".encode(), "가나다".encode(), b"+821000000001", b"SQLite format 3"]
GUESSED_PASSWORDS = ["", "password", "1234", "vol1", PASSWORD.lower(), PASSWORD + " "]


def steal(profile: Profile, to: Path) -> Profile:
    """Copy the profile folder the way a thief would image the disk."""
    shutil.copytree(profile.path, to)
    return Profile(to)


def sqlcipher_opens(path: Path, key_pragma: str | None) -> bool:
    conn = sqlcipher3.connect(str(path))
    try:
        if key_pragma is not None:
            conn.execute(key_pragma)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def test_a_copied_database_cannot_be_opened_without_the_password(
    live, world, laptop, memory_keyring, tmp_path: Path
) -> None:
    device = laptop(world.vol1)
    SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    held = device.store.db.execute("SELECT count(*) FROM households").fetchone()[0]
    assert held == 2, "vol1 holds hh[0] and hh[1]"
    device.close()

    stolen = steal(device.profile, tmp_path / "stolen")
    db_file = stolen.store_path
    raw = db_file.read_bytes()
    for marker in PLAIN_MARKERS:
        assert marker not in raw, f"{marker!r} is readable in the raw file"

    # Plain sqlite3: not a database at all.
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(db_file).execute("SELECT * FROM sqlite_master").fetchall()

    # SQLCipher with no key, an empty key, guessed passphrases and the user's own password
    # used as a passphrase (the database is keyed with a random raw key, not the password).
    guesses: list[str | None] = [None, "PRAGMA key = ''"]
    guesses += [f"PRAGMA key = '{g}'" for g in GUESSED_PASSWORDS if g]
    guesses += [f"PRAGMA key = '{PASSWORD}'", "PRAGMA key = \"x'" + "00" * 32 + "'\""]
    for pragma in guesses:
        assert not sqlcipher_opens(db_file, pragma), f"opened with {pragma!r}"
    with pytest.raises(WrongKeyError):
        Store.open(db_file, Store.create_key())

    # The wrapped key file without the password: every guess fails, nothing is written.
    blob = keys.load_wrapped(stolen.key_path)
    before = stolen.key_path.read_bytes(), db_file.read_bytes()
    for guess in GUESSED_PASSWORDS:
        with pytest.raises(WrongKeyError):
            keys.unwrap_key(blob, guess)
    # Through the app, the unlock limit stops guessing at the keyboard after a few tries.
    for guess in GUESSED_PASSWORDS[: profiles.MAX_UNLOCK_ATTEMPTS - 1]:
        with pytest.raises(WrongKeyError):
            profiles.unlock(stolen, guess)
    assert (stolen.key_path.read_bytes(), db_file.read_bytes()) == before, "guesses wrote"
    stolen.status_path.unlink()  # the thief resets the count; the KDF is what slows them

    # With the password, the copy opens and holds the households (the control case).
    with profiles.unlock(stolen, PASSWORD) as store:
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == held


def test_after_a_server_password_change_the_new_password_opens_and_the_old_does_not(
    live, world, laptop, memory_keyring, tmp_path: Path
) -> None:
    device = laptop(world.vol1)
    SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    device.close()
    old_blob = keys.load_wrapped(device.profile.key_path)

    with live.session() as s:  # the supervisor resets the password on the server
        admin.set_password(s, world.vol1, NEW_PASSWORD, actor=world.supervisor)

    # Until the next online login the laptop still unwraps with the old password (offline
    # work goes on), and the new one does not yet.
    profiles.unlock(device.profile, PASSWORD).close()
    with pytest.raises(WrongKeyError):
        profiles.unlock(device.profile, NEW_PASSWORD)

    # The old password no longer signs in online; the new one does and re-wraps the key.
    with pytest.raises(AuthError):
        login(device.profile, live.base_url, world.vol1, PASSWORD, kdf=CHEAP_KDF).close()
    login(device.profile, live.base_url, world.vol1, NEW_PASSWORD, kdf=CHEAP_KDF).close()
    new_blob = keys.load_wrapped(device.profile.key_path)
    assert new_blob["salt"] != old_blob["salt"], "the key was wrapped afresh"
    assert keys.unwrap_key(new_blob, NEW_PASSWORD) == keys.unwrap_key(old_blob, PASSWORD)

    stolen = steal(device.profile, tmp_path / "stolen-after-change")
    with pytest.raises(WrongKeyError):
        profiles.unlock(stolen, PASSWORD)
    with pytest.raises(WrongKeyError):
        keys.unwrap_key(keys.load_wrapped(stolen.key_path), PASSWORD)
    with profiles.unlock(stolen, NEW_PASSWORD) as store:
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == 2
