"""import-households: every row or none, in UTF-8 and CP949, with a row-level report."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync.server import admin, db
from sync.server.cli import main
from sync.server.importing import import_households
from sync.server.models import Assignment, Feed, Household, PermissionLog

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
HEADER = "성명,생년월일,성별,연락처,도로명주소,상세주소,행정동,가구유형,위험도,돌봄단담당\n"
GOOD = "하다온,1946-02-11,여,010-0100-0301,서울특별시 마포구 다솜로12길 9,,공덕동,독거어르신,고,vol.one\n"
GOOD2 = "소이담,1950-07-30,남,010-0100-0302,마포구 새벽로 40,1층,망원1동,독거어르신,중,\n"
BAD_DONG = "문가람,1949-09-09,남,010-0100-0303,마포구 새벽로 41,,없는동,독거어르신,중,\n"


@pytest.fixture
def sessions(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    maker = db.make_sessionmaker(engine)
    with maker() as session:
        admin.create_district(session, "11440", "마포구")
        admin.create_user(
            session, "vol.one", role="volunteer", district_code="11440", password="Vol-pass-2026"
        )
        admin.create_user(
            session, "nurse.one", role="nurse", district_code="11440", password="Nur-pass-2026"
        )
        session.commit()
    try:
        yield maker
    finally:
        engine.dispose()


def _households(maker: sessionmaker[Session]) -> int:
    with maker() as session:
        return session.scalar(select(func.count()).select_from(Household)) or 0


@pytest.mark.parametrize("name", ["households_utf8.csv", "households_cp949.csv"])
def test_fixture_files_import_completely(sessions, name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    with sessions() as session:
        result = import_households(session, data, district_code="11440")
    assert result.ok, [str(p) for p in result.problems]
    assert result.imported == result.rows == 4
    assert result.report.encoding in ({"utf-8", "utf-8-sig"} if "utf8" in name else {"cp949"})
    with sessions() as session:
        rows = session.scalars(select(Household)).all()
        names = sorted(person["name"] for hh in rows for person in hh.persons)
    assert len(rows) == 4 and all(names)


def test_assignments_go_through_the_admin_path(sessions) -> None:
    data = (HEADER + GOOD + GOOD2).encode("utf-8")
    with sessions() as session:
        result = import_households(session, data, district_code="11440")
    assert result.ok and result.imported == 2
    with sessions() as session:
        assigned = session.execute(select(Assignment.programme, Assignment.username)).all()
        feed_users = set(session.scalars(select(Feed.username)))
        logged = session.scalar(
            select(func.count()).select_from(PermissionLog).where(PermissionLog.action == "assign")
        )
    assert assigned == [("welfare_check", "vol.one")]
    assert feed_users == {"vol.one"} and logged == 1


def test_one_bad_row_imports_nothing(sessions) -> None:
    data = (HEADER + GOOD + BAD_DONG + GOOD2).encode("cp949")
    with sessions() as session:
        result = import_households(session, data, district_code="11440")
    assert not result.ok and result.imported == 0
    assert [(p.line, p.column) for p in result.problems] == [(3, "행정동")]
    assert "없는동" in str(result.problems[0])
    assert _households(sessions) == 0


def test_server_checks_workers_and_people_already_imported(sessions) -> None:
    wrong_role = GOOD2.replace(",\n", ",nurse.one\n")
    unknown = GOOD.replace("vol.one", "nobody").replace("하다온", "하다윤")
    data = (HEADER + GOOD + wrong_role + unknown).encode("utf-8")
    with sessions() as session:
        result = import_households(session, data, district_code="11440")
    assert [(p.line, p.column) for p in result.problems] == [(3, "돌봄단담당"), (4, "돌봄단담당")]
    assert "nurse" in result.problems[0].message and "nobody" in result.problems[1].message
    assert _households(sessions) == 0

    with sessions() as session:
        assert import_households(session, (HEADER + GOOD).encode(), district_code="11440").ok
    with sessions() as session:
        again = import_households(session, (HEADER + GOOD2 + GOOD).encode(), district_code="11440")
    assert [p.line for p in again.problems] == [3]
    assert "already on the server" in again.problems[0].message
    assert _households(sessions) == 1


def test_dry_run_writes_nothing(sessions) -> None:
    with sessions() as session:
        result = import_households(
            session, (HEADER + GOOD + GOOD2).encode(), district_code="11440", dry_run=True
        )
    assert result.ok and result.imported == 0 and "nothing was written" in result.summary()
    assert _households(sessions) == 0
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Feed)) == 0


def test_unknown_district(sessions) -> None:
    with sessions() as session, pytest.raises(admin.AdminError, match="create-district 99999"):
        import_households(session, (HEADER + GOOD).encode(), district_code="99999")


# --------------------------------------------------------------------------- the command


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "--database-url", url, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_command_reports_rows_and_exits_1(sessions, sqlite_url, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + GOOD + BAD_DONG).encode("cp949"))
    result = _cli(sqlite_url, "import-households", str(bad), "--district", "11440")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("line 3, column '행정동'")
    assert lines[-1].startswith("fieldapp-server: nothing imported: 1 problem(s) in 2 row(s)")
    assert "Traceback" not in result.stderr
    assert _households(sessions) == 0


def test_command_imports_cp949_then_utf8(sessions, sqlite_url) -> None:
    for name in ("households_cp949.csv", "households_utf8.csv"):
        dry = _cli(
            sqlite_url,
            "import-households",
            str(FIXTURES / name),
            "--district",
            "11440",
            "--dry-run",
        )
        assert dry.returncode == 0 and "dry run" in dry.stdout
        done = _cli(sqlite_url, "import-households", str(FIXTURES / name), "--district", "11440")
        assert done.returncode == 0, done.stderr
        assert "imported 4 household(s)" in done.stdout
    assert _households(sessions) == 8


def test_command_json_and_missing_file(sessions, sqlite_url, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    path = tmp_path / "one.csv"
    path.write_text(HEADER + GOOD + BAD_DONG, encoding="utf-8")
    status = main(
        [
            "--database-url",
            sqlite_url,
            "import-households",
            str(path),
            "--district",
            "11440",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert status == 1 and report["ok"] is False and report["problems"][0]["line"] == 3
    assert "nothing imported" in err
    status = main(
        [
            "--database-url",
            sqlite_url,
            "import-households",
            str(tmp_path / "none.csv"),
            "--district",
            "11440",
        ]
    )
    assert status == 1 and "cannot read" in capsys.readouterr().err
