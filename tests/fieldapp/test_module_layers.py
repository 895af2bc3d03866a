"""fieldapp.records and fieldapp.syncstate do not import each other (at any depth of the
module, function-level imports included): both stand on household_rows, clock, amendments."""

from __future__ import annotations

import ast
from pathlib import Path

import fieldapp

ROOT = Path(fieldapp.__file__).parent


def imported(module: str) -> set[str]:
    tree = ast.parse((ROOT / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_records_and_syncstate_do_not_import_each_other() -> None:
    assert not {n for n in imported("records") if n.startswith("fieldapp.syncstate")}
    assert not {n for n in imported("syncstate") if n.startswith("fieldapp.records")}


def test_the_rule_is_pure() -> None:
    for module in ("household_state", "cadence", "amendments", "programme_time"):
        names = imported(module)
        assert not {n for n in names if n.split(".")[0] in ("PySide6", "sync", "sqlite3")}, module
        assert "fieldapp.store" not in names and "fieldapp.records" not in names, module
