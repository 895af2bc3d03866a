"""The one rule for every string the app stores or sends: well-formed Unicode text.

A lone UTF-16 surrogate (``"\\ud800"`` in JSON) is valid JSON but not text: UTF-8, SQLite,
PostgreSQL and pydantic's ``str`` refuse it, so a record holding one poisons every device that
pulls it. Pure (imports nothing of the app); ``fieldapp.validation`` re-exports it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import orjson


def is_good_text(text: str) -> bool:
    """True when *text* is well-formed Unicode (no lone UTF-16 surrogate): what UTF-8,
    SQLite, PostgreSQL and pydantic's ``str`` accept."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_bad_text(value: Any, where: str = "") -> str | None:
    """Where the first string in *value* (itself, any nested value or any key of a nested
    object) that is not well-formed Unicode sits, as a dotted path (``payload.notes``,
    ``payload.items[2]``; *where* is the prefix), or None when every string is good.

    The one rule for all text: the server applies it to whole events, the forms and
    ``fieldapp-sync record`` before saving, the client to records it pulls.
    """
    try:  # fast path: orjson refuses any lone surrogate, in a value or a key, at any depth
        orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        pass  # a broken string, or something orjson does not write: walk it to say where
    else:
        return None
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not is_good_text(item):
                return path or "value"
        elif isinstance(item, Mapping):
            for key, sub in item.items():
                sub_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_good_text(key):
                    return f"{path}.<key>" if path else "<key>"
                stack.append((sub_path, sub))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", sub) for i, sub in enumerate(item))
    return None


def bad_argument(args: Any) -> str | None:
    """For a command's parsed arguments (an ``argparse.Namespace``): a sentence naming the
    first text argument that is not well-formed Unicode (bytes that were not UTF-8, which
    Python keeps as lone surrogates), or None. File names are the system's business: those
    parsed as ``Path``, and texts naming a file or folder that exists, are left alone."""
    texts = {
        name.replace("_", "-"): value
        for name, value in vars(args).items()
        if isinstance(value, list | tuple)
        or (isinstance(value, str) and not os.path.lexists(value))
    }
    where = find_bad_text(texts)
    if where is None:
        return None
    return (
        f"the argument {where} is not valid text (bytes that are not UTF-8, as a terminal or "
        "script in another encoding sends); nothing was done. Type it again with the terminal "
        "set to UTF-8."
    )
