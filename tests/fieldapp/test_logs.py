"""Logs: named loggers, rotating files in the chosen folder, and redaction of every record."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp import logs
from fieldapp.logs import REDACTED, RedactingFilter, redact, redact_value

# Synthetic values only: reserved demo phone range, made-up names and numbers.
TOKEN = "dvt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PASSWORD = "correct-horse-7"
DB_KEY = "00112233445566778899aabbccddeeff"
NAME = "가나다"
RRN = "900101-1234567"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "logs"
    logs.setup_logging(folder)
    try:
        yield folder
    finally:
        logs.shutdown_logging()


def _text(folder: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (folder / logs.LOG_FILE_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "secret"),
    [
        (f"Authorization: Bearer {TOKEN}", TOKEN),
        (f"headers={{'Authorization': 'Bearer {TOKEN}'}}", TOKEN),
        (f"login password={PASSWORD} ok", PASSWORD),
        (f'{{"username": "nurse1", "password": "{PASSWORD}"}}', PASSWORD),
        (f"{{'new_password': '{PASSWORD} with space'}}", "with space"),
        (f"GET /api/v1/sync/pull?token={TOKEN}&since=0", TOKEN),
        (f"device_token: {TOKEN}", TOKEN),
        (f"X-Device-Token={TOKEN}", TOKEN),
        (f"db_key={DB_KEY}", DB_KEY),
        (f'{{"db_key": "{DB_KEY}"}}', DB_KEY),
        (f'{{"name": "{NAME}", "role": "volunteer"}}', NAME),
        (f"display_name={NAME}", NAME),
        ('{"address_road": "서울특별시 마포구 월드컵로 1"}', "월드컵로"),
        ("call +82 10-0123-4567 now", "0123-4567"),
        ("call +821001234567 now", "1001234567"),
        ("call 010-0123-4567 now", "0123-4567"),
        ("call 01001234567 now", "01001234567"),
        ("call 010 0123 4567 now", "0123 4567"),
        ("office 02-123-4567", "123-4567"),
        (f"주민번호 {RRN} 입력됨", RRN),
        ("주민번호 9001011234567 입력됨", "9001011234567"),
        ('{"phone": "+82-2-123-4567"}', "123-4567"),
    ],
)
def test_redact_removes_secrets_and_personal_data(raw: str, secret: str) -> None:
    out = redact(raw)
    assert secret not in out
    assert REDACTED in out


@pytest.mark.parametrize(
    "harmless",
    [
        "pushed 120 events in 3 batches",
        "household 7d1f0c2e-4b6a-4c1e-9a55-0123abcd4567 pulled",
        "cursor epoch=3 seq=1764032000000",
        "schema step 0001_initial applied",
        "instrument phq9 version 2 loaded",
        "server time 2026-11-25T00:53:29+00:00",
    ],
)
def test_redact_keeps_ordinary_text(harmless: str) -> None:
    assert redact(harmless) == harmless


def test_redact_value_walks_structures() -> None:
    data = {
        "token": TOKEN,
        "household": {"phone": "+821001234567", "risk_level": "high"},
        "notes": [f"called 010-0123-4567 about {RRN}"],
    }
    out = redact_value(data)
    assert out["token"] == REDACTED
    assert out["household"] == {"phone": REDACTED, "risk_level": "high"}
    assert "0123" not in out["notes"][0] and RRN not in out["notes"][0]


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.text(max_size=20),
    middle=st.from_regex(r"010-0\d{3}-\d{4}", fullmatch=True),
    suffix=st.text(max_size=20),
)
def test_any_mobile_number_is_redacted(prefix: str, middle: str, suffix: str) -> None:
    # Glue with spaces so the number is a token of its own, as it is in real messages.
    out = redact(f"{prefix} {middle} {suffix}")
    assert middle not in out


def test_every_record_reaching_the_file_is_redacted(log_dir: Path) -> None:
    logs.sync.info("login with %s", f"Authorization: Bearer {TOKEN}")
    logs.store.warning("opened with db_key=%s for %s", DB_KEY, f"name={NAME}")
    logs.ui.error("phone typed: %s", "010-0123-4567", extra={"phone": "+821001234567"})
    logging.getLogger("urllib3.connectionpool").warning("token=%s", TOKEN)
    try:
        raise ValueError(f"bad password={PASSWORD} for {RRN}")
    except ValueError:
        logs.server.exception("request failed")
    text = _text(log_dir)
    for secret in (TOKEN, DB_KEY, NAME, "0123-4567", PASSWORD, RRN):
        assert secret not in text
    assert "fieldapp.sync" in text and "fieldapp.store" in text and "fieldapp.server" in text
    assert "ValueError" in text  # the traceback is kept, with the secret removed


def test_filter_redacts_extra_fields_and_keeps_every_record() -> None:
    record = logging.LogRecord(
        "fieldapp.sync", logging.INFO, __file__, 1, "pushed for %s", ("010-0123-4567",), None
    )
    record.token = TOKEN
    record.detail = {"password": PASSWORD, "count": 3}
    assert RedactingFilter().filter(record) is True
    assert "0123" not in record.getMessage()
    assert record.token == REDACTED
    assert record.detail == {"password": REDACTED, "count": 3}


def test_debug_level_and_setup_replaces_handlers(tmp_path: Path) -> None:
    before = list(logging.getLogger().handlers)
    try:
        logs.setup_logging(tmp_path / "a")
        logs.store.debug("hidden at INFO")
        logs.setup_logging(tmp_path / "b", debug=True)
        logs.store.debug("shown at DEBUG")
        added = [h for h in logging.getLogger().handlers if h not in before]
        assert len(added) == 2  # the file handler and stderr, not four
    finally:
        logs.shutdown_logging()
    assert "hidden at INFO" not in (tmp_path / "a" / logs.LOG_FILE_NAME).read_text("utf-8")
    assert "shown at DEBUG" in (tmp_path / "b" / logs.LOG_FILE_NAME).read_text("utf-8")
    assert list(logging.getLogger().handlers) == before


def test_log_files_rotate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    try:
        logs.setup_logging(tmp_path)
        for i in range(200):
            logs.sync.info("cycle %d finished with 0 errors", i)
    finally:
        logs.shutdown_logging()
    files = logs.log_files(tmp_path)
    assert files[0].name == logs.LOG_FILE_NAME
    assert len(files) == logs.BACKUP_COUNT + 1
    assert all(f.stat().st_size <= 2_200 for f in files)


def test_default_folder_is_the_platform_user_log_folder() -> None:
    folder = logs.default_log_dir()
    assert "fieldapp" in folder.parts
    assert logs.get_logger("sync") is logs.sync
    assert all(logs.get_logger(area).name == f"fieldapp.{area}" for area in logs.AREAS)


def test_redact_handlers_covers_handlers_set_up_elsewhere() -> None:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    top = logging.getLogger()
    top.addHandler(handler)
    try:
        assert logs.redact_handlers() >= 1
        assert logs.redact_handlers() == 0  # idempotent
        logging.getLogger("fieldapp.server").warning("login token=%s", TOKEN)
    finally:
        top.removeHandler(handler)
    assert TOKEN not in stream.getvalue() and REDACTED in stream.getvalue()
