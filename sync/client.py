"""The sync client engine: login, push-then-pull cycles, hand-over, resync, wipe, status.

No Qt here (a test proves it): the desktop app runs :meth:`SyncEngine.sync_once` on its
network worker, and ``fieldapp-sync`` runs it from a terminal. The local half (outbox,
statuses, pull pages with their cursor) lives in :mod:`fieldapp.syncstate`; HTTP, TLS rules,
gzip and retries in :mod:`sync.transport`.

One cycle (:meth:`SyncEngine.sync_once`):

1. measure the clock against the server when something is waiting to go, and flag records
   made while it is more than 5 minutes off;
2. push every pending item in batches (idempotency key saved before the first send; the
   batch halves on 413; rejected items are set aside with their reason);
3. pull pages until ``has_more`` is false, each applied with its cursor in one transaction
   (pages that arrived while the previous one was written share it);
   on ``409 resync_required`` (server restored from a backup) re-push every held event and
   pull from zero;
4. finish hand-overs: households that left this user's scope are purged once nothing is
   pending for them (refused records go to quarantine, never away).

A ``401`` with a wipe order deletes the profile's local data and raises
:class:`DeviceWipedError` naming what was removed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gc
import math
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

import requests
from pydantic import ValidationError as PydanticValidationError

from fieldapp import keys, logs, syncstate
from fieldapp.durable_files import is_count
from fieldapp.errors import CorruptError, FieldappError, StoreError, WrongKeyError
from fieldapp.outbox_ledger import LostRecordsError
from fieldapp.profile import (
    KEYRING_SERVICE,
    LoginNotice,
    Profile,
    damaged_error,
    forget_token,
    move_aside,
    wipe,
)
from fieldapp.store import Store
from sync import protocol
from sync.client_errors import (
    AuthError,
    DeviceWipedError,
    InsecureTransportError,
    NoKeyringError,
    OfflineError,
    ProfileOwnedError,
    ProtocolError,
    ResyncRequired,
    ServerError,
    ServerUnavailableError,
    SyncCancelled,
    SyncError,
    TooLargeError,
    WipeOrdered,
)
from sync.transport import Answer, Transport, check_server_url

__all__ = [
    "AuthError",
    "DeviceWipedError",
    "InsecureTransportError",
    "NoKeyringError",
    "OfflineError",
    "ProfileOwnedError",
    "ProtocolError",
    "ServerError",
    "ServerUnavailableError",
    "SyncCancelled",
    "SyncEngine",
    "SyncError",
    "SyncPolicy",
    "SyncReport",
    "SyncStatus",
    "keyring_available",
    "local_status",
    "login",
]

log = logs.get_logger("sync.client")

#: progress(phase, done, total, bytes) -- phase is "push", "pull", "apply" or "handover".
ProgressCallback = Callable[[str, int, int | None, int], None]

DEFAULT_PUSH_LIMIT = 500
#: Pull pages that arrive while earlier ones are applied share a transaction up to this
#: many changes (the UI's writes wait for it; a crash re-pulls at most this many).
MAX_ROWS_PER_TRANSACTION = 20_000
NO_KEYRING_MESSAGE = (
    "This computer has no password keyring, so the sign-in is kept only while the app "
    "runs: you will be asked for your password at each sync. Nothing was written to disk."
)


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------- keyring


def keyring_available() -> bool:
    """True when the OS offers a keyring backend that can hold the device token."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return not any(isinstance(b, fail.Keyring) for b in getattr(backend, "backends", []) or [])


def _save_token(profile: Profile, device_id: str, token: str, *, require_keyring: bool) -> None:
    """Keep *token* in the keyring, or in memory only (never in a file)."""
    import keyring
    import keyring.errors

    profile.memory_token = token
    profile.keyring_warning = None
    if keyring_available():
        try:
            keyring.set_password(KEYRING_SERVICE, device_id, token)
            return
        except keyring.errors.KeyringError as err:
            log.warning("keyring refused the device token: %s", type(err).__name__)
    if require_keyring:
        profile.memory_token = None
        raise NoKeyringError(
            "This computer has no password keyring (such as Windows Credential Manager, "
            "macOS Keychain or Secret Service), so the sign-in cannot be remembered. Sign in "
            "without 'remember me': the app will then ask for your password at each sync."
        )
    profile.keyring_warning = NO_KEYRING_MESSAGE


def _load_token(profile: Profile, device_id: str | None) -> str | None:
    if profile.memory_token:
        return profile.memory_token
    if not device_id or not keyring_available():
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, device_id)
    except keyring.errors.KeyringError:
        return None


