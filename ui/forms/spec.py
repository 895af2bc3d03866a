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

KINDS = ("choice", "multi", "int", "number", "text", "longtext", "bool", "date", "derived")


@dataclass(frozen=True)
class OptionSpec:
    value: Any
    label_ko: str
    label_en: str
    points: int | None = None
    #: Offered only while this condition holds (확인 방법 = 방문: no 전화 꺼짐).
    shown_when: dict[str, Any] | None = None


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
    #: Show only when this condition on the other fields holds (instrument condition language,
    #: ``{"field": id, "op": ..., "value": ...}``; evaluated with ``{"field": values}``).
    visible_when: dict[str, Any] | None = None
    default: Any = None
    #: Required whenever shown (the form file's ``required_when`` is the show condition).
    required_when_shown: bool = False
    #: A fact about the household that answers this field ("person.sex"): when it is known
    #: the field is filled from it and not asked (see ``FormWidget.set_known``).
    known_from: str = ""
    #: The most characters a text takes (a counter shows how many are used).
    max_length: int | None = None


@dataclass(frozen=True)
class SectionSpec:
    """A titled group of fields, drawn as its own box in field order."""

    title_ko: str
    title_en: str
    fields: tuple[FieldSpec, ...]
    help_ko: str = ""
    help_en: str = ""
    id: str = ""


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
    # The stem ("지난 2주 동안…") is a sentence: it goes under a short title, where it can
    # wrap, instead of into the box's one-line title (cut off in English).
    sections = [
        SectionSpec(
            title_ko=instrument.name_ko,
            title_en=instrument.name_en,
            fields=tuple(fields),
            help_ko=instrument.stem_ko or "",
            help_en=instrument.stem_en or "",
        )
    ]
    from fieldapp.scoring import CONTEXT_LABELS_KO, CONTEXT_RANGES, CONTEXT_UNITS_KO

    context_fields = [
        FieldSpec(
            id=f"context.{name}",
            kind="int",
            label_ko=CONTEXT_LABELS_KO.get(name, name),
            label_en={"age": "Age", "education_years": "Years of education"}.get(name, name),
            required=True,
            min=CONTEXT_RANGES.get(name, (0, 130))[0],
            max=CONTEXT_RANGES.get(name, (0, 130))[1],
            unit=CONTEXT_UNITS_KO.get(name, ""),
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


def _option(raw: Any, prefix: str = "") -> OptionSpec:
    if isinstance(raw, dict):
        when = raw.get("shown_when")
        return OptionSpec(
            raw.get("value"),
            str(raw.get("label_ko", raw.get("value"))),
            str(raw.get("label_en", raw.get("label_ko", raw.get("value")))),
            raw.get("points"),
            _prefixed(when, prefix) if isinstance(when, dict) else None,
        )
    return OptionSpec(raw, str(raw), str(raw))


_KIND_ALIASES = {
    "integer": "int",
    "float": "number",
    "select": "choice",
    "enum": "choice",
    "multiselect": "multi",
    "boolean": "bool",
    "textarea": "longtext",
    "string": "text",
}


def _plain_field(raw: dict[str, Any], path: str, prefix: str = "") -> FieldSpec:
    kind = raw.get("type") or raw.get("kind") or "text"
    kind = _KIND_ALIASES.get(kind, kind)
    if kind == "text" and int(raw.get("max_length", 0) or 0) > 200:
        kind = "longtext"
    if kind in ("int", "number") and raw.get("options"):
        kind = "choice"  # a number picked from a short list (escalation level 0-3)
    if kind not in KINDS:
        raise AssetError(f"{path}: field {raw.get('id')!r} has an unknown type {kind!r}")
    when = raw.get("required_when") if not raw.get("required") else None
    help_ko = raw.get("help_ko") or raw.get("warning_ko") or ""
    help_en = raw.get("help_en") or raw.get("warning_en") or ""
    return FieldSpec(
        id=prefix + str(raw["id"]),
        kind=kind,
        label_ko=str(raw.get("label_ko", raw["id"])),
        label_en=str(raw.get("label_en", raw.get("label_ko", raw["id"]))),
        options=tuple(_option(o, prefix) for o in raw.get("options", ()) or ()),
        required=bool(raw.get("required", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        unit=str(raw.get("unit", "")),
        help_ko=str(help_ko),
        help_en=str(help_en),
        visible_when=_prefixed(when, prefix) if isinstance(when, dict) else None,
        default=raw.get("default"),
        required_when_shown=isinstance(when, dict) and kind != "bool",
        known_from=str(raw.get("known_from", "")),
        max_length=int(raw["max_length"]) if raw.get("max_length") else None,
    )


def _prefixed(cond: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A condition whose ``field`` names carry *prefix* (fields nested under a payload key)."""
    if not prefix:
        return cond
    out: dict[str, Any] = {}
    for key, value in cond.items():
        if key in ("all", "any"):
            out[key] = [_prefixed(c, prefix) for c in value]
        elif key == "not":
            out[key] = _prefixed(value, prefix)
        elif key == "field":
            out[key] = prefix + str(value)
        else:
            out[key] = value
    return out


def _compound_fields(raw: dict[str, Any], path: str, prefix: str) -> list[FieldSpec]:
    """Blood-pressure readings and glucose (value + timing) as plain fields."""
    kind = raw.get("type")
    fields: list[FieldSpec] = []
    if kind == "bp_readings":
        expected = int((raw.get("readings") or {}).get("expected", 2))
        for i in range(expected):
            for part in raw.get("parts", []):
                spec = _plain_field(part, path, f"{prefix}{raw['id']}.{i}.")
                fields.append(
                    FieldSpec(
                        **{
                            **spec.__dict__,
                            "label_ko": f"{i + 1}회차 {spec.label_ko}",  # as vitals.py says it
                            "label_en": f"{spec.label_en} (reading {i + 1})",
                        }
                    )
                )
    else:
        for part in raw.get("parts", []):
            spec = _plain_field(part, path, f"{prefix}{raw['id']}.")
            fields.append(spec)
    return fields


def _fields_of(raws: list[dict[str, Any]], path: str, prefix: str = "") -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for raw in raws:
        if raw.get("type") in ("bp_readings", "glucose") or (
            raw.get("parts") and raw.get("type") != "derived"
        ):
            out.extend(_compound_fields(raw, path, prefix))
        else:
            out.append(_plain_field(raw, path, prefix))
    return out


def load_form(form_id: str) -> FormSpec:
    """The form ``assets/forms/<form_id>.json`` (welfare_check, visit) as a :class:`FormSpec`.

    A ``vitals`` block (the visit) becomes its own first section with its fields under the
    payload key it names. The ``fields`` follow: grouped as the optional ``sections`` list says
    (see :func:`parse_sections`), else in one section titled after the form.
    """
    path = asset_path("forms", f"{form_id}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AssetError(f"{path}: cannot read the form ({err})") from err
    return form_from_data(data, form_id, path.name)


def form_from_data(data: dict[str, Any], form_id: str, name: str) -> FormSpec:
    """A :class:`FormSpec` from a parsed form file; *name* (the file's) prefixes every error."""
    if not isinstance(data, dict):
        raise AssetError(f"{name}: a form file is a JSON object")
    sections: list[SectionSpec] = []
    vitals = data.get("vitals")
    if vitals:
        key = str(vitals.get("payload_key", "vitals"))
        sections.append(
            SectionSpec(
                title_ko="활력징후",
                title_en="Vital signs",
                fields=tuple(_fields_of(vitals.get("fields", []), name, f"{key}.")),
                help_ko=str(vitals.get("protocol_ko", "")),
                help_en=str(vitals.get("protocol_en", "")),
                id="vitals",
            )
        )
    raws = data.get("fields") or []
    if not isinstance(raws, list) or not all(isinstance(r, dict) and "id" in r for r in raws):
        raise AssetError(f"{name}: 'fields' must be a list of objects with an 'id'")
    groups = {str(r["id"]): _fields_of([r], name) for r in raws}
    fields = [f for group in groups.values() for f in group]
    if "sections" in data:
        sections.extend(parse_sections(data["sections"], groups, name))
    elif fields:
        title_ko = "생활 상황" if vitals else str(data.get("title_ko", form_id))
        title_en = "Daily life" if vitals else str(data.get("title_en", form_id))
        sections.append(SectionSpec(title_ko, title_en, tuple(fields), id="fields"))
    return FormSpec(
        id=str(data.get("id", form_id)),
        event_type=str(data.get("event_type", form_id)),
        title_ko=str(data.get("title_ko", form_id)),
        title_en=str(data.get("title_en", form_id)),
        sections=tuple(sections),
        extra={k: v for k, v in data.items() if k not in ("sections", "fields", "vitals")},
    )


def parse_sections(raw: Any, groups: dict[str, list[FieldSpec]], name: str) -> list[SectionSpec]:
    """The form file's ``sections``: ``[{id, title_ko, title_en, fields: [field id, ...]}]``.

    Sections only group the form's ``fields`` list for display (the payload and the domain's
    validation do not change); each field belongs to exactly one section and is drawn in the
    order its section lists it (*groups*: each entry of ``fields`` by id, as the one or more
    inputs it makes). Raises :class:`AssetError` naming *name* and the bad entry.
    """
    if not isinstance(raw, list) or not raw:
        raise AssetError(f"{name}: 'sections' must be a non-empty list of section objects")
    placed: dict[str, str] = {}  # field id -> section id
    out: list[SectionSpec] = []
    for i, entry in enumerate(raw):
        where = f"{name}: sections[{i}]"
        if not isinstance(entry, dict):
            raise AssetError(f"{where}: must be an object with id, title_ko, title_en, fields")
        sid = entry.get("id")
        if not isinstance(sid, str) or not sid:
            raise AssetError(f"{where}: needs a non-empty string 'id'")
        where = f"{name}: section {sid!r}"
        if any(s.id == sid for s in out):
            raise AssetError(f"{where}: duplicate section id")
        for key in ("title_ko", "title_en"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise AssetError(f"{where}: needs a non-empty string {key!r}")
        members = entry.get("fields")
        if not isinstance(members, list) or not members:
            raise AssetError(f"{where}: 'fields' must be a non-empty list of field ids")
        for fid in members:
            if not isinstance(fid, str) or fid not in groups:
                raise AssetError(f"{where}: {fid!r} is not the id of a field in 'fields'")
            if fid in placed:
                raise AssetError(f"{where}: field {fid!r} is already in section {placed[fid]!r}")
            placed[fid] = sid
        out.append(
            SectionSpec(
                title_ko=entry["title_ko"],
                title_en=entry["title_en"],
                fields=tuple(f for fid in members for f in groups[fid]),
                help_ko=str(entry.get("help_ko", "")),
                help_en=str(entry.get("help_en", "")),
                id=sid,
            )
        )
    missing = [fid for fid in groups if fid not in placed]
    if missing:
        raise AssetError(f"{name}: fields not in any section: {', '.join(missing)}")
    return out


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
