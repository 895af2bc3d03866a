"""Reads the screens need, run on the database worker (inside operations only)."""

from __future__ import annotations

import functools
from typing import Any

from fieldapp import records
from fieldapp.districts import load_districts
from fieldapp.hangul import initials
from fieldapp.phone import format_phone
from ui.households_model import HouseholdRow, make_search_text


@functools.cache
def dong_names() -> dict[str, str]:
    """Dong code -> name for every 행정동 the district list knows."""
    return {d.code: d.name for district in load_districts().values() for d in district.dongs}


def dong_name(code: str | None) -> str:
    return dong_names().get(code or "", code or "")


def phone_text(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        return format_phone(e164)
    except ValueError:
        return e164


def primary_name(household: dict[str, Any]) -> str:
    persons = household.get("persons") or []
    return persons[0].get("name", "") if persons else ""


def household_label(household: dict[str, Any]) -> str:
    """A short label: name · address."""
    address = household.get("address_road", "")
    if household.get("address_detail"):
        address += f" {household['address_detail']}"
    return f"{primary_name(household)} · {address}"


def row_of(
    household: dict[str, Any], due: dict[str, tuple[str | None, str | None]]
) -> HouseholdRow:
    """The list row of a wire-shaped household; *due* maps id -> (due state, due date)."""
    name = primary_name(household)
    address = household.get("address_road", "")
    if household.get("address_detail"):
        address += f" {household['address_detail']}"
    dong = dong_name(household.get("dong_code"))
    phone = phone_text(household.get("phone"))
    state, date = due.get(household["id"], (None, None))
    programmes = tuple(p for p, who in (household.get("assignments") or {}).items() if who)
    base = household.get("search_text") or records.search_text_for(household)
    return HouseholdRow(
        id=household["id"],
        name=name,
        address=address,
        dong=dong,
        phone=phone,
        household_type=household.get("household_type", ""),
        risk_level=household.get("risk_level"),
        care_group=household.get("care_group"),
        programmes=programmes,
        due_state=state,
        due_date=date,
        # initials(name): 초성 search, "ㅂㅈ" finds 박점순 (fieldapp.hangul)
        search_text=make_search_text(base, name, address, dong, phone, initials(name)),
    )


def load_household_rows(
    store: Any, due: dict[str, tuple[str | None, str | None]] | None = None
) -> list[HouseholdRow]:
    """Every household in scope as list rows."""
    return [row_of(h, due or {}) for h in records.list_households(store)]
