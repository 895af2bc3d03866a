"""Import a 주민센터 household list (CSV) into the server: every row or none.

The file is parsed and checked row by row by :mod:`fieldapp.household_csv` (encodings,
headers, values, 주민등록번호 refusal). Then the server checks what only it knows: the
district exists, the named workers exist in it with the right role, and no person in the file
is already on the server. Only a file with no problem at all is written, in one transaction,
through :func:`sync.server.admin.create_household` (so assignments, history, permission log
and the workers' feeds are exactly as for any other household). ``dry_run`` does all of it
and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.hangul import with_particle
from fieldapp.household_csv import ImportReport, RowProblem, parse_household_csv
from sync import protocol as p
from sync.server import admin
from sync.server.models import District, Dong, Household, User


@dataclass
class ImportResult:
    """What an import did. ``problems`` holds the parser's and the server's, by line."""

    report: ImportReport
    problems: list[RowProblem] = field(default_factory=list)
    imported: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return self.report.rows_total

    def summary(self) -> str:
        """One line for the CLI."""
        if not self.ok:
            return (
                f"nothing imported: {len(self.problems)} problem(s) in {self.rows} row(s); "
                "fix the rows listed above and import the whole file again"
            )
        if self.dry_run:
            return f"dry run: all {self.rows} row(s) are valid; nothing was written"
        return f"imported {self.imported} household(s) ({self.report.encoding})"


def _person_key(household: dict[str, Any]) -> tuple[Any, ...] | None:
    persons = household.get("persons") or []
    if not persons:
        return None
    person = persons[0]
    return (
        person.get("name"),
        person.get("birth_date"),
        household.get("address_road"),
        household.get("address_detail"),
    )


def _server_problems(
    session: Session,
    district_code: str,
    rows: list[dict[str, Any]],
    lines: list[int],
    columns: dict[str, str],
) -> list[RowProblem]:
    """Checks that need the server's data: workers, and people already imported.

    *columns* maps a field to its header as written in the file (for the report).
    """
    problems: list[RowProblem] = []
    users = {
        u.username: u
        for u in session.scalars(select(User).where(User.district_code == district_code))
    }
    existing: set[tuple[Any, ...]] = set()
    for hh in session.scalars(
        select(Household).where(Household.district_code == district_code, ~Household.deleted)
    ):
        key = _person_key(
            {
                "persons": hh.persons,
                "address_road": hh.address_road,
                "address_detail": hh.address_detail,
            }
        )
        if key is not None:
            existing.add(key)
    for row, line in zip(rows, lines, strict=True):
        for programme, username in (row.get("assignments") or {}).items():
            field_name = (
                "welfare_worker" if programme == p.Programme.welfare_check else "health_worker"
            )
            column = columns.get(field_name, field_name)
            user = users.get(username)
            wanted_role = next(r for r, prog in p.ROLE_PROGRAMME.items() if prog == programme)
            if user is None or not user.active:
                problems.append(
                    RowProblem(
                        line,
                        column,
                        username,
                        f"there is no active user {username!r} in district {district_code}; "
                        "create the user first or leave the cell empty",
                        f"{district_code}에 사용자 {with_particle(username, '이/가')} 없습니다. "
                        "먼저 사용자를 만드십시오.",
                    )
                )
            elif user.role != wanted_role.value:
                problems.append(
                    RowProblem(
                        line,
                        column,
                        username,
                        f"{username!r} is a {user.role}; {programme} households go to a "
                        f"{wanted_role.value}",
                        f"{with_particle(username, '은/는')} 이 사업의 담당자가 될 수 없습니다.",
                    )
                )
        key = _person_key(row)
        if key is not None and key in existing:
            problems.append(
                RowProblem(
                    line,
                    None,
                    None,
                    "this person (name, birth date and address) is already on the server; "
                    "delete the row (it was imported before)",
                    "이미 서버에 있는 사람입니다(이전에 가져옴). 이 줄을 지우십시오.",
                )
            )
    return problems


def import_households(
    session: Session,
    source: bytes | Path,
    *,
    district_code: str,
    dry_run: bool = False,
    actor: str = "admin",
    today: date | None = None,
    id_factory: Callable[[], str] | None = None,
) -> ImportResult:
    """Import every household of the CSV *source* into *district_code*, or none.

    Runs in the caller's *session*, which must not be in a transaction; this function commits
    (or, for a dry run or any problem, rolls back). Raises :class:`admin.AdminError` when the
    district does not exist.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if session.get(District, district_code) is None:
        raise admin.AdminError(
            f"district {district_code} does not exist; create it with "
            f"`fieldapp-server create-district {district_code} NAME`"
        )
    dongs = [
        (d.code, d.name)
        for d in session.scalars(select(Dong).where(Dong.district_code == district_code))
    ]
    report = parse_household_csv(
        data,
        district_code=district_code,
        dongs=dongs or None,
        today=today,
        id_factory=id_factory,
    )
    result = ImportResult(report=report, dry_run=dry_run, problems=list(report.problems))
    if result.problems or not report.rows_ok:
        session.rollback()
        return result
    lines = report.row_lines
    columns = {field_name: header for header, field_name in report.columns.items()}
    result.problems = _server_problems(session, district_code, report.rows_ok, lines, columns)
    if result.problems:
        session.rollback()
        return result
    for row, line in zip(report.rows_ok, lines, strict=True):
        try:
            admin.create_household(session, row, actor=actor, reason="imported from CSV")
        except admin.AdminError as exc:
            result.problems.append(RowProblem(line, None, None, str(exc), str(exc)))
    if result.problems or dry_run:
        session.rollback()
        return result
    session.commit()
    result.imported = len(report.rows_ok)
    return result
