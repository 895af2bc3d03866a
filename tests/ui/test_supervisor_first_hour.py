# ruff: noqa: F811  (the fixtures of test_supervisor_screens are imported by name)
"""Issue 15's rough edges of the supervisor screens: translated server refusals, the
reassignment dialog after 적용, its order, its 조건 by dong name, names taking the spare width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHeaderView

from sync.server.models import Assignment
from tests.ui.test_supervisor_screens import (  # noqa: F401  (fixtures)
    cheap_password_hashing,
    client,
    device,
    devices,
    live,
    runner,
)


def _dialog(client: Any, runner: Any, qtbot: Any, **kw: Any) -> Any:
    from ui.supervisor.reassign import ReassignDialog

    dialog = ReassignDialog(runner, client, client.board()["workers"], **kw)
    qtbot.addWidget(dialog)
    return dialog


def test_a_refusal_is_shown_in_korean_from_its_code(world, client, runner, qtbot) -> None:
    dialog = _dialog(client, runner, qtbot)
    dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(world.vol2))
    dialog.run_preview()  # list mode, nothing selected
    assert dialog.error.isVisibleTo(dialog)
    assert dialog.error.text() == "선택한 가구가 없습니다. 목록에서 가구를 하나 이상 고르십시오."
    assert "household list is empty" in dialog.error.toolTip()  # the server's words, kept


def test_every_district_refusal_code_has_a_sentence(ui_app) -> None:
    import ast
    from pathlib import Path

    import sync.server.district as district_pkg
    from ui.server_messages import server_messages

    codes: set[str] = set()
    for path in Path(district_pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "AdminError"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)
            ):
                codes.add(node.args[1].value)
    assert {"empty_selection", "reason_required", "alert_past"} <= codes
    assert codes <= set(server_messages()), codes - set(server_messages())


def test_after_apply_the_panel_shows_what_moved_to_whom(live, world, client, runner, qtbot) -> None:
    dialog = _dialog(client, runner, qtbot)
    dialog.select_households([world.hh[0]])
    dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(world.vol2))
    dialog.reason.setText("담당 지역 조정")
    dialog.run_preview()
    assert "미리보기" in dialog.result_box.title()
    with qtbot.waitSignal(dialog.applied):
        dialog.apply_button.click()
    with live.session() as s:
        assert s.get(Assignment, (world.hh[0], "welfare_check")).username == world.vol2
    assert "미리보기" not in dialog.result_box.title() and "적용됨" in dialog.result_box.title()
    headers = [c.header for c in dialog.preview_model.columns]
    assert headers[-2:] == ["이전 담당", "새 담당"]
    row = [dialog.preview_model.index(0, c).data() for c in range(len(headers))]
    assert row[-2:] == [world.vol1, world.vol2]
    assert "옮겼습니다" in dialog.summary.text()


def test_household_list_order_dong_names_and_widths(world, client, runner, qtbot) -> None:
    dialog = _dialog(client, runner, qtbot)
    risks = [r["risk_level"] for r in dialog.households_model.rows]
    order = {"high": 0, "medium": 1, "low": 2, None: 3}
    assert risks == sorted(risks, key=lambda r: order[r])
    names = [dialog.dong.itemText(i) for i in range(dialog.dong.count())]
    assert names == ["모든 행정동", "가상동"]  # names, not 행정동 codes
    header = dialog.households_view.horizontalHeader()
    headers = [c.header for c in dialog.households_model.columns]
    assert headers == ["가구", "행정동", "위험도", "현재 담당"]  # one programme's worker
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert not header.stretchLastSection()
    dialog.mode.button(1).click()
    dialog.dong.setCurrentIndex(1)
    assert dialog.current_selection()["dong_code"] == "1144055500"


def test_workers_in_natural_order_with_names(ui_app) -> None:
    from ui.supervisor.models import (
        RecordTableModel,
        board_columns,
        by_username,
        person,
        remember_names,
    )

    rows = [
        {"username": u, "display_name": f"이름{u[-2:]}"}
        for u in ("volunteer10", "volunteer2", "volunteer1")
    ]
    model = RecordTableModel(board_columns(), order=by_username)
    model.set_rows(rows)
    assert [r["username"] for r in model.rows] == ["volunteer1", "volunteer2", "volunteer10"]
    remember_names(rows)
    assert person("volunteer10") == "이름10" and person(None) == "—"


def test_export_clears_the_old_complaint_and_saves_from_documents(
    world, client, runner, qtbot, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from ui.supervisor import common
    from ui.supervisor.indicators import IndicatorsPage

    page = IndicatorsPage(runner, client)
    qtbot.addWidget(page)
    page.export("csv", reason="  ", path=tmp_path / "x.csv")
    assert page.error.isVisibleTo(page)
    page.export("csv", reason="분기 보고", path=tmp_path / "x.csv")
    assert not page.error.isVisibleTo(page)
    monkeypatch.setattr(common, "documents_folder", lambda: tmp_path)
    dialog = common.save_file_dialog(page, "저장할 곳", "a.csv", "CSV (*.csv)")
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "위치:"
    assert dialog.labelText(QFileDialog.DialogLabel.FileType) == "파일 형식:"
    assert Path(dialog.directory().absolutePath()) == tmp_path
