"""The form-file loader: optional ``sections`` grouping the fields, checked at load."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fieldapp.errors import AssetError
from fieldapp.resources import asset_path
from ui.forms import spec as spec_module
from ui.forms.spec import form_from_data, load_form


def _data(form_id: str) -> dict[str, Any]:
    return json.loads(asset_path("forms", f"{form_id}.json").read_text(encoding="utf-8"))


def _ids(form: Any) -> list[list[str]]:
    return [[f.id for f in s.fields] for s in form.sections]


def test_welfare_check_has_its_sections_in_field_order() -> None:
    form = load_form("welfare_check")
    assert [s.id for s in form.sections] == [
        "contact",
        "health_life",
        "risk_environment",
        "actions",
    ]
    assert [s.title_ko for s in form.sections] == [
        "연락",
        "건강·생활",
        "위험 신호·환경",
        "대응·메모",
    ]
    assert all(s.title_en for s in form.sections)
    raw_ids = [f["id"] for f in _data("welfare_check")["fields"]]
    assert [f.id for f in form.fields()] == raw_ids, "every field once, in the file's order"
    assert _ids(form)[0] == ["method", "attempt", "reached", "seen_in_person", "respondent"]
    assert "suicidal_talk" in _ids(form)[1] and "escalation_level" in _ids(form)[3]


def test_visit_keeps_vitals_first_then_its_sections() -> None:
    form = load_form("visit")
    assert [s.id for s in form.sections] == ["vitals", "health_care", "lifestyle"]
    assert form.sections[0].fields[0].id == "vitals.bp.0.systolic"
    assert [f.id for s in form.sections[1:] for f in s.fields] == [
        f["id"] for f in _data("visit")["fields"]
    ]


def test_a_form_without_sections_is_one_group_titled_after_the_form() -> None:
    data = _data("welfare_check")
    del data["sections"]
    form = form_from_data(data, "welfare_check", "welfare_check.json")
    assert len(form.sections) == 1
    assert form.sections[0].title_ko == "안부확인" and form.sections[0].title_en == "Welfare check"
    assert [f.id for f in form.fields()] == [f["id"] for f in data["fields"]]
    visit = _data("visit")
    del visit["sections"]
    titles = [s.title_ko for s in form_from_data(visit, "visit", "visit.json").sections]
    assert titles == ["활력징후", "생활 상황"]


def test_sections_may_list_fields_in_their_own_order() -> None:
    data = _data("welfare_check")
    data["sections"][0]["fields"] = ["reached", "method", "attempt", "seen_in_person", "respondent"]
    form = form_from_data(data, "welfare_check", "welfare_check.json")
    assert _ids(form)[0][:3] == ["reached", "method", "attempt"]


def _bad(mutate: Any) -> str:
    data = copy.deepcopy(_data("welfare_check"))
    mutate(data)
    with pytest.raises(AssetError) as err:
        form_from_data(data, "welfare_check", "welfare_check.json")
    return str(err.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(lambda d: d.update(sections={}), "'sections' must be", id="not-a-list"),
        pytest.param(lambda d: d.update(sections=[]), "'sections' must be", id="empty"),
        pytest.param(lambda d: d["sections"].append("x"), "sections[4]", id="not-an-object"),
        pytest.param(lambda d: d["sections"][1].pop("id"), "sections[1]: needs", id="no-id"),
        pytest.param(
            lambda d: d["sections"][2].update(id="contact"),
            "section 'contact': duplicate section id",
            id="duplicate-id",
        ),
        pytest.param(
            lambda d: d["sections"][0].update(title_en=""), "'title_en'", id="empty-title"
        ),
        pytest.param(
            lambda d: d["sections"][3].update(fields=[]), "section 'actions': 'fields'", id="none"
        ),
        pytest.param(
            lambda d: d["sections"][1]["fields"].append("pulse"),
            "section 'health_life': 'pulse' is not the id of a field",
            id="unknown-field",
        ),
        pytest.param(
            lambda d: d["sections"][1]["fields"].append({"id": "mood"}),
            "section 'health_life': {'id': 'mood'} is not the id",
            id="field-object",
        ),
        pytest.param(
            lambda d: d["sections"][3]["fields"].append("method"),
            "field 'method' is already in section 'contact'",
            id="twice",
        ),
        pytest.param(
            lambda d: d["sections"][3]["fields"].remove("notes"),
            "fields not in any section: notes",
            id="left-out",
        ),
    ],
)
def test_a_bad_sections_entry_names_the_file_and_the_entry(mutate: Any, expected: str) -> None:
    message = _bad(mutate)
    assert message.startswith("welfare_check.json: ")
    assert expected in message


def test_load_form_reports_the_file_of_a_bad_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data("visit")
    data["sections"][0]["fields"].append("waist")
    (tmp_path / "visit.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(spec_module, "asset_path", lambda *parts: tmp_path / parts[-1])
    with pytest.raises(AssetError, match=r"^visit\.json: section 'health_care': 'waist'"):
        load_form("visit")


def test_the_domain_still_reads_the_form_files() -> None:
    from fieldapp.validation import parse_form

    for form_id in ("welfare_check", "visit"):
        form = parse_form(asset_path("forms", f"{form_id}.json"))
        assert [f.id for f in form.fields] == [f["id"] for f in _data(form_id)["fields"]]
