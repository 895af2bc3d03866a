"""Wrapping the device's database key with the user's password."""

from __future__ import annotations

import base64
import json
import logging
import os
import unicodedata
from pathlib import Path

import pytest

from fieldapp.errors import CorruptError, StoreError, WrongKeyError
from fieldapp.keys import (
    DEFAULT_KDF,
    KdfParams,
    kdf_of,
    load_wrapped,
    save_wrapped,
    unwrap_key,
    wrap_key,
)
from fieldapp.store import Store

#: Cheap parameters so each test takes milliseconds (never used by the app).
FAST = KdfParams(time_cost=1, memory_cost_kib=64, parallelism=1)
PASSWORD = "합성-비밀번호-2026"
DB_KEY = bytes(range(100, 132))


def test_round_trip_with_default_parameters() -> None:
    blob = wrap_key(DB_KEY, PASSWORD)
    assert kdf_of(blob) == DEFAULT_KDF
    assert blob["kdf"]["memory_cost_kib"] == 64 * 1024
    assert unwrap_key(blob, PASSWORD) == DB_KEY


def test_each_wrap_uses_fresh_salt_and_nonce() -> None:
    a, b = wrap_key(DB_KEY, PASSWORD, kdf=FAST), wrap_key(DB_KEY, PASSWORD, kdf=FAST)
    assert a["salt"] != b["salt"]
    assert a["nonce"] != b["nonce"]
    assert a["ciphertext"] != b["ciphertext"]
    assert unwrap_key(a, PASSWORD) == unwrap_key(b, PASSWORD) == DB_KEY


def test_blob_does_not_contain_the_key() -> None:
    text = json.dumps(wrap_key(DB_KEY, PASSWORD, kdf=FAST))
    assert base64.b64encode(DB_KEY).decode() not in text
    assert DB_KEY.hex() not in text


def test_wrong_password_is_a_clear_error() -> None:
    blob = wrap_key(DB_KEY, PASSWORD, kdf=FAST)
    with pytest.raises(WrongKeyError, match="password does not match"):
        unwrap_key(blob, PASSWORD + "x")


def test_composed_and_decomposed_hangul_are_the_same_password() -> None:
    blob = wrap_key(DB_KEY, unicodedata.normalize("NFD", PASSWORD), kdf=FAST)
    assert unwrap_key(blob, unicodedata.normalize("NFC", PASSWORD)) == DB_KEY


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "salt"])
def test_tampered_blob_does_not_unwrap(field: str) -> None:
    blob = wrap_key(DB_KEY, PASSWORD, kdf=FAST)
    raw = bytearray(base64.b64decode(blob[field]))
    raw[0] ^= 0x01
    blob[field] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(WrongKeyError):
        unwrap_key(blob, PASSWORD)


def test_changed_kdf_parameters_are_detected() -> None:
    blob = wrap_key(DB_KEY, PASSWORD, kdf=FAST)
    blob["kdf"]["time_cost"] = 2
    with pytest.raises(WrongKeyError):
        unwrap_key(blob, PASSWORD)


def _wrapped() -> dict:
    return wrap_key(DB_KEY, PASSWORD, kdf=FAST)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b.pop("ciphertext"), "missing ciphertext"),
        (lambda b: b.update(salt="***"), "salt is not base64"),
        (lambda b: b.update(nonce=base64.b64encode(b"short").decode()), "nonce has the wrong"),
        (lambda b: b.update(version=0), "unknown format version"),
        (lambda b: b.update(kdf={"name": "md5"}), "key-derivation"),
        (lambda b: b["kdf"].pop("parallelism"), "bad key-derivation settings"),
        (lambda b: b["kdf"].update(memory_cost_kib=2**40), "memory_cost"),
    ],
)
def test_malformed_blob_is_reported_as_damaged(mutate, message: str) -> None:
    blob = _wrapped()
    mutate(blob)
    with pytest.raises(CorruptError, match=message) as info:
        unwrap_key(blob, PASSWORD)
    assert "Sign in online" in str(info.value)


