"""Parse a household list exported by a 동 주민센터 (CSV) into wire-shaped household records.

Pure: bytes in, an :class:`ImportReport` out; nothing is written anywhere. The caller
(``fieldapp-server import-households``) imports every row or none: it imports only when
``report.problems`` is empty.

* Encodings: UTF-8 with or without BOM, and CP949 (a superset of EUC-KR), tried in that order;
  the report says which one was used.
* Headers in Korean or English (see :data:`COLUMNS`); one row is one single-person household.
* Every row is validated; each problem names its line (as an editor shows it, header = 1),
  its column (as written in the file), the value and what to do, in English and Korean.
* A column that is, or a value that looks like, a 주민등록번호 is refused (개인정보 보호법
  제24조의2): the value is never echoed back.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

from fieldapp.address import clean, normalize_road_address
from fieldapp.districts import District, Dong, get_district
from fieldapp.hangul import with_particle
from fieldapp.phone import normalize_phone
from fieldapp.programme_time import programme_today

# ----------------------------------------------------------------------------- columns

#: Field -> accepted header spellings (compared after :func:`header_key`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("성명", "이름", "성함", "대상자명", "대상자", "name", "full_name"),
    "birth_date": ("생년월일", "출생일", "birth_date", "date_of_birth", "dob"),
    "sex": ("성별", "sex", "gender"),
    "phone": ("연락처", "전화번호", "휴대전화", "휴대폰", "핸드폰", "phone", "mobile", "tel"),
    "address_road": ("도로명주소", "주소", "address_road", "road_address", "address"),
    "address_detail": ("상세주소", "address_detail", "detail_address"),
    "dong": ("행정동", "행정동명", "행정동코드", "관할동", "동", "dong", "dong_code", "dong_name"),
    "household_type": ("가구유형", "가구구분", "household_type"),
    "risk_level": ("위험도", "위험등급", "위험수준", "risk_level", "risk"),
    "care_group": ("관리군", "관리구분", "방문건강관리군", "care_group"),
    "isolation_band": (
        "고립위험",
        "고립도",
        "사회적고립",
        "고립위험도",
        "isolation_band",
        "isolation",
    ),
    "notes": ("비고", "메모", "특이사항", "notes", "note"),
    "emergency_name": (
        "비상연락처성명",
        "비상연락인",
        "보호자",
        "보호자성명",
        "emergency_contact_name",
        "emergency_name",
    ),
    "emergency_relation": (
        "비상연락처관계",
        "관계",
        "보호자관계",
        "emergency_contact_relation",
        "emergency_relation",
    ),
    "emergency_phone": (
        "비상연락처",
        "비상연락처전화",
        "보호자연락처",
        "emergency_contact_phone",
        "emergency_phone",
    ),
    "consent_general": ("개인정보동의", "일반동의", "개인정보수집동의", "consent_general"),
    "consent_health": ("건강정보동의", "민감정보동의", "consent_health"),
    "welfare_worker": (
        "돌봄단담당",
        "안부확인담당",
        "돌봄단",
        "welfare_worker",
        "welfare_check_worker",
    ),
    "health_worker": (
        "방문간호담당",
        "방문건강담당",
        "간호사",
        "health_worker",
        "visiting_health_worker",
    ),
}
REQUIRED = ("name", "address_road", "dong", "household_type")

HOUSEHOLD_TYPES: dict[str, str] = {
    "elderly_alone": "elderly_alone",
    "독거어르신": "elderly_alone",
    "독거노인": "elderly_alone",
    "노인1인가구": "elderly_alone",
    "midlife_alone": "midlife_alone",
    "중장년": "midlife_alone",
    "중장년1인가구": "midlife_alone",
    "youth_alone": "youth_alone",
    "청년": "youth_alone",
    "청년1인가구": "youth_alone",
    "jjokbang": "jjokbang",
    "쪽방": "jjokbang",
    "쪽방주민": "jjokbang",
    "other": "other",
    "기타": "other",
}
RISK_LEVELS = {
    **{k: "high" for k in ("high", "상", "고", "고위험", "높음")},
    **{k: "medium" for k in ("medium", "중", "중위험", "보통")},
    **{k: "low" for k in ("low", "하", "저", "저위험", "낮음")},
}
CARE_GROUPS = {
    **{k: "intensive" for k in ("intensive", "집중관리군", "집중")},
    **{k: "regular" for k in ("regular", "정기관리군", "정기")},
    **{k: "self_support" for k in ("self_support", "자기역량지원군", "자기역량", "건강군")},
}
ISOLATION_BANDS = {
    **{k: "general" for k in ("general", "일반", "0")},
    **{k: "low" for k in ("low", "저", "저위험", "낮음")},
    **{k: "medium" for k in ("medium", "중", "중위험", "보통")},
    **{k: "high" for k in ("high", "고", "고위험", "높음")},
}
SEXES = {
    **{k: "M" for k in ("m", "male", "남", "남자", "남성")},
    **{k: "F" for k in ("f", "female", "여", "여자", "여성")},
    **{k: "X" for k in ("x", "기타")},
}
_YES = frozenset({"y", "yes", "true", "o", "예", "네", "동의", "유"})
_NO = frozenset({"n", "no", "false", "x", "아니오", "아니요", "미동의", "비동의", "무"})

#: Headers that name a 주민등록번호 (법 제24조의2) or another unique identifier (법 제24조).
_RRN_HEADERS = (
    "주민등록번호",
    "주민번호",
    "residentregistrationn",
    "residentnumber",
    "juminbeonho",
)
_RRN_HEADER_NAMES = frozenset({"rrn", "jumin", "주민등록"})
_OTHER_ID_HEADERS = ("외국인등록번호", "여권번호", "운전면허번호", "passportn", "driverlicense")
#: A 주민등록번호 (or 외국인등록번호) in a value, also when masked after the sex digit.
RRN_VALUE = re.compile(r"(?<!\d)\d{6}[\s-]?[1-8](?:\d{6}|\*{6})(?!\d)")
_MASK = "******-*******"

_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?(?:\s+0{1,2}:00(?::00)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$"),
)


def header_key(text: str) -> str:
    """Comparable form of a header: NFC, case-folded, no spaces/punctuation/(필수) marks."""
    text = unicodedata.normalize("NFC", text or "").replace("\ufeff", "")
    text = re.sub(r"\((?:필수|선택|required|optional)\)|\*", "", text, flags=re.I)
    return re.sub(r"[\s_\-·.()/]", "", text).casefold()


_HEADER_FIELDS: dict[str, str] = {
    header_key(spelling): name for name, spellings in COLUMNS.items() for spelling in spellings
}


_FIELD_HELP = {
    "name": "성명 (required)",
    "birth_date": "1948-03-15, 1948.03.15 or 19480315",
    "sex": "남/여 or M/F",
    "phone": "010-1234-5678, 02-123-4567 (stored as +82...)",
    "address_road": "도로명주소, e.g. 월드컵로12길 34 (required; 서울특별시 and the 구 are added)",
    "address_detail": "상세주소: 동·층·호",
    "dong": "행정동 name or code (required)",
    "household_type": "독거어르신, 중장년 1인가구, 청년 1인가구, 쪽방, 기타 (required)",
    "risk_level": "고/중/저 or high/medium/low",
    "care_group": "집중관리군, 정기관리군, 자기역량지원군",
    "isolation_band": "일반, 저, 중, 고",
    "notes": "free text (never a 주민등록번호)",
    "emergency_name": "비상연락처 name",
    "emergency_relation": "relation, e.g. 자녀",
    "emergency_phone": "비상연락처 phone",
    "consent_general": "Y/N or the date consent was given",
    "consent_health": "Y/N or the date (민감정보, separate consent)",
    "welfare_worker": "username of the 돌봄단 volunteer",
    "health_worker": "username of the 방문간호사",
}


def column_help() -> str:
    """The accepted columns, one per line, for the import command's ``--help``."""
    lines = []
    for fld, spellings in COLUMNS.items():
        korean = [s for s in spellings if not s.isascii()]
        english = [s for s in spellings if s.isascii()]
        lines.append(f"  {' / '.join(korean[:2] + english[:1])}: {_FIELD_HELP[fld]}")
    lines.append("  No 주민등록번호 column or value is accepted (개인정보 보호법 제24조의2).")
    return "\n".join(lines)


