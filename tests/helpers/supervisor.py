"""Calls to the supervisor routes (``/api/v1/district/...``) over real HTTP, for the tests."""

from __future__ import annotations

from typing import Any

import requests

from sync import protocol as p
from tests.helpers.world import Api

DISTRICT_PREFIX = f"{p.API_PREFIX}/district"


def call(api: Api, method: str, path: str, **kwargs: Any) -> requests.Response:
    """``path`` relative to /api/v1/district (or absolute when it starts with /api)."""
    url = api.base_url + (path if path.startswith("/api") else DISTRICT_PREFIX + path)
    return api.http.request(method, url, timeout=60, **kwargs)


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, f"{response.status_code}: {response.text}"
    return response.json()


def move_request(
    to: str,
    *,
    programme: str = "welfare_check",
    reason: str | None = "담당 변경",
    **selection: Any,
) -> dict[str, Any]:
    return {
        "programme": programme,
        "to_username": to,
        "selection": selection,
        "reason": reason,
    }
