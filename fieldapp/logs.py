"""Application logs: named loggers per area, rotating files, and redaction of secrets.

Every module logs through one of the named loggers below (``logs.store.info(...)``), never
through the root logger. :func:`setup_logging` (called once by each program's ``main``) sends
them to a rotating file in the platform's user log folder. Each handler it installs carries a
:class:`RedactingFilter`, so that tokens, passwords, keys, phone numbers, resident registration
numbers and personal fields never reach a log file, whatever a caller passed in.

No Qt here: the domain, the sync client and the server use this module too.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "fieldapp"
LOG_FILE_NAME = "fieldapp.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "[REDACTED]"

# ------------------------------------------------------------------ named loggers

#: The parent of every fieldapp logger; its level is set by :func:`setup_logging`.
root = logging.getLogger("fieldapp")
store = logging.getLogger("fieldapp.store")
records = logging.getLogger("fieldapp.records")
assets = logging.getLogger("fieldapp.assets")
keys = logging.getLogger("fieldapp.keys")
sync = logging.getLogger("fieldapp.sync")
ui = logging.getLogger("fieldapp.ui")
server = logging.getLogger("fieldapp.server")
crash = logging.getLogger("fieldapp.crash")

AREAS: tuple[str, ...] = ("store", "records", "assets", "keys", "sync", "ui", "server", "crash")


def get_logger(area: str) -> logging.Logger:
    """Return the logger of one area (``"store"``, ``"sync"`` ...), e.g. for a sub-area."""
    return logging.getLogger(f"fieldapp.{area}")


# ------------------------------------------------------------------ redaction

#: Keys whose value is a secret wherever they appear inside a key name
#: (``password``, ``new_password``, ``device_token``, ``X-Device-Token`` ...).
SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "db_key",
    "dbkey",
    "api_key",
    "apikey",
    "wrapped_key",
    "private_key",
    "authorization",
    "cookie",
    "비밀번호",
)

#: Keys that name personal fields; matched as whole key names.
PERSONAL_KEYS = (
    "name",
    "names",
    "full_name",
    "display_name",
    "name_ko",
    "phone",
    "phones",
    "phone_number",
    "mobile",
    "address",
    "address_road",
    "address_detail",
    "birth_date",
    "birthdate",
    "date_of_birth",
    "dob",
    "rrn",
    "jumin",
    "resident_number",
    "이름",
    "성명",
    "전화번호",
    "주소",
    "주민등록번호",
)

_SECRET_KEY = r"[\w-]*(?:" + "|".join(map(re.escape, SECRET_KEY_PARTS)) + r")[\w-]*"
_PERSONAL_KEY = r"(?:" + "|".join(map(re.escape, PERSONAL_KEYS)) + r")"
_VALUE = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;&)}\]]+)"""

#: ``key=value``, ``key: value``, ``"key": "value"`` (JSON, repr of a dict, query strings).
_KEY_VALUE = re.compile(
    r"""(?P<key>(?<![\w-])["']?(?:"""
    + _SECRET_KEY
    + "|"
    + _PERSONAL_KEY
    + r""")["']?)(?P<sep>\s*[:=]\s*)(?P<value>"""
    + _VALUE
    + ")",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE)
#: Korean phone numbers: +82 forms, mobile 01x forms, and dashed area-code landlines.
_PHONE = re.compile(
    r"(?:\+82[\s.-]?\(?0?\)?\d{1,2}[\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d))"
    r"|(?:(?<![\w+])01[016789][\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d))"
    r"|(?:(?<![\w+-])0\d{1,2}-\d{3,4}-\d{4}(?![\w-]))"
)
#: 주민등록번호: YYMMDD, optional dash, then a sex/century digit 1-8 and six digits.
_RRN = re.compile(r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[\s-]?[1-8]\d{6}(?!\d)")


def _redact_key_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{match.group('sep')}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """Return *text* with secrets and personal data replaced by ``[REDACTED]``.

    Covers bearer tokens, values of secret keys (password, token, db_key ...) and of personal
    fields (name, phone, address, birth date), Korean phone numbers (+82 and 010 forms,
    dashed landlines) and anything shaped like a 주민등록번호.
    """
    if not text:
        return text
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _KEY_VALUE.sub(_redact_key_value, text)
    text = _RRN.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def _is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in PERSONAL_KEYS or any(part in lowered for part in SECRET_KEY_PARTS)


def redact_value(value: Any) -> Any:
    """Redact a structured value (dicts by key, lists item by item, strings by :func:`redact`)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and _is_sensitive_key(k) else redact_value(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v) for v in value)
    return value


_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}


class RedactingFilter(logging.Filter):
    """Rewrites each record so that no secret or personal field reaches a handler.

    The message is rendered with its arguments and redacted; the traceback text, the stack
    text and string ``extra`` attributes are redacted too. The filter never drops a record.
    """

    _MARK = "_fieldapp_redacted"

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self._MARK, False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be kept, redacted
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            if _is_sensitive_key(key):
                setattr(record, key, REDACTED)
            elif isinstance(value, str | dict | list | tuple):
                setattr(record, key, redact_value(value))
        setattr(record, self._MARK, True)
        return True


# ------------------------------------------------------------------ setup


def default_log_dir() -> Path:
    """The platform's user log folder for the app (e.g. ``~/.local/state/fieldapp/log``)."""
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


_installed: list[logging.Handler] = []


def setup_logging(log_dir: Path | None = None, *, debug: bool = False) -> Path:
    """Send the fieldapp loggers to a rotating file in *log_dir*; return the folder used.

    *log_dir* defaults to :func:`default_log_dir`. The level is INFO, or DEBUG with *debug*
    (which also copies records to stderr). Handlers go on the root logger, each with a
    :class:`RedactingFilter`, so that third-party warnings are kept and redacted too. Calling
    it again replaces the handlers installed before.
    """
    folder = Path(log_dir) if log_dir is not None else default_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    shutdown_logging()
    formatter = logging.Formatter(FORMAT)
    file_handler = logging.handlers.RotatingFileHandler(
        folder / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if debug:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        handler.setLevel(logging.DEBUG if debug else logging.INFO)
        logging.getLogger().addHandler(handler)
        _installed.append(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    root.info("logging to %s (debug=%s)", folder, debug)
    return folder


def shutdown_logging() -> None:
    """Remove and close the handlers installed by :func:`setup_logging` (safe to repeat)."""
    top = logging.getLogger()
    while _installed:
        handler = _installed.pop()
        top.removeHandler(handler)
        handler.close()


def redact_handlers(logger: logging.Logger | None = None) -> int:
    """Add a :class:`RedactingFilter` to every handler of *logger* (default: the root logger).

    For programs that configure their own handlers (``logging.basicConfig`` in a server or a
    CLI). Idempotent; returns how many handlers were given a filter.
    """
    added = 0
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
            added += 1
    return added


def log_files(log_dir: Path) -> list[Path]:
    """The current log file and its rotated copies in *log_dir*, newest first."""
    base = Path(log_dir) / LOG_FILE_NAME
    rotated = [base.with_name(f"{LOG_FILE_NAME}.{i}") for i in range(1, BACKUP_COUNT + 1)]
    return [p for p in [base, *rotated] if p.exists()]
