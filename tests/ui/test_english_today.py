"""--lang en: Today's urgency column fits its words ("Immediate action" is not cut)."""

from __future__ import annotations

from typing import Any


def test_urgency_column_fits_in_english(ui_app: Any, nurse: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale

    from ui import appsetup
    from ui.households_model import clear_labels
    from ui.mainwindow import MainWindow

    translators = appsetup.install_translators(ui_app, "en")
    clear_labels()
    try:
        win = MainWindow(nurse.runner, nurse.session, start_sync=False)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        table = win.today.table
        model = table.model()
        qtbot.waitUntil(lambda: model.rowCount() > 0)
        texts = {model.index(r, 0).data() for r in range(model.rowCount())}
        texts |= {win.today.model.urgency_text(u) for u in ("immediate", "overdue")}
        assert "Immediate action" in texts
        metrics = table.fontMetrics()
        widest = max(metrics.horizontalAdvance(str(t)) for t in texts if t)
        assert table.columnWidth(0) >= widest
        win.idle.stop()
        win.sync.stop()
    finally:
        for t in translators:
            QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
        clear_labels()
