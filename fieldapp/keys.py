"""The device's database key, kept on disk only wrapped by the user's password.

Scheme (see ``docs/security.md``, "Key handling"): the server releases a random 32-byte
database key after a good online login. Locally it is stored only encrypted with AES-256-GCM
under a key derived from the user's password with argon2id and a random salt. The KDF
parameters are part of the stored blob, so they can be raised later without breaking
existing files; the header (version, KDF parameters, salt) is authenticated as associated
data.

The blob is a small JSON object::

    {"version": 1,
     "kdf": {"name": "argon2id", "time_cost": 3, "memory_cost_kib": 65536, "parallelism": 2},
     "salt": "<base64, 16 bytes>", "nonce": "<base64, 12 bytes>",
     "ciphertext": "<base64, 32-byte key + 16-byte GCM tag>"}
"""

from __future__ import annotations

import base64
import binascii
import errno
import json
import logging
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp.durable_files import write_bytes_atomic
from fieldapp.errors import CorruptError, DiskFullError, StoreError, WrongKeyError

log = logging.getLogger("fieldapp.keys")

FORMAT_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
KDF_NAME = "argon2id"


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost parameters (memory in KiB, as argon2 takes it)."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024  # 64 MiB
    parallelism: int = 2

    def check(self) -> None:
        """Refuse values outside what argon2 accepts or what a laptop can afford."""
        if not 1 <= self.time_cost <= 32:
            raise ValueError(f"argon2 time_cost {self.time_cost} is outside 1..32")
        if not 1 <= self.parallelism <= 16:
            raise ValueError(f"argon2 parallelism {self.parallelism} is outside 1..16")
        if not 8 * self.parallelism <= self.memory_cost_kib <= 1024 * 1024:
            raise ValueError(
                f"argon2 memory_cost {self.memory_cost_kib} KiB is outside "
                f"{8 * self.parallelism} KiB..1 GiB"
            )


#: What new wraps use: 64 MiB and well under a second on a field laptop (OWASP's argon2id
#: minimum is 19 MiB with t=2; we spend more because unlocking happens rarely).
DEFAULT_KDF = KdfParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _normalize(password: str) -> bytes:
    # Korean input methods may produce composed or decomposed Hangul: treat them alike.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _derive(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=_normalize(password),
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_cost_kib,
        parallelism=kdf.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _header(kdf: KdfParams, salt_b64: str) -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "kdf": {"name": KDF_NAME, **asdict(kdf)}, "salt": salt_b64}


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def wrap_key(db_key: bytes, password: str, *, kdf: KdfParams = DEFAULT_KDF) -> dict[str, Any]:
    """Encrypt *db_key* under a key derived from *password*; return the JSON-able blob."""
    if len(db_key) != KEY_BYTES:
        raise ValueError(f"a database key is exactly {KEY_BYTES} bytes")
    if not password:
        raise ValueError("an empty password cannot protect the database key")
    kdf.check()
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = _header(kdf, _b64(salt))
    ciphertext = AESGCM(_derive(password, salt, kdf)).encrypt(nonce, bytes(db_key), _aad(header))
    log.info(
        "device key wrapped (argon2id t=%d m=%dKiB p=%d)",
        kdf.time_cost,
        kdf.memory_cost_kib,
        kdf.parallelism,
    )
    return {**header, "nonce": _b64(nonce), "ciphertext": _b64(ciphertext)}


def _damaged(why: str) -> CorruptError:
    return CorruptError(
        f"The saved key file is damaged ({why}). Sign in online once: the server will "
        "release the device key again and a new key file will be written."
    )


def _parse(blob: Any) -> tuple[KdfParams, bytes, bytes, bytes, dict[str, Any]]:
    """Check a blob's shape; return (kdf, salt, nonce, ciphertext, header)."""
    if not isinstance(blob, dict):
        raise _damaged("not a JSON object")
    version = blob.get("version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise StoreError(
            "The saved key file was written by a newer version of 돌봄노트. Please update the app."
        )
    if version != FORMAT_VERSION:
        raise _damaged(f"unknown format version {version!r}")
    kdf_raw = blob.get("kdf")
    if not isinstance(kdf_raw, dict) or kdf_raw.get("name") != KDF_NAME:
        raise _damaged("missing or unknown key-derivation settings")
    try:
        kdf = KdfParams(
            time_cost=int(kdf_raw["time_cost"]),
            memory_cost_kib=int(kdf_raw["memory_cost_kib"]),
            parallelism=int(kdf_raw["parallelism"]),
        )
        kdf.check()
    except (KeyError, TypeError, ValueError) as err:
        raise _damaged(f"bad key-derivation settings: {err}") from err
    parts: dict[str, bytes] = {}
    for name, size in (("salt", SALT_BYTES), ("nonce", NONCE_BYTES), ("ciphertext", None)):
        value = blob.get(name)
        if not isinstance(value, str):
            raise _damaged(f"missing {name}")
        try:
            parts[name] = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as err:
            raise _damaged(f"{name} is not base64") from err
        if size is not None and len(parts[name]) != size:
            raise _damaged(f"{name} has the wrong length")
    if len(parts["ciphertext"]) != KEY_BYTES + 16:
        raise _damaged("ciphertext has the wrong length")
    header = _header(kdf, blob["salt"])
    return kdf, parts["salt"], parts["nonce"], parts["ciphertext"], header


def unwrap_key(blob: dict[str, Any], password: str) -> bytes:
    """Return the database key inside *blob*.

    Raises :class:`WrongKeyError` when the password does not match (or the blob was
    tampered with) and :class:`CorruptError` when the blob is malformed.
    """
    kdf, salt, nonce, ciphertext, header = _parse(blob)
    try:
        return AESGCM(_derive(password, salt, kdf)).decrypt(nonce, ciphertext, _aad(header))
    except InvalidTag:
        log.warning("unlock refused: the password does not match the wrapped key")
        raise WrongKeyError(
            "The password does not match the one this laptop was last unlocked with. Try "
            "again, or sign in online if your password was changed."
        ) from None


def kdf_of(blob: dict[str, Any]) -> KdfParams:
    """The KDF parameters a blob was wrapped with (to re-wrap when the defaults rise)."""
    return _parse(blob)[0]


def save_wrapped(path: Path, blob: dict[str, Any]) -> None:
    """Write *blob* to *path* atomically (temp file, fsync, rename, folder fsync),
    readable by owner only."""
    _parse(blob)  # never write something we could not read back
    path = Path(path)
    data = json.dumps(blob, indent=2, sort_keys=True).encode("utf-8")
    try:
        write_bytes_atomic(path, data, sync_folder=True)
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise DiskFullError(
                f"The disk is full, so the key file {path} could not be saved. Free some disk "
                "space and sign in again; the previous key file is unchanged."
            ) from err
        raise StoreError(
            f"The key file {path} could not be saved ({err.strerror}). Check that the profile "
            "folder can be written; the previous key file is unchanged."
        ) from err


def load_wrapped(path: Path) -> dict[str, Any]:
    """Read and check the blob at *path*."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(
            f"There is no saved key at {path}. Sign in online once to unlock this laptop."
        ) from None
    except OSError as err:
        raise StoreError(f"The key file {path} cannot be read ({err.strerror}).") from err
    try:
        blob = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _damaged(f"{path} is not valid JSON") from err
    _parse(blob)
    return blob
