"""The household list model and its filter proxy: Qt model contract, search, filters, collation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from ui.households_model import (
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdRow,
    HouseholdTableModel,
    make_search_text,
)


def row(i: int, name: str, dong: str, phone: str, **kw: Any) -> HouseholdRow:
    address = kw.pop("address", f"서울특별시 마포구 월드컵로 {i}")
    return HouseholdRow(
        id=f"h{i}",
        name=name,
        address=address,
        dong=dong,
        phone=phone,
        household_type=kw.pop("household_type", "elderly_alone"),
        risk_level=kw.pop("risk_level", "low"),
        care_group=kw.pop("care_group", None),
        programmes=kw.pop("programmes", ("welfare_check",)),
        due_state=kw.pop("due_state", None),
        search_text=make_search_text(name, address, phone, dong),
    )


ROWS = [
    row(1, "하나윤", "성산1동", "010-0111-2222", risk_level="high", due_state="overdue"),
    row(2, "가람", "망원2동", "010-0333-4444", care_group="intensive"),
    row(3, "나은", "성산2동", "02-0123-4567", programmes=("visiting_health",)),
    row(
        4,
        "김민서",
        "서교동",
        "010-0555-6666",
        risk_level="high",
        address="서울특별시 마포구 양화로 45",
    ),
]


@pytest.fixture
def model(ui_app: Any) -> HouseholdTableModel:
    m = HouseholdTableModel()
    m.set_rows(list(ROWS))
    return m


@pytest.fixture
def proxy(model: HouseholdTableModel) -> HouseholdFilterProxy:
    p = HouseholdFilterProxy()
    p.setSourceModel(model)
    return p


def names(proxy: HouseholdFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_models_pass_qtmodeltester(
    qtmodeltester: Any, model: HouseholdTableModel, proxy: HouseholdFilterProxy
) -> None:
    qtmodeltester.check(model)
    proxy.set_text("성산")
    qtmodeltester.check(proxy)
    # the tester stays attached: filter, sort and row changes are checked as they happen
    for text in ("성", "성산1", "", "없는사람", "010-0"):
        proxy.set_text(text)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    model.update_row(row(5, "다온", "성산1동", "010-0777-8888"))
    model.set_rows(list(ROWS))


def test_search_matches_name_address_phone_and_dong(proxy: HouseholdFilterProxy) -> None:
    proxy.set_text("성산")
    assert sorted(names(proxy)) == ["나은", "하나윤"]
    proxy.set_text("010-0333")  # typed with dashes
    assert names(proxy) == ["가람"]
    proxy.set_text("01003334444")  # or without
    assert names(proxy) == ["가람"]
    proxy.set_text("양화로")
    assert names(proxy) == ["김민서"]
    proxy.set_text("하나 성산1")  # every word must match
    assert names(proxy) == ["하나윤"]
    proxy.set_text("없는사람")
    assert names(proxy) == []
    proxy.set_text("")
    assert proxy.rowCount() == len(ROWS)


def test_filters_combine_with_search(proxy: HouseholdFilterProxy) -> None:
    proxy.set_filter(HouseholdFilter(risk_level="high"))
    assert sorted(names(proxy)) == ["김민서", "하나윤"]
    proxy.set_filter(HouseholdFilter(text="김", risk_level="high"))
    assert names(proxy) == ["김민서"]
    proxy.set_filter(HouseholdFilter(programme="visiting_health"))
    assert names(proxy) == ["나은"]
    proxy.set_filter(HouseholdFilter(care_group="intensive"))
    assert names(proxy) == ["가람"]
    proxy.set_filter(HouseholdFilter(due_state="overdue"))
    assert names(proxy) == ["하나윤"]


def test_sort_uses_korean_collation_and_keeps_the_filter(proxy: HouseholdFilterProxy) -> None:
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert names(proxy) == ["가람", "김민서", "나은", "하나윤"]
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert names(proxy) == ["하나윤", "나은", "김민서", "가람"]
    proxy.set_text("성산")
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert names(proxy) == ["나은", "하나윤"]
    proxy.sort(5, Qt.SortOrder.AscendingOrder)  # risk: high first
    assert names(proxy)[0] == "하나윤"


def test_update_row_changes_one_row_in_place(
    model: HouseholdTableModel, proxy: HouseholdFilterProxy, qtbot: Any
) -> None:
    changed = row(2, "가람", "성산1동", "010-0333-4444")
    proxy.set_text("성산1")
    assert names(proxy) == ["하나윤"]
    with qtbot.waitSignal(model.dataChanged):
        model.update_row(changed)
    assert sorted(names(proxy)) == ["가람", "하나윤"]


def test_a_saved_record_refreshes_only_its_household_row(
    window: Any, nurse: Any, qtbot: Any, full_loads: list[int]
) -> None:
    from fieldapp import records
    from ui.operations import OpChanges

    page = window.households
    hid = page.model.row_at(0).id
    with nurse.runner.store.atomic() as db:
        db.execute("UPDATE households SET risk_level = 'high' WHERE id = ?", [hid])
    loads = full_loads
    with qtbot.waitSignal(page.model.dataChanged):
        nurse.runner.changed.emit(OpChanges(households=frozenset({hid}), events=True))
    assert not loads, "no full reload for one household"
    assert page.model.row_at(page.model.row_of(hid)).risk_level == "high"
    assert records.get_household(nurse.runner.store, hid)["risk_level"] == "high"


def test_filter_maps_rows_to_the_source(
    model: HouseholdTableModel, proxy: HouseholdFilterProxy
) -> None:
    proxy.set_text("성산")
    for r in range(proxy.rowCount()):
        source = proxy.mapToSource(proxy.index(r, 2))
        assert source.data() == proxy.index(r, 2).data() and source.column() == 2
        assert proxy.mapFromSource(source) == proxy.index(r, 2)
    hidden = model.index(model.row_of("h2"), 0)
    assert not proxy.mapFromSource(hidden).isValid()
    assert proxy.headerData(0, Qt.Orientation.Horizontal) == model.headerData(
        0, Qt.Orientation.Horizontal
    )


def test_selection_follows_its_row_through_filter_and_sort(
    proxy: HouseholdFilterProxy, qtbot: Any
) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    target = names(proxy).index("하나윤")
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().setCurrentIndex(proxy.index(target, 0), flags)

    def selected() -> list[str]:
        return [i.data() for i in view.selectionModel().selectedRows()]

    proxy.set_text("성산")  # still shown, at another row
    assert selected() == ["하나윤"] and view.currentIndex().data() == "하나윤"
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert selected() == ["하나윤"] and view.currentIndex().row() == 0
    proxy.set_text("")
    assert selected() == ["하나윤"]
    proxy.sourceModel().set_rows([dataclasses.replace(r) for r in ROWS])  # fresh, as after a sync
    assert selected() == ["하나윤"] and view.currentIndex().data() == "하나윤"
    proxy.set_text("양화로")  # filtered out: nothing selected
    assert selected() == []


def test_update_row_sorts_again_only_when_its_sort_value_changed(
    model: HouseholdTableModel, proxy: HouseholdFilterProxy, qtbot: Any
) -> None:
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert names(proxy) == ["가람", "김민서", "나은", "하나윤"]
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.update_row(row(2, "가람", "성산1동", "010-0333-4444", risk_level="high"))
    assert not layouts, "the name it is sorted by did not change"
    model.update_row(row(2, "하람", "망원2동", "010-0333-4444"))
    assert names(proxy) == ["김민서", "나은", "하나윤", "하람"]
    model.update_row(row(5, "다온", "성산1동", "010-0777-8888"))  # a new household
    assert names(proxy) == ["김민서", "나은", "다온", "하나윤", "하람"]
