"""``fieldapp-server``: the command contract, run as a real process where it matters."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from sync import protocol as p
from sync.server import db
from sync.server.accesslog import append_access_log
from sync.server.cli import build_parser, main
from sync.server.models import META_ROW_ID, AccessLog, ServerMeta, User

PASSWORD = "Demo-pass-2026"
ROOT = Path(__file__).resolve().parents[3]


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m sync.server.cli ARGS`` as a real process."""
    full_env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def call(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """``main(ARGS)`` in this process: (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def migrated(sqlite_url: str) -> str:
    db.upgrade(sqlite_url)
    return sqlite_url


@pytest.fixture
def district(migrated: str, capsys, monkeypatch) -> str:
    status, _, err = call(
        capsys, monkeypatch, "--database-url", migrated, "create-district", "11440", "마포구"
    )
    assert status == 0, err
    return migrated


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


# --------------------------------------------------------------------------- documentation


def test_every_subcommand_and_option_has_help() -> None:
    parser = build_parser()
    assert parser.description
    subcommands = _subcommands(parser)
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helped = {choice.dest: choice.help for choice in action._choices_actions}
    required = {
        "migrate",
        "seed-demo",
        "create-district",
        "create-user",
        "import-households",
        "serve",
        "export-access-log",
        "verify-access-log",
        "purge-expired",
        "rotate-epoch",
    }
    assert required <= set(subcommands)
    undocumented = []
    for name, sub in subcommands.items():
        if not helped.get(name) or not sub.description:
            undocumented.append(name)
        for option in sub._actions:
            if option.help in (None, "", argparse.SUPPRESS):
                undocumented.append(f"{name} {'/'.join(option.option_strings) or option.dest}")
    for option in parser._actions:
        if option.help in (None, "") and not isinstance(option, argparse._SubParsersAction):
            undocumented.append("/".join(option.option_strings) or option.dest)
    assert undocumented == []


def test_help_runs_as_a_module() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in ("migrate", "seed-demo", "import-households", "rotate-epoch"):
        assert name in result.stdout
    epoch_help = run_cli("rotate-epoch", "--help")
    assert "restoring a backup" in epoch_help.stdout


def test_password_is_never_an_argument(capsys, monkeypatch) -> None:
    status, _, err = call(
        capsys,
        monkeypatch,
        "create-user",
        "kim",
        "--role",
        "nurse",
        "--district",
        "1",
        "--password",
        "x",
    )
    assert status == 2 and "unrecognized arguments: --password x" in err


# --------------------------------------------------------------------------- users, districts


def test_migrate_create_district_and_user_as_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    env = {"FIELDAPP_DATABASE_URL": url}  # the URL from the environment, not a flag
    assert run_cli("migrate", env=env).returncode == 0
    made = run_cli("create-district", "11440", "마포구", env=env)
    assert made.returncode == 0, made.stderr
    user = run_cli(
        "create-user",
        "kim.nurse",
        "--role",
        "nurse",
        "--district",
        "11440",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        env=env,
    )
    assert user.returncode == 0, user.stderr
    assert PASSWORD not in user.stdout + user.stderr

    again = run_cli(
        "create-user",
        "kim.nurse",
        "--role",
        "nurse",
        "--district",
        "11440",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        env=env,
    )
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == ["fieldapp-server: user 'kim.nurse' already exists"]

    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(User.username, User.role, User.password_hash)).all()
    finally:
        engine.dispose()
    assert [(r.username, r.role) for r in rows] == [("kim.nurse", "nurse")]
    assert PASSWORD not in rows[0].password_hash


def test_default_database_is_sqlite_in_the_user_data_folder(tmp_path: Path) -> None:
    result = run_cli("migrate", env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    database = tmp_path / "fieldapp-server" / "fieldapp-server.sqlite3"
    assert database.is_file()
    assert str(database) in result.stdout


@pytest.mark.parametrize(
    ("password", "expected"),
    [("short1A", "at least 10"), ("alllowercaseletters", "only one kind of character")],
)
def test_weak_password_states_the_rule(district, capsys, monkeypatch, password, expected) -> None:
    status, _out, err = call(
        capsys,
        monkeypatch,
        "--database-url",
        district,
        "create-user",
        "lee",
        "--role",
        "volunteer",
        "--district",
        "11440",
        "--password-stdin",
        stdin=password + "\n",
    )
    assert status == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert expected in err and "rule: at least 10 characters" in err


def test_unknown_district_and_missing_password(district, capsys, monkeypatch) -> None:
    status, _, err = call(
        capsys,
        monkeypatch,
        "--database-url",
        district,
        "create-user",
        "lee",
        "--role",
        "volunteer",
        "--district",
        "99999",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert (status, err) == (1, "fieldapp-server: district 99999 does not exist; create it first\n")
    status, _, err = call(
        capsys,
        monkeypatch,
        "--database-url",
        district,
        "create-user",
        "lee",
        "--role",
        "volunteer",
        "--district",
        "11440",
    )
    assert status == 1 and "--password-stdin" in err


def test_unmigrated_and_unreachable_databases(tmp_path, capsys, monkeypatch) -> None:
    fresh = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    status, _, err = call(capsys, monkeypatch, "--database-url", fresh, "create-district", "1", "x")
    assert status == 1 and "run `fieldapp-server migrate` first" in err
    result = run_cli(
        "--database-url", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "migrate"
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot use the database" in result.stderr
    assert "secret" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "the database URL is not a URL"),
        ("mysql://someone@localhost/db", "mysql databases are not supported"),
        ("sqlite:////proc/no-such-folder/server.sqlite3", "No such file or directory"),
    ],
)
@pytest.mark.parametrize("command", ["migrate", "verify-access-log"])
def test_unusable_database_urls(capsys, monkeypatch, url: str, expected: str, command: str) -> None:
    status, _, err = call(capsys, monkeypatch, "--database-url", url, command)
    assert status == 1
    assert err.startswith("fieldapp-server: ") and err.count("\n") == 1
    assert expected in err


def test_rotate_epoch(district, capsys, monkeypatch) -> None:
    engine = db.make_engine(district)
    with engine.connect() as conn:
        before = conn.execute(select(ServerMeta.epoch)).scalar_one()
    status, out, _ = call(capsys, monkeypatch, "--database-url", district, "rotate-epoch")
    with engine.connect() as conn:
        after = conn.execute(
            select(ServerMeta.epoch).where(ServerMeta.id == META_ROW_ID)
        ).scalar_one()
    engine.dispose()
    assert status == 0
    assert after != before and after in out


def test_seed_demo_json_names_every_role(sqlite_url: str) -> None:
    result = run_cli("--database-url", sqlite_url, "seed-demo", "--households", "6", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {u["role"] for u in summary["users"]} == {r.value for r in p.Role}
    assert all(u["password"] and u["username"] and u["district"] for u in summary["users"])
    assert summary["districts"][0]["code"] == summary["users"][0]["district"]
    assert summary["households"] == 6
    again = run_cli("--database-url", sqlite_url, "seed-demo", "--households", "6")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_seed_demo_prints_a_table(sqlite_url, capsys, monkeypatch) -> None:
    status, out, _ = call(
        capsys, monkeypatch, "--database-url", sqlite_url, "seed-demo", "--households", "3"
    )
    assert status == 0
    assert "username" in out and "supervisor" in out and "volunteer" in out


# --------------------------------------------------------------------------- access log


@pytest.fixture
def logged(district: str) -> Iterator[tuple[str, list[int]]]:
    """A database with five access-log entries."""
    from datetime import UTC, datetime, timedelta

    engine = db.make_engine(district)
    maker = db.make_sessionmaker(engine)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with maker.begin() as session:
        ids = [
            append_access_log(
                session,
                username="kim.nurse",
                action="view",
                household_id=f"hh-{i}",
                device_id="dev-1",
                at=start + timedelta(days=i),
            ).id
            for i in range(5)
        ]
    engine.dispose()
    yield district, ids


def _sql(url: str, statement: str, **params: object) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def test_verify_access_log_intact(logged) -> None:
    url, _ = logged
    result = run_cli("--database-url", url, "verify-access-log")
    assert result.returncode == 0, result.stderr
    assert "intact: 5 entries" in result.stdout


def test_verify_access_log_detects_a_changed_entry(logged) -> None:
    url, ids = logged
    _sql(url, "UPDATE access_log SET household_id = 'hh-other' WHERE id = :id", id=ids[3])
    result = run_cli("--database-url", url, "verify-access-log")
    assert result.returncode == 1
    assert f"access-log entry {ids[3]}: its contents do not match" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_access_log_detects_a_deleted_entry(logged, capsys, monkeypatch) -> None:
    url, ids = logged
    _sql(url, "DELETE FROM access_log WHERE id = :id", id=ids[2])
    status, _, err = call(capsys, monkeypatch, "--database-url", url, "verify-access-log")
    assert status == 1
    assert f"first: access-log entry {ids[3]}: does not follow the entry before it" in err


def test_verify_access_log_against_a_recorded_head(logged, capsys, monkeypatch) -> None:
    url, ids = logged
    status, out, _ = call(capsys, monkeypatch, "--database-url", url, "verify-access-log")
    head = out.split("head hash ")[1].strip()
    _sql(url, "DELETE FROM access_log WHERE id = :id", id=ids[-1])
    # The last entry's deletion leaves no broken link; the head recorded by the first check
    # (outside the database) shows it, by default or given explicitly.
    status, _, err = call(capsys, monkeypatch, "--database-url", url, "verify-access-log")
    assert status == 1 and "cut off the end of the log" in err
    status, _, err = call(
        capsys, monkeypatch, "--database-url", url, "verify-access-log", "--expect-head", head
    )
    assert status == 1 and "cut off the end of the log" in err


def test_export_access_log_by_day(logged, tmp_path, capsys, monkeypatch) -> None:
    url, _ = logged
    out_file = tmp_path / "log.csv"
    status, out, _ = call(
        capsys,
        monkeypatch,
        "--database-url",
        url,
        "export-access-log",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-03",
        str(out_file),
    )
    assert status == 0 and "wrote 2 access-log entries" in out
    lines = out_file.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and "hh-1" in lines[1] and "hh-2" in lines[2]
    engine = db.make_engine(url)
    with engine.connect() as conn:
        last = conn.execute(select(AccessLog).order_by(AccessLog.id.desc()).limit(1)).one()
    engine.dispose()
    assert last.action == "export_access_log" and last.username.startswith("cli:")
    assert last.reason == "access-log review (2 entries, 2026-03-02..2026-03-03)"
    status, _, _ = call(capsys, monkeypatch, "--database-url", url, "verify-access-log")
    assert status == 0
    status, _, err = call(
        capsys,
        monkeypatch,
        "--database-url",
        url,
        "export-access-log",
        "--since",
        "March",
        str(out_file),
    )
    assert status == 2 and "YYYY-MM-DD" in err


def test_purge_expired_uses_retention_settings(logged, capsys, monkeypatch) -> None:
    url, _ = logged
    monkeypatch.setenv("FIELDAPP_ACCESS_LOG_RETENTION_DAYS", "1")
    status, out, _ = call(capsys, monkeypatch, "--database-url", url, "purge-expired", "--dry-run")
    assert status == 0 and "would delete 5 access-log entries" in out
    status, out, _ = call(capsys, monkeypatch, "--database-url", url, "purge-expired")
    assert status == 0 and "deleted 5 access-log entries older than 1 days" in out
    engine = db.make_engine(url)
    with engine.connect() as conn:
        actions = conn.execute(select(AccessLog.action)).scalars().all()
    engine.dispose()
    assert actions == ["retention_anchor"]
    status, _, _ = call(capsys, monkeypatch, "--database-url", url, "verify-access-log")
    assert status == 0


# --------------------------------------------------------------------------- serve


def _serve(database_url: str, *options: str) -> subprocess.Popen[str]:
    """``fieldapp-server serve`` on a free port, as its own process, output piped."""
    command = [sys.executable, "-m", "sync.server.cli", "--database-url", database_url]
    return subprocess.Popen(
        [*command, "serve", "--port", "0", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_answers_and_stops(migrated: str) -> None:
    proc = _serve(migrated, "--log-level", "info")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once the socket listens
        match = re.search(r"on http://127\.0\.0\.1:(\d+) ", line)
        assert match, f"serve did not report its port: {line!r}"
        port = int(match.group(1))
        response = requests.get(f"http://127.0.0.1:{port}{p.HEALTH_PATH}", timeout=10)
        assert response.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_serve_with_worker_processes_answers_and_stops(migrated: str) -> None:
    proc = _serve(migrated, "--workers", "2")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"on http://127\.0\.0\.1:(\d+) .*with 2 worker processes", line)
        assert match, f"serve did not report its port and workers: {line!r}"
        port = int(match.group(1))
        deadline = time.monotonic() + 60
        while True:  # the workers build the app after the port is announced
            try:
                response = requests.get(f"http://127.0.0.1:{port}{p.HEALTH_PATH}", timeout=10)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "no worker answered"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert proc.returncode == 0


def test_settings_environment_rebuilds_the_settings() -> None:
    from sync.server.cli import settings_environment
    from sync.server.settings import Settings

    settings = Settings(
        database_url="sqlite:///x.sqlite3", production=True, secret_key="s" * 40, lockout_minutes=7
    )
    assert Settings.from_env(settings_environment(settings)) == settings


def test_serve_reports_a_port_in_use(migrated: str) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_cli("--database-url", migrated, "serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"fieldapp-server: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_refuses_an_unmigrated_database(sqlite_url: str) -> None:
    result = run_cli("--database-url", sqlite_url, "serve", "--port", "0")
    assert result.returncode == 1
    assert "run `fieldapp-server migrate` first" in result.stderr


def test_arguments_that_are_not_text_are_refused_before_anything_runs(
    tmp_path, capsys, monkeypatch
) -> None:
    """Bytes that are not UTF-8 on the command line (Python keeps them as lone surrogates)
    once reached the database as a UnicodeEncodeError traceback: now one line naming the
    argument, exit 2, and nothing written."""
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert call(capsys, monkeypatch, "--database-url", url, "migrate")[0] == 0
    status, _, err = call(
        capsys, monkeypatch, "--database-url", url, "create-district", "11440", "마포\udcff"
    )
    assert status == 2 and "the argument name is not valid text" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    status, _, err = call(
        capsys,
        monkeypatch,
        "--database-url",
        url,
        "create-district",
        "11440",
        "마포구",
        "--dong",
        "1144055500=공덕\udcc3",
    )
    assert status == 2 and "dong" in err
    assert (
        call(capsys, monkeypatch, "--database-url", url, "create-district", "11440", "마포구")[0]
        == 0
    )
