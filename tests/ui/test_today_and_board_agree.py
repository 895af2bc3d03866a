"""Today and the supervisor board show one truth for the same worker: the counts of Today's
line and the board's row, and the board's signal list filtered to that worker.

The test writes records to its district (a PHQ-9 rise, a volunteer's missed calls), so it has
a district of its own instead of the session's shared one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fieldapp import records
from fieldapp.household_state import SIGNAL
from tests.ui.conftest import District, seeded_district
from tests.ui.test_household_state_screens import VH, WC, nurse_household, save


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    """A district of this module's own (the session's is shared and must stay untouched)."""
    with seeded_district(tmp_path_factory.mktemp("own-district")) as made:
        yield made


def test_todays_counts_are_the_boards_counts_for_the_same_worker(
    window: Any, nurse: Any, district: Any, qtbot: Any
) -> None:
    """The nurse's Today line and the supervisor's board row for that nurse count the same
    immediate actions, overdue and due-today work (the same rule over the same records), and
    Today counts its signal rows apart: they read "신호 · …", not 오늘 (they were counted as
    오늘, so Today said 오늘 4 where the board said 1)."""

    from sync.client import SyncEngine
    from sync.client_supervisor import SupervisorClient
    from sync.transport import Transport
    from tests.helpers.world import Api

    hid = nurse_household(nurse)["id"]

    def phq9(days_ago: int, answer: int) -> dict[str, Any]:
        answers = {f"q{i}": (answer if i <= 5 else 0) for i in range(1, 10)}
        when = datetime.now(UTC) - timedelta(days=days_ago)
        return {
            "id": records.new_id(),
            "type": "screening",
            "household_id": hid,
            "programme": VH,
            "created_by": nurse.session.username,
            "device_id": nurse.session.device_id,
            "device_time": when.isoformat(),
            "payload": {"instrument_id": "phq9", "instrument_version": "phq9-ko-mohw-1",
                        "answers": answers},
        }  # fmt: skip

    save(nurse, phq9(40, 0), phq9(0, 2))  # PHQ-9 0 -> 10: a signal on the nurse's Today
    # and a contact signal on a household she shares: the volunteer's to act on, not hers
    shared = next(
        h
        for h in records.list_households(nurse.runner.store)
        if (h.get("assignments") or {}).get(WC) and h["id"] != hid
    )
    volunteer = Api(district.base_url)
    try:
        who = shared["assignments"][WC]
        assert volunteer.login(who, district.users[who]["password"]).ok
        calls = [
            volunteer.event(
                shared["id"],
                "welfare_check",
                {"method": "phone", "attempt": 1, "reached": "no_answer"},
                programme=WC,
                device_time=(datetime.now(UTC) - timedelta(hours=h)).isoformat(),
            )
            for h in (3, 2, 1)
        ]
        assert all(r["status"] == "applied" for r in volunteer.push(calls).json()["results"])
    finally:
        volunteer.close()
    assert SyncEngine(nurse.profile, nurse.runner.store, password=nurse.password).sync_once()
    today = window.today
    today.reload()
    assert any(r.household_id == hid and r.code == SIGNAL for r in today.model.rows())
    numbers = dict(
        zip(
            ("immediate", "signal", "overdue", "due_today", "upcoming"),
            map(int, re.findall(r"\d+", today.summary.text())),
            strict=True,
        )
    )
    cells = [today.model.index(i, 0).data() for i in range(today.model.rowCount())]
    assert numbers["signal"] == sum(1 for c in cells if c.startswith("신호 · "))
    assert numbers["due_today"] == cells.count("오늘")
    assert numbers["overdue"] == cells.count("기한 지남")

    sup = Api(district.base_url)
    try:
        assert sup.login("supervisor1", district.users["supervisor1"]["password"]).ok
        client = SupervisorClient.for_token(Transport(district.base_url, max_attempts=1), sup.token)
        board = client.board()
        board_signals = client.signals()["signals"]
        from ui.operations import OpRunner
        from ui.supervisor.board import BoardPage
        from ui.taskman import TaskManager

        page = BoardPage(OpRunner(TaskManager(synchronous=True)), client)
        qtbot.addWidget(page)
        page.reload()
    finally:
        sup.close()
    # the board's signal list filtered to this nurse is her Today's signal rows
    from ui.supervisor.board_signals import acting_workers

    me = nurse.session.username
    theirs = sorted(
        (r["household_id"], r["text_ko"]) for r in board_signals if me in acting_workers(r)
    )
    mine = sorted(
        (r.household_id, r.item.text_ko.partition(": ")[2])
        for r in today.model.rows()
        if r.code == SIGNAL and r.item
    )
    assert mine and mine == theirs
    # the board's table names the worker as its worker table does (display name, not id)
    shown = page.signals.table
    names = {shown.item(i, 2).text() for i in range(shown.rowCount())}
    assert nurse.profile.info["display_name"] in names
    assert not any(re.fullmatch(r"(nurse|volunteer)\d+", n) for n in names), names
    combo = page.signals.worker
    mine_at = combo.findData(me)
    assert mine_at > 0 and combo.itemText(mine_at) == nurse.profile.info["display_name"]
    assert any(
        r["household_id"] == shared["id"] and me not in acting_workers(r) for r in board_signals
    ), "the shared household's contact signal is on the board, under the volunteer"
    (row,) = [
        w
        for w in board["workers"]
        if w["username"] == nurse.session.username and w["programme"] == VH
    ]
    assert (row["immediate_open"], row["overdue"], row["due_today"]) == (
        numbers["immediate"],
        numbers["overdue"],
        numbers["due_today"],
    ), (row, today.summary.text())
