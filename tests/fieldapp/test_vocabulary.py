"""The domain owns its vocabulary: ``fieldapp`` imports nothing from ``sync``."""

import ast
from pathlib import Path

import fieldapp
import sync.protocol
from fieldapp import vocabulary

FIELDAPP_DIR = Path(fieldapp.__file__).parent


def _imported_modules(source: str) -> set[str]:
    """Every module named by an import anywhere in *source* (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_fieldapp_module_imports_sync() -> None:
    offenders = {
        str(path.relative_to(FIELDAPP_DIR.parent)): sorted(
            m
            for m in _imported_modules(path.read_text(encoding="utf-8"))
            if m == "sync" or m.startswith("sync.")
        )
        for path in sorted(FIELDAPP_DIR.rglob("*.py"))
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_wire_protocol_re_exports_the_same_vocabulary() -> None:
    for name in ("EventType", "Programme", "Role", "ROLE_PROGRAMME", "CLINICAL_EVENT_TYPES"):
        assert getattr(sync.protocol, name) is getattr(vocabulary, name)


def test_every_programme_keeps_its_own_workers_record_types() -> None:
    assert set(vocabulary.PROGRAMME_EVENT_TYPES) == set(vocabulary.Programme)
    welfare = vocabulary.PROGRAMME_EVENT_TYPES[vocabulary.Programme.welfare_check]
    assert not welfare & vocabulary.CLINICAL_EVENT_TYPES
