"""Household CSV import as 주민센터 exports come: encodings, headers, row problems, no 주민등록번호."""

from collections.abc import Iterator
from datetime import date
from itertools import count
from pathlib import Path

import pytest

from fieldapp.household_csv import RRN_VALUE, decode_csv_bytes, parse_household_csv
from fieldapp.phone import is_demo_phone
from sync.protocol import Household

FIXTURES = Path(__file__).parent.parent / "fixtures"
TODAY = date(2026, 1, 15)
HEADER = "성명,생년월일,성별,연락처,도로명주소,상세주소,행정동,가구유형,위험도,관리군"
GOOD = "하윤솔,1944-05-17,여,010-0100-0001,서울특별시 마포구 다솜로12길 7,2층,공덕동,독거어르신,고,집중관리군"


def _ids() -> Iterator[str]:
    return (f"00000000-0000-4000-8000-{n:012d}" for n in count())


def parse(data: bytes, **kw):
    ids = _ids()
    kw.setdefault("district_code", "11440")
    return parse_household_csv(data, today=TODAY, id_factory=lambda: next(ids), **kw)


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize(
    ("name", "encoding"), [("households_utf8.csv", "utf-8-sig"), ("households_cp949.csv", "cp949")]
)
def test_committed_fixtures_parse_and_match_the_wire_model(name: str, encoding: str) -> None:
    report = parse_household_csv(FIXTURES / name, district_code="11440", today=TODAY)
    assert report.encoding == encoding
    assert report.problems == []
    assert report.ok and len(report.rows_ok) == report.rows_total == 4
    assert report.row_lines == [2, 3, 4, 5]
    for row in report.rows_ok:
        Household.model_validate(row)
        assert all(is_demo_phone(p["phone"]) for p in row["persons"])
    first = report.rows_ok[0]
    assert first["dong_code"] == "11440-01"  # 공덕동
    assert first["household_type"] == "elderly_alone"
    assert first["risk_level"] == "high" and first["care_group"] == "intensive"
    assert first["emergency_contacts"][0]["phone"] == "+821001001001"
    assert first["consent_general"] == {"given": True, "date": "2024-03-02", "recorded_by": None}
    assert first["persons"][0]["sex"] == "F"
    second = report.rows_ok[1]
    assert second["address_road"] == "서울특별시 마포구 새벽로 21"
    assert second["persons"][0]["birth_date"] == "1951-11-03"
    assert second["consent_health"]["given"] is False


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_encodings_are_detected(encoding: str) -> None:
    report = parse(csv_bytes(HEADER, GOOD, encoding=encoding))
    assert report.ok, report.problems
    assert report.encoding == {"euc-kr": "cp949"}.get(encoding, encoding)
    assert report.rows_ok[0]["persons"][0]["name"] == "하윤솔"


def test_undecodable_file_is_one_clear_problem() -> None:
    with pytest.raises(ValueError, match="neither UTF-8 nor CP949"):
        decode_csv_bytes(b"name\n\xff\xfe\xff")
    report = parse(b"name\n\xff\xfe\xff")
    assert not report.ok
    assert report.problems[0].line == 0 and "CSV UTF-8" in report.problems[0].message


def test_english_headers_tabs_and_dong_codes() -> None:
    data = csv_bytes(
        "name\tbirth_date\tsex\tphone\taddress_road\tdong\thousehold_type\tisolation_band",
        "Ha Yunsol\t1944/05/17\tF\t+82 10 0100 0011\t다솜로12길 9\t11440-16\telderly_alone\thigh",
    )
    report = parse(data)
    assert report.ok, report.problems
    row = report.rows_ok[0]
    assert row["dong_code"] == "11440-16" and row["isolation_band"] == "high"
    assert row["phone"] == "+821001000011"
    assert row["address_road"] == "서울특별시 마포구 다솜로12길 9"


