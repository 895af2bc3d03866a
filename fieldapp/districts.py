"""Seoul's districts (자치구) and their 행정동, loaded from ``assets/districts/seoul.json``.

Each code is stored with its code system: districts use the 행정표준코드 시군구 part
(``haengjeong_pyojun``); the demo district's dongs carry synthetic codes (``demo``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fieldapp.errors import AssetError
from fieldapp.resources import asset_path

#: The asset file with Seoul's districts.
SEOUL_FILE = ("districts", "seoul.json")
#: Code systems a district or dong code may carry.
CODE_SYSTEMS = frozenset({"haengjeong_pyojun", "haengjeong_gigwan", "demo"})
#: The district the demo uses (마포구): the one with 행정동 in the asset.
DEMO_DISTRICT_CODE = "11440"

_DISTRICT_CODE = re.compile(r"^11\d{3}$")


@dataclass(frozen=True)
class Dong:
    """A 행정동: the 주민센터's area, which cases belong to."""

    code: str
    name: str
    district_code: str
    code_system: str


@dataclass(frozen=True)
class District:
    """A 자치구 with its 행정동 (may be empty when the asset lists none)."""

    code: str
    name: str
    name_en: str
    code_system: str
    dongs: tuple[Dong, ...]

    def dong(self, text: str) -> Dong | None:
        """Return the dong named or coded by *text* (e.g. ``"망원1동"``, ``"망원 1동"``, a code)."""
        key = dong_key(text)
        if not key:
            return None
        for dong in self.dongs:
            if key in (dong.code.casefold(), dong_key(dong.name)):
                return dong
        return None


def dong_key(text: str) -> str:
    """Comparable form of a dong name or code: NFC, no spaces, no middle dots, case-folded."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"[\s·.ㆍ・,]", "", text).casefold()


def _fail(path: Path, fault: str) -> AssetError:
    return AssetError(f"{path}: {fault}. Fix the file (or reinstall the app) and start again.")


def _text(path: Path, obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where} has no '{key}' text")
    return value


def parse_districts(doc: Any, path: Path) -> dict[str, District]:
    """Validate a parsed districts document; return districts by code. AssetError names faults."""
    if not isinstance(doc, dict):
        raise _fail(path, "the top level must be an object")
    system = _text(path, doc, "code_system", "the file")
    if system not in CODE_SYSTEMS:
        raise _fail(path, f"unknown code_system {system!r} (known: {sorted(CODE_SYSTEMS)})")
    _text(path, doc, "source", "the file")
    items = doc.get("districts")
    if not isinstance(items, list) or not items:
        raise _fail(path, "'districts' must be a non-empty list")
    districts: dict[str, District] = {}
    names: set[str] = set()
    dong_codes: set[str] = set()
    for i, item in enumerate(items):
        where = f"districts[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, f"{where} must be an object")
        code = _text(path, item, "code", where)
        name = _text(path, item, "name", where)
        where = f"district {code} ({name})"
        if system == "haengjeong_pyojun" and not _DISTRICT_CODE.match(code):
            raise _fail(path, f"{where}: code must be five digits starting with 11")
        if code in districts:
            raise _fail(path, f"{where}: code {code} appears twice")
        if name in names:
            raise _fail(path, f"{where}: name {name} appears twice")
        names.add(name)
        dongs_raw = item.get("dongs", [])
        if not isinstance(dongs_raw, list):
            raise _fail(path, f"{where}: 'dongs' must be a list")
        dongs: list[Dong] = []
        dong_names: set[str] = set()
        for j, d in enumerate(dongs_raw):
            dwhere = f"{where} dongs[{j}]"
            if not isinstance(d, dict):
                raise _fail(path, f"{dwhere} must be an object")
            dcode = _text(path, d, "code", dwhere)
            dname = _text(path, d, "name", dwhere)
            dsystem = _text(path, d, "code_system", dwhere)
            if dsystem not in CODE_SYSTEMS:
                raise _fail(path, f"{dwhere}: unknown code_system {dsystem!r}")
            if not dname.endswith("동"):
                raise _fail(path, f"{dwhere}: name {dname!r} is not a 행정동 name (ends in 동)")
            if dcode in dong_codes:
                raise _fail(path, f"{dwhere}: dong code {dcode} appears twice")
            if dong_key(dname) in dong_names:
                raise _fail(path, f"{dwhere}: dong name {dname} appears twice")
            dong_codes.add(dcode)
            dong_names.add(dong_key(dname))
            dongs.append(Dong(dcode, dname, code, dsystem))
        districts[code] = District(
            code=code,
            name=name,
            name_en=str(item.get("name_en", "")),
            code_system=system,
            dongs=tuple(dongs),
        )
    return districts


def load_districts(path: Path | None = None) -> dict[str, District]:
    """Load and validate a districts file (default: Seoul's); AssetError names the fault."""
    if path is None:
        return dict(_seoul())
    return _load(path)


def _load(path: Path) -> dict[str, District]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(path, "the file is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"the file cannot be read ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    return parse_districts(doc, path)


@lru_cache(maxsize=1)
def _seoul() -> dict[str, District]:
    return _load(asset_path(*SEOUL_FILE))


def get_district(code: str) -> District:
    """Return Seoul's district with 행정표준코드 *code*; ValueError lists the known codes."""
    districts = _seoul()
    district = districts.get(code.strip())
    if district is None:
        known = ", ".join(f"{d.code} {d.name}" for d in districts.values())
        raise ValueError(f"unknown district code {code!r}; Seoul's district codes are: {known}")
    return district


def find_district(text: str) -> District:
    """Return the district named (``"마포구"``) or coded (``"11440"``) by *text*."""
    key = text.strip()
    for district in _seoul().values():
        if key in (district.code, district.name) or key.casefold() == district.name_en.casefold():
            return district
    return get_district(key)  # raises with the list of known codes