def template_csv() -> str:
    """An empty import file: the Korean header row (save it as UTF-8 or CP949)."""
    return ",".join(spellings[0] for spellings in COLUMNS.values()) + "\r\n"


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in the file: line as an editor shows it (header = 1; 0 = whole file)."""

    line: int
    column: str | None
    value: str | None
    message: str
    message_ko: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        if self.column:
            where += f", column {self.column!r}"
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}{shown}: {self.message}"


@dataclass
class ImportReport:
    """What a CSV holds: valid households, and every problem found. Import only if ``ok``."""

    rows_ok: list[dict[str, Any]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)  # line of each rows_ok entry
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None  # "utf-8-sig", "utf-8" or "cp949"
    rows_total: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header as written -> field
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is valid (and there is at least one): safe to import all."""
        return not self.problems and bool(self.rows_ok)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{self.rows_total} rows read ({self.encoding or 'unknown encoding'}): "
            f"{len(self.rows_ok)} valid, {len(self.problems)} problems"
        )


class _Row:
    """Problems of one row, collected while its fields are parsed."""

    def __init__(self, line: int, headers: dict[str, str], problems: list[RowProblem]) -> None:
        self.line, self.headers, self.problems, self.bad = line, headers, problems, False

    def problem(self, fld: str, value: str | None, message: str, message_ko: str) -> None:
        self.bad = True
        self.problems.append(
            RowProblem(self.line, self.headers.get(fld, fld) or None, value, message, message_ko)
        )


