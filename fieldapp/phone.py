"""Korean phone numbers: stored as E.164 (``+821012345678``), shown as ``010-1234-5678``.

Dependency-free. Accepts the ways numbers are written in 주민센터 lists: with or without
hyphens, spaces, dots or brackets, national (``010-...``, ``02-...``) or international
(``+82 10 ...``, ``+82 (0)10 ...``, ``0082 10 ...``), full-width digits included.

Synthetic people use :data:`DEMO_MOBILE_PREFIX`: 010-0xxx-xxxx. Mobile numbers whose middle
block starts with 0 are not issued in Korea (010 numbers start their middle block at 2000), so
no real subscriber can be reached or described by a demo number.
"""

from __future__ import annotations

import re
import unicodedata

#: E.164 prefix of the reserved fictional range used for synthetic people (010-0xxx-xxxx).
DEMO_MOBILE_PREFIX = "+82100"

#: Area codes (지역번호) other than Seoul's 02.
AREA_CODES = frozenset(
    f"0{n}" for n in (31, 32, 33, 41, 42, 43, 44, 51, 52, 53, 54, 55, 61, 62, 63, 64)
)
#: Mobile prefixes: 010 (8-digit subscriber part), legacy 011/016-019 (7 or 8 digits).
MOBILE_CODES = frozenset(("010", "011", "016", "017", "018", "019"))

_EXAMPLES = "e.g. 010-1234-5678, 02-123-4567, 031-123-4567 or +82 10 1234 5678"
_SEPARATORS = re.compile(r"[\s\-.()/]")


def _split(national: str) -> tuple[str, str] | None:
    """Split a national number (leading 0) into (prefix, subscriber), or None if not valid."""
    if national.startswith("02"):
        prefix, rest = "02", national[2:]
        ok = len(rest) in (7, 8) and rest[0] != "0"
    elif national[:3] in AREA_CODES:
        prefix, rest = national[:3], national[3:]
        ok = len(rest) in (7, 8) and rest[0] != "0"
    elif national[:3] == "010":
        prefix, rest = "010", national[3:]
        ok = len(rest) == 8
    elif national[:3] in MOBILE_CODES:
        prefix, rest = national[:3], national[3:]
        ok = len(rest) in (7, 8)
    elif national[:3] == "070":  # internet phone
        prefix, rest = "070", national[3:]
        ok = len(rest) == 8
    else:
        return None
    return (prefix, rest) if ok else None


def normalize_phone(text: str) -> str:
    """Return *text* as an E.164 Korean number (``+821012345678``).

    Raises ValueError saying what is wrong and showing accepted forms.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"phone number is empty; write it like {_EXAMPLES}")
    raw = unicodedata.normalize("NFKC", text).strip()
    compact = _SEPARATORS.sub("", raw.replace("(0)", ""))
    if compact.startswith("+"):
        if not compact.startswith("+82"):
            raise ValueError(f"{text!r} is not a Korean number (+82); write it like {_EXAMPLES}")
        digits = compact[3:]
    elif compact.startswith("0082"):
        digits = compact[4:]
    elif compact.startswith("0"):
        digits = compact[1:]
    else:
        hint = ""
        if compact.isdigit() and _split("0" + compact) is not None:
            hint = (
                " (the leading 0 looks lost: a spreadsheet stored it as a number; format "
                "the column as text)"
            )
        raise ValueError(
            f"{text!r} is not a full phone number{hint}: start with the area or mobile code "
            f"(02, 031, 010 ...) or +82; {_EXAMPLES}"
        )
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"{text!r} contains characters that are not digits; write {_EXAMPLES}")
    if digits.startswith("0"):  # +82 010 ... written with the trunk 0
        digits = digits[1:]
    national = "0" + digits
    if _split(national) is None:
        raise ValueError(
            f"{text!r} is not a valid Korean phone number (wrong code or number of digits); "
            f"write it like {_EXAMPLES}"
        )
    return "+82" + digits


def format_phone(e164: str) -> str:
    """Return an E.164 Korean number for display: ``010-1234-5678``, ``02-123-4567``.

    Raises ValueError for anything that is not a valid E.164 Korean number.
    """
    if not isinstance(e164, str) or not re.fullmatch(r"\+82\d{8,11}", e164):
        raise ValueError(f"{e164!r} is not an E.164 Korean number like +821012345678")
    national = "0" + e164[3:]
    parts = _split(national)
    if parts is None:
        raise ValueError(f"{e164!r} is not a valid Korean phone number")
    prefix, rest = parts
    return f"{prefix}-{rest[:-4]}-{rest[-4:]}"


def is_demo_phone(e164: str) -> bool:
    """True for numbers in the reserved fictional range used by synthetic data."""
    return e164.startswith(DEMO_MOBILE_PREFIX) and len(e164) == len(DEMO_MOBILE_PREFIX) + 7


def demo_phone(n: int) -> str:
    """The *n*-th number (0 <= n < 10,000,000) of the reserved fictional range, as E.164."""
    if not 0 <= n < 10_000_000:
        raise ValueError(f"demo phone index {n} is outside 0..9,999,999")
    return f"{DEMO_MOBILE_PREFIX}{n:07d}"
