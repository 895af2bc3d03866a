"""The guard against PySide6 6.12's reference-count defect keeps a long session alive."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import ui  # applies ui.compat
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QIdentityProxyModel, QModelIndex, QObject, Qt, Signal

app = QCoreApplication([])

class Emitter(QObject):
    fired = Signal(int)

class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3
    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None

e = Emitter()
seen = []
e.fired.connect(seen.append)
for i in range(50_000):
    e.fired.emit(i)
model = Model()
proxy = QIdentityProxyModel()
proxy.setSourceModel(model)
index = proxy.index(1, 1)
for _ in range(50_000):
    proxy.data(index, Qt.ItemDataRole.ToolTipRole)
print("alive", len(seen))
"""


def test_many_emits_and_none_returns_do_not_abort_the_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "alive 50000"
