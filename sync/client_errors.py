"""Known conditions of the sync client, each with a message a person can act on.

The UI translates by class; the English message says what happened and what to do.
"""

from __future__ import annotations

from fieldapp.errors import FieldappError


class SyncError(FieldappError):
    """Base of the sync client's known conditions."""


class OfflineError(SyncError):
    """The server cannot be reached (no network, refused, timed out)."""


class AuthError(SyncError):
    """Wrong password, locked account, or an expired token: sign in again."""


class ProfileOwnedError(AuthError):
    """The profile folder holds another person's data (*owner*): nobody else signs in to it."""

    def __init__(self, message: str, *, owner: str) -> None:
        super().__init__(message)
        self.owner = owner


class DeviceWipedError(SyncError):
    """The server ordered this device to wipe its local data; it was done."""

    def __init__(self, message: str, removed: list[str] | None = None) -> None:
        super().__init__(message)
        self.removed: list[str] = list(removed or [])


class NoKeyringError(SyncError):
    """The OS has no keyring backend to keep the device token."""


class InsecureTransportError(SyncError):
    """A server address that may not be used, for the reason *kind* names:
    ``plain_http`` (no TLS, and not this computer), ``not_an_address`` (no scheme or host,
    a bad port, spaces, or a user name or password inside it), ``certificate`` (the
    server's TLS certificate was not accepted)."""

    def __init__(self, message: str, *, kind: str = "plain_http") -> None:
        super().__init__(message)
        self.kind = kind


class ServerError(SyncError):
    """The server answered with an error (5xx after retries, or a refusal)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ServerUnavailableError(ServerError):
    """The server is temporarily unavailable (503 ``unavailable``: its database cannot be
    reached just now), still so after waiting as it asked; try again later."""


class ProtocolError(SyncError):
    """The server speaks another protocol version (426): update the app."""


class SyncCancelled(SyncError):
    """The user cancelled the sync; what was done so far is kept."""


class ResyncRequired(SyncError):
    """The server's epoch changed (restored from a backup): re-push, then pull from zero."""


class TooLargeError(ServerError):
    """The request body was over the server's limit (413); send fewer items."""


class WipeOrdered(SyncError):
    """The server answered 401 with a wipe order (revoked, lost or deactivated device)."""
