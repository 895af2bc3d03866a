"""The synthetic demo district: dongs, workers of each role, households and their history.

Deterministic by seed (and *today*): the same arguments give the same district, byte for
byte. Nobody in it is real: names are built from syllables (:mod:`fieldapp.demo_names`),
phones come from the reserved range 010-0xxx-xxxx (:data:`fieldapp.phone.DEMO_MOBILE_PREFIX`),
roads are made up, and no 주민등록번호 exists anywhere.

Households are ``sync.protocol.Household`` JSON dicts; events (``sync.protocol.Event`` JSON
dicts) are made on demand by :meth:`DemoDistrict.iter_events`, household by household, so a
100,000-household district can be streamed without holding its events in memory. Each
household's events come from its own random stream, so they do not depend on how many
households the district has.

Histories follow the programmes' rhythm (DOMAIN.md sections 1-4): weekly welfare checks
(twice weekly for high isolation), a home visit after two missed calls, 방문건강관리 visits
at the care group's cadence with vitals, PHQ-9 twice a year, SGDS-K / K-FRAIL / the
social-isolation score yearly, notes, and referrals after anything that needs one (closed a
few days to weeks later). With ``events_per_household`` every assigned household gets
exactly that many events spread over the history instead (for benchmarks).
"""

from __future__ import annotations

import json
import math
import random
import uuid
from bisect import bisect
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from fieldapp.demo_names import RELATIONS, address_detail, person_name, road_names
from fieldapp.demo_scenarios import Scenario, demo_scenarios, injector, season_of
from fieldapp.districts import DEMO_DISTRICT_CODE, District, get_district
from fieldapp.phone import demo_phone
from fieldapp.programme_time import programme_today

#: The password of every demo account (>= 10 characters, 3 classes: the server's rule).
DEMO_PASSWORD = "Demo-pass-2026"
#: Households per volunteer (a few dozen) and per nurse.
VOLUNTEER_CASELOAD = 25
NURSE_CASELOAD = 120
#: Demo phone numbers: persons use index i, emergency contacts 5,000,000 + 2i (+1).
MAX_HOUSEHOLDS = 2_500_000

_TYPES = ("elderly_alone", "midlife_alone", "youth_alone", "jjokbang")
_TYPE_WEIGHTS = (0.64, 0.2, 0.1, 0.06)
_BANDS = ("general", "low", "medium", "high")
_NOTES_HOUSEHOLD = (
    "거동 불편: 방문 전 전화 요망",
    "청력 저하: 크게 또렷하게 말씀드리기",
    "반려견 있음",
    "오전에는 복지관 이용",
    "계단 많은 건물",
    "주말에 자녀 방문",
    "당뇨 관리 중",
    "야간 근무로 오후 연락 선호",
)
_NOTES_EVENT = (
    "식사 잘 하고 계심",
    "무릎 통증 호소, 보건소 안내",
    "경로당 프로그램 안내함",
    "난방비 걱정: 에너지바우처 안내",
    "자녀와 통화했다고 하심",
    "집안 정리가 잘 되어 있음",
    "밑반찬 지원 연계 희망",
    "병원 예약일 확인해 드림",
)
_VISIT_INTERVAL = {"intensive": (9, 14), "regular": (80, 92), "self_support": (165, 180)}
#: Screening instrument -> days between administrations (None: not for this age group).
_SCREEN_EVERY = {"phq9": 180, "sgds_k": 365, "k_frail": 365, "social_isolation": 365}
_KST = "+09:00"
#: Days a household's history stops short of *today*, and their weights: a real caseload has
#: contacts that slipped (sick leave, no answer, a busy month), so the demo worklist shows
#: overdue and due households instead of a caseload where everyone was seen on time.
_BACKLOG_DAYS = ((0, 0.75), (10, 0.08), (20, 0.07), (35, 0.05), (60, 0.05))


@dataclass(frozen=True)
class DemoUser:
    """A demo account (the server creates it with :data:`DEMO_PASSWORD`)."""

    username: str
    display_name: str
    role: str  # volunteer | nurse | supervisor | admin
    password: str
    district_code: str
    dong_codes: tuple[str, ...]
    device_id: str  # the device its demo events were recorded on

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["dong_codes"] = list(self.dong_codes)
        return out


@dataclass
class _Profile:
    """What the history of one household is drawn from (not part of the wire record)."""

    index: int
    household_id: str
    enrolled: date
    birth: date
    sex: str
    htype: str
    band: str
    care_group: str | None
    volunteer: str | None
    nurse: str | None
    has_contact: bool
    # health baselines
    systolic: float
    diastolic: float
    diabetic: bool
    height: float
    weight: float
    depression: float  # 0..1 propensity
    frailty: float  # 0..1 propensity
    smoker: str
    drinker: str


