"""Complete, valid event payloads for the tests (synthetic answers only)."""

from __future__ import annotations

from typing import Any


def welfare_payload(**fields: Any) -> dict[str, Any]:
    """A complete, valid welfare check (person reached, all well)."""
    return {
        "method": "phone",
        "attempt": 1,
        "reached": "yes",
        "respondent": "self",
        "health": "usual",
        "meals_24h": 2,
        "medication": "taken",
        "mood": "usual",
        "suicidal_talk": "none",
        "social_contact_7d": True,
        "went_out_7d": True,
        "risk_signs": [],
        "actions_taken": [],
        "escalation_level": 0,
        "notes": "잘 지내심",
        **fields,
    }
