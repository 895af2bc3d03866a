"""Form descriptions the builder draws: from instrument JSON and from ``assets/forms/*.json``.

A form is a list of sections of :class:`FieldSpec`. Field ids are dotted paths into the
event payload (``"vitals.bp.0.systolic"``); :func:`nest` turns flat values into the payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fieldapp.errors import AssetError
from fieldapp.instruments import Instrument
from fieldapp.resources import asset_path

KINDS = ("choice", "multi", "int", "number", "text", "longtext", "bool", "date")


@dataclass(frozen=True)
class OptionSpec:
    value: Any
    label_ko: str
    label_en: str
    points: int | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One input of a form."""

    id: str
    kind: str
    label_ko: str
    label_en: str
    options: tuple[OptionSpec, ...] = ()
    required: bool = False
    min: float | None = None
    max: float | None = None
    unit: str = ""
    help_ko: str = ""
    help_en: str = ""
    #: Show only when another field has one of these values: (field id, values).
    visible_when: tuple[str, tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class SectionSpec:
    title_ko: str
    title_en: str
    fields: tuple[FieldSpec, ...]
    help_ko: str = ""
    help_en: str = ""


@dataclass(frozen=True)
class FormSpec:
    """A whole form: what it records (event type) and how it is drawn."""

    id: str
    event_type: str  # screening | welfare_check | visit
    title_ko: str
    title_en: str
    sections: tuple[SectionSpec, ...]
    instrument: Instrument | None = None
    notice_ko: str = ""
    notice_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> list[FieldSpec]:
        return [f for s in self.sections for f in s.fields]

    def field(self, field_id: str) -> FieldSpec:
        for f in self.fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)


# ------------------------------------------------------------------ instruments


def instrument_form(instrument: Instrument) -> FormSpec:
    """The form of a screening instrument: its items, or a total for score-entry tools."""
    fields: list[FieldSpec] = []
    if instrument.score_entry:
        fields.append(
            FieldSpec(
                id="total",
                kind="int",
                label_ko=f"총점 ({instrument.total_min}–{instrument.total_max})",
                label_en=f"Total score ({instrument.total_min}–{instrument.total_max})",
                required=True,
                min=instrument.total_min,
                max=instrument.total_max,
                unit="점",
            )
        )
    else:
        for n, item in enumerate(instrument.items or (), start=1):
            if item.kind == "count":
                fields.append(
                    FieldSpec(
                        id=f"answers.{item.id}",
                        kind="int",
                        label_ko=f"{n}. {item.text_ko}",
                        label_en=f"{n}. {item.text_en}",
                        required=True,
                        min=item.min,
                        max=item.max,
                        help_ko=item.note,
                    )
                )
                continue
            fields.append(
                FieldSpec(
                    id=f"answers.{item.id}",
                    kind="choice",
                    label_ko=f"{n}. {item.text_ko}",
                    label_en=f"{n}. {item.text_en}",
                    options=tuple(
                        OptionSpec(o.value, o.label_ko, o.label_en, o.points) for o in item.options
                    ),
                    required=True,
                )
            )
    sections = [
        SectionSpec(
            title_ko=instrument.stem_ko or instrument.name_ko,
            title_en=instrument.stem_en or instrument.name_en,
            fields=tuple(fields),
        )
    ]
    context_fields = [
        FieldSpec(
            id=f"context.{name}",
            kind="int",
            label_ko={"age": "나이", "education_years": "교육 연수"}.get(name, name),
            label_en={"age": "Age", "education_years": "Years of education"}.get(name, name),
            required=True,
            min=0,
            max=130 if name == "age" else 30,
            unit={"age": "세", "education_years": "년"}.get(name, ""),
        )
        for name in instrument.context_required
    ]
    if context_fields:
        sections.insert(0, SectionSpec("대상자 정보", "About the person", tuple(context_fields)))
    notice = ""
    if instrument.norms is not None and instrument.norms.sample:
        notice = instrument.norms.notice_ko
    return FormSpec(
        id=f"screening:{instrument.id}",
        event_type="screening",
        title_ko=instrument.name_ko,
        title_en=instrument.name_en,
        sections=tuple(sections),
        instrument=instrument,
        notice_ko=notice,
        notice_en=instrument.norms.notice_en if notice and instrument.norms else "",
    )


# ------------------------------------------------------------------ assets/forms/*.json


