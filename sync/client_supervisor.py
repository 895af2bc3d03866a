"""A small client for the supervisor routes (``/api/v1/district/...``) and the worker inbox.

No HTTP stack of its own: every call goes through :class:`sync.transport.Transport` (TLS
rules, retries, typed errors) with the signed-in device's token, normally through the sync
engine's own call (:meth:`SupervisorClient.for_engine`), which also renews a stale token and
obeys a wipe order. Answers are the routes' JSON (dicts and lists); no Qt here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from sync import protocol
from sync.transport import Answer, Transport

DISTRICT = f"{protocol.API_PREFIX}/district"
INBOX = f"{protocol.API_PREFIX}/inbox"

#: ``call(method, path, body=..., params=...) -> Answer`` with the device token.
Caller = Callable[..., Answer]


def selection(
    *,
    household_ids: Iterable[str] | None = None,
    from_username: str | None = None,
    dong_code: str | None = None,
    risk_level: str | None = None,
    household_type: str | None = None,
) -> dict[str, Any]:
    """A reassignment selection: a list, a filter, or all of one worker."""
    out: dict[str, Any] = {
        "household_ids": None if household_ids is None else list(household_ids),
        "from_username": from_username,
        "dong_code": dong_code,
        "risk_level": risk_level,
        "household_type": household_type,
    }
    return {k: v for k, v in out.items() if v is not None}


class SupervisorClient:
    """The supervisor workspace's calls. Raises the client errors of :mod:`sync.client_errors`
    (a refused request is a ``ServerError`` whose message is the server's reason)."""

    def __init__(self, call: Caller) -> None:
        self._call = call

    @classmethod
    def for_engine(cls, engine: Any) -> SupervisorClient:
        """Through a :class:`sync.client.SyncEngine`'s own authenticated call."""
        return cls(engine._call)

    @classmethod
    def for_token(cls, transport: Transport, token: str) -> SupervisorClient:
        """Straight over *transport* with a known device token (tools and tests)."""

        def call(method: str, path: str, **kw: Any) -> Answer:
            return transport.request(method, path, token=token, **kw)

        return cls(call)

    def _get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return self._call("GET", path, params=clean or None).data

    def _post(self, path: str, body: Any = None) -> Any:
        return self._call("POST", path, body=body if body is not None else {}).data

    # ------------------------------------------------------------------ board, households

    def board(self) -> dict[str, Any]:
        return self._get(f"{DISTRICT}/board")

    def acknowledge_signal(
        self,
        household_id: str,
        signal_id: str,
        rule: str,
        note: str = "",
        follow_up: date | None = None,
    ) -> dict[str, Any]:
        """Record that the supervisor saw a signal (a ``signal_ack`` sent to its workers)."""
        return self._post(
            f"{DISTRICT}/signals/ack",
            {
                "household_id": household_id,
                "signal_id": signal_id,
                "rule": rule,
                "note": note,
                "follow_up": follow_up.isoformat() if follow_up else None,
            },
        )

    def signals(self, worker: str | None = None, day: date | None = None) -> dict[str, Any]:
        """The district's active early-warning signals (``fieldapp-server signals``)."""
        return self._get(f"{DISTRICT}/signals", worker=worker, day=day.isoformat() if day else None)

    def households(
        self,
        *,
        programme: str | None = None,
        username: str | None = None,
        dong_code: str | None = None,
        risk_level: str | None = None,
    ) -> list[dict[str, Any]]:
        return self._get(
            f"{DISTRICT}/households",
            programme=programme,
            username=username,
            dong_code=dong_code,
            risk_level=risk_level,
        )

    # ------------------------------------------------------------------ reassignment

    @staticmethod
    def _move(
        programme: str, to_username: str, chosen: Mapping[str, Any], reason: str | None
    ) -> dict[str, Any]:
        return {
            "programme": programme,
            "to_username": to_username,
            "selection": dict(chosen),
            "reason": reason,
        }

    def preview(
        self, programme: str, to_username: str, chosen: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The dry run (writes nothing)."""
        return self._post(
            f"{DISTRICT}/assignments/preview", self._move(programme, to_username, chosen, None)
        )

    def reassign(
        self, programme: str, to_username: str, chosen: Mapping[str, Any], reason: str
    ) -> dict[str, Any]:
        """Apply; the answer's ``undo_token`` undoes it with :meth:`undo`."""
        return self._post(
            f"{DISTRICT}/assignments", self._move(programme, to_username, chosen, reason)
        )

    def undo(self, undo_token: str, reason: str | None = None) -> dict[str, Any]:
        return self._post(f"{DISTRICT}/assignments/{undo_token}/undo", {"reason": reason})

    # ------------------------------------------------------------------ inbox, conflicts

    def inbox(self, *, include_acknowledged: bool = False) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/inbox", include_acknowledged=include_acknowledged or None)

    def acknowledge(self, ids: Iterable[int]) -> list[int]:
        return self._post(f"{DISTRICT}/inbox/ack", {"ids": list(ids)})["acknowledged"]

    def my_inbox(self, *, include_acknowledged: bool = False) -> list[dict[str, Any]]:
        """A worker's own hand-over inbox (any role)."""
        return self._get(INBOX, include_acknowledged=include_acknowledged or None)

    def acknowledge_mine(self, ids: Iterable[int]) -> list[int]:
        return self._post(f"{INBOX}/ack", {"ids": list(ids)})["acknowledged"]

    def conflicts(self, *, include_resolved: bool = False) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/conflicts", include_resolved=include_resolved or None)

    def resolve(self, conflict_id: str, choice: str, value: Any = None) -> dict[str, Any]:
        """``choice`` is ``mine``, ``theirs`` or ``edited`` (with *value*)."""
        return self._post(
            f"{DISTRICT}/conflicts/{conflict_id}/resolve", {"choice": choice, "value": value}
        )

    # ------------------------------------------------------------------ users, devices

    def users(self) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/users")

    def create_user(
        self,
        username: str,
        role: str,
        password: str,
        display_name: str | None = None,
        dong_codes: Iterable[str] = (),
    ) -> dict[str, Any]:
        return self._post(
            f"{DISTRICT}/users",
            {
                "username": username,
                "role": role,
                "password": password,
                "display_name": display_name,
                "dong_codes": list(dong_codes),
            },
        )

    def deactivate(self, username: str) -> dict[str, Any]:
        return self._post(f"{DISTRICT}/users/{username}/deactivate")

    def set_role(self, username: str, role: str) -> dict[str, Any]:
        return self._post(f"{DISTRICT}/users/{username}/role", {"role": role})

    def devices(self) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/devices")

    def mark_lost(self, device_id: str, note: str | None = None) -> dict[str, Any]:
        return self._post(f"{DISTRICT}/devices/{device_id}/lost", {"note": note})

    def incidents(self) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/incidents")

    # ------------------------------------------------------------------ alerts

    def alerts(self) -> list[dict[str, Any]]:
        return self._get(f"{DISTRICT}/alerts")

    def declare_alert(self, kind: str, level: str, start: date, end: date) -> dict[str, Any]:
        return self._post(
            f"{DISTRICT}/alerts",
            {"kind": kind, "level": level, "start": start.isoformat(), "end": end.isoformat()},
        )

    def alert_board(self, alert_id: str) -> dict[str, Any]:
        return self._get(f"{DISTRICT}/alerts/{alert_id}/board")

    def end_alert(self, alert_id: str) -> dict[str, Any]:
        return self._post(f"{DISTRICT}/alerts/{alert_id}/end")

    # ------------------------------------------------------------------ indicators

    def indicators(self, start: date, end: date) -> dict[str, Any]:
        return self._get(f"{DISTRICT}/indicators", start=start.isoformat(), end=end.isoformat())

    def export_indicators(self, start: date, end: date, fmt: str, reason: str) -> tuple[str, bytes]:
        """(file name, file bytes); the server writes an access-log event with *reason*."""
        answer = self._post(
            f"{DISTRICT}/indicators/export",
            {"start": start.isoformat(), "end": end.isoformat(), "format": fmt, "reason": reason},
        )
        return answer["filename"], base64.b64decode(answer["content_base64"])
