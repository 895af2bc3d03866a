"""Known conditions, as domain errors with a message a person can act on.

Anything not listed here is a bug: it reaches the crash handler and the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FieldappError(Exception):
    """A known condition. ``str(err)`` is a complete sentence saying what to do."""


# ------------------------------------------------------------------ local store


class StoreError(FieldappError):
    """The local database cannot be used as asked."""


class WrongKeyError(StoreError):
    """The file is not a database, or the key/password does not open it.

    ``tries_left``: wrong passwords still allowed at this laptop before only an online
    sign-in unlocks it (None when no limit applies, e.g. a wrong database key).
    """

    def __init__(self, message: str = "", *, tries_left: int | None = None) -> None:
        super().__init__(message)
        self.tries_left = tries_left


class TooNewError(StoreError):
    """The database was written by a newer version of the app."""


class DiskFullError(StoreError):
    """The disk is full."""


class ReadOnlyError(StoreError):
    """The database file or its folder cannot be written."""


class LockedError(StoreError):
    """Another program holds the database."""


class CorruptError(StoreError):
    """The database file is damaged."""


class OnlineLoginRequired(StoreError):
    """Too many wrong passwords at this laptop: only an online sign-in unlocks it now."""


# ------------------------------------------------------------------ records


class AlreadySavedError(FieldappError):
    """A record with this id is saved already: the same form was saved before (never twice).

    ``event_id`` is the saved record's id.
    """

    def __init__(self, event_id: str) -> None:
        super().__init__(
            f"This form was already saved as record {event_id}; it was not saved a second time."
        )
        self.event_id = event_id


# ------------------------------------------------------------------ validation


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a record or form."""

    field: str
    message: str  # English, for logs and the CLI
    message_ko: str = ""  # Korean, for the forms


@dataclass
class ValidationError(FieldappError):
    """A record or form has one or more bad fields; nothing was saved."""

    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems) or "invalid record"


class AssetError(FieldappError):
    """A data file under assets/ is missing or malformed (names the file and the fault)."""