# ----------------------------------------------------------------------------- decoding


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 (BOM or not) strictly, else CP949; ValueError otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is neither UTF-8 nor CP949/EUC-KR (undecodable byte at offset "
            f"{exc.start}); save it again as 'CSV UTF-8' from the spreadsheet program"
        ) from None


# ----------------------------------------------------------------------------- parsing


def parse_household_csv(
    source: bytes | PathLike[str] | Path,
    *,
    district_code: str,
    dongs: Iterable[tuple[str, str]] | None = None,
    today: date | None = None,
    id_factory: Callable[[], str] | None = None,
    allow_extra_columns: bool = False,
) -> ImportReport:
    """Parse and validate a household CSV for the district *district_code*.

    *dongs* are the district's (code, name) pairs (default: those in ``assets/districts``).
    Unknown columns are problems unless *allow_extra_columns* (then listed as ignored).
    *id_factory* makes household and person ids (default: uuid4).
    """
    report = ImportReport()
    make_id = id_factory or (lambda: str(uuid.uuid4()))
    today = today or programme_today()
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    try:
        district = get_district(district_code)
    except ValueError as exc:
        report.problems.append(
            RowProblem(0, None, district_code, str(exc), "알 수 없는 자치구 코드입니다.")
        )
        return report
    dong_list = (
        tuple(Dong(c, n, district.code, "given") for c, n in dongs)
        if dongs is not None
        else district.dongs
    )
    district = District(
        district.code, district.name, district.name_en, district.code_system, dong_list
    )
    if not dong_list:
        report.problems.append(
            RowProblem(
                0,
                None,
                district.code,
                f"{district.name} has no 행정동 list to check the dong column against; "
                "create the district's dongs first",
                f"{district.name}의 행정동 목록이 없습니다. 행정동을 먼저 등록하십시오.",
            )
        )
        return report
    try:
        text, report.encoding = decode_csv_bytes(data)
    except ValueError as exc:
        report.problems.append(
            RowProblem(
                0,
                None,
                None,
                str(exc),
                "파일 인코딩을 알 수 없습니다. 'CSV UTF-8' 형식으로 다시 저장하십시오.",
            )
        )
        return report
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        report.problems.append(
            RowProblem(1, None, None, f"unreadable header: {exc}", "머리글 행을 읽을 수 없습니다.")
        )
        return report
    fields_by_index = _map_headers(header, report, allow_extra_columns)
    if fields_by_index is None:
        return report
    headers = {f: header[i].strip() for i, f in fields_by_index.items()}
    rrn_columns = {i for i, f in fields_by_index.items() if f == "__rrn__"}
    seen: dict[tuple[Any, ...], int] = {}
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.problems.append(
                RowProblem(
                    start, None, None, f"broken CSV quoting: {exc}", "따옴표가 맞지 않습니다."
                )
            )
            break
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        report.rows_total += 1
        row = _Row(line, headers, report.problems)
        if len(cells) > len(header):
            row.problem(
                "",
                None,
                f"the row has {len(cells)} cells but the header has {len(header)} columns; "
                "check for an unquoted comma",
                f"칸 수({len(cells)})가 머리글({len(header)})보다 많습니다. 쉼표가 들어간 값은 따옴표로 감싸십시오.",
            )
            continue
        for i, cell in enumerate(cells):
            if i not in rrn_columns and RRN_VALUE.search(cell):
                row.problems.append(
                    RowProblem(
                        line,
                        header[i].strip(),
                        _MASK,
                        "this value looks like a 주민등록번호, which may not be collected "
                        "(개인정보 보호법 제24조의2); delete it from the file and import again",
                        "주민등록번호로 보이는 값입니다. 개인정보 보호법 제24조의2에 따라 수집할 수 "
                        "없으니 파일에서 지우고 다시 가져오십시오.",
                    )
                )
                row.bad = True
        values = {f: cells[i] if i < len(cells) else "" for i, f in fields_by_index.items()}
        household = _household(values, row, district, today, make_id)
        if household is None or row.bad:
            continue
        person = household["persons"][0]
        key = (
            person["name"],
            person["birth_date"],
            household["address_road"],
            household["address_detail"],
        )
        if key in seen:
            row.problem(
                "name",
                person["name"],
                f"the same person (name, birth date and address) is already on line {seen[key]}; "
                "delete one of the two rows",
                f"{seen[key]}번째 줄과 같은 사람(이름·생년월일·주소)입니다. 한 줄을 지우십시오.",
            )
            continue
        seen[key] = line
        report.rows_ok.append(household)
        report.row_lines.append(line)
    if report.rows_total == 0 and not report.problems:
        report.problems.append(
            RowProblem(0, None, None, "the file has no household rows", "가구 행이 없습니다.")
        )
    return report


