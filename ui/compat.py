"""Work-arounds for defects of the Qt binding, applied once when ``ui`` is imported.

PySide6 6.12.0 on Python 3.11 releases a reference to ``True``/``False`` on every
``Signal.emit()`` and to ``None`` whenever a Python override returns ``None`` to C++ (a
model's ``data()`` for a role it does not serve): the binding treats these singletons as
immortal, which they are only from Python 3.12 on (PEP 683). After a few thousand emits or
paints the interpreter aborts with ``Fatal Python error: bool_dealloc`` / ``none_dealloc``.
PySide6 6.11.x does not have the defect. Until the binding is fixed (or the app runs on
Python 3.12+), the singletons' reference counts are raised so high that they cannot reach
zero, which is what Python 3.12 does for them anyway.
"""

from __future__ import annotations

import ctypes
import sys

#: A reference count no run of the app can count down.
_IMMORTAL = 1 << 50


def needs_singleton_guard() -> bool:
    """Whether this interpreter/binding pair has the reference-count defect."""
    if sys.version_info >= (3, 12) or hasattr(sys, "getobjects"):  # immortal, or a debug build
        return False
    import PySide6

    return tuple(PySide6.__version_info__[:2]) >= (6, 12)


def guard_singletons() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal; True if it was needed."""
    if not needs_singleton_guard():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        ctypes.c_ssize_t.from_address(id(obj)).value = _IMMORTAL
    return True


GUARDED = guard_singletons()
