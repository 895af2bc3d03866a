"""The access log's head is recorded outside the database at every verification, export and
access review, and checked by default: entries cut off the end are reported (issue 13, 9)."""

from __future__ import annotations

import io
import json
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sync.server import db
from sync.server.accesslog import append_access_log
from sync.server.chain_heads import heads_file, last_recorded
from sync.server.cli import main
from sync.server.settings import Settings

START = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def logged(migrated_db_url: str, tmp_path: Path, monkeypatch) -> Iterator[tuple[str, Path]]:
    """A database with six access-log entries; the heads file's expected path."""
    if not migrated_db_url.startswith("sqlite"):  # PostgreSQL: no file beside the database
        monkeypatch.setenv("FIELDAPP_AUDIT_DIR", str(tmp_path / "audit"))
    engine = db.make_engine(migrated_db_url)
    with db.make_sessionmaker(engine).begin() as session:
        for i in range(6):
            append_access_log(
                session,
                username="kim.nurse",
                action="view",
                household_id=f"hh-{i}",
                at=START + timedelta(days=i),
            )
    engine.dispose()
    yield migrated_db_url, heads_file(Settings.from_env(database_url=migrated_db_url))


def cli(capsys, monkeypatch, url: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return status, out, err


def drop_last_entries(url: str, n: int) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM access_log")).scalar_one()
        conn.execute(text("DELETE FROM access_log WHERE id > :top"), {"top": top - n})
    engine.dispose()


def test_a_verification_records_its_head_outside_the_database(logged, capsys, monkeypatch):
    url, path = logged
    if url.startswith("sqlite"):
        assert path.parent == Path(url.removeprefix("sqlite:///")).parent  # beside the file
    status, out, err = cli(capsys, monkeypatch, url, "verify-access-log")
    assert status == 0, err
    head = out.rsplit("head hash ", 1)[1].strip()
    recorded = last_recorded(path)
    assert recorded is not None and recorded.head_hash == head and recorded.entries == 6
    assert recorded.source == "verify-access-log" and f"recorded in {path}" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    drop_last_entries(url, 2)
    status, _, err = cli(capsys, monkeypatch, url, "verify-access-log")
    assert status == 1
    assert f"no entry has the hash {head}" in err and "cut off the end of the log" in err
    assert last_recorded(path) == recorded  # a cut chain's head is never recorded


def test_an_export_records_the_head_and_a_later_cut_is_reported(
    logged, tmp_path, capsys, monkeypatch
):
    url, path = logged
    csv = tmp_path / "log.csv"
    status, out, err = cli(capsys, monkeypatch, url, "export-access-log", str(csv))
    assert status == 0, err
    recorded = last_recorded(path)
    assert recorded is not None and recorded.source == "export-access-log"
    assert recorded.entries == 7  # the export is itself logged, and covered by the head
    assert f"head {recorded.head_hash} recorded in {path}" in out
    drop_last_entries(url, 1)  # the export's own entry
    status, _, err = cli(capsys, monkeypatch, url, "verify-access-log")
    assert status == 1 and recorded.head_hash in err


def test_an_access_review_records_the_head_and_checks_the_last_one(logged, capsys, monkeypatch):
    url, path = logged
    status, out, err = cli(capsys, monkeypatch, url, "access-review", "--month", "2026-03")
    assert status == 0, err
    recorded = last_recorded(path)
    assert recorded is not None and recorded.source == "access-review"
    assert recorded.head_hash in out
    drop_last_entries(url, 3)
    status, out, _ = cli(capsys, monkeypatch, url, "access-review", "--month", "2026-03", "--json")
    assert status == 1
    review = json.loads(out)
    assert not review["chain_ok"]
    assert any("cut off the end" in problem for problem in review["chain_problems"])
    assert last_recorded(path) == recorded


def test_expect_head_still_names_an_older_head(logged, capsys, monkeypatch) -> None:
    url, _ = logged
    status, out, _ = cli(capsys, monkeypatch, url, "verify-access-log")
    first = out.rsplit("head hash ", 1)[1].strip()
    engine = db.make_engine(url)
    with db.make_sessionmaker(engine).begin() as session:
        append_access_log(session, username="kim.nurse", action="view", at=START)
    engine.dispose()
    status, out, err = cli(capsys, monkeypatch, url, "verify-access-log", "--expect-head", first)
    assert status == 0, err
    assert "checked against the head given with --expect-head" in out


def _entries(url: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM access_log")).scalar_one()
    engine.dispose()
    return int(count)


def test_purge_refuses_a_chain_cut_after_the_recorded_head(logged, capsys, monkeypatch) -> None:
    url, path = logged
    monkeypatch.setenv("FIELDAPP_ACCESS_LOG_RETENTION_DAYS", "1")  # every entry is past it
    status, _, err = cli(capsys, monkeypatch, url, "verify-access-log")
    assert status == 0, err
    recorded = last_recorded(path)
    drop_last_entries(url, 2)
    status, out, err = cli(capsys, monkeypatch, url, "purge-expired")
    assert status == 1 and not out
    assert "access log does not verify" in err and "nothing was purged" in err
    assert f"no entry has the hash {recorded.head_hash}" in err  # type: ignore[union-attr]
    assert "verify-access-log" in err  # what to do next
    assert _entries(url) == 4  # the evidence is kept
    assert last_recorded(path) == recorded


def test_purge_of_an_intact_chain_records_its_head(logged, capsys, monkeypatch) -> None:
    url, path = logged
    monkeypatch.setenv("FIELDAPP_ACCESS_LOG_RETENTION_DAYS", "1")
    assert cli(capsys, monkeypatch, url, "verify-access-log")[0] == 0
    status, out, err = cli(capsys, monkeypatch, url, "purge-expired")
    assert status == 0, err
    assert "deleted 6 access-log entries" in out
    recorded = last_recorded(path)
    assert recorded is not None and recorded.source == "purge-expired"
    assert f"head {recorded.head_hash} recorded in {path}" in out
    assert _entries(url) == 1  # the anchor
    status, _, err = cli(capsys, monkeypatch, url, "verify-access-log")
    assert status == 0, err