def _map_headers(
    header: list[str], report: ImportReport, allow_extra: bool
) -> dict[int, str] | None:
    """Map column index -> field; record problems; None when rows cannot be read at all."""
    mapped: dict[int, str] = {}
    fatal = False
    if not any(h.strip() for h in header):
        report.problems.append(
            RowProblem(
                1,
                None,
                None,
                "the first line must be the column headers",
                "첫 줄은 머리글이어야 합니다.",
            )
        )
        return None
    for i, raw in enumerate(header):
        key, shown = header_key(raw), raw.strip()
        if not key:
            continue
        if key in _RRN_HEADER_NAMES or any(k in key for k in _RRN_HEADERS):
            report.problems.append(
                RowProblem(
                    1,
                    shown,
                    None,
                    "a 주민등록번호 column may not be imported: 개인정보 보호법 제24조의2 forbids "
                    "collecting resident registration numbers without a specific legal basis. "
                    "Delete the whole column from the file (birth date and sex have their own "
                    "columns) and import again",
                    "주민등록번호 열은 가져올 수 없습니다(개인정보 보호법 제24조의2: 법적 근거 없는 "
                    "주민등록번호 처리 금지). 파일에서 이 열을 통째로 지우고(생년월일·성별은 따로 "
                    "적습니다) 다시 가져오십시오.",
                )
            )
            mapped[i] = "__rrn__"
            continue
        if any(k in key for k in _OTHER_ID_HEADERS):
            report.problems.append(
                RowProblem(
                    1,
                    shown,
                    None,
                    "a unique identifier column (고유식별정보: 외국인등록번호, 여권번호, "
                    "운전면허번호) may not be imported (개인정보 보호법 제24조); delete the column",
                    "고유식별정보 열은 가져올 수 없습니다(개인정보 보호법 제24조). 이 열을 지우십시오.",
                )
            )
            mapped[i] = "__rrn__"
            continue
        fld = _HEADER_FIELDS.get(key)
        if fld is None:
            if allow_extra:
                report.ignored_columns.append(shown)
            else:
                report.problems.append(
                    RowProblem(
                        1,
                        shown,
                        None,
                        f"unknown column {shown!r}: rename it to one of "
                        f"{', '.join(c[0] for c in COLUMNS.values())} or delete it",
                        f"알 수 없는 열 {shown!r}: 정해진 열 이름으로 바꾸거나 지우십시오.",
                    )
                )
            continue
        if fld in mapped.values():
            report.problems.append(
                RowProblem(
                    1,
                    shown,
                    None,
                    f"two columns mean {fld!r}; keep one",
                    f"같은 항목({COLUMNS[fld][0]}) 열이 두 개입니다. 하나만 남기십시오.",
                )
            )
            fatal = True
            continue
        mapped[i] = fld
        report.columns[shown] = fld
    missing = [f for f in REQUIRED if f not in mapped.values()]
    for fld in missing:
        report.problems.append(
            RowProblem(
                1,
                COLUMNS[fld][0],
                None,
                f"required column {COLUMNS[fld][0]} ({fld}) is missing; add it",
                f"필수 열 {with_particle(COLUMNS[fld][0], '이/가')} 없습니다. 추가하십시오.",
            )
        )
    return None if missing or fatal else mapped


