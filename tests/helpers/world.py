"""A small synthetic district for server tests, built through sync.server.admin, and a tiny
HTTP client speaking the wire protocol with ``requests``.

Everyone here is made up: names are built from syllables, phones sit in the reserved demo range.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from sync import protocol as p
from sync.server import admin
from tests.helpers.live_server import LiveServer

PASSWORD = "Synthetic-pass-2026"
DISTRICT = "1144000000"
DONG = "1144055500"


def household_wire(hid: str | None = None, **fields: Any) -> dict[str, Any]:
    """A synthetic household in the wire shape."""
    hid = hid or str(uuid.uuid4())
    wire: dict[str, Any] = {
        "id": hid,
        "district_code": DISTRICT,
        "dong_code": DONG,
        "household_type": "elderly_alone",
        "address_road": "서울특별시 마포구 가상로 12",
        "phone": "+821000000001",
        "risk_level": "medium",
        "persons": [{"id": str(uuid.uuid4()), "name": "가나다", "birth_date": "1941-03-02"}],
    }
    wire.update(fields)
    return wire


@dataclass
class World:
    """Users (all with PASSWORD) and households of one district.

    * ``hh[0]``, ``hh[1]``: volunteer ``vol1`` (welfare_check) and nurse ``nurse1``.
    * ``hh[2]``: ``vol2`` and ``nurse2``.   * ``hh[3]``: nobody.
    """

    hh: list[str] = field(default_factory=list)
    vol1: str = "vol1"
    vol2: str = "vol2"
    nurse1: str = "nurse1"
    nurse2: str = "nurse2"
    supervisor: str = "sup1"


def build_world(server: LiveServer, n_extra: int = 0) -> World:
    """Create the district, its users and households (plus *n_extra* more for vol1/nurse1)."""
    world = World()
    with server.session() as s:
        admin.create_district(s, DISTRICT, "마포구")
        admin.create_dong(s, DONG, DISTRICT, "가상동")
        for name, role in (
            (world.vol1, "volunteer"),
            (world.vol2, "volunteer"),
            (world.nurse1, "nurse"),
            (world.nurse2, "nurse"),
            (world.supervisor, "supervisor"),
        ):
            admin.create_user(s, name, role=role, district_code=DISTRICT, password=PASSWORD)
    owners = [
        (world.vol1, world.nurse1),
        (world.vol1, world.nurse1),
        (world.vol2, world.nurse2),
        (None, None),
    ] + [(world.vol1, world.nurse1)] * n_extra
    for vol, nurse in owners:
        assignments = {}
        if vol:
            assignments = {"welfare_check": vol, "visiting_health": nurse}
        with server.session() as s:
            hh = admin.create_household(
                s, household_wire(assignments=assignments), actor=world.supervisor
            )
            world.hh.append(hh.id)
    return world


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Api:
    """One device talking to the server over real HTTP."""

    def __init__(self, base_url: str, device_id: str | None = None) -> None:
        self.base_url = base_url
        self.device_id = device_id or f"dev-{uuid.uuid4().hex[:12]}"
        self.http = requests.Session()
        self.http.headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
        self.username: str | None = None
        self.token: str | None = None
        self.login_body: dict[str, Any] = {}

    def close(self) -> None:
        self.http.close()

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        r = self.http.post(
            self.base_url + p.LOGIN_PATH,
            json={
                "protocol": p.PROTOCOL_VERSION,
                "username": username,
                "password": password,
                "device_id": self.device_id,
                "device_name": "test laptop",
            },
            timeout=30,
        )
        if r.status_code == 200:
            self.login_body = r.json()
            self.token = self.login_body["token"]
            self.username = username
            self.http.headers["Authorization"] = f"Bearer {self.token}"
        return r

    # ------------------------------------------------------------------ items

    def event(
        self,
        household_id: str,
        type: str = "note",
        payload: dict[str, Any] | None = None,
        programme: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A push item holding a new event made by this device's user."""
        return {
            "kind": "event",
            "event": {
                "id": str(uuid.uuid4()),
                "type": type,
                "household_id": household_id,
                "programme": programme,
                "created_by": self.username,
                "device_id": self.device_id,
                "device_time": now_iso(),
                "payload": payload if payload is not None else {"text": "방문 메모"},
                **extra,
            },
        }

    def edit(
        self, household_id: str, field_name: str, value: Any, base_version: int
    ) -> dict[str, Any]:
        """A push item holding a household field edit."""
        return {
            "kind": "household_edit",
            "edit": {
                "id": str(uuid.uuid4()),
                "household_id": household_id,
                "field": field_name,
                "value": value,
                "base_version": base_version,
                "created_by": self.username,
                "device_id": self.device_id,
                "device_time": now_iso(),
            },
        }

    # ------------------------------------------------------------------ calls

    def push(self, items: list[dict[str, Any]], key: str | None = None) -> requests.Response:
        body = {
            "protocol": p.PROTOCOL_VERSION,
            "idempotency_key": key or uuid.uuid4().hex,
            "items": items,
        }
        return self.http.post(self.base_url + p.PUSH_PATH, json=body, timeout=60)

    def pull(self, cursor: str | None = None, **params: Any) -> requests.Response:
        if cursor is not None:
            params["cursor"] = cursor
        return self.http.get(self.base_url + p.PULL_PATH, params=params, timeout=60)

    def pull_all(
        self, cursor: str | None = None, limit: int | None = None
    ) -> tuple[list[dict[str, Any]], str]:
        """Every change after *cursor* (following has_more) and the final cursor."""
        changes: list[dict[str, Any]] = []
        while True:
            params = {} if limit is None else {"limit": limit}
            r = self.pull(cursor, **params)
            r.raise_for_status()
            body = r.json()
            changes.extend(body["changes"])
            cursor = body["cursor"]
            if not body["has_more"]:
                return changes, cursor


PHQ9_ANSWERS = {f"q{i}": 1 for i in range(1, 10)}


def phq9_payload() -> dict[str, Any]:
    return {
        "instrument_id": "phq9",
        "instrument_version": "phq9-ko-mohw-1",
        "answers": PHQ9_ANSWERS,
    }