# ---------------------------------------------------------------------- login


def _request_login(
    transport: Transport, username: str, password: str, device_id: str, device_name: str
) -> protocol.LoginResponse:
    body = protocol.LoginRequest(
        protocol=protocol.PROTOCOL_VERSION,
        username=username,
        password=password,
        device_id=device_id,
        device_name=device_name,
    ).model_dump(mode="json")
    answer = transport.request("POST", protocol.LOGIN_PATH, body=body)  # may order a wipe
    try:
        return protocol.LoginResponse.model_validate(answer.data)
    except PydanticValidationError as err:
        raise ServerError(
            f"The server at {transport.base_url} answered the sign-in in an unexpected form. "
            "Check that the address is your district's 돌봄노트 server."
        ) from err


def wiped_error(profile: Profile, reason: str) -> DeviceWipedError:
    """Wipe *profile* on the server's order; the error saying what was deleted."""
    removed = wipe(profile)
    log.warning("the server ordered a wipe; removed %d items", len(removed))
    return DeviceWipedError(
        f"The server ordered this laptop to delete its local data ({reason}). This happens "
        "when a device is reported lost or an account is deactivated. Deleted: "
        + (", ".join(removed) or "nothing was stored")
        + ". Ask your supervisor before signing in again.",
        removed,
    )


def _open_with_saved_key(profile: Profile, password: str, db_key: bytes) -> Store:
    """Open a database the released key does not open, with the key saved here, and re-key
    it to the released one.

    This happens when the server lost this device's registration (restored from a backup
    made before it) and registered it again with a new key. The password opened the saved
    key, so the person is the owner; nothing recorded here is lost.
    """
    old_key: bytes | None = None
    if profile.key_path.exists():
        try:
            old_key = keys.unwrap_key(keys.load_wrapped(profile.key_path), password)
        except WrongKeyError:
            old_key = None
    if old_key == db_key:  # the same key: the file, not the registration, is at fault
        raise WrongKeyError(f"{profile.store_path} is not readable with its own key")
    if old_key is None:
        raise StoreError(
            f"The local database in {profile.path} was made for another device registration, "
            "so the key the server released does not open it. It was left untouched; ask your "
            "district's IT team before deleting it, or sign in with another profile folder."
        )
    store = Store.open(profile.store_path, old_key)
    try:
        with store.reading():
            store.conn.execute(f"PRAGMA rekey = \"x'{db_key.hex()}'\"")
    except BaseException:
        store.close()
        raise
    log.info("local database re-keyed to the key the server released")
    return store


