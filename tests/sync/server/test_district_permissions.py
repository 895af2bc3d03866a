"""Every supervisor route needs the supervisor role and stays inside the supervisor's district."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from sync import protocol as p
from sync.server import admin
from sync.server.models import Feed, Household, PermissionLog
from tests.helpers.supervisor import DISTRICT_PREFIX, call, move_request, ok
from tests.helpers.world import PASSWORD, household_wire


def district_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route under /api/v1/district, from the app's route table."""
    out = []
    for path, ops in app.openapi()["paths"].items():
        if path.startswith(DISTRICT_PREFIX):
            out.extend((method.upper(), path) for method in ops)
    return sorted(out)


def fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x" * 8, path)


def test_the_route_table_has_the_supervisor_routes(live) -> None:
    routes = district_routes(live.app)
    assert ("POST", f"{DISTRICT_PREFIX}/assignments/preview") in routes
    assert ("POST", f"{DISTRICT_PREFIX}/assignments/{{batch_id}}/undo") in routes
    assert len(routes) >= 20


@pytest.mark.parametrize("role_user", ["vol1", "nurse1"])
def test_workers_get_403_on_every_supervisor_route(live, world, api, role_user) -> None:
    worker = api(role_user)
    with live.session() as s:
        before = s.scalar(select(func.count()).select_from(PermissionLog))
    for method, path in district_routes(live.app):
        r = worker.http.request(method, live.base_url + fill(path), json={}, timeout=30)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert r.json()["code"] == p.ERR_FORBIDDEN
    with live.session() as s:
        assert s.scalar(select(func.count()).select_from(PermissionLog)) == before


def test_not_signed_in_is_401(live, world, api) -> None:
    anonymous = api()
    for method, path in district_routes(live.app):
        r = anonymous.http.request(method, live.base_url + fill(path), json={}, timeout=30)
        assert r.status_code == 401, (method, path)


@pytest.fixture
def other_district(live, world):
    """A second district with its own supervisor, volunteer and household."""
    with live.session() as s:
        admin.create_district(s, "1111000000", "종로구")
        admin.create_dong(s, "1111051500", "1111000000", "가상일동")
        admin.create_user(
            s, "sup_b", role="supervisor", district_code="1111000000", password=PASSWORD
        )
        admin.create_user(
            s, "vol_b", role="volunteer", district_code="1111000000", password=PASSWORD
        )
        hh = admin.create_household(
            s,
            household_wire(
                district_code="1111000000",
                dong_code="1111051500",
                assignments={"welfare_check": "vol_b"},
            ),
            actor="sup_b",
        )
    return hh.id


def _counts(live) -> tuple[int, int]:
    with live.session() as s:
        return (
            s.scalar(select(func.count()).select_from(PermissionLog)),
            s.scalar(select(func.count()).select_from(Feed)),
        )


def test_a_supervisor_cannot_act_outside_their_district(live, world, api, other_district) -> None:
    sup_b = api("sup_b")
    vol1 = api(world.vol1)
    before = _counts(live)
    # Households and workers of district A are invisible to sup_b.
    r = call(
        sup_b,
        "POST",
        "/assignments/preview",
        json=move_request("vol_b", household_ids=[world.hh[0]]),
    )
    assert r.status_code == 404
    r = call(sup_b, "POST", "/assignments", json=move_request("vol_b", household_ids=[world.hh[0]]))
    assert r.status_code == 404
    r = call(
        sup_b, "POST", "/assignments", json=move_request(world.vol2, household_ids=[other_district])
    )
    assert r.status_code == 404  # vol2 is not in sup_b's district
    r = call(sup_b, "POST", "/assignments", json=move_request("vol_b", from_username=world.vol1))
    assert r.status_code == 404
    assert call(sup_b, "POST", f"/users/{world.vol1}/deactivate").status_code == 404
    assert (
        call(sup_b, "POST", f"/users/{world.vol1}/role", json={"role": "nurse"}).status_code == 404
    )
    assert call(sup_b, "POST", f"/devices/{vol1.device_id}/lost", json={}).status_code == 404
    assert (
        call(
            sup_b, "POST", f"/conflicts/{uuid.uuid4()}/resolve", json={"choice": "mine"}
        ).status_code
        == 404
    )
    assert call(sup_b, "POST", "/inbox/ack", json={"ids": [1]}).status_code == 404
    # Their own views hold only their own district.
    board = ok(call(sup_b, "GET", "/board"))
    assert {w["username"] for w in board["workers"]} == {"vol_b"}
    rows = ok(call(sup_b, "GET", "/households"))
    assert [h["id"] for h in rows] == [other_district]
    assert _counts(live) == before
    with live.session() as s:
        assert s.get(Household, world.hh[0]) is not None
        assert admin.get_user(s, world.vol1).active


def test_undo_of_another_district_s_batch_is_404_and_of_another_supervisor_403(
    live, world, api, other_district
) -> None:
    sup = api(world.supervisor)
    moved = ok(
        call(
            sup, "POST", "/assignments", json=move_request(world.vol2, household_ids=[world.hh[0]])
        )
    )
    with live.session() as s:
        admin.create_user(
            s, "sup_a2", role="supervisor", district_code="1144000000", password=PASSWORD
        )
    sup_b, sup_a2 = api("sup_b"), api("sup_a2")  # (a first login logs the new device)
    before = _counts(live)
    assert call(sup_b, "POST", f"/assignments/{moved['batch_id']}/undo").status_code == 404
    assert call(sup_a2, "POST", f"/assignments/{moved['batch_id']}/undo").status_code == 403
    assert _counts(live) == before


def test_a_supervisor_cannot_create_admins(live, world, api) -> None:
    sup = api(world.supervisor)
    r = call(
        sup, "POST", "/users", json={"username": "boss", "role": "admin", "password": PASSWORD}
    )
    assert r.status_code == 403
    r = call(sup, "POST", "/users/vol1/role", json={"role": "admin"})
    assert r.status_code == 403
