"""The shape of a household record (가구), as the laptop stores it and the wire carries it.

Pure pydantic, owned by the domain: ``fieldapp.records`` checks a field edit against it and
``sync.protocol`` re-exports it for the wire. Never holds a 주민등록번호.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from fieldapp.vocabulary import Programme


class Strict(BaseModel):
    """Base for household models: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Person(Strict):
    id: str
    name: str = Field(min_length=1, max_length=100)
    birth_date: str | None = Field(default=None, description="YYYY-MM-DD")
    sex: Literal["M", "F", "X"] | None = None
    phone: str | None = Field(default=None, description="E.164, e.g. +821012345678")


class Consent(Strict):
    given: StrictBool
    date: str | None = None
    recorded_by: str | None = None


class EmergencyContact(Strict):
    name: str = Field(min_length=1, max_length=100)
    relation: str | None = None
    phone: str | None = None


class Household(Strict):
    """A household (가구) as it travels on the wire and is kept on the laptop."""

    id: str
    district_code: str
    dong_code: str
    household_type: str  # elderly_alone | midlife_alone | youth_alone | jjokbang | other
    address_road: str
    address_detail: str | None = None
    phone: str | None = None
    risk_level: Literal["low", "medium", "high"] | None = None
    care_group: Literal["intensive", "regular", "self_support"] | None = None
    isolation_band: Literal["general", "low", "medium", "high"] | None = None
    notes: str | None = None
    emergency_contacts: list[EmergencyContact] = Field(default_factory=list)
    consent_general: Consent | None = None
    consent_health: Consent | None = None
    persons: list[Person] = Field(default_factory=list)
    #: programme -> username of the assigned worker (None when unassigned)
    assignments: dict[Programme, str | None] = Field(default_factory=dict)
    #: who held each programme before, newest last: {programme, username, assigned_by, at, reason}
    assignment_history: list[dict[str, Any]] = Field(default_factory=list)
    #: field name -> version; a household edit names the version it was based on
    field_versions: dict[str, StrictInt] = Field(default_factory=dict)
    alert_active: StrictBool = False  # a heat/cold alert covers this household today
