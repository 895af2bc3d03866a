"""Text cells for files a spreadsheet opens (CSV, XLSX): never a formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (CSV injection, OWASP): a reason typed into the app such as
``=HYPERLINK("http://…")`` would act when a supervisor opens the export. Such a cell is written
with a leading apostrophe, which spreadsheets show as text and hide; a program reading the
file back removes one leading apostrophe from a cell whose next character is one of those.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """*value*, with an apostrophe in front when a spreadsheet would take it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_text_cell(cell: str) -> str:
    """The value :func:`as_text_cell` was given (for a program reading an export back)."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
