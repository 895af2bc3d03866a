"""The PySide6 desktop app. Nothing imports this package.

Importing it applies :mod:`ui.compat` (a guard against a reference-count defect of
PySide6 6.12 on Python 3.11) before any Qt object is used.
"""

from ui import compat as _compat  # noqa: F401  (applied on import)
