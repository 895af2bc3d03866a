"""The domain and the sync client never import Qt (Anki's split between library and GUI)."""

import subprocess
import sys


def test_fieldapp_and_sync_client_leave_pyside6_out() -> None:
    code = (
        "import sys, importlib, pkgutil, fieldapp\n"
        "for m in pkgutil.walk_packages(fieldapp.__path__, 'fieldapp.'):\n"
        "    importlib.import_module(m.name)\n"
        "import sync.protocol\n"
        "try:\n"
        "    import sync.client\n"
        "except ModuleNotFoundError as e:\n"
        "    if e.name != 'sync.client': raise\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
