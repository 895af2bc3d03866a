"""Fuzz the real server from its own OpenAPI document: no input may produce a 5xx.

schemathesis 4 reads ``/openapi.json`` from the embedded server (real HTTP on loopback) and
sends a bounded number of generated requests, valid and deliberately invalid, to every
operation (a nurse's token on the sync routes, a supervisor's on the district routes) (one test per operation; its strategies are driven by hypothesis directly because
schemathesis' lazy pytest fixture does not run under pytest 9). Protected routes get a valid device token, and most requests the
right protocol header so that they reach the handlers; every fourth keeps the generated
header, which exercises the 426 path. The only check is ``not_a_server_error``.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin, db
from sync.server.embedded import EmbeddedServer, start_embedded

MAX_EXAMPLES = 20
PASSWORD = "Fuzz-pass-2026"


def _world(session: Session) -> None:
    """A district, a nurse and a volunteer, and one household each."""
    admin.create_district(session, "11440", "마포구")
    admin.create_dong(session, "11440-01", "11440", "공덕동")
    admin.create_user(session, "fuzz.nurse", role="nurse", district_code="11440", password=PASSWORD)
    admin.create_user(
        session, "fuzz.volunteer", role="volunteer", district_code="11440", password=PASSWORD
    )
    admin.create_user(
        session, "fuzz.supervisor", role="supervisor", district_code="11440", password=PASSWORD
    )
    admin.create_household(
        session,
        {
            "id": str(uuid.UUID(int=1, version=4)),
            "district_code": "11440",
            "dong_code": "11440-01",
            "household_type": "elderly_alone",
            "address_road": "서울특별시 마포구 다솜로 1",
            "persons": [{"id": str(uuid.UUID(int=2, version=4)), "name": "가나다"}],
            "assignments": {"welfare_check": "fuzz.volunteer", "visiting_health": "fuzz.nurse"},
        },
    )
    session.commit()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "server.sqlite3"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine)() as session:
        _world(session)
    engine.dispose()
    server = start_embedded(url, migrate=False)
    try:
        yield server
    finally:
        server.stop()


def _login(server: EmbeddedServer, username: str) -> str:
    response = requests.post(
        server.base_url + p.LOGIN_PATH,
        json={
            "protocol": p.PROTOCOL_VERSION,
            "username": username,
            "password": PASSWORD,
            "device_id": f"fuzz-device-{username}",
        },
        headers={p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture(scope="module")
def tokens(fuzz_server: EmbeddedServer) -> dict[str, str]:
    """A nurse's token for the sync routes, a supervisor's for the district routes."""
    return {role: _login(fuzz_server, f"fuzz.{role}") for role in ("nurse", "supervisor")}


@pytest.fixture(scope="module")
def api_schema(fuzz_server: EmbeddedServer) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(fuzz_server.base_url + "/openapi.json", timeout=30)
    return schema


def _operation_labels() -> list[str]:
    """Every operation of the app's OpenAPI document, read without a database."""
    from sync.server.app import create_app
    from sync.server.settings import Settings

    app = create_app(Settings(database_url="sqlite://"))
    return sorted(
        f"{method.upper()} {path}"
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


_counter = itertools.count()


@pytest.mark.parametrize("label", _operation_labels())
def test_no_server_errors(
    label: str, api_schema: schemathesis.BaseSchema, tokens: dict[str, str]
) -> None:
    operations = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations[operation.label] = operation
    operation = operations[label]
    role = "supervisor" if "/district/" in label else "nurse"
    token = tokens[role]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case: schemathesis.Case) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        if next(_counter) % 4:  # reach the handler: a valid protocol version
            headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
            if isinstance(case.body, dict) and "protocol" in case.body:
                case.body["protocol"] = p.PROTOCOL_VERSION
        case.call_and_validate(headers=headers, checks=[not_a_server_error], timeout=30)

    fuzz()


def test_the_fuzzer_reaches_every_route(api_schema: schemathesis.BaseSchema) -> None:
    """The document lists the sync routes, so the fuzz test above really covers them."""
    paths = set(api_schema.raw_schema["paths"])
    assert {p.LOGIN_PATH, p.PUSH_PATH, p.PULL_PATH, p.HEALTH_PATH} <= paths