_NORMALIZED: dict[int, dict[str, str]] = {}


def _normalized(table: dict[str, str]) -> dict[str, str]:
    """*table* keyed by :func:`header_key` (computed once per table)."""
    found = _NORMALIZED.get(id(table))
    if found is None:
        found = _NORMALIZED[id(table)] = {header_key(k): v for k, v in table.items()}
    return found


def _choice(row: _Row, fld: str, raw: str, table: dict[str, str], label_ko: str) -> str | None:
    value = clean(raw)
    if not value:
        return None
    found = _normalized(table).get(header_key(value))
    if found is None:
        accepted = ", ".join(sorted({k for k in table if not k.isascii()} | set(table.values())))
        row.problem(
            fld,
            value,
            f"{value!r} is not a known {fld}; use one of: {accepted}",
            f"{label_ko} 값 {with_particle(repr(value), '을/를')} 알 수 없습니다. "
            f"다음 중 하나로 입력하십시오: {accepted}",
        )
    return found


def parse_date(raw: str, today: date) -> date:
    """Parse a (birth or consent) date as exports write it; ValueError says how to write it instead."""
    value = clean(raw)
    if re.fullmatch(r"\d{6}", value):
        raise ValueError(
            "six-digit dates are ambiguous: write the year with four digits, e.g. 1948-03-15"
        )
    for form in _DATE_FORMS:
        m = form.match(value)
        if m:
            try:
                parsed = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise ValueError(f"{value!r} is not a real date") from None
            if parsed > today:
                raise ValueError(f"{value} is in the future")
            if parsed.year < 1900:
                raise ValueError(f"{value} is before 1900")
            return parsed
    raise ValueError(f"{value!r} is not a date; write it like 1948-03-15")


def _consent(row: _Row, fld: str, raw: str, today: date) -> dict[str, Any] | None:
    value = clean(raw)
    if not value:
        return None
    key = header_key(value)
    if key in _YES:
        return {"given": True, "date": None, "recorded_by": None}
    if key in _NO:
        return {"given": False, "date": None, "recorded_by": None}
    text = re.sub(r"^(동의|y|yes)\s*", "", value, flags=re.I)
    try:
        when = parse_date(text, today)
    except ValueError:
        row.problem(
            fld,
            value,
            f"{value!r} is not a consent answer: write Y/예/동의, N/아니오, or the date consent was given",
            f"동의 값 {with_particle(repr(value), '을/를')} 알 수 없습니다. "
            "예/아니오 또는 동의한 날짜를 입력하십시오.",
        )
        return None
    return {"given": True, "date": when.isoformat(), "recorded_by": None}


def _phone(row: _Row, fld: str, raw: str) -> str | None:
    value = clean(raw)
    if not value:
        return None
    try:
        return normalize_phone(value)
    except ValueError as exc:
        row.problem(
            fld,
            value,
            str(exc),
            f"전화번호 {with_particle(repr(value), '이/가')} 올바르지 않습니다. "
            "예: 010-1234-5678, 02-123-4567",
        )
        return None


