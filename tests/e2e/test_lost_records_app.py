"""The app takes the same way as fieldapp-sync: a database with records missing, or an emptied
one, is refused at the offline unlock with a message (never opened, never set up again); an
online sign-in moves the emptied file aside (kept) and opens a fresh one."""

from __future__ import annotations

from typing import Any

from fieldapp import records
from sync.client import SyncEngine
from tests.helpers.world import PASSWORD


def _dialog(runner: Any, profile: Any, qtbot: Any) -> Any:
    from ui.login import LoginDialog

    dialog = LoginDialog(runner, profile)
    qtbot.addWidget(dialog)
    return dialog


def test_the_app_refuses_a_short_or_emptied_database_and_signs_in_afresh(
    qapp: Any, live: Any, world: Any, laptop: Any, memory_keyring: Any, qtbot: Any
) -> None:
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    device = laptop(world.vol1)
    SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    for i in range(2):
        records.append_event(
            device.store,
            {
                "type": "note",
                "household_id": world.hh[0],
                "programme": "welfare_check",
                "created_by": world.vol1,
                "device_id": device.device_id,
                "payload": {"text": f"메모 {i}"},
            },
        )
    device.close()
    profile = device.profile
    ledger = profile.ledger
    ledger.write({**ledger.read(), "unacknowledged": 5})  # three went missing

    runner = OpRunner(TaskManager(synchronous=True))
    dialog = _dialog(runner, profile, qtbot)
    dialog.password.setText(PASSWORD)
    dialog._submit()
    assert dialog.session is None and not runner.has_store
    shown = dialog.message.text()
    assert "5건" in shown and "2건뿐" in shown and "3건이 없어졌습니다" in shown, shown
    assert "records" not in shown, "said in the UI language, not the CLI's English"

    profile.store_path.write_bytes(b"")  # now emptied
    dialog = _dialog(runner, profile, qtbot)
    dialog.password.setText(PASSWORD)
    dialog._submit()
    assert dialog.session is None and profile.store_path.stat().st_size == 0
    assert "손상" in dialog.message.text(), dialog.message.text()
    assert dialog._online, "a damaged database switches the dialog to the online sign-in"
    assert dialog.username.isEnabled() and dialog.server.text()

    dialog.password.setText(PASSWORD)  # the way out: an online sign-in
    with qtbot.waitSignal(dialog.accepted):
        dialog._submit()
    assert runner.has_store and not runner.store.closed
    (moved,) = profile.path.glob("fieldapp.db.damaged-*")
    assert moved.stat().st_size == 0  # kept as it was
    assert any("moved to" in str(n) for n in profile.login_notices)  # the CLI's English
    from ui.errors import sign_in_notices

    (said,) = sign_in_notices(profile)  # the app's words, in the UI language
    assert str(moved) in said and "옮겨 두었습니다" in said and "moved" not in said, said
    runner.store.close()