def test_blob_from_a_newer_app_asks_for_an_update() -> None:
    blob = _wrapped()
    blob["version"] = 2
    with pytest.raises(StoreError, match="newer version"):
        unwrap_key(blob, PASSWORD)


def test_wrap_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        wrap_key(b"short", PASSWORD, kdf=FAST)
    with pytest.raises(ValueError, match="empty password"):
        wrap_key(DB_KEY, "", kdf=FAST)
    with pytest.raises(ValueError, match="time_cost"):
        wrap_key(DB_KEY, PASSWORD, kdf=KdfParams(time_cost=0))


# ------------------------------------------------------------------ the key file


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "profile" / "key.json"
    blob = _wrapped()
    save_wrapped(path, blob)
    assert load_wrapped(path) == blob
    assert sorted(p.name for p in path.parent.iterdir()) == ["key.json"]  # no temp left
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_save_replaces_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    save_wrapped(path, _wrapped())
    newer = wrap_key(DB_KEY, "새-비밀번호-2027", kdf=FAST)
    save_wrapped(path, newer)
    assert load_wrapped(path) == newer


def test_save_refuses_a_malformed_blob_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    save_wrapped(path, _wrapped())
    before = path.read_bytes()
    with pytest.raises(CorruptError):
        save_wrapped(path, {"version": 1})
    assert path.read_bytes() == before


def test_load_missing_file_says_to_sign_in(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no saved key"):
        load_wrapped(tmp_path / "key.json")


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[1, 2]"])
def test_load_garbage_file_is_damaged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(content)
    with pytest.raises(CorruptError, match="damaged"):
        load_wrapped(path)


def test_save_into_a_file_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "key.json").mkdir()
    with pytest.raises(StoreError, match="could not be saved"):
        save_wrapped(tmp_path / "key.json", _wrapped())


# ------------------------------------------------------------------ with the store


def test_copied_database_needs_the_password_and_survives_a_password_change(
    tmp_path: Path,
) -> None:
    """The stolen-laptop case and the server-side password change, end to end."""
    device_key = Store.create_key()  # as released by the server at login
    db_path, key_path = tmp_path / "local.db", tmp_path / "key.json"
    save_wrapped(key_path, wrap_key(device_key, PASSWORD, kdf=FAST))
    with Store.open(db_path, device_key, create=True) as s:
        s.set_meta("who", "합성 가구")
    del device_key

    # Someone with the two files but not the password gets nothing.
    with pytest.raises(WrongKeyError):
        unwrap_key(load_wrapped(key_path), "guess-12345")

    # Offline unlock with the password.
    key = unwrap_key(load_wrapped(key_path), PASSWORD)
    with Store.open(db_path, key) as s:
        assert s.get_meta("who") == "합성 가구"

    # The password changes on the server; the next online login releases the same device
    # key, which the app re-wraps with the new password.
    new_password = "바뀐-비밀번호-2027"
    save_wrapped(key_path, wrap_key(key, new_password, kdf=FAST))
    with pytest.raises(WrongKeyError):
        unwrap_key(load_wrapped(key_path), PASSWORD)
    with Store.open(db_path, unwrap_key(load_wrapped(key_path), new_password)) as s:
        assert s.get_meta("who") == "합성 가구"


def test_logs_never_hold_the_password_or_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="fieldapp")
    blob = wrap_key(DB_KEY, PASSWORD, kdf=FAST)
    with pytest.raises(WrongKeyError):
        unwrap_key(blob, "틀린-비밀번호-0000")
    Store.open(tmp_path / "local.db", DB_KEY, create=True).close()
    with pytest.raises(WrongKeyError):
        Store.open(tmp_path / "local.db", bytes(32))
    assert "wrapped" in caplog.text and "password does not match" in caplog.text
    assert "schema step" in caplog.text and "WrongKeyError" in caplog.text
    for secret in (PASSWORD, "틀린-비밀번호-0000", DB_KEY.hex(), base64.b64encode(DB_KEY).decode()):
        assert secret not in caplog.text