def _option(raw: Any) -> OptionSpec:
    if isinstance(raw, dict):
        return OptionSpec(
            raw.get("value"),
            str(raw.get("label_ko", raw.get("value"))),
            str(raw.get("label_en", raw.get("label_ko", raw.get("value")))),
            raw.get("points"),
        )
    return OptionSpec(raw, str(raw), str(raw))


def _field(raw: dict[str, Any], path: str) -> FieldSpec:
    kind = raw.get("kind") or raw.get("type") or "text"
    kind = {
        "integer": "int",
        "float": "number",
        "select": "choice",
        "multiselect": "multi",
        "boolean": "bool",
        "textarea": "longtext",
        "string": "text",
        "enum": "choice",
        "multi_choice": "multi",
        "single_choice": "choice",
        "multi_select": "multi",
    }.get(kind, kind)
    if kind not in KINDS:
        raise AssetError(f"{path}: field {raw.get('id')!r} has an unknown kind {kind!r}")
    rng = raw.get("range") or {}
    when = raw.get("visible_when") or raw.get("show_if")
    visible = None
    if isinstance(when, dict) and "field" in when:
        values = when.get("in", when.get("values", [when.get("value")]))
        visible = (str(when["field"]), tuple(values if isinstance(values, list) else [values]))
    return FieldSpec(
        id=str(raw["id"]),
        kind=kind,
        label_ko=str(raw.get("label_ko", raw["id"])),
        label_en=str(raw.get("label_en", raw.get("label_ko", raw["id"]))),
        options=tuple(_option(o) for o in raw.get("options", ()) or ()),
        required=bool(raw.get("required", False)),
        min=raw.get("min", rng.get("min")),
        max=raw.get("max", rng.get("max")),
        unit=str(raw.get("unit", "")),
        help_ko=str(raw.get("help_ko", raw.get("hint_ko", ""))),
        help_en=str(raw.get("help_en", raw.get("hint_en", ""))),
        visible_when=visible,
    )


def load_form(form_id: str) -> FormSpec:
    """The form ``assets/forms/<form_id>.json`` (welfare_check, visit) as a :class:`FormSpec`."""
    path = asset_path("forms", f"{form_id}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AssetError(f"{path}: cannot read the form ({err})") from err
    sections_raw = data.get("sections")
    if sections_raw is None:
        sections_raw = [{"title_ko": data.get("title_ko", ""), "fields": data.get("fields", [])}]
    sections = []
    for s in sections_raw:
        sections.append(
            SectionSpec(
                title_ko=str(s.get("title_ko", s.get("label_ko", ""))),
                title_en=str(s.get("title_en", s.get("label_en", ""))),
                fields=tuple(_field(f, str(path)) for f in s.get("fields", [])),
                help_ko=str(s.get("help_ko", "")),
                help_en=str(s.get("help_en", "")),
            )
        )
    return FormSpec(
        id=str(data.get("id", form_id)),
        event_type=str(data.get("event_type", form_id)),
        title_ko=str(data.get("title_ko", data.get("name_ko", form_id))),
        title_en=str(data.get("title_en", data.get("name_en", form_id))),
        sections=tuple(sections),
        notice_ko=str(data.get("notice_ko", data.get("warning_ko", ""))),
        notice_en=str(data.get("notice_en", data.get("warning_en", ""))),
        extra={k: v for k, v in data.items() if k not in ("sections", "fields")},
    )


# ------------------------------------------------------------------ values <-> payload


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{"a.b": 1, "a.c.0.x": 2}`` into ``{"a": {"b": 1, "c": [{"x": 2}]}}``.

    Empty values (None, "", []) are left out, and list entries that end up empty vanish.
    """
    root: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "" or value == []:
            continue
        parts = key.split(".")
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append({} if not last else None)
                if last:
                    node[idx] = value
                else:
                    if node[idx] is None:
                        node[idx] = [] if nxt_is_index else {}
                    node = node[idx]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return _prune(root)


def _prune(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _prune(v) for k, v in node.items() if _prune(v) not in ({}, [], None)}
    if isinstance(node, list):
        return [p for p in (_prune(v) for v in node) if p not in ({}, [], None)]
    return node


def flatten(payload: Any, prefix: str = "") -> dict[str, Any]:
    """The inverse of :func:`nest` (lists of scalars stay lists: multi-select values)."""
    out: dict[str, Any] = {}
    if isinstance(payload, dict):
        for k, v in payload.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(payload, list) and payload and all(isinstance(v, dict) for v in payload):
        for i, v in enumerate(payload):
            out.update(flatten(v, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = payload
    return out
