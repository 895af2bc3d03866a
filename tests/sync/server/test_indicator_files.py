"""The indicator files a supervisor opens in a spreadsheet hold no formula, whatever a dong
was named (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from sync.server.indicators import IndicatorRow, IndicatorTable, to_csv, to_xlsx


def _table(breakdown: str) -> IndicatorTable:
    row = IndicatorRow(
        indicator="visits",
        label_ko="방문",
        label_en="visits",
        unit="건",
        breakdown=breakdown,
        value=7,
    )
    return IndicatorTable(
        district_code="11440",
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        rows=[row],
        note="n",
    )


def test_a_formula_in_a_name_is_text_in_csv_and_xlsx() -> None:
    named = '=HYPERLINK("http://203.0.113.7","공덕동")'
    rows = list(csv.reader(io.StringIO(to_csv(_table(named)).decode("utf-8-sig"))))
    assert rows[-1][4] == "'" + named and rows[-1][5] == "7"
    sheet = load_workbook(io.BytesIO(to_xlsx(_table(named)))).active
    assert sheet is not None
    cell = sheet.cell(row=6, column=5)
    assert cell.value == named and cell.data_type == "s"  # a string, not a formula
    plain = list(csv.reader(io.StringIO(to_csv(_table("공덕동")).decode("utf-8-sig"))))
    assert plain[-1][4] == "공덕동"