def login(
    profile: Profile,
    server_url: str,
    username: str,
    password: str,
    *,
    device_name: str = "",
    ca_bundle: str | None = None,
    require_keyring: bool = False,
    session: requests.Session | None = None,
    kdf: keys.KdfParams | None = None,
    transport: Transport | None = None,
) -> Store:
    """Sign in online, register this device, and open (or create) the local database.

    Saves ``profile.json`` (no secrets), keeps the device token in the OS keyring (or only
    in memory when there is none, setting ``profile.keyring_warning``; with
    *require_keyring* that raises :class:`NoKeyringError`), wraps the released database key
    with *password* (re-wrapping it after a password change) and returns the open store.
    """
    url = check_server_url(server_url)
    info = profile.info
    if info.get("username") and info["username"] != username:
        raise ProfileOwnedError(
            f"This profile folder ({profile.path}) belongs to {info['username']}. Use another "
            f"profile folder for {username} (each person has their own).",
            owner=str(info.get("display_name") or info["username"]),
        )
    device_id = info.get("device_id") or str(uuid.uuid4())
    profile.save_info({**info, "device_id": device_id, "server_url": url})
    bundle = ca_bundle if ca_bundle is not None else info.get("ca_bundle")
    transport = transport or Transport(url, session=session, ca_bundle=bundle)
    try:
        resp = _request_login(transport, username, password, device_id, device_name)
    except WipeOrdered as err:
        # A sign-in is a contact too: a lost/revoked device or a deactivated account wipes.
        raise wiped_error(profile, str(err)) from err
    try:
        db_key = base64.b64decode(resp.db_key, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ServerError("The server sent a database key that is not base64.") from err
    if len(db_key) != keys.KEY_BYTES:
        raise ServerError("The server sent a database key of the wrong length.")
    store = _open_for_sign_in(profile, password, db_key)
    try:
        keys.save_wrapped(
            profile.key_path, keys.wrap_key(db_key, password, kdf=kdf or keys.DEFAULT_KDF)
        )
        _save_token(profile, resp.device_id, resp.token, require_keyring=require_keyring)
        user = resp.user.model_dump(mode="json")
        profile.save_info(
            {
                "server_url": url,
                "username": user["username"],
                "display_name": user["display_name"],
                "role": user["role"],
                "district_code": user["district_code"],
                "dong_codes": user.get("dong_codes", []),
                "device_id": resp.device_id,
                "device_name": device_name,
                **({"ca_bundle": bundle} if bundle else {}),
            }
        )
        with store.atomic() as db:
            for k, v in (("user", user), ("device_id", resp.device_id), ("server_url", url)):
                syncstate._set_meta(db, k, v)
            db.execute(
                "INSERT INTO users (username, display_name, role, district_code) VALUES "
                "(?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET display_name = "
                "excluded.display_name, role = excluded.role, district_code = "
                "excluded.district_code",
                [user["username"], user["display_name"], user["role"], user["district_code"]],
            )
        # A good online sign-in lifts the offline unlock limit (fieldapp.profile.check_password).
        refresh_status_file(
            profile, store, skew=transport.last_skew, failed_unlocks=0, store_problem=None
        )
    except BaseException:
        store.close()
        raise
    log.info("signed in; device registered")
    return store


def _open_for_sign_in(profile: Profile, password: str, db_key: bytes) -> Store:
    """Open (or create) the profile's database at an online sign-in, the way out of a
    damaged or short one: a file that cannot be used is moved aside (kept) and a fresh one
    made; records the outbox ledger counted but the file lacks are accepted as lost. Each
    such step is said in ``profile.login_notices``; the ledger then counts afresh."""
    profile.login_notices = []
    ledger = profile.ledger
    path = profile.store_path
    if not path.exists() and ledger.pending_count():
        profile.login_notices.append(
            LoginNotice(
                "missing",
                f"The local database {path} was missing; it held {ledger.missing_words()}. A "
                "new one was made (put the old file back from a backup to get them).",
                file_name=path.name,
                counted=ledger.pending_count(),
            )
        )
    try:
        try:
            store = Store.open(path, db_key, create=True)
        except WrongKeyError:
            store = _open_with_saved_key(profile, password, db_key)
    except (WrongKeyError, CorruptError) as err:
        reason = damaged_error(profile, err)
        moved = move_aside(path)
        log.warning("a local database that could not be used was moved aside")
        profile.login_notices.append(
            LoginNotice(
                "moved_aside",
                f"{str(reason).split(' Nothing was changed.')[0]} It was moved to {moved} (kept, "
                "not deleted) and a fresh database was made. To save what can still be read "
                f"from it: fieldapp-sync export-pending --database {moved} FILE",
                file_name=path.name,
                moved_to=str(moved),
                counted=ledger.pending_count(),
            )
        )
        store = Store.open(path, db_key, create=True)
    try:
        if profile.login_notices:
            ledger.adopt(store)
            return store
        try:
            ledger.attach(store)
        except LostRecordsError as err:
            profile.login_notices.append(
                LoginNotice(
                    "lost_accepted",
                    f"{str(err).split(' Nothing was synced.')[0]} Signing in accepted this: "
                    "the count starts afresh from the records this database holds.",
                    file_name=err.file_name or path.name,
                    counted=err.counted,
                    holds=err.holds,
                )
            )
            ledger.adopt(store)
    except BaseException:
        store.close()
        raise
    return store


# ---------------------------------------------------------------------- report and status


@dataclass
class SyncReport:
    """What one :meth:`SyncEngine.sync_once` did."""

    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    pulled: int = 0
    handed_over: list[str] = field(default_factory=list)
    wiped: bool = False
    skew_seconds: float | None = None
    completed: bool = False
    resynced: bool = False
    skew_flagged: int = 0
    rejected_items: list[tuple[str, str]] = field(default_factory=list)
    #: (id, reason) of pulled records this laptop could not store, kept in quarantine
    set_aside: list[tuple[str, str]] = field(default_factory=list)
    bytes_sent: int = 0
    bytes_received: int = 0


@dataclass
class SyncStatus:
    """The state shown in the status bar and by ``fieldapp-sync status``."""

    online: bool | None
    last_success: datetime | None
    pending: int
    oldest_pending_age_s: float | None
    last_error: str | None
    skew_seconds: float | None
    quarantined: int
    rejected: int
    cursor: str | None
    conflicts_open: int = 0
    last_attempt: datetime | None = None

    @property
    def skew_warning(self) -> bool:
        """True when the laptop's clock is more than 5 minutes off the server's."""
        return (
            self.skew_seconds is not None and abs(self.skew_seconds) > protocol.SKEW_LIMIT_SECONDS
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("last_success", "last_attempt"):
            out[k] = out[k].isoformat() if out[k] else None
        out["skew_warning"] = self.skew_warning
        return out


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _age_s(device_time: str | None) -> float | None:
    when = _parse_time(device_time)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (_now() - when).total_seconds())


def refresh_status_file(
    profile: Profile, store: Store, volatile: dict[str, Any] | None = None, **values: Any
) -> dict[str, Any]:
    """Write the non-secret counters of *store* (and *values*) to the profile's status.json
    (see :meth:`Profile.update_status` for *volatile*)."""
    counts = syncstate.local_counts(store)
    return profile.update_status(
        volatile,
        pending=counts.pending,
        oldest_pending_time=counts.oldest_pending_time,
        rejected=counts.rejected,
        quarantined=counts.quarantined,
        conflicts_open=counts.conflicts_open,
        cursor=counts.cursor,
        **values,
    )


_TIME_KEYS = ("last_attempt", "last_success")


def _later(*values: Any) -> Any:
    """The latest of ISO time texts (unreadable and naive ones are left out), or None."""
    times = [(t, v) for v in values if (t := _parse_time(v)) is not None and t.tzinfo]
    return max(times, key=lambda tv: tv[0])[1] if times else None


def saved_status(profile: Profile) -> dict[str, Any]:
    """status.json, with the later sync times of sync_times.json (written at every sync;
    status.json only when something else in it changes)."""
    status = profile.read_status()
    times = profile.read_sync_times()
    for key in _TIME_KEYS:
        later = _later(status.get(key), times.get(key))
        if later is not None:
            status[key] = later
    return status


def _last_success(saved: dict[str, Any], store: Store) -> datetime | None:
    """The later of the saved last success and the one older versions kept in the
    database (``sync.last_success``; no longer written)."""
    return _parse_time(
        _later(saved.get("last_success"), store.get_meta(syncstate.META_LAST_SUCCESS))
    )


def _count(value: Any) -> int:
    """A saved count, or 0 when the file holds something else (edited or damaged)."""
    return value if is_count(value) else 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _seconds(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok and math.isfinite(value) else None


def local_status(profile: Profile) -> SyncStatus:
    """The status as saved in the profile's status.json (no password needed)."""
    s = saved_status(profile)
    return SyncStatus(
        online=s.get("online") if isinstance(s.get("online"), bool) else None,
        last_success=_parse_time(s.get("last_success")),
        pending=_count(s.get("pending")),
        oldest_pending_age_s=_age_s(s.get("oldest_pending_time")),
        last_error=_text(s.get("last_error")),
        skew_seconds=_seconds(s.get("skew")),
        quarantined=_count(s.get("quarantined")),
        rejected=_count(s.get("rejected")),
        cursor=_text(s.get("cursor")),
        conflicts_open=_count(s.get("conflicts_open")),
        last_attempt=_parse_time(s.get("last_attempt")),
    )


# ---------------------------------------------------------------------- policy


@dataclass(frozen=True)
class SyncPolicy:
    """When the app should start a sync: at start, every *interval_s* while online, and
    right after a record is saved while online (no closer than *min_gap_s* to the last try).
    While offline it probes every *interval_s* to notice the network coming back."""

    interval_s: float = 300.0
    min_gap_s: float = 2.0

    def due(
        self,
        now: datetime,
        *,
        last_attempt: datetime | None,
        online: bool | None,
        saved_since_last: bool,
    ) -> bool:
        if last_attempt is None:
            return True
        elapsed = (now - last_attempt).total_seconds()
        if elapsed < 0:  # the clock went back: do not wait for it to catch up
            return True
        if online and saved_since_last and elapsed >= self.min_gap_s:
            return True
        return elapsed >= self.interval_s


# ---------------------------------------------------------------------- collector

_GC_GUARD = threading.Lock()
_gc_holds = 0
_gc_resume = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while a sync cycle runs.

    A cycle decodes pages and answers into tens of thousands of dicts and lists, all
    acyclic, freed by reference counting when the page is applied. With the collector on,
    creating them moves them into the oldest generation and sets off full collections,
    each walking every object of the process (the app's modules, Qt's wrappers): 55-90 ms
    each on the build machine, one or two per 1,000-record cycle, a quarter of the
    laptop's own work. The collector resumes after the cycle (when it was on before: an
    app that turned it off keeps it off); garbage with cycles made meanwhile waits until
    then. Nested and concurrent holds are counted.
    """
    global _gc_holds, _gc_resume
    with _GC_GUARD:
        if _gc_holds == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_holds += 1
    try:
        yield
    finally:
        with _GC_GUARD:
            _gc_holds -= 1
            if _gc_holds == 0 and _gc_resume:
                gc.enable()


# ---------------------------------------------------------------------- engine

_CHANGE_KINDS = frozenset(k.value for k in protocol.ChangeKind)


def _check_page(data: Any, seen: set[str] | None = None) -> dict[str, Any]:
    """Check the shape of a pull page (cheaply: pages can hold thousands of changes).

    With *seen*, the households the page lists are added to it and those it takes away
    (revoke, deleted household) removed, in page order, in the same pass.
    """
    ok = (
        isinstance(data, dict)
        and isinstance(data.get("changes"), list)
        and isinstance(data.get("cursor"), str)
        and isinstance(data.get("epoch"), str)
        and isinstance(data.get("has_more"), bool)
    )
    if ok:
        kinds = _CHANGE_KINDS
        for c in data["changes"]:
            if not isinstance(c, dict):
                ok = False
                break
            kind, body = c.get("kind"), c.get("data")
            if kind not in kinds or not isinstance(body, dict):
                ok = False
                break
            if seen is None or kind == "event":
                continue
            if kind == "household":
                seen.add(str(body.get("id")))
            elif kind == "revoke":
                seen.discard(str(body.get("household_id")))
            elif kind == "tombstone" and body.get("entity") == "household":
                seen.discard(str(body.get("id")))
    if not ok:
        raise ServerError(
            "The server answered a pull in an unexpected form. Check that the address is your "
            "district's 돌봄노트 server; your records are kept."
        )
    try:
        protocol.parse_cursor(data["cursor"])
    except ValueError as err:
        raise ServerError(f"The server sent a malformed cursor ({err}).") from err
    return data


#: Why a household a pull from the start no longer lists is handed over on the laptop.
UNLISTED_REASON = (
    "no longer assigned to you on the server (reassigned while this laptop was away, "
    "or the server was restored from a backup)"
)


class SyncEngine:
    """Push-then-pull cycles for one profile and its open store (one thread at a time)."""

    def __init__(
        self,
        profile: Profile,
        store: Store,
        *,
        password: str | None = None,
        token: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        session: requests.Session | None = None,
        transport: Transport | None = None,
        push_limit: int = DEFAULT_PUSH_LIMIT,
        pull_limit: int = protocol.DEFAULT_PULL_LIMIT,
        sleep: Callable[[float], None] | None = None,
        max_attempts: int | None = None,
    ) -> None:
        self.profile = profile
        self.store = store
        self._password = password
        self._token = token
        self._progress = progress
        self.cancel = cancel or threading.Event()
        info = profile.info
        if not info.get("server_url") or not info.get("device_id"):
            raise AuthError(
                f"Nobody has signed in with the profile folder {profile.path} yet. Sign in "
                "online first."
            )
        self.device_id: str = info["device_id"]
        self.username: str = info.get("username", "")
        if transport is None:
            options: dict[str, Any] = {"session": session, "cancel": self.cancel, "sleep": sleep}
            if max_attempts is not None:
                options["max_attempts"] = max_attempts
            transport = Transport(info["server_url"], ca_bundle=info.get("ca_bundle"), **options)
        self.transport = transport
        self.push_limit = max(1, min(push_limit, protocol.MAX_PUSH_ITEMS))
        self.pull_limit = max(1, min(pull_limit, protocol.MAX_PULL_LIMIT))
        self._online: bool | None = None
        self._report = SyncReport()

    # ------------------------------------------------------------------ plumbing

    def _emit(self, phase: str, done: int, total: int | None) -> None:
        if self._progress is not None:
            r = self._report
            self._progress(phase, done, total, r.bytes_sent + r.bytes_received)

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled("The sync was cancelled; what was sent so far is kept.")

    def _current_token(self) -> str:
        token = self._token or _load_token(self.profile, self.device_id)
        if token:
            return token
        if self._password:
            return self._relogin()
        raise AuthError(
            "This laptop does not remember the sign-in (no keyring, or it expired). Enter "
            "your password to sync."
        )

    def _relogin(self) -> str:
        if not self._password:
            raise AuthError("The sign-in has expired. Enter your password to sync again.")
        try:
            resp = _request_login(
                self.transport,
                self.username,
                self._password,
                self.device_id,
                str(self.profile.info.get("device_name") or ""),
            )
        except WipeOrdered as err:
            self._wipe(str(err))
        self._token = resp.token
        self.profile.memory_token = resp.token
        if keyring_available():
            _save_token(self.profile, self.device_id, resp.token, require_keyring=False)
        return resp.token

    def _call(
        self, method: str, path: str, *, sent: Future[Answer] | None = None, **kw: Any
    ) -> Answer:
        """One request with the device token; a stale token is renewed once by password.

        *sent* is this request already under way (see :meth:`_send_ahead`): its outcome is
        taken as the first attempt's, with the same handling.
        """
        self._check_cancel()
        relogged = False
        while True:
            try:
                if sent is not None:
                    first, sent = sent, None
                    answer = first.result()
                else:
                    answer = self.transport.request(method, path, token=self._current_token(), **kw)
            except WipeOrdered as err:
                self._online = True
                self._wipe(str(err))
            except AuthError:
                self._online = True
                if relogged or not self._password:
                    raise
                self._token = None
                self.profile.memory_token = None
                self._relogin()
                relogged = True
                continue
            except OfflineError:
                self._online = False
                raise
            self._online = True
            self._report.bytes_sent += answer.bytes_sent
            self._report.bytes_received += answer.bytes_received
            if answer.skew_seconds is not None:
                self._report.skew_seconds = answer.skew_seconds
            return answer

    def _wipe(self, reason: str) -> NoReturn:
        self.store.close()
        self._report.wiped = True
        raise wiped_error(self.profile, reason)

    # ------------------------------------------------------------------ the cycle

    def sync_once(self) -> SyncReport:
        """Run one full push-then-pull cycle; return what it did.

        Raises the client's known conditions (:class:`OfflineError`, :class:`AuthError`,
        :class:`DeviceWipedError` ...) after saving the failure in the status. A cancel
        returns a report with ``completed = False``; everything done so far is kept.
        """
        self._report = report = SyncReport()
        attempt_at = _now()
        try:
            with collector_paused():
                self._cycle(report)
            report.completed = True
        except SyncCancelled:
            report.completed = False
            self._save_status(attempt_at, error="The sync was cancelled.")
            return report
        except DeviceWipedError:
            raise
        except FieldappError as err:
            self._save_status(attempt_at, error=str(err))
            raise
        # The success time goes to sync_times.json (see _save_status), read by status() and
        # local_status(); no database commit for it.
        self._save_status(attempt_at, error=None, success=_now())
        return report

    def _cycle(self, report: SyncReport) -> None:
        counts = syncstate.local_counts(self.store)
        self._check_outbox(counts)
        if counts.pending:
            # Measure the clock before anything is batched, so records made while it is
            # off carry the flag on their way out.
            self._call("GET", protocol.HEALTH_PATH)
            self._note_skew(report)
        try:
            self._push_all(report, counts)
            if counts.pending or counts.outbox:  # the push changed them
                counts = syncstate.local_counts(self.store)
            self._pull_all(report, counts)
        except ResyncRequired:
            count = syncstate.prepare_resync(self.store, self.device_id)
            log.info("server epoch changed: re-pushing %d held events, pulling from zero", count)
            report.resynced = True
            try:
                self._push_all(report)
                seen = self._pull_all(report)
            except ResyncRequired as err:
                raise ServerError(
                    "The server asked for a resync twice in a row. Try again later; if it "
                    "goes on, tell your district's IT team."
                ) from err
            self._let_go_of_unlisted(seen)
        self._finish_handovers(report)
        self._note_skew(report)

    def _check_outbox(self, counts: syncstate.LocalCounts) -> None:
        """Stop before syncing when the database holds fewer records not yet sent than the
        outbox ledger counted (see :mod:`fieldapp.outbox_ledger`)."""
        ledger = self.profile.ledger
        if counts.pending < ledger.pending_count():
            ledger.check_store(self.store)  # raises LostRecordsError, saying what is missing

    def _note_skew(self, report: SyncReport) -> None:
        skew = self.transport.last_skew
        if skew is not None:
            report.skew_seconds = skew
            report.skew_flagged += syncstate.mark_skew(self.store, skew)

    def _push_all(self, report: SyncReport, counts: syncstate.LocalCounts | None = None) -> None:
        """Push every pending item. *counts*: the local counts if just read (nothing pending
        and no unanswered batch: no batch is looked for)."""
        counts = counts or syncstate.local_counts(self.store)
        if not counts.pending and not counts.outbox:
            return
        total = counts.pending
        done = 0
        limit = self.push_limit
        if total:
            self._emit("push", 0, total)
        while True:
            self._check_cancel()
            batch = syncstate.next_batch(self.store, limit)
            if batch is None:
                return
            if len(batch) > limit:
                batch = syncstate.shrink_batch(self.store, batch, limit)
            body = {
                "protocol": protocol.PROTOCOL_VERSION,
                "idempotency_key": batch.idempotency_key,
                "items": batch.items,
            }
            try:
                answer = self._call("POST", protocol.PUSH_PATH, body=body)
            except TooLargeError:
                if len(batch) > 1:
                    limit = max(1, len(batch) // 2)
                    syncstate.shrink_batch(self.store, batch, limit)
                    continue
                self._set_aside(
                    batch,
                    "too large for the server to accept (over its request size limit)",
                    report,
                )
                continue
            except ServerError as err:
                if err.code == protocol.ERR_IDEMPOTENCY:
                    # The server holds this key for other contents: send under a new key.
                    syncstate.shrink_batch(self.store, batch, len(batch))
                    continue
                if err.status in (400, 422):
                    # The server refused the request as a whole (an item it cannot read):
                    # halve until the item is alone, set it aside, and go on with the rest.
                    if len(batch) > 1:
                        limit = max(1, len(batch) // 2)
                        syncstate.shrink_batch(self.store, batch, limit)
                        continue
                    self._set_aside(batch, f"refused by the server: {err}", report)
                    limit = self.push_limit
                    continue
                raise
            try:
                response = protocol.PushResponse.model_validate(answer.data)
            except PydanticValidationError as err:
                raise ServerError("The server answered a push in an unexpected form.") from err
            outcome = syncstate.apply_push_results(
                self.store,
                batch,
                [r.model_dump(mode="json") for r in response.results],
                server_time=response.server_time,
            )
            report.pushed += len(batch)
            report.applied += outcome.applied
            report.duplicates += outcome.duplicates
            report.rejected += outcome.rejected
            report.conflicts += outcome.conflicts
            report.rejected_items += outcome.rejected_items
            done += len(batch)
            self._emit("push", done, max(total, done))

    def _let_go_of_unlisted(self, seen: set[str]) -> None:
        """After a pull from zero, hand over households the server no longer lists for us
        (reassigned while this laptop was away and its feed was trimmed, or assigned after
        the backup the server was restored from)."""
        with self.store.reading() as db:
            local = {r["id"] for r in db.query("SELECT id FROM households")}
        role = str(self.profile.info.get("role") or "")
        programme = (
            protocol.ROLE_PROGRAMME.get(protocol.Role(role)) if role in set(protocol.Role) else None
        )
        for hid in sorted(local - seen):
            syncstate.start_local_handover(
                self.store,
                hid,
                str(programme or "unknown"),
                UNLISTED_REASON,
            )

    def _set_aside(self, batch: syncstate.Batch, reason: str, report: SyncReport) -> None:
        """Mark the single item of *batch* rejected with *reason*; the queue goes on."""
        item_id = batch.item_ids[0]
        syncstate.apply_push_results(
            self.store, batch, [{"id": item_id, "status": "rejected", "reason": reason}]
        )
        report.rejected += 1
        report.rejected_items.append((item_id, reason))

    def _pull_all(
        self, report: SyncReport, counts: syncstate.LocalCounts | None = None
    ) -> set[str]:
        """Pull until the server has nothing more; return the households it listed.

        *counts*: the local counts if just read (their cursor is where the pull starts).
        """
        seen: set[str] = set()
        counts = counts or syncstate.local_counts(self.store)
        # The device reports what it still holds unsent (for the supervisor's board).
        report_params: dict[str, Any] = {"pending": counts.pending}
        age = _age_s(counts.oldest_pending_time)
        if age is not None:
            report_params["oldest_pending_s"] = int(age)
        # The next page is requested (in one helper thread) while this one is applied; it is
        # only used after the apply committed, and through _call's usual handling.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-pull") as ahead:
            return self._pull_pages(report, report_params, seen, ahead, counts.cursor)

    def _pull_params(self, report_params: dict[str, Any], cursor: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.pull_limit, **report_params}
        if cursor:
            params["cursor"] = cursor
        return params

    def _send_ahead(
        self, pool: ThreadPoolExecutor, params: dict[str, Any]
    ) -> Future[Answer] | None:
        """Start the pull request with *params* in *pool*; :meth:`_call` takes its outcome.

        None (the request is left to :meth:`_call`) when no token is at hand without a sign-in.
        """
        token = self._token or _load_token(self.profile, self.device_id)
        if not token:
            return None
        return pool.submit(
            self.transport.request, "GET", protocol.PULL_PATH, token=token, params=params
        )

    def _pull_pages(
        self,
        report: SyncReport,
        report_params: dict[str, Any],
        seen: set[str],
        pool: ThreadPoolExecutor,
        cursor: str | None,
    ) -> set[str]:
        """Apply pages until the last; each transaction holds whole pages and the cursor
        after them, so a crash loses (and the next pull brings again) only pages whose
        cursor was not saved either."""
        sent: Future[Answer] | None = None
        while True:
            self._check_cancel()
            params = self._pull_params(report_params, cursor)
            answer = self._call("GET", protocol.PULL_PATH, sent=sent, params=params)
            page = _check_page(answer.data, seen)
            if not page["changes"] and not page["has_more"]:
                # Nothing new (a no-op sync): no transaction unless the cursor moved.
                self._emit("pull", report.pulled, None)
                syncstate.apply_pull_page(self.store, page)
                self._emit("apply", report.pulled, None)
                return seen
            rows = 0
            # Pages that have already arrived join this transaction (one commit, and one
            # rewrite of the touched index pages, for several pages); the transaction never
            # waits on the network: it commits first.
            with self.store.atomic():
                while True:
                    sent = None
                    if page["has_more"]:
                        params = self._pull_params(report_params, page["cursor"])
                        sent = self._send_ahead(pool, params)
                    n = len(page["changes"])
                    self._emit("pull", report.pulled + n, None)
                    outcome = syncstate.apply_pull_page(self.store, page)
                    report.set_aside += outcome.set_aside
                    cursor = page["cursor"]
                    report.pulled += n
                    rows += n
                    self._emit("apply", report.pulled, None)
                    if not page["has_more"]:
                        return seen
                    if not self._arrived(sent) or rows >= MAX_ROWS_PER_TRANSACTION:
                        break
                    answer = self._call("GET", protocol.PULL_PATH, sent=sent, params=params)
                    page = _check_page(answer.data, seen)

    def _arrived(self, sent: Future[Answer] | None) -> bool:
        """True when the page requested ahead is here and good (and no cancel is asked)."""
        return (
            sent is not None
            and sent.done()
            and sent.exception() is None
            and not self.cancel.is_set()
        )

    def _finish_handovers(self, report: SyncReport) -> None:
        waiting = syncstate.pending_handovers(self.store)
        if not waiting:
            return
        self._emit("handover", 0, len(waiting))
        if any(syncstate.unsettled_count(self.store, h) for h in waiting):
            # Something for a departing household is still unanswered: send it first.
            self._push_all(report)
        purged = syncstate.complete_handovers(self.store)
        report.handed_over += purged
        self._emit("handover", len(purged), len(waiting))

    # ------------------------------------------------------------------ status

    def _save_status(
        self, attempt_at: datetime, *, error: str | None, success: datetime | None = None
    ) -> None:
        try:
            saved = saved_status(self.profile)
            skew = self.transport.last_skew
            if skew is not None and syncstate.same_skew(saved.get("skew"), skew):
                skew = saved["skew"]  # network jitter alone does not rewrite status.json
            values: dict[str, Any] = {"online": self._online, "last_error": error, "skew": skew}
            times = {
                "last_attempt": attempt_at.isoformat(),
                "last_success": success.isoformat() if success else saved.get("last_success"),
            }
            if self.store.closed:
                self.profile.update_status(volatile=times, **values)
            else:
                refresh_status_file(self.profile, self.store, volatile=times, **values)
        except (FieldappError, OSError) as err:  # status is a convenience: never mask the cause
            log.warning("could not save the sync status: %s", type(err).__name__)

    def status(self) -> SyncStatus:
        """Online state, last success, pending count and age, last error, skew, counts."""
        saved = saved_status(self.profile)  # with the last success and attempt
        counts = syncstate.local_counts(self.store)
        skew = self.transport.last_skew
        if skew is None:
            skew = self.store.get_meta(syncstate.META_SKEW)
        return SyncStatus(
            online=self._online if self._online is not None else saved.get("online"),
            last_success=_last_success(saved, self.store),
            pending=counts.pending,
            oldest_pending_age_s=_age_s(counts.oldest_pending_time),
            last_error=saved.get("last_error"),
            skew_seconds=skew,
            quarantined=counts.quarantined,
            rejected=counts.rejected,
            cursor=counts.cursor,
            conflicts_open=counts.conflicts_open,
            last_attempt=_parse_time(saved.get("last_attempt")),
        )

    def sign_out(self) -> None:
        """Forget the device token (keyring and memory); local data stays for offline use."""
        self._token = None
        self.profile.memory_token = None
        forget_token(self.device_id)
