"""The district list as data: Seoul's 25 자치구 with 행정표준코드, and 마포구's 행정동."""

import json
from pathlib import Path

import pytest

from fieldapp.districts import (
    DEMO_DISTRICT_CODE,
    find_district,
    get_district,
    load_districts,
    parse_districts,
)
from fieldapp.errors import AssetError
from fieldapp.resources import asset_path


def test_seoul_has_25_districts_with_standard_codes() -> None:
    districts = load_districts()
    assert len(districts) == 25
    assert districts["11110"].name == "종로구"
    assert districts["11740"].name == "강동구"
    assert districts["11545"].name == "금천구"
    assert {d.code_system for d in districts.values()} == {"haengjeong_pyojun"}
    assert len({d.name for d in districts.values()}) == 25


def test_demo_district_has_real_dong_names_with_demo_codes() -> None:
    mapo = get_district(DEMO_DISTRICT_CODE)
    assert mapo.name == "마포구"
    assert len(mapo.dongs) == 16
    assert {d.code_system for d in mapo.dongs} == {"demo"}
    assert mapo.dong("망원 1동") == mapo.dong("망원1동") == mapo.dong(mapo.dongs[10].code)
    assert mapo.dong("망원1동").name == "망원1동"
    assert mapo.dong("없는동") is None
    assert mapo.dong("") is None


def test_find_district_by_name_code_or_english() -> None:
    assert find_district("마포구").code == "11440"
    assert find_district("11440").name == "마포구"
    assert find_district("mapo-gu").code == "11440"
    with pytest.raises(ValueError, match=r"unknown district code '99999'.*11110 종로구"):
        find_district("99999")


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "districts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _base() -> dict:
    return json.loads(asset_path("districts", "seoul.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda d: d["districts"].append(dict(d["districts"][0])), "appears twice"),
        (lambda d: d["districts"][0].update(code="2211"), "five digits"),
        (lambda d: d["districts"][1].pop("name"), "has no 'name'"),
        (lambda d: d.update(code_system="zip"), "unknown code_system"),
        (lambda d: d.pop("source"), "has no 'source'"),
        (lambda d: d["districts"][13]["dongs"][1].update(code="11440-01"), "dong code 11440-01"),
        (lambda d: d["districts"][13]["dongs"][1].update(name="공덕리"), "not a 행정동 name"),
        (lambda d: d["districts"][13]["dongs"][2].pop("code_system"), "has no 'code_system'"),
        (lambda d: d.update(districts=[]), "non-empty list"),
    ],
)
def test_broken_file_names_the_fault(tmp_path: Path, change, fault: str) -> None:
    doc = _base()
    change(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(AssetError, match=fault) as info:
        load_districts(path)
    assert str(path) in str(info.value)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="missing"):
        load_districts(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(AssetError, match="not valid JSON"):
        load_districts(bad)
    with pytest.raises(AssetError, match="top level"):
        parse_districts([], bad)
