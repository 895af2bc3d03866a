"""No secrets and no personal data in the logs of a full demo sync.

A seeded demo district (synthetic people) on the real server; a volunteer and a nurse sign in,
sync everything, record and push work, and sync again, with every logger at DEBUG. The test
collects every log record the server and the client made (formatted, before any redaction:
the code must not even try to log these), and the rotating log files written by
``fieldapp.logs.setup_logging``, and looks for every synthetic name, every phone number in
the usual spellings, every road address, the tokens, the passwords and the database keys.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from fieldapp import logs, records
from fieldapp.profile import Profile
from sync.client import SyncEngine, login
from sync.server import db
from sync.server.models import Device, Household
from sync.server.seeding import seed_demo
from tests.e2e.conftest import CHEAP_KDF

DEMO_HOUSEHOLDS = 30


class Collect(logging.Handler):
    """Keeps every record's full text: message, arguments, exception and extra fields."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.__dict__))


@pytest.fixture
def collected(tmp_path: Path) -> Iterator[tuple[Collect, Path]]:
    """Every log record at DEBUG, plus the app's rotating files in *tmp_path*/logs."""
    top = logging.getLogger()
    handler = Collect()
    old_level = top.level
    top.addHandler(handler)
    top.setLevel(logging.DEBUG)
    folder = logs.setup_logging(tmp_path / "logs", debug=False)
    logs.root.setLevel(logging.DEBUG)
    for h in top.handlers:
        h.setLevel(logging.DEBUG)
    try:
        yield handler, folder
    finally:
        logs.shutdown_logging()
        top.removeHandler(handler)
        top.setLevel(old_level)


def phone_spellings(e164: str) -> set[str]:
    """+821012345678 -> itself, 01012345678, 010-1234-5678, 010 1234 5678, 1234-5678."""
    national = "0" + e164.removeprefix("+82")
    head, mid, tail = national[:3], national[3:-4], national[-4:]
    return {
        e164,
        e164[1:],
        national,
        f"{head}-{mid}-{tail}",
        f"{head} {mid} {tail}",
        f"{mid}-{tail}",
    }


def personal_strings(sessions: Any) -> set[str]:
    found: set[str] = set()
    with sessions() as s:
        for hh in s.scalars(select(Household)):
            found.add(hh.address_road)
            if hh.address_detail:
                found.add(hh.address_detail)
            for phone in [hh.phone, *[c.get("phone") for c in hh.emergency_contacts or []]]:
                if phone:
                    found |= phone_spellings(phone)
            for person in hh.persons or []:
                found.add(person["name"])
            for contact in hh.emergency_contacts or []:
                if contact.get("name"):
                    found.add(contact["name"])
    return {x for x in found if len(x) >= 2}


def test_a_full_demo_sync_logs_no_names_phones_addresses_tokens_passwords_or_keys(
    live, memory_keyring, tmp_path: Path, collected: tuple[Collect, Path]
) -> None:
    handler, log_dir = collected
    engine = db.make_engine(live.database_url)
    try:
        with DbSession(engine) as session:
            seeded = seed_demo(session, households=DEMO_HOUSEHOLDS, seed=7)
    finally:
        engine.dispose()
    users = {u["role"]: u for u in reversed(seeded["users"])}
    secrets: set[str] = set()
    for role in ("volunteer", "nurse"):
        user = users[role]
        profile = Profile(tmp_path / user["username"])
        store = login(profile, live.base_url, user["username"], user["password"], kdf=CHEAP_KDF)
        try:
            sync = SyncEngine(profile, store, password=user["password"])
            sync.sync_once()
            held = records.list_households(store)
            assert held, f"the demo {role} holds households"
            device_id = profile.info["device_id"]
            for hh in held[:3]:
                records.log_access(
                    store, hh["id"], "view", user=user["username"], device_id=device_id
                )
            sync.sync_once()
        finally:
            store.close()
        token = memory_keyring.get_password("fieldapp", device_id)
        assert token
        secrets |= {token, user["password"]}
        with live.session() as s:
            key = s.get(Device, device_id).db_key
        secrets |= {key.hex(), base64.b64encode(key).decode(), key.hex().upper()}
    personal = personal_strings(live.session)
    assert len(personal) > DEMO_HOUSEHOLDS, "the search list holds the district's people"

    files = logs.log_files(log_dir)
    assert files, "the app's log file was written"
    file_text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    record_text = "\n".join(handler.texts)
    assert "fieldapp.sync" in record_text and "fieldapp.server" in record_text, (
        "both sides logged (the test watches the right loggers)"
    )
    for where, text in (("log records", record_text), ("log files", file_text)):
        leaks = sorted(s for s in secrets if s in text)
        assert not leaks, f"secrets in the {where}: {[x[:6] + '...' for x in leaks]}"
        leaks = sorted(x for x in personal if x in text)
        assert not leaks, f"personal data in the {where}: {leaks[:10]}"
        # No Korean mobile number of any household or anyone else, in any spelling.
        # (Not preceded by a digit or a decimal point: record times are long decimals.)
        mobile = re.search(r"(?<![\d.])(?:\+?82-?|0)1[016789][- ]?\d{3,4}[- ]?\d{4}(?!\d)", text)
        assert not mobile, f"a mobile number in the {where}: {mobile.group(0) if mobile else ''}"