class _Habits:
    """What stays the same about a person from one welfare check to the next, and the short
    spells of being unwell that change it for a few days at a time.

    Answers about daily life are not independent draws at every check: a person who eats two
    meals a day (skipping breakfast is common among older people living alone) says two most
    weeks; one who takes no regular medication says n/a every time; one who meets family or
    goes to the 경로당 says so most weeks. A day of one meal or none, a missed dose, a week
    indoors mostly come together, in a spell of being unwell (a cold, a flare-up of a
    chronic illness, a bad fall) lasting days, rarely over a week, that shows on the same
    check as worse health and lower mood. Frailer people have more spells. The figures are
    judgement, not measured rates (a pilot's records would give them); what matters for
    the rules is that a stable person's bad answers cluster in spells instead of landing
    on one check in ten at random.
    """

    def __init__(self, r: random.Random, p: _Profile, start: date, end: date) -> None:
        self.usual_meals = 3 if r.random() < 0.6 else 2
        self.on_medication = r.random() < 0.82
        #: a dose missed now and then, outside spells: most people rarely, a few more often
        self.lapse = 0.01 + 0.05 * r.betavariate(1, 4)
        base = {"general": 0.97, "low": 0.95, "medium": 0.9, "high": 0.78}[p.band]
        self.p_contact = min(0.99, max(0.5, r.gauss(base, 0.04)))
        self.p_out = min(0.99, max(0.3, 0.97 - 0.45 * p.frailty))
        rate = 1.5 + 4 * p.frailty  # spells a year
        spells: list[tuple[date, date]] = []
        day = start + timedelta(days=round(r.expovariate(rate / 365)))
        while day < end:
            length = 2 + round(r.expovariate(1 / 3))  # days: mostly under a week
            spells.append((day, day + timedelta(days=length - 1)))
            day += timedelta(days=length + round(r.expovariate(rate / 365)))
        self.spells = spells

    def unwell(self, day: date) -> bool:
        i = bisect(self.spells, (day, date.max)) - 1
        return i >= 0 and self.spells[i][0] <= day <= self.spells[i][1]

    def meals(self, r: random.Random, spell: bool) -> int:
        if spell:
            return max(0, self.usual_meals - _weighted(r, (0, 1, 2), (0.35, 0.45, 0.2)))
        u = r.random()
        if u < 0.03:
            return self.usual_meals - 1
        if u < 0.06:
            return min(3, self.usual_meals + 1)
        return self.usual_meals

    def medication(self, r: random.Random, spell: bool) -> str:
        if not self.on_medication:
            return "na"
        u = r.random()
        missed, no_supply = (0.35, 0.02) if spell else (self.lapse, 0.003)
        if u < missed:
            return "missed"
        return "no_supply" if u < missed + no_supply else "taken"


@dataclass
class DemoDistrict:
    """A generated district. ``households`` are wire dicts; events come from ``iter_events``."""

    seed: int
    today: date
    history_years: float
    events_per_household: int | None
    district: dict[str, str]
    dongs: list[dict[str, str]]
    users: list[DemoUser]
    households: list[dict[str, Any]]
    _profiles: list[_Profile] = field(repr=False, default_factory=list)
    #: Declines injected into a few histories (:mod:`fieldapp.demo_scenarios`).
    scenarios: list[Scenario] = field(default_factory=list)

    def user(self, username: str) -> DemoUser:
        """The demo user called *username* (KeyError if none)."""
        for u in self.users:
            if u.username == username:
                return u
        raise KeyError(username)

    def declared_alerts(self) -> list[tuple[date, date]]:
        """The heat or cold alerts declared for the whole district (first and last day): the
        demo's heat exposure's (``seed-demo`` declares it on the server); the benchmark's
        alerts are its households' own, so it has none."""
        return [s.alert for s in self.scenarios if s.declared and s.alert is not None]

    def iter_events(self, *, with_result: bool = True) -> Iterator[dict[str, Any]]:
        """Every event, household by household, each household's in time order.

        With *with_result* (default) every event is what
        :func:`fieldapp.validation.validate_event` returns for it: checked, with
        ``payload["result"]`` from the real scoring engine. Welfare checks, notes and
        referrals repeat the same payloads often, so their validated payloads are reused
        for identical payloads (same output, much faster). Without *with_result* events are
        yielded as generated, with no ``result``: several times faster, for benchmarks and
        for servers that recompute results on ingest anyway.
        """
        devices = {u.username: u.device_id for u in self.users}
        instruments = _instruments()
        finish = _Finisher() if with_result else None
        declines = {s.household_id: s for s in self.scenarios}
        declared = self.declared_alerts()
        for profile in self._profiles:
            decline = declines.get(profile.household_id)
            covered = declared if _alerted(self.households[profile.index]) else []
            maker = _EventMaker(self, profile, devices, instruments, decline, covered)
            for event in maker.events():
                yield finish(event) if finish is not None else event

    def events(self, *, with_result: bool = True) -> list[dict[str, Any]]:
        """All events as a list (see :meth:`iter_events`)."""
        return list(self.iter_events(with_result=with_result))

    def summary(self) -> dict[str, Any]:
        """Users (with passwords), district and dongs: what ``seed-demo`` prints."""
        return {
            "district": dict(self.district),
            "dongs": [dict(d) for d in self.dongs],
            "users": [u.to_dict() for u in self.users],
            "households": len(self.households),
            "seed": self.seed,
        }