def test_bad_row_reported_with_line_and_column() -> None:
    bad_phone = "도은결,1951-11-03,남,010-12,마포구 새벽로 21,,망원1동,독거어르신,중,정기관리군"
    bad_dong = "맹다람,1968-07-22,남,,새벽로 3,,역삼동,독거어르신,중,"
    report = parse(csv_bytes(HEADER, GOOD, "", bad_phone, bad_dong))
    assert not report.ok
    assert len(report.rows_ok) == 1 and report.rows_total == 3
    assert report.row_lines == [2]
    by_column = {p.column: p for p in report.problems}
    assert by_column["연락처"].line == 4  # the blank line 3 counts as a line in an editor
    assert by_column["연락처"].value == "010-12"
    assert "010-1234-5678" in by_column["연락처"].message
    assert by_column["행정동"].line == 5
    assert "역삼동" in by_column["행정동"].message and "공덕동" in by_column["행정동"].message
    assert by_column["행정동"].message_ko


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ({"생년월일": "440517"}, "생년월일", "four digits"),
        ({"생년월일": "2030-01-01"}, "생년월일", "future"),
        ({"생년월일": "1944-02-30"}, "생년월일", "not a real date"),
        ({"성별": "?"}, "성별", "not a known sex"),
        ({"가구유형": "가족"}, "가구유형", "not a known household_type"),
        ({"가구유형": ""}, "가구유형", "empty"),
        ({"관리군": "특별"}, "관리군", "not a known care_group"),
        ({"도로명주소": "공덕동 123-4"}, "도로명주소", "지번"),
        ({"도로명주소": "서울특별시 종로구 자하문로 12"}, "도로명주소", "종로구"),
        ({"성명": ""}, "성명", "empty"),
        ({"성명": "하윤솔2"}, "성명", "no digits"),
    ],
)
def test_each_bad_value_is_named(cells: dict[str, str], column: str, fragment: str) -> None:
    header = HEADER.split(",")
    values = dict(zip(header, GOOD.split(","), strict=True)) | cells
    report = parse(csv_bytes(HEADER, ",".join(values[h] for h in header)))
    assert not report.ok and report.rows_ok == []
    assert [(p.line, p.column) for p in report.problems] == [(2, column)]
    assert fragment in report.problems[0].message


def test_rrn_column_is_refused_and_never_echoed() -> None:
    rrn = "440517-2" + "000000"
    report = parse(csv_bytes("주민등록번호," + HEADER, f"{rrn}," + GOOD))
    assert not report.ok
    header_problem = report.problems[0]
    assert header_problem.line == 1 and header_problem.column == "주민등록번호"
    assert (
        "제24조의2" in header_problem.message
        and "Delete the whole column" in header_problem.message
    )
    assert "제24조의2" in header_problem.message_ko
    assert rrn not in repr(report)


@pytest.mark.parametrize("header", ["주민번호", "주민 등록 번호", "RRN", "외국인등록번호"])
def test_rrn_like_headers(header: str) -> None:
    report = parse(csv_bytes(f"{header}," + HEADER, "," + GOOD))
    assert report.problems and report.problems[0].column == header
    assert "제24조" in report.problems[0].message


@pytest.mark.parametrize("value", ["4405172000000", "440517-2000000", "440517-2******"])
def test_rrn_values_in_any_column_are_refused(value: str) -> None:
    row = GOOD.replace("2층", value)
    report = parse(csv_bytes(HEADER, row))
    assert not report.ok
    problem = report.problems[0]
    assert (problem.line, problem.column, problem.value) == (2, "상세주소", "******-*******")
    assert "제24조의2" in problem.message
    assert value not in repr(report)


def test_missing_required_and_unknown_columns() -> None:
    report = parse(csv_bytes("성명,좋아하는음식", "하윤솔,국수"))
    columns = {p.column for p in report.problems}
    assert {"도로명주소", "행정동", "가구유형", "좋아하는음식"} <= columns
    assert all(p.line == 1 for p in report.problems)
    relaxed = parse(csv_bytes(HEADER + ",좋아하는음식", GOOD + ",국수"), allow_extra_columns=True)
    assert relaxed.ok and relaxed.ignored_columns == ["좋아하는음식"]


def test_duplicate_person_and_extra_cells() -> None:
    report = parse(csv_bytes(HEADER, GOOD, GOOD, GOOD + ",덤"))
    assert len(report.rows_ok) == 1 and report.row_lines == [2]
    assert [p.line for p in report.problems] == [3, 4]
    assert "line 2" in report.problems[0].message
    assert "unquoted comma" in report.problems[1].message


def test_empty_file_and_unknown_district() -> None:
    assert "no household rows" in parse(csv_bytes(HEADER)).problems[0].message
    assert "first line" in parse(b"").problems[0].message
    assert (
        "unknown district"
        in parse(csv_bytes(HEADER, GOOD), district_code="99999").problems[0].message
    )


def test_dongs_given_by_the_caller() -> None:
    report = parse(csv_bytes(HEADER, GOOD.replace("공덕동", "가동")), dongs=[("X-1", "가동")])
    assert report.ok and report.rows_ok[0]["dong_code"] == "X-1"
    none = parse(csv_bytes(HEADER, GOOD), district_code="11110")  # 종로구: no dongs in the asset
    assert "행정동 list" in none.problems[0].message


def test_rrn_pattern_spares_phones_and_dates() -> None:
    for harmless in ("010-0100-0001", "+821001000001", "1944-05-17", "20240302", "서교동 12-3"):
        assert not RRN_VALUE.search(harmless)


def test_template_and_help_cover_every_column() -> None:
    from fieldapp.household_csv import COLUMNS, column_help, template_csv

    report = parse(template_csv().encode("cp949"))
    assert set(report.columns.values()) == set(COLUMNS)
    assert "no household rows" in report.problems[0].message
    help_text = column_help()
    assert help_text.count("\n") == len(COLUMNS)
    assert "성명" in help_text and "제24조의2" in help_text
