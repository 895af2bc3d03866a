"""The monthly access-log review for supervisors (개인정보의 안전성 확보조치 기준 제8조 ②).

:func:`access_review` reads one calendar month of the access log (optionally one district)
and says, per person: how often they viewed, edited, printed and exported household records
and how many households that touched; which accesses look unusual; and every export and print
with its reason. It also checks the hash chain and prints its head hash, which the reviewer
keeps with the signed review: a later ``fieldapp-server verify-access-log --expect-head HASH``
then also catches entries cut off the end of the log.

What counts as *unusual* (each finding says which rule and the figures):

* ``volume``: a person's accesses in the month exceed both :data:`MIN_UNUSUAL_VOLUME` and
  :data:`VOLUME_FACTOR` times the median of the people with the same role in the report;
* ``daily_peak``: on one day a person opened more than :data:`DAILY_PEAK` records;
* ``outside_assignment``: a volunteer or nurse accessed a household that was never assigned to
  them (supervisors and admins see their whole district by design);
* ``night``: accesses between 22:00 and 06:00 Korean time (KST, UTC+9);
* ``no_reason``: an export or print without a reason (the app asks for one; one missing
  means it was bypassed).

Reading only: the review writes nothing, not even an access-log entry (it shows no personal
fields: household ids, never names, addresses or phone numbers).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.server.audit import ANCHOR_ACTION, check_chain
from sync.server.models import AccessLog, AssignmentHistory, District, Household, User

#: Actions a review counts (others, e.g. the retention anchor, are left out).
ACTIONS = ("view", "edit", "print", "export")
#: Actions that take data out of the app and need a reason.
OUTBOUND = ("print", "export")
VOLUME_FACTOR = 3.0
MIN_UNUSUAL_VOLUME = 50
DAILY_PEAK = 100
KST = timezone(timedelta(hours=9))
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
#: Roles whose access is limited to the households assigned to them.
ASSIGNED_ROLES = frozenset({"volunteer", "nurse"})

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReviewError(ValueError):
    """The review cannot be made as asked (the message says why and what to type)."""


@dataclass
class PersonActivity:
    """What one person did in the month."""

    username: str
    role: str | None
    district_code: str | None
    counts: dict[str, int]
    total: int
    households: int
    days_active: int
    busiest_day: str | None
    busiest_day_count: int


@dataclass
class Outbound:
    """One export or print, with its reason."""

    entry_id: int
    at: str
    username: str
    action: str
    household_id: str | None
    device_id: str | None
    reason: str | None


@dataclass
class Finding:
    """One unusual pattern for the reviewer to ask about."""

    rule: str
    username: str
    message: str
    count: int
    entry_ids: list[int] = field(default_factory=list)


@dataclass
class AccessReview:
    """The review of one month (``district`` None: every district)."""

    month: str
    district: str | None
    start: str
    end: str
    entries: int
    people: list[PersonActivity]
    outbound: list[Outbound]
    findings: list[Finding]
    chain_ok: bool
    chain_entries: int
    chain_head: str
    chain_problems: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of ``YYYY-MM`` in Korean time."""
    m = _MONTH.match(month.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ReviewError(f"the month {month!r} is not in the form YYYY-MM (e.g. 2026-10)")
    year, mon = int(m.group(1)), int(m.group(2))
    start = datetime(year, mon, 1, tzinfo=KST)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=KST)
    return start.astimezone(UTC), end.astimezone(UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _entries(
    session: Session, start: datetime, end: datetime, district: str | None
) -> list[AccessLog]:
    q = (
        select(AccessLog)
        .where(AccessLog.at >= start, AccessLog.at < end, AccessLog.action != ANCHOR_ACTION)
        .order_by(AccessLog.id)
    )
    if district is not None:
        # A district's entries: about its households, or (no household, e.g. an indicator
        # export) made by its people.
        q = (
            q.outerjoin(Household, Household.id == AccessLog.household_id)
            .outerjoin(User, User.username == AccessLog.username)
            .where(
                or_(
                    Household.district_code == district,
                    (AccessLog.household_id.is_(None) & (User.district_code == district)),
                )
            )
        )
    return list(session.scalars(q))


def _ever_assigned(session: Session, usernames: set[str]) -> set[tuple[str, str]]:
    """(username, household id) pairs that were ever an assignment."""
    if not usernames:
        return set()
    rows = session.execute(
        select(AssignmentHistory.username, AssignmentHistory.household_id).where(
            AssignmentHistory.username.in_(usernames)
        )
    )
    return {(u, h) for u, h in rows if u}


def _people(session: Session, entries: list[AccessLog]) -> list[PersonActivity]:
    users = {e.username for e in entries}
    info = {u.username: u for u in session.scalars(select(User).where(User.username.in_(users)))}
    by_user: dict[str, list[AccessLog]] = defaultdict(list)
    for e in entries:
        by_user[e.username].append(e)
    people = []
    for username, rows in by_user.items():
        counts = Counter(e.action for e in rows)
        days = Counter(e.at.astimezone(KST).date().isoformat() for e in rows)
        busiest = max(days.items(), key=lambda kv: (kv[1], kv[0])) if days else None
        user = info.get(username)
        people.append(
            PersonActivity(
                username=username,
                role=user.role if user else None,
                district_code=user.district_code if user else None,
                counts={a: counts.get(a, 0) for a in ACTIONS}
                | {a: n for a, n in counts.items() if a not in ACTIONS},
                total=len(rows),
                households=len({e.household_id for e in rows if e.household_id}),
                days_active=len(days),
                busiest_day=busiest[0] if busiest else None,
                busiest_day_count=busiest[1] if busiest else 0,
            )
        )
    people.sort(key=lambda p: (-p.total, p.username))
    return people


def _findings(
    session: Session,
    entries: list[AccessLog],
    people: list[PersonActivity],
    volume_factor: float,
    min_volume: int,
    daily_peak: int,
) -> list[Finding]:
    findings: list[Finding] = []
    by_role: dict[str | None, list[int]] = defaultdict(list)
    for person in people:
        by_role[person.role].append(person.total)
    for person in people:
        median = statistics.median(by_role[person.role])
        if person.total > min_volume and person.total > volume_factor * median:
            findings.append(
                Finding(
                    "volume",
                    person.username,
                    f"{person.total} accesses this month, more than {volume_factor:g} times the "
                    f"median of {median:g} for the role {person.role or '(unknown)'}",
                    person.total,
                )
            )
        if person.busiest_day_count > daily_peak:
            findings.append(
                Finding(
                    "daily_peak",
                    person.username,
                    f"{person.busiest_day_count} accesses on {person.busiest_day} (more than "
                    f"{daily_peak} in one day)",
                    person.busiest_day_count,
                )
            )
    roles = {p.username: p.role for p in people}
    limited = {u for u, r in roles.items() if r in ASSIGNED_ROLES}
    assigned = _ever_assigned(session, limited)
    outside: dict[str, list[int]] = defaultdict(list)
    night: dict[str, list[int]] = defaultdict(list)
    no_reason: dict[str, list[int]] = defaultdict(list)
    for e in entries:
        if (
            e.username in limited
            and e.household_id
            and (e.username, e.household_id) not in assigned
        ):
            outside[e.username].append(e.id)
        if e.at.astimezone(KST).hour in NIGHT_HOURS:
            night[e.username].append(e.id)
        if e.action in OUTBOUND and not (e.reason or "").strip():
            no_reason[e.username].append(e.id)
    for username, ids in sorted(outside.items()):
        findings.append(
            Finding(
                "outside_assignment",
                username,
                f"{len(ids)} accesses to households never assigned to them",
                len(ids),
                ids,
            )
        )
    for username, ids in sorted(night.items()):
        findings.append(
            Finding(
                "night",
                username,
                f"{len(ids)} accesses between 22:00 and 06:00 (KST)",
                len(ids),
                ids,
            )
        )
    for username, ids in sorted(no_reason.items()):
        findings.append(
            Finding(
                "no_reason",
                username,
                f"{len(ids)} exports or prints without a reason",
                len(ids),
                ids,
            )
        )
    return findings


def access_review(
    session: Session,
    month: str,
    district: str | None = None,
    *,
    volume_factor: float = VOLUME_FACTOR,
    min_volume: int = MIN_UNUSUAL_VOLUME,
    daily_peak: int = DAILY_PEAK,
    expect_head: str | None = None,
) -> AccessReview:
    """Review the access log of *month* (``YYYY-MM``, Korean calendar month), optionally of
    one *district* (its code). Reads only. *expect_head*: a head recorded at an earlier check
    that the chain must still hold (see :func:`sync.server.audit.check_chain`)."""
    start, end = month_bounds(month)
    if district is not None and session.get(District, district) is None:
        raise ReviewError(
            f"there is no district {district!r}; use the code shown by the district list "
            "(e.g. 1144000000)"
        )
    entries = _entries(session, start, end, district)
    people = _people(session, entries)
    outbound = [
        Outbound(
            entry_id=e.id,
            at=_iso(e.at),
            username=e.username,
            action=e.action,
            household_id=e.household_id,
            device_id=e.device_id,
            reason=e.reason,
        )
        for e in entries
        if e.action in OUTBOUND
    ]
    chain = check_chain(session, expect_hash=expect_head)
    return AccessReview(
        month=month.strip(),
        district=district,
        start=_iso(start),
        end=_iso(end),
        entries=len(entries),
        people=people,
        outbound=outbound,
        findings=_findings(session, entries, people, volume_factor, min_volume, daily_peak),
        chain_ok=chain.ok,
        chain_entries=chain.entries,
        chain_head=chain.head_hash,
        chain_problems=[str(p) for p in chain.problems],
    )


def render_text(review: AccessReview) -> str:
    """The review as plain text for a terminal or a printed, signed copy."""
    where = f"district {review.district}" if review.district else "all districts"
    lines = [
        f"Access-log review {review.month} ({where})",
        f"period (UTC): {review.start} .. {review.end}; {review.entries} accesses",
        "",
        "person               role        view  edit print export  households  days  busiest day",
    ]
    if not review.people:
        lines.append("  (no accesses in this month)")
    for p in review.people:
        c = p.counts
        lines.append(
            f"{p.username:<20} {p.role or '?':<10} {c['view']:>5} {c['edit']:>5} "
            f"{c['print']:>5} {c['export']:>6}  {p.households:>10}  {p.days_active:>4}  "
            f"{p.busiest_day or '-'} ({p.busiest_day_count})"
        )
    lines += ["", f"exports and prints ({len(review.outbound)}):"]
    if not review.outbound:
        lines.append("  none")
    for o in review.outbound:
        lines.append(
            f"  #{o.entry_id} {o.at} {o.username} {o.action} "
            f"{o.household_id or '(no household)'}: {o.reason or 'NO REASON GIVEN'}"
        )
    lines += ["", f"unusual ({len(review.findings)}):"]
    if not review.findings:
        lines.append("  nothing unusual found")
    for f in review.findings:
        sample = ""
        if f.entry_ids:
            shown = ", ".join(f"#{i}" for i in f.entry_ids[:10])
            more = f" and {len(f.entry_ids) - 10} more" if len(f.entry_ids) > 10 else ""
            sample = f" (entries {shown}{more})"
        lines.append(f"  [{f.rule}] {f.username}: {f.message}{sample}")
    lines.append("")
    if review.chain_ok:
        lines.append(
            f"hash chain: intact, {review.chain_entries} entries; head {review.chain_head}"
        )
        lines.append(
            "keep the head hash with this signed review; a later `verify-access-log "
            "--expect-head HASH` then shows whether entries were cut off the end."
        )
    else:
        lines.append(f"hash chain: NOT INTACT ({len(review.chain_problems)} problem(s)):")
        lines += [f"  {p}" for p in review.chain_problems]
    return "\n".join(lines) + "\n"