# ----------------------------------------------------------------------------- helpers


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID string from *rng* (same as ``uuid.UUID(int=..., version=4)``)."""
    n = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


class _Finisher:
    """validate_event, reusing the validated payload of an identical earlier payload."""

    CACHED_TYPES = frozenset({"welfare_check", "note", "referral"})
    MAX_ENTRIES = 200_000

    def __init__(self) -> None:
        from fieldapp.validation import validate_event  # imported late: loads every asset

        self.validate = validate_event
        self.cache: dict[str, str] = {}

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        if event["type"] not in self.CACHED_TYPES:
            return self.validate(event)
        key = event["type"] + json.dumps(event["payload"], sort_keys=True, ensure_ascii=False)
        hit = self.cache.get(key)
        if hit is None:
            out = self.validate(event)
            if len(self.cache) < self.MAX_ENTRIES:
                self.cache[key] = json.dumps(out["payload"], ensure_ascii=False)
            return out
        event["payload"] = json.loads(hit)
        return event


def _instruments() -> dict[str, Any]:
    from fieldapp.instruments import get_instrument

    return {iid: get_instrument(iid) for iid in _SCREEN_EVERY}


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_CUMULATIVE: dict[tuple[float, ...], list[float]] = {}


def _weighted(rng: random.Random, options: tuple[Any, ...], weights: tuple[float, ...]) -> Any:
    """``rng.choices(options, weights)[0]`` for constant weights, without rebuilding sums."""
    cum = _CUMULATIVE.get(weights)
    if cum is None:
        cum = _CUMULATIVE[weights] = list(accumulate(weights))
    return options[bisect(cum, rng.random() * cum[-1])]


# ----------------------------------------------------------------------------- district


def generate_district(
    households: int,
    seed: int = 1,
    *,
    today: date | None = None,
    history_years: float = 2.0,
    events_per_household: int | None = None,
    district_code: str = DEMO_DISTRICT_CODE,
) -> DemoDistrict:
    """Generate the synthetic district with *households* households.

    *today* (default: the real date) ends the history, which starts *history_years* before.
    The district must have 행정동 in ``assets/districts`` (마포구 has).
    """
    if not 0 <= households <= MAX_HOUSEHOLDS:
        raise ValueError(f"households must be 0..{MAX_HOUSEHOLDS:,}, got {households}")
    if not 0 < history_years <= 10:
        raise ValueError(f"history_years must be more than 0 and at most 10, got {history_years}")
    if events_per_household is not None and events_per_household < 0:
        raise ValueError("events_per_household must be 0 or more")
    district = get_district(district_code)
    if not district.dongs:
        raise ValueError(
            f"{district.name} has no 행정동 in assets/districts; use {DEMO_DISTRICT_CODE}"
        )
    today = today or programme_today()
    rng = random.Random(f"fieldapp-demo:{seed}")
    dong_weights = list(accumulate(rng.uniform(0.5, 1.5) for _ in district.dongs))
    roads = {d.code: road_names(rng, 8) for d in district.dongs}
    start = today - timedelta(days=round(history_years * 365.25))

    profiles: list[_Profile] = []
    records: list[dict[str, Any]] = []
    programmes: list[tuple[bool, bool]] = []
    for i in range(households):
        r = random.Random(seed * 7_919_000_003 + i)
        hh, prof, progs = _household(r, i, district, dong_weights, roads, today, start)
        records.append(hh)
        profiles.append(prof)
        programmes.append(progs)

    users = _assign(rng, seed, district, records, profiles, programmes, today)
    demo = DemoDistrict(
        seed=seed,
        today=today,
        history_years=history_years,
        events_per_household=events_per_household,
        district={
            "code": district.code,
            "name": district.name,
            "code_system": district.code_system,
        },
        dongs=[
            {
                "code": d.code,
                "name": d.name,
                "district_code": district.code,
                "code_system": d.code_system,
            }
            for d in district.dongs
        ],
        users=users,
        households=records,
        _profiles=profiles,
    )
    if events_per_household is None:
        demo.scenarios = demo_scenarios(
            records, seed, today, spans=_Spans(demo), shows=_ShowsToday(demo)
        )
    return demo


def _alerted(household: Mapping[str, Any]) -> bool:
    """Whether a district alert covers *household*: high and medium risk, as
    ``sync.server.district.alerts.declare_alert`` sets ``alert_active``."""
    return household.get("risk_level") in ("high", "medium")


class _ShowsToday:
    """Whether a demo decline shows on the demo's today: its household has an active signal
    that the same history without the decline has not (rules of :mod:`fieldapp.signals`,
    over the records as the server holds them, results computed; the household row as the
    server holds it, ``alert_active`` set by the declared alert). Only the demo asks: the
    benchmark chooses nothing, it measures what the rules miss.

    A heat exposure shows by a signal that needs its alert (``alert_active``). It is asked
    first; once one is accepted its alert is the district's, so every later decline is
    judged with the alert's daily calls and ``alert_active``. On a household *worker* holds,
    the new signal must be of a programme that worker works in (its Today lists it)."""

    def __init__(self, demo: DemoDistrict) -> None:
        self.demo = demo
        self.profiles = {p.household_id: p for p in demo._profiles}
        self.rows = {str(h["id"]): h for h in demo.households}
        self.devices = {u.username: u.device_id for u in demo.users}
        self.alert: tuple[date, date] | None = None

    def __call__(self, scenario: Scenario, worker: str) -> bool:
        from fieldapp.signals import evaluate

        alert = scenario.alert if scenario.declared else self.alert
        row = self.rows[scenario.household_id]
        if scenario.declared and not _alerted(row):
            return False  # the alert would not cover the household
        covered = [alert] if alert is not None and _alerted(row) else []
        on = self.demo.today
        household = {**row, "alert_active": any(a <= on <= b for a, b in covered)}
        found: list[set[tuple[str, str | None]]] = []
        for decline in (scenario, None):
            events = self._events(scenario.household_id, decline, covered)
            found.append(
                {(s.rule, s.programme) for s in evaluate(household, events, on) if s.active}
            )
            if decline is not None and scenario.declared:  # it shows because of the alert
                unflagged = {**household, "alert_active": False}
                found[0] -= {
                    (s.rule, s.programme) for s in evaluate(unflagged, events, on) if s.active
                }
        programmes = {p for _, p in found[0] - found[1]}
        held = row.get("assignments") or {}
        if worker in held.values():  # it must land on that worker's Today
            shows = any(p is None or held.get(p) == worker for p in programmes)
        else:
            shows = bool(programmes)
        if shows and scenario.declared:
            self.alert = scenario.alert
        return shows

    def _events(
        self, household_id: str, decline: Scenario | None, alerts: list[tuple[date, date]]
    ) -> list[dict[str, Any]]:
        profile = self.profiles[household_id]
        maker = _EventMaker(self.demo, profile, self.devices, _instruments(), decline, alerts)
        finish = _Finisher()
        return [finish(e) for e in maker.events()]


class _Spans(Mapping[str, tuple[date, date]]):
    """household id -> (first, last) day of its records without a decline, made only for the
    households asked about (the demo's planner looks at a few)."""

    def __init__(self, demo: DemoDistrict) -> None:
        self.demo = demo
        self.profiles = {p.household_id: p for p in demo._profiles}
        self.devices = {u.username: u.device_id for u in demo.users}

    def __getitem__(self, household_id: str) -> tuple[date, date]:
        maker = _EventMaker(self.demo, self.profiles[household_id], self.devices, _instruments())
        days = [date.fromisoformat(e["device_time"][:10]) for e in maker.events()]
        if not days:
            raise KeyError(household_id)
        return days[0], days[-1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)


def _household(
    r: random.Random,
    i: int,
    district: District,
    dong_weights: list[float],
    roads: dict[str, list[str]],
    today: date,
    start: date,
) -> tuple[dict[str, Any], _Profile, tuple[bool, bool]]:
    """One household record, its history profile, and (welfare?, health?) membership."""
    hid = _uuid(r)
    dong = district.dongs[bisect(dong_weights, r.random() * dong_weights[-1])]
    htype = _weighted(r, _TYPES, _TYPE_WEIGHTS)
    if htype == "elderly_alone":
        age = 65 + int(r.triangular(0, 33, 8))
        sex = "F" if r.random() < 0.68 else "M"
    elif htype == "midlife_alone":
        age = r.randint(40, 64)
        sex = "M" if r.random() < 0.62 else "F"
    elif htype == "youth_alone":
        age = r.randint(19, 39)
        sex = "M" if r.random() < 0.5 else "F"
    else:  # jjokbang
        age = int(r.triangular(45, 88, 63))
        sex = "M" if r.random() < 0.85 else "F"
    birth = today - timedelta(days=int((age + r.random()) * 365.2425))
    name = person_name(r, birth.year)
    band = _weighted(
        r, _BANDS, (0.25, 0.4, 0.25, 0.1) if htype == "youth_alone" else (0.12, 0.33, 0.38, 0.17)
    )
    risk = {
        "general": ("low", "low", "medium"),
        "low": ("low", "medium", "medium"),
        "medium": ("medium", "medium", "high"),
        "high": ("high", "high", "medium"),
    }[band][r.randrange(3)]
    p_welfare = {"elderly_alone": 0.9, "midlife_alone": 0.85, "youth_alone": 0.75}.get(htype, 1.0)
    p_health = {"elderly_alone": 0.55, "midlife_alone": 0.3, "youth_alone": 0.05}.get(htype, 0.5)
    welfare, health = r.random() < p_welfare, r.random() < p_health
    if not (welfare or health):
        welfare = True
    care_group = (
        _weighted(r, ("intensive", "regular", "self_support"), (0.15, 0.45, 0.4))
        if health
        else None
    )
    enrolled = (
        start - timedelta(days=r.randrange(1, 3 * 365))
        if r.random() < 0.75
        else start + timedelta(days=r.randrange(max(1, (today - start).days)))
    )
    phone = demo_phone(i) if r.random() < 0.9 else None
    contacts = []
    for k in range(2 if r.random() < 0.1 else (1 if r.random() < 0.7 else 0)):
        contacts.append(
            {
                "name": person_name(r, birth.year + 28),
                "relation": r.choice(RELATIONS),
                "phone": demo_phone(5_000_000 + 2 * i + k),
            }
        )
    consent_day = enrolled.isoformat()
    # everyone in a programme consented on enrolment; health data (민감정보) separately
    consent_general = {"given": True, "date": consent_day, "recorded_by": None}
    consent_health = (
        {"given": True, "date": consent_day, "recorded_by": None}
        if health
        else (
            {"given": r.random() < 0.6, "date": consent_day, "recorded_by": None}
            if r.random() < 0.5
            else None
        )
    )
    record = {
        "id": hid,
        "district_code": district.code,
        "dong_code": dong.code,
        "household_type": htype,
        "address_road": f"서울특별시 {district.name} {r.choice(roads[dong.code])} {_building(r)}",
        "address_detail": address_detail(r, htype),
        "phone": phone,
        "risk_level": risk,
        "care_group": care_group,
        "isolation_band": band,
        "notes": r.choice(_NOTES_HOUSEHOLD) if r.random() < 0.25 else None,
        "emergency_contacts": contacts,
        "consent_general": consent_general,
        "consent_health": consent_health,
        "persons": [
            {
                "id": _uuid(r),
                "name": name,
                "birth_date": birth.isoformat(),
                "sex": sex,
                "phone": phone,
            }
        ],
        "assignments": {},
        "assignment_history": [],
        "field_versions": {},
        "alert_active": False,
    }
    diabetic = r.random() < (0.28 if age >= 65 else 0.12)
    systolic = min(175.0, max(100.0, r.gauss(122 + max(0, age - 50) * 0.3, 12)))
    height = r.gauss(168 if sex == "M" else 155, 6) - max(0, age - 70) * 0.15
    profile = _Profile(
        index=i,
        household_id=hid,
        enrolled=enrolled,
        birth=birth,
        sex=sex,
        htype=htype,
        band=band,
        care_group=care_group,
        volunteer=None,
        nurse=None,
        has_contact=bool(contacts),
        systolic=systolic,
        diastolic=min(105.0, max(60.0, systolic * 0.6 + r.gauss(2, 5))),
        diabetic=diabetic,
        height=round(min(190.0, max(135.0, height)), 1),
        weight=round(min(110.0, max(38.0, r.gauss(23.5, 3.2) * (height / 100) ** 2)), 1),
        depression=min(0.95, r.betavariate(1.3, 6) + (0.12 if band == "high" else 0)),
        frailty=min(0.95, r.betavariate(1.5, 5) + max(0, age - 75) * 0.015),
        smoker=_weighted(r, ("never", "former", "current"), (0.6, 0.25, 0.15)),
        drinker=_weighted(
            r,
            ("none", "monthly_or_less", "2_4_month", "2_3_week", "4plus_week"),
            (0.45, 0.25, 0.15, 0.1, 0.05),
        ),
    )
    return record, profile, (welfare, health)


def _building(r: random.Random) -> str:
    number = r.randint(1, 180)
    return f"{number}-{r.randint(1, 12)}" if r.random() < 0.25 else str(number)


def _assign(
    rng: random.Random,
    seed: int,
    district: District,
    records: list[dict[str, Any]],
    profiles: list[_Profile],
    programmes: list[tuple[bool, bool]],
    today: date,
) -> list[DemoUser]:
    """Make the workers and assign every programme a household is in (a few stay unassigned)."""
    users: list[DemoUser] = []
    name_rng = random.Random(f"fieldapp-demo-users:{seed}")

    def add(username: str, role: str, label: str, dongs: tuple[str, ...]) -> None:
        display = f"{person_name(name_rng, 1975 + name_rng.randrange(25))} ({label})"
        device = str(uuid.UUID(int=name_rng.getrandbits(128), version=4))
        users.append(DemoUser(username, display, role, DEMO_PASSWORD, district.code, dongs, device))

    all_dongs = tuple(d.code for d in district.dongs)
    add("admin", "admin", "관리자", ())
    add("supervisor1", "supervisor", "동 주민센터 팀장", all_dongs)
    add("supervisor2", "supervisor", "보건소 팀장", all_dongs)

    by_dong: dict[str, list[int]] = {code: [] for code in all_dongs}
    for i, rec in enumerate(records):
        by_dong[rec["dong_code"]].append(i)
    recent = today - timedelta(days=30)

    def unassigned(i: int) -> bool:  # a few recent enrolments wait for a worker
        return profiles[i].enrolled >= recent and (profiles[i].index % 3 == 0)

    volunteer_no = 0
    for code in all_dongs:
        members = [i for i in by_dong[code] if programmes[i][0]]
        names = []
        for _ in range(max(1, math.ceil(len(members) / VOLUNTEER_CASELOAD))):
            volunteer_no += 1
            names.append(f"volunteer{volunteer_no}")
            add(names[-1], "volunteer", "돌봄단", (code,))
        for k, i in enumerate(members):
            worker = None if unassigned(i) else names[k % len(names)]
            records[i]["assignments"]["welfare_check"] = worker
            profiles[i].volunteer = worker

    nurse_no = 0
    groups = [all_dongs[g : g + 4] for g in range(0, len(all_dongs), 4)]
    for group in groups:
        members = [i for code in group for i in by_dong[code] if programmes[i][1]]
        names = []
        for _ in range(max(1, math.ceil(len(members) / NURSE_CASELOAD))):
            nurse_no += 1
            names.append(f"nurse{nurse_no}")
            add(names[-1], "nurse", "방문간호사", tuple(group))
        for k, i in enumerate(members):
            worker = None if unassigned(i) else names[k % len(names)]
            records[i]["assignments"]["visiting_health"] = worker
            profiles[i].nurse = worker
    return users


# ----------------------------------------------------------------------------- events


class _EventMaker:
    """Makes one household's events in time order from its own random stream."""

    def __init__(
        self,
        demo: DemoDistrict,
        profile: _Profile,
        devices: dict[str, str],
        instruments: dict[str, Any],
        decline: Scenario | None = None,
        district_alerts: list[tuple[date, date]] | None = None,
    ) -> None:
        self.p = profile
        self.devices = devices
        self.instruments = instruments
        self.exact = demo.events_per_household
        self.r = random.Random(demo.seed * 7_919_000_003 + profile.index + 0x5EED_0000_0000)
        self.today = demo.today
        self.start = max(
            demo.today - timedelta(days=round(demo.history_years * 365.25)), profile.enrolled
        )
        lag_r = random.Random(demo.seed * 1_000_003 + profile.index + 0xBAC_0000)
        lags, weights = zip(*_BACKLOG_DAYS, strict=True)
        #: where this household's (non-benchmark) history stops: today, or a slipped contact
        self.end = demo.today - timedelta(days=_weighted(lag_r, lags, weights))
        self.clock = 0  # minutes since day 1 of the last event made: keeps time order
        self.missed = 0  # consecutive unanswered welfare checks
        self.last_screen: dict[str, date] = {}
        self.open_referrals: list[tuple[date, dict[str, Any]]] = []
        #: the injected decline, applied to each record as it is made (so the programme's
        #: rules, e.g. the home visit after two missed calls, follow what the records say)
        self.inject = injector(decline, demo.seed) if decline is not None else None
        #: heat or cold alerts covering the household (first and last day): its heat-exposure
        #: decline's own (``Scenario.alert``: the benchmark's), and the alerts declared for
        #: the district that cover it (the demo's)
        self.declared = list(dict.fromkeys(district_alerts or ()))
        own = [decline.alert] if decline is not None and decline.alert else []
        self.alerts = [a for a in own if a not in self.declared]
        self.habit = _Habits(
            random.Random(demo.seed * 7_919_000_003 + profile.index + 0x4AB1_0000_0000),
            profile,
            self.start,
            self.end,
        )

    # -- schedule

    def _slots(self) -> list[tuple[date, str]]:
        """(day, kind) in time order; kinds: welfare, visit, note."""
        p, r = self.p, self.r
        if not (p.volunteer or p.nurse):
            return []
        span = (self.today - self.start).days
        if span <= 0:
            return []
        if self.exact is not None:
            kinds: list[tuple[str, float]] = []
            if p.volunteer:
                kinds.append(("welfare", 6.0))
            if p.nurse:
                kinds.append(("visit", 3.0))
            kinds.append(("note", 0.4))
            names, weights = zip(*kinds, strict=True)
            days = sorted(r.randrange(span) for _ in range(self.exact))
            return [(self.start + timedelta(days=d), _weighted(r, names, weights)) for d in days]
        slots: list[tuple[date, str]] = []
        if p.volunteer:
            step = (3, 4) if p.band == "high" else (7, 7)
            day = self.start + timedelta(days=r.randrange(7))
            n = 0
            while day < self.end:
                slots.append((_weekday(day), "welfare"))
                day += timedelta(days=step[n % 2] + r.choice((-1, 0, 0, 0, 1)))
                n += 1
            alert_calls = self._alert_calls({d for d, _ in slots})
            slots += alert_calls
        if p.nurse and p.care_group:
            lo, hi = _VISIT_INTERVAL[p.care_group]
            day = self.start + timedelta(days=r.randrange(lo))
            while day < self.end:
                slots.append((_weekday(day), "visit"))
                day += timedelta(days=r.randint(lo, hi))
        day = self.start + timedelta(days=r.randrange(60, 120))
        while day < self.end:
            slots.append((_weekday(day), "note"))
            day += timedelta(days=r.randrange(60, 200))
        if self.declared and p.volunteer:
            late = set(alert_calls)  # a declared alert's calls run to today (see _alert_calls)
            slots = [s for s in slots if s[0] < self.end or s in late]
        else:
            slots = [s for s in slots if s[0] < self.end]
        slots.sort(key=lambda s: s[0])
        return slots

    def _alert_calls(self, called: set[date]) -> list[tuple[date, str]]:
        """A welfare check on every day of an alert covering the household (weekends too)
        that has none: while a heat or cold alert is active, high- and medium-risk households
        are contacted daily (DOMAIN.md section 5; the cadence overlay,
        assets/cadence/seasonal_alerts.json, makes them due every day). Only from the
        household's first day in the programme to where its history stops; for an alert
        declared for the district (the demo's) to yesterday even where the history stopped
        earlier: the 동 calls every household the alert covers (the alert board follows it),
        whatever the volunteer's weekly round."""
        out = []
        spans = [(a, b, self.end) for a, b in self.alerts]
        spans += [(a, b, self.today) for a, b in self.declared]
        for first, last, stop in spans:
            day = max(first, self.start)
            while day <= last and day < stop:
                if day not in called:
                    out.append((day, "welfare"))
                    called.add(day)
                day += timedelta(days=1)
        return out

    def events(self) -> Iterator[dict[str, Any]]:
        exact = self.exact is not None
        made = 0
        slots = self._slots()
        i = 0
        while i < len(slots):
            day, kind = slots[i]
            i += 1
            if exact and made >= self.exact:
                return
            minute = self.r.randrange(9 * 60, 18 * 60)
            # referrals waiting to be closed come first when their day has come
            if self.open_referrals and self.open_referrals[0][0] <= day:
                due, opened = self.open_referrals.pop(0)
                yield self._closing(due if not exact else day, minute, opened)
                made += 1
                if exact:
                    continue
            batch = self._make(kind, day, minute)
            for event in batch:
                if exact and made >= self.exact:
                    return
                yield event
                made += 1
            if kind == "welfare" and not exact:
                self._home_visit_after_missed_calls(batch[0], day, slots, i)

    def _home_visit_after_missed_calls(
        self, check: dict[str, Any], day: date, slots: list[tuple[date, str]], i: int
    ) -> None:
        """The second missed call in a row makes a home visit due that day (the app's task,
        assets/cadence/welfare_check.json ``missed_calls``; DOMAIN.md section 4): the volunteer
        goes to the door on the next working day or the one after, not at the next weekly
        call. Nothing to add when the next welfare check already falls by then."""
        pl = check["payload"]
        if self.missed != 2 or pl.get("method") == "visit":
            return
        door = _weekday(day + timedelta(days=self.r.choice((1, 1, 2))))
        if door >= self.end:
            return
        nxt = next((d for d, k in slots[i:] if k == "welfare"), None)
        if nxt is not None and nxt <= door:
            return
        at = i
        while at < len(slots) and slots[at][0] <= door:
            at += 1
        slots.insert(at, (door, "welfare"))

    def _make(self, kind: str, day: date, minute: int) -> list[dict[str, Any]]:
        if kind == "welfare":
            out = [self._welfare(day, minute)]
        elif kind == "visit":
            out = [self._visit(day, minute)]
            out += self._screenings(day, minute + 15)
        else:
            author = self.p.volunteer or self.p.nurse
            prog = "welfare_check" if self.p.volunteer else "visiting_health"
            out = [
                self._event(
                    "note", day, minute, author, prog, {"text": self.r.choice(_NOTES_EVENT)}
                )
            ]
        if self.inject is not None:
            out = [self.inject(e) for e in out]
        if kind == "welfare":
            reached = out[0]["payload"]["reached"]
            self.missed = 0 if reached in ("yes", "hospitalised") else self.missed + 1
        referral = self._referral_for(out, day, minute + 40)
        if referral is not None:
            out.append(referral)
        return out

    # -- envelope

    def _event(
        self,
        etype: str,
        day: date,
        minute: int,
        author: str | None,
        programme: str,
        payload: dict[str, Any],
    ) -> dict[str, Any]:
        stamp = max(day.toordinal() * 1440 + minute, self.clock + 1)  # never before the last
        self.clock = stamp
        day, minute = date.fromordinal(stamp // 1440), stamp % 1440
        return {
            "id": _uuid(self.r),
            "type": etype,
            "household_id": self.p.household_id,
            "programme": programme,
            "created_by": author,
            "device_id": self.devices[author],  # type: ignore[index]
            "device_time": f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{self.r.randrange(60):02d}{_KST}",
            "payload": payload,
            "amends": None,
            "skew_flag": False,
            "server_time": None,
            "redacted": False,
            "late_handover": False,
        }

    # -- welfare check (DOMAIN.md section 4; assets/forms/welfare_check.json)

    def _welfare(self, day: date, minute: int) -> dict[str, Any]:
        p, r = self.p, self.r
        author = p.volunteer or p.nurse
        if self.missed >= 2:
            method = "visit"
        else:
            method = _weighted(r, ("phone", "visit", "video"), (0.86, 0.12, 0.02))
        p_reached = 0.8 if p.band == "high" else 0.88
        if method == "visit":
            p_reached = 0.95  # the door is usually opened
        payload: dict[str, Any] = {"method": method, "attempt": self.missed + 1}
        actions: list[str] = []
        risk_signs: list[str] = []
        escalation = 0
        if r.random() < p_reached:
            payload["reached"] = "yes"
            payload["seen_in_person"] = method in ("visit", "video")
            payload["respondent"] = "self" if r.random() < 0.95 else "family"
            h = self.habit
            spell = h.unwell(day)
            health = _weighted(
                r,
                ("good", "usual", "worse", "acute"),
                (0.03, 0.3, 0.665, 0.005) if spell else (0.27, 0.68, 0.049, 0.001),
            )
            payload["health"] = health
            payload["meals_24h"] = h.meals(r, spell)
            payload["medication"] = h.medication(r, spell)
            d = min(0.95, p.depression + 0.3) if spell else p.depression
            payload["mood"] = _mood(r, d)
            suicidal = "none"
            u = r.random()
            d = p.depression
            if u < 0.0004 + 0.002 * d:
                suicidal = "active" if u < 0.0002 + 0.0004 * d else "passive"
            payload["suicidal_talk"] = suicidal
            payload["social_contact_7d"] = r.random() < h.p_contact
            payload["went_out_7d"] = r.random() < h.p_out * (0.3 if spell else 1.0)
            if r.random() < 0.012:
                risk_signs.append(
                    r.choice(
                        ("alcohol", "hoarding_hygiene", "unpaid_bills", "fall_injury", "no_food")
                    )
                )
            if health == "acute":
                escalation = 3
                actions += ["called_119", "reported_dong"]
            if suicidal == "active":
                escalation = 3
                actions += ["called_109", "reported_dong"]
            elif suicidal == "passive":
                escalation = max(escalation, 2)
                actions += ["called_1577_0199", "reported_dong"]
            if risk_signs:
                escalation = max(escalation, 2)
                actions += ["service_linked", "reported_dong"]
            if not escalation and (health == "worse" or payload["mood"] in ("low", "very_low")):
                escalation = 1
                actions.append("info_given")
        else:
            if method == "visit":
                payload["reached"] = _weighted(
                    r, ("not_home", "no_answer", "hospitalised"), (0.75, 0.2, 0.05)
                )
            else:
                payload["reached"] = _weighted(
                    r,
                    ("no_answer", "phone_off", "wrong_number", "hospitalised"),
                    (0.7, 0.24, 0.03, 0.03),
                )
            if method == "visit" and payload["reached"] in ("not_home", "no_answer"):
                escalation = 2
                actions.append("reported_dong")
                if p.has_contact:
                    actions.append("family_contacted")
        season = season_of(day)
        if season and r.random() < 0.3 and payload["reached"] == "yes":
            payload["seasonal_environment"] = season
            payload["shelter_informed"] = r.random() < 0.9
        payload["risk_signs"] = risk_signs
        payload["actions_taken"] = list(dict.fromkeys(actions))
        payload["escalation_level"] = escalation
        if r.random() < 0.05:
            payload["notes"] = r.choice(_NOTES_EVENT)
        return self._event("welfare_check", day, minute, author, "welfare_check", payload)

    # -- visit with vitals (assets/forms/visit.json, assets/instruments/vitals.json)

    def _visit(self, day: date, minute: int) -> dict[str, Any]:
        p, r = self.p, self.r
        sys1 = round(p.systolic + r.gauss(0, 9))
        if r.random() < 0.004:  # a rare hypertensive crisis
            sys1 = r.randint(180, 200)
        dia1 = round(p.diastolic + (sys1 - p.systolic) * 0.4 + r.gauss(0, 5))
        sys2, dia2 = round(sys1 + r.gauss(-2, 4)), round(dia1 + r.gauss(-1, 3))
        # Pulse pressure stays >= 20 mmHg: a reading with diastolic >= systolic is refused
        # by the vitals panel (as a swapped entry) and would not be a plausible history.
        bp = [
            {"systolic": sys1, "diastolic": min(dia1, sys1 - 20)},
            {"systolic": sys2, "diastolic": min(dia2, sys2 - 20)},
        ]
        timing = _weighted(r, ("fasting", "post_meal", "random"), (0.5, 0.3, 0.2))
        base = {"fasting": 95, "post_meal": 128, "random": 115}[timing]
        if p.diabetic:
            base = {"fasting": 138, "post_meal": 185, "random": 165}[timing]
        glucose = round(max(72, r.gauss(base, base * 0.12)))
        if p.diabetic and r.random() < 0.012:  # rare hypoglycaemia
            glucose = r.randint(52, 68)
        vitals: dict[str, Any] = {
            "bp": bp,
            "pulse": round(r.gauss(74, 8)),
            "glucose": {"value": glucose, "timing": timing},
            "sex": p.sex,
        }
        if r.random() < 0.35:
            vitals["height_cm"] = p.height
            vitals["weight_kg"] = round(p.weight + r.gauss(0, 1.2), 1)
        if r.random() < 0.3:
            bmi = p.weight / (p.height / 100) ** 2
            vitals["waist_cm"] = round(bmi * (3.5 if p.sex == "M" else 3.45) + r.gauss(0, 3))
        age = _age(p.birth, day)
        payload: dict[str, Any] = {
            "vitals": vitals,
            "medication_adherence": _weighted(
                r, ("good", "partial", "poor", "na"), (0.6, 0.2, 0.05, 0.15)
            ),
            "falls_since_last_visit": 1 if age >= 70 and r.random() < 0.05 else 0,
            "meals": _weighted(r, ("regular", "irregular", "poor"), (0.7, 0.25, 0.05)),
            "smoking": p.smoker,
            "alcohol": p.drinker,
            "activity_days": r.randint(0, 7) if r.random() < 0.8 else 0,
        }
        if r.random() < 0.1:
            payload["notes"] = r.choice(_NOTES_EVENT)
        return self._event("visit", day, minute, p.nurse, "visiting_health", payload)

    # -- screenings

    def _screenings(self, day: date, minute: int) -> list[dict[str, Any]]:
        p = self.p
        age = _age(p.birth, day)
        out = []
        for iid, every in _SCREEN_EVERY.items():
            if iid in ("sgds_k", "k_frail") and age < 65:
                continue
            last = self.last_screen.get(iid)
            if last is not None and (day - last).days < every:
                continue
            self.last_screen[iid] = day
            out.append(self._screening(iid, day, minute + 8 * len(out), age))
            if self.exact is not None:
                break  # one screening per visit slot when counts are fixed
        return out

    def _screening(self, iid: str, day: date, minute: int, age: int) -> dict[str, Any]:
        p, r = self.p, self.r
        instrument = self.instruments[iid]
        answers: dict[str, Any] | None = None
        total: int | None = None
        if instrument.items is None:  # score entry: consistent with the household's band
            total = {
                "general": 0,
                "low": r.randint(1, 3),
                "medium": r.randint(4, 8),
                "high": r.randint(9, 13),
            }[p.band]
            total = min(max(total, instrument.total_min), instrument.total_max)
        else:
            q = p.frailty if iid == "k_frail" else p.depression
            answers = {item.id: _answer(r, item, q) for item in instrument.items}
            if iid == "phq9":  # item 9 (thoughts of death or self-harm): rare
                rare = r.random() < 0.004 + (0.05 * q if q > 0.5 else 0)
                answers["q9"] = (2 if r.random() < 0.2 else 1) if rare else 0
        payload = {
            "instrument_id": iid,
            "instrument_version": instrument.version,
            "answers": answers,
            "total": total,
            "context": {"age": age, "sex": p.sex},
        }
        return self._event("screening", day, minute, p.nurse, "visiting_health", payload)

    # -- referrals

    def _referral_for(
        self, made: list[dict[str, Any]], day: date, minute: int
    ) -> dict[str, Any] | None:
        """A referral when something just recorded needs one (open; closed later). Like the
        app's, it names the record it answers (``closes``), which closes that record's immediate
        action; its own follow-up stays open until :meth:`_closing` names it."""
        target = reason = urgency = answers = None
        for ev in made:
            pl = ev["payload"]
            earlier, target = (target, reason, urgency), None  # the last record needing one wins
            if ev["type"] == "welfare_check":
                if pl.get("suicidal_talk") in ("active", "passive"):
                    target, reason = "정신건강복지센터", "자살 관련 언급"
                    urgency = "immediate" if pl["suicidal_talk"] == "active" else "urgent"
                elif pl.get("health") == "acute":
                    target, reason, urgency = "119 / 의료기관", "급성 증상", "immediate"
                elif pl["risk_signs"]:
                    target, reason, urgency = "동 주민센터 통합사례관리", "위험 징후 발견", "urgent"
                elif pl["reached"] in ("not_home", "no_answer") and pl["method"] == "visit":
                    target, reason, urgency = "동 주민센터", "방문 시 응답 없음", "immediate"
            elif ev["type"] == "visit":
                vit = pl["vitals"]
                if max(b["systolic"] for b in vit["bp"]) >= 180:
                    target, reason, urgency = "의료기관", "혈압 180 이상", "immediate"
                elif vit["glucose"]["value"] < 70:
                    target, reason, urgency = "의료기관", "저혈당", "immediate"
            elif ev["type"] == "screening" and pl["instrument_id"] == "phq9":
                ans = pl["answers"]
                if ans["q9"] >= 1:
                    target, reason, urgency = "정신건강복지센터", "PHQ-9 9번 문항 응답", "immediate"
                elif sum(ans.values()) >= 10:
                    target, reason, urgency = "정신건강복지센터", "PHQ-9 10점 이상", "urgent"
            if target is None:
                target, reason, urgency = earlier
            else:
                answers = ev["id"]
        if target is None:
            return None
        author = made[-1]["created_by"]
        programme = made[-1]["programme"]
        event = self._event(
            "referral",
            day,
            minute,
            author,
            programme,
            {
                "target": target,
                "reason": reason,
                "urgency": urgency,
                "status": "open",
                "closes": answers,
            },
        )
        self.open_referrals.append((day + timedelta(days=self.r.randint(3, 21)), event))
        self.open_referrals.sort(key=lambda x: x[0])
        return event

    def _closing(self, day: date, minute: int, opened: dict[str, Any]) -> dict[str, Any]:
        pl = opened["payload"]
        payload = {
            "target": pl["target"],
            "reason": f"{pl['reason']}: 연계 완료",
            "urgency": pl["urgency"],
            "status": "done",
            "closes": opened["id"],
        }
        return self._event(
            "referral", day, minute, opened["created_by"], opened["programme"], payload
        )


def _mood(r: random.Random, d: float) -> str:
    """Mood from depression propensity *d*: weights 0.3(1-d), 0.6, 0.25d, 0.06d."""
    u = r.random() * (0.9 + 0.01 * d)
    if u < 0.3 * (1 - d):
        return "good"
    if u < 0.9 - 0.3 * d:
        return "usual"
    return "low" if u < 0.9 - 0.05 * d else "very_low"


def _answer(r: random.Random, item: Any, q: float) -> Any:
    """An answer to *item* from a propensity *q* (0..1) towards the scoring end."""
    if item.kind == "count":
        lo, hi = item.min, item.max
        return min(hi, max(lo, round(r.gauss(lo + q * (hi - lo) * 0.6, 1.2))))
    options = sorted(item.options, key=lambda o: o.points)
    if len(options) == 2:
        return options[1].value if r.random() < 0.06 + 0.85 * q else options[0].value
    u = r.random()  # ordinal (e.g. PHQ-9 0-3): mostly the lowest, rarely the highest
    idx = 0 if u > q else (1 if u > q * 0.45 else (2 if u > q * 0.15 else 3))
    return options[min(idx, len(options) - 1)].value


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the next Monday."""
    wd = day.weekday()
    return day + timedelta(days=7 - wd) if wd >= 5 else day