def _household(
    values: dict[str, str],
    row: _Row,
    district: District,
    today: date,
    make_id: Callable[[], str],
) -> dict[str, Any] | None:
    """Build one household dict from a row's values, or record why not."""
    name = clean(values.get("name", ""))
    if not name:
        row.problem("name", "", "the name is empty", "성명이 비어 있습니다.")
    elif len(name) > 100 or re.search(r"\d", name):
        row.problem(
            "name",
            name,
            "a name has no digits and at most 100 characters",
            "성명에 숫자가 있거나 너무 깁니다.",
        )
    birth: str | None = None
    if clean(values.get("birth_date", "")):
        try:
            birth = parse_date(values["birth_date"], today).isoformat()
        except ValueError as exc:
            row.problem(
                "birth_date",
                clean(values["birth_date"]),
                str(exc),
                "생년월일이 올바르지 않습니다. 예: 1948-03-15",
            )
    sex = _choice(row, "sex", values.get("sex", ""), SEXES, "성별")
    phone = _phone(row, "phone", values.get("phone", ""))
    road_raw = values.get("address_road", "")
    road = ""
    try:
        road = normalize_road_address(road_raw, district.name)
    except ValueError as exc:
        row.problem(
            "address_road",
            clean(road_raw),
            str(exc),
            "도로명주소가 올바르지 않습니다. 예: 서울특별시 마포구 월드컵로12길 34",
        )
    detail = clean(values.get("address_detail", "")) or None
    dong_raw = clean(values.get("dong", ""))
    dong = district.dong(dong_raw)
    if dong is None:
        known = ", ".join(d.name for d in district.dongs)
        row.problem(
            "dong",
            dong_raw,
            f"{dong_raw!r} is not a 행정동 of {district.name}; use one of: {known}"
            if dong_raw
            else f"the 행정동 is empty; use one of: {known}",
            f"{district.name}의 행정동이 아닙니다. 다음 중 하나로 적으십시오: {known}",
        )
    htype_raw = clean(values.get("household_type", ""))
    htype = _choice(row, "household_type", htype_raw, HOUSEHOLD_TYPES, "가구유형")
    if not htype_raw:
        row.problem(
            "household_type", "", "the household type is empty", "가구유형이 비어 있습니다."
        )
    risk = _choice(row, "risk_level", values.get("risk_level", ""), RISK_LEVELS, "위험도")
    care = _choice(row, "care_group", values.get("care_group", ""), CARE_GROUPS, "관리군")
    band = _choice(
        row, "isolation_band", values.get("isolation_band", ""), ISOLATION_BANDS, "고립위험"
    )
    notes = clean(values.get("notes", "")) or None
    if notes and len(notes) > 2000:
        row.problem(
            "notes",
            notes[:40] + "...",
            "notes longer than 2000 characters",
            "비고가 2000자를 넘습니다.",
        )
    contacts: list[dict[str, Any]] = []
    ec_name = clean(values.get("emergency_name", ""))
    ec_relation = clean(values.get("emergency_relation", "")) or None
    ec_phone = _phone(row, "emergency_phone", values.get("emergency_phone", ""))
    if ec_name or ec_phone:
        if not ec_name:
            row.problem(
                "emergency_name",
                "",
                "an emergency phone needs the contact's name",
                "비상연락처 전화번호에는 연락할 사람의 이름이 필요합니다.",
            )
        contacts.append({"name": ec_name, "relation": ec_relation, "phone": ec_phone})
    consent_general = _consent(row, "consent_general", values.get("consent_general", ""), today)
    consent_health = _consent(row, "consent_health", values.get("consent_health", ""), today)
    assignments: dict[str, str] = {}
    for fld, programme in (
        ("welfare_worker", "welfare_check"),
        ("health_worker", "visiting_health"),
    ):
        user = clean(values.get(fld, ""))
        if not user:
            continue
        if not _USERNAME.match(user):
            row.problem(
                fld,
                user,
                "a worker is named by username (letters, digits, . _ -)",
                "담당자는 사용자 아이디로 적으십시오.",
            )
        else:
            assignments[programme] = user
    if row.bad or dong is None or htype is None:
        return None
    return {
        "id": make_id(),
        "district_code": district.code,
        "dong_code": dong.code,
        "household_type": htype,
        "address_road": road,
        "address_detail": detail,
        "phone": phone,
        "risk_level": risk,
        "care_group": care,
        "isolation_band": band,
        "notes": notes,
        "emergency_contacts": contacts,
        "consent_general": consent_general,
        "consent_health": consent_health,
        "persons": [
            {"id": make_id(), "name": name, "birth_date": birth, "sex": sex, "phone": phone}
        ],
        "assignments": assignments,
        "assignment_history": [],
        "field_versions": {},
        "alert_active": False,
    }
