"""The domain's vocabulary: record types, programmes, roles and who may write what.

The laptop, the forms, the validator and the district server all speak these words; the wire
protocol (``sync.protocol``) re-exports them. Pure: no Qt, no HTTP, no database, nothing
imported from ``sync``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    volunteer = "volunteer"  # 우리동네돌봄단
    nurse = "nurse"  # 보건소 방문간호사
    supervisor = "supervisor"
    admin = "admin"


class Programme(StrEnum):
    welfare_check = "welfare_check"  # 안부확인 (돌봄단)
    visiting_health = "visiting_health"  # 방문건강관리 (보건소)


#: The programme a worker role works in (and the only one it may write records of).
ROLE_PROGRAMME: dict[Role, Programme] = {
    Role.volunteer: Programme.welfare_check,
    Role.nurse: Programme.visiting_health,
}


class EventType(StrEnum):
    visit = "visit"
    screening = "screening"
    welfare_check = "welfare_check"
    referral = "referral"
    note = "note"
    access_log = "access_log"
    void = "void"  # cancels the event named in ``amends``
    signal_ack = "signal_ack"  # a person saw an early-warning signal (fieldapp.signals)


#: Event types whose payload a volunteer never receives (clinical details).
CLINICAL_EVENT_TYPES = frozenset({EventType.visit, EventType.screening})

#: The record types each programme keeps. A record labelled with a programme must be one of
#: its types; ``note``, ``referral``, ``access_log``, ``void`` and ``signal_ack`` belong to every
#: programme.
PROGRAMME_EVENT_TYPES: dict[Programme, frozenset[EventType]] = {
    Programme.welfare_check: frozenset(
        {
            EventType.welfare_check,
            EventType.referral,
            EventType.note,
            EventType.access_log,
            EventType.void,
            EventType.signal_ack,
        }
    ),
    Programme.visiting_health: frozenset(
        {
            EventType.visit,
            EventType.screening,
            EventType.referral,
            EventType.note,
            EventType.access_log,
            EventType.void,
            EventType.signal_ack,
        }
    ),
}

#: Household fields a worker may edit; each merges separately with a base version.
EDITABLE_HOUSEHOLD_FIELDS = (
    "phone",
    "address_road",
    "address_detail",
    "household_type",
    "risk_level",
    "care_group",
    "isolation_band",
    "notes",
    "emergency_contacts",
    "consent_general",
    "consent_health",
)

#: Editable household fields that belong to one programme: only a worker of that programme
#: edits them. Every other editable field (contact details, address, household type, risk
#: level, isolation band, notes, general consent) any worker holding the household may edit.
#: The care group (방문건강관리 관리군) sets the nurse's visit cadence and the health-data
#: consent (민감정보, 개인정보 보호법 제23조) covers the nurse's clinical records.
HOUSEHOLD_FIELD_PROGRAMME: dict[str, Programme] = {
    "care_group": Programme.visiting_health,
    "consent_health": Programme.visiting_health,
}
