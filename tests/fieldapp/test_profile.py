"""The profile folder: paths, info without secrets, offline unlock, and the wipe."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from jaraco.classes import properties
from keyring.backend import KeyringBackend

from fieldapp import keys
from fieldapp.errors import FieldappError, StoreError, WrongKeyError
from fieldapp.profile import KEYRING_SERVICE, Profile, default_profile_dir, unlock, wipe
from fieldapp.store import Store

CHEAP = keys.KdfParams(time_cost=1, memory_cost_kib=64, parallelism=1)


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict (tests only).

    Never chosen by keyring's own discovery (its priority raises, so it is not "viable"):
    only the ``memory_keyring`` fixture installs it, and restores the previous backend.
    """

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]
        raise RuntimeError("a test keyring is only installed explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username))


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def make_profile(tmp_path: Path, password: str = "correct horse 12") -> Profile:
    profile = Profile(tmp_path / "p")
    profile.save_info(
        {"username": "vol01", "device_id": "dev-0001", "server_url": "http://127.0.0.1:1"}
    )
    key = Store.create_key()
    keys.save_wrapped(profile.key_path, keys.wrap_key(key, password, kdf=CHEAP))
    store = Store.open(profile.store_path, key, create=True)
    store.set_meta("x", 1)
    store.close()
    return profile


def test_default_profile_dir_is_in_user_data() -> None:
    path = default_profile_dir()
    assert path.parts[-3:] == ("fieldapp", "profiles", "default") or path.parts[-2:] == (
        "profiles",
        "default",
    )


def test_info_round_trip_and_exists(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "p")
    assert not profile.exists()
    assert profile.info == {}
    profile = make_profile(tmp_path)
    assert profile.exists()
    assert profile.info["username"] == "vol01"
    assert (profile.path / "profile.json").stat().st_mode & 0o077 == 0


def test_unlock_with_password_and_wrong_password(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    with unlock(profile, "correct horse 12") as store:
        assert store.get_meta("x") == 1
    with pytest.raises(WrongKeyError, match="password is not correct"):
        unlock(profile, "wrong password 1")
    # The file is intact after the failed attempt.
    with unlock(profile, "correct horse 12") as store:
        assert store.get_meta("x") == 1


def test_unlock_before_any_login_says_sign_in(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Sign in online once"):
        unlock(Profile(tmp_path / "empty"), "whatever 123")


def test_wipe_removes_every_personal_file(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    profile = make_profile(tmp_path)
    memory_keyring.set_password(KEYRING_SERVICE, "dev-0001", "secret-token")
    with unlock(profile, "correct horse 12") as store:
        store.set_meta("y", 2)  # leaves -wal / -shm next to the database while open
        for name in ("drafts", "logs"):
            (profile.path / name).mkdir()
            (profile.path / name / "a.json").write_text("{}")
        profile.update_status(pending=3)
        before = sorted(p.name for p in profile.path.iterdir())
        assert "fieldapp.db-wal" in before
        removed = wipe(profile)
    after = sorted(p.name for p in profile.path.iterdir())
    assert after == ["wiped.json"]
    for name in ("fieldapp.db", "fieldapp.db-wal", "key.json", "profile.json", "status.json"):
        assert name in removed
    assert "drafts/" in removed and "logs/" in removed
    assert f"keyring:{KEYRING_SERVICE}/dev-0001" in removed
    assert memory_keyring.items == {}
    assert profile.wiped_info()["removed"] == removed
    assert not profile.exists()


@pytest.mark.parametrize("text", ['{"username": ', "null", "[1, 2]", '"nurse3"'])
def test_a_damaged_profile_file_is_said_not_read_as_nobody(tmp_path: Path, text: str) -> None:
    """Half-written or foreign JSON in profile.json is an error naming the file and the way
    out, never an empty profile that shows "None on None"."""
    (tmp_path / "profile.json").write_text(text, encoding="utf-8")
    with pytest.raises(FieldappError, match=r"profile\.json cannot be read .*Sign in online"):
        _ = Profile(tmp_path).info
