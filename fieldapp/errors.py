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
    """The file is not a database, or the key/password does not open it."""


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
