"""The synthetic demo district: deterministic, plausible, valid, and about nobody real."""

import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from types import GeneratorType

import pytest

from fieldapp.demo import DEMO_PASSWORD, VOLUNTEER_CASELOAD, generate_district
from fieldapp.household_state import household_state
from fieldapp.phone import format_phone, is_demo_phone
from fieldapp.validation import looks_like_rrn, validate_event
from sync.protocol import ROLE_PROGRAMME, Event, Household, Role, UserInfo

TODAY = date(2026, 11, 25)
RRN_LIKE = re.compile(r"(?<!\d)\d{6}[\s-]?[1-4]\d{6}(?!\d)")
#: Written independently of the generator's own guard list.
REAL_FAMOUS = {
    "이순신",
    "김구",
    "유관순",
    "세종",
    "김연아",
    "손흥민",
    "박지성",
    "홍길동",
    "윤동주",
    "안중근",
}


@pytest.fixture(scope="module")
def small():
    return generate_district(40, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def small_events(small):
    return small.events(with_result=False)


def test_same_seed_same_district_and_events() -> None:
    a = generate_district(25, seed=11, today=TODAY)
    b = generate_district(25, seed=11, today=TODAY)
    assert a.households == b.households
    assert a.users == b.users
    assert a.events(with_result=False) == b.events(with_result=False)
    c = generate_district(25, seed=12, today=TODAY)
    assert [h["id"] for h in c.households] != [h["id"] for h in a.households]
    assert [p["name"] for h in c.households for p in h["persons"]] != [
        p["name"] for h in a.households for p in h["persons"]
    ]


def test_a_household_does_not_depend_on_district_size() -> None:
    few = generate_district(10, seed=3, today=TODAY)
    more = generate_district(30, seed=3, today=TODAY)
    strip = lambda h: {k: v for k, v in h.items() if k != "assignments"}  # noqa: E731
    assert [strip(h) for h in few.households] == [strip(h) for h in more.households[:10]]


def test_sizes_roles_and_assignments(small) -> None:
    assert len(small.households) == 40
    assert small.district == {"code": "11440", "name": "마포구", "code_system": "haengjeong_pyojun"}
    assert len(small.dongs) == 16
    roles = Counter(u.role for u in small.users)
    assert set(roles) == {"volunteer", "nurse", "supervisor", "admin"}
    users = {u.username: u for u in small.users}
    assert len(users) == len(small.users)
    load: Counter[str] = Counter()
    for hh in small.households:
        assert hh["assignments"], "every household is in at least one programme"
        for programme, username in hh["assignments"].items():
            if username is None:
                continue
            user = users[username]
            assert ROLE_PROGRAMME[Role(user.role)].value == programme
            assert hh["dong_code"] in user.dong_codes
            load[username] += 1
        if "visiting_health" in hh["assignments"]:
            assert hh["care_group"] is not None
            assert hh["consent_health"]["given"] is True
    assert max(v for k, v in load.items() if k.startswith("volunteer")) <= VOLUNTEER_CASELOAD
    for u in small.users:
        UserInfo(
            username=u.username,
            display_name=u.display_name,
            role=Role(u.role),
            district_code=u.district_code,
            dong_codes=list(u.dong_codes),
        )


def test_demo_password_meets_the_server_rule(small) -> None:
    for u in small.users:
        assert u.password == DEMO_PASSWORD
    classes = sum(
        bool(re.search(p, DEMO_PASSWORD)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
    )
    assert len(DEMO_PASSWORD) >= 10 and classes >= 2


def test_households_match_the_wire_model(small) -> None:
    for hh in small.households:
        assert Household.model_validate(hh).model_dump(mode="json") == hh


def test_every_event_passes_validate_event(small, small_events) -> None:
    assert len(small_events) > 1000
    expected = [validate_event(e) for e in small_events]
    assert small.events(with_result=True) == expected  # the reuse of results changes nothing
    for event in expected:
        Event.model_validate(event)
        if event["type"] in ("visit", "screening", "welfare_check"):
            assert "result" in event["payload"]


def test_events_are_shaped_and_timed(small, small_events) -> None:
    assert isinstance(small.iter_events(with_result=False), GeneratorType)
    start = datetime.combine(TODAY - timedelta(days=731), datetime.min.time())
    ids = set()
    last: dict[str, datetime] = {}
    for e in small_events:
        assert e["device_time"].endswith("+09:00")
        when = datetime.fromisoformat(e["device_time"])
        assert start.date() <= when.date() < TODAY
        assert when >= last.get(e["household_id"], when)  # each household's in time order
        last[e["household_id"]] = when
        ids.add(e["id"])
        assert "result" not in e["payload"]
    assert len(ids) == len(small_events)


def test_nobody_real_no_rrn_demo_phones(small, small_events) -> None:
    text = json.dumps([small.households, small_events, small.summary()], ensure_ascii=False)
    assert not RRN_LIKE.search(text)
    assert not looks_like_rrn(text)
    phones = [hh["phone"] for hh in small.households if hh["phone"]]
    phones += [p["phone"] for hh in small.households for p in hh["persons"] if p["phone"]]
    phones += [c["phone"] for hh in small.households for c in hh["emergency_contacts"]]
    assert len(phones) > 40
    for phone in phones:
        assert is_demo_phone(phone), phone
        assert format_phone(phone).startswith("010-0")
    names = [p["name"] for hh in small.households for p in hh["persons"]]
    names += [c["name"] for hh in small.households for c in hh["emergency_contacts"]]
    names += [u.display_name.split(" ")[0] for u in small.users]
    assert not set(names) & REAL_FAMOUS
    assert all(re.fullmatch(r"[가-힣]{3}", n) for n in names)
    for hh in small.households:
        assert hh["address_road"].startswith("서울특별시 마포구 ")


def test_histories_follow_the_programmes(small, small_events) -> None:
    users = {u.username: u.role for u in small.users}
    by_household: dict[str, list[dict]] = defaultdict(list)
    for e in small_events:
        by_household[e["household_id"]].append(e)
        role = users[e["created_by"]]
        if e["type"] in ("visit", "screening"):
            assert role == "nurse"
        if e["type"] == "welfare_check":
            assert role == "volunteer"
    gaps = []
    for events in by_household.values():
        checks = [e for e in events if e["type"] == "welfare_check"]
        days = [datetime.fromisoformat(e["device_time"]).date() for e in checks]
        gaps += [(b - a).days for a, b in pairwise(days)]
        missed = 0
        for e in checks:
            if missed >= 2:
                assert e["payload"]["method"] == "visit"  # two missed calls -> a home visit
            missed = 0 if e["payload"]["reached"] in ("yes", "hospitalised") else missed + 1
    assert 3 <= statistics.median(gaps) <= 8
    types = Counter(e["type"] for e in small_events)
    assert {"welfare_check", "visit", "screening", "note", "referral"} <= set(types)
    instruments = Counter(
        e["payload"]["instrument_id"] for e in small_events if e["type"] == "screening"
    )
    assert {"phq9", "sgds_k", "k_frail", "social_isolation"} <= set(instruments)
    reached = Counter(e["payload"]["reached"] for e in small_events if e["type"] == "welfare_check")
    assert 0.02 < (reached["no_answer"] + reached["phone_off"]) / sum(reached.values()) < 0.25
    # a referral names what it answers: an opened one the record that needed it (closing that
    # record's immediate action), a done one the referral it completes
    by_id = {e["id"]: e for e in small_events}
    referrals = [e for e in small_events if e["type"] == "referral"]
    assert referrals and all(e["payload"]["closes"] in by_id for e in referrals)
    for e in referrals:
        answered = by_id[e["payload"]["closes"]]
        assert answered["household_id"] == e["household_id"]
        assert answered["device_time"] < e["device_time"]
        done = e["payload"]["status"] == "done"
        assert (answered["type"] == "referral") == done
        assert not done or answered["payload"]["status"] == "open"


def test_the_demo_answers_its_immediate_actions_leaving_a_few_open() -> None:
    """Open immediate actions never expire, so the demo's referrals name what they answer: a
    worker's Today shows a few honestly open ones, not every flag of two years. (The demo's
    declines, under way today, leave open work of their own: their households are apart.)"""
    demo = generate_district(200, seed=1, today=TODAY)
    by_household = defaultdict(list)
    for e in demo.iter_events():
        by_household[e["household_id"]].append(e)
    declined = {s.household_id for s in demo.scenarios}
    open_per_worker: Counter[str] = Counter()
    for h in demo.households:
        if h["id"] in declined:
            continue
        state = household_state(h, by_household[h["id"]], TODAY, providers=())
        for item in state.immediate:
            open_per_worker[h["assignments"].get(item.programme)] += 1
    assert max(open_per_worker.values(), default=0) <= 3, open_per_worker


def test_vitals_and_screenings_are_plausible() -> None:
    demo = generate_district(300, seed=5, today=TODAY)
    visits, phq9 = [], []
    for e in demo.iter_events(with_result=False):
        if e["type"] == "visit":
            visits.append(e["payload"]["vitals"])
        elif e["type"] == "screening" and e["payload"]["instrument_id"] == "phq9":
            phq9.append(e["payload"]["answers"])
    systolic = [v["bp"][0]["systolic"] for v in visits]
    assert 115 <= statistics.mean(systolic) <= 145
    high = sum(s >= 140 for s in systolic) / len(systolic)
    assert 0.05 < high < 0.5
    low_glucose = sum(v["glucose"]["value"] < 70 for v in visits)
    assert 0 < low_glucose < 0.01 * len(visits)
    item9 = sum(a["q9"] >= 1 for a in phq9)
    assert 0 < item9 < 0.05 * len(phq9)
    ages = [
        (TODAY - date.fromisoformat(p["birth_date"])).days / 365.25
        for h in demo.households
        for p in h["persons"]
    ]
    assert sum(a >= 65 for a in ages) / len(ages) > 0.5
    assert any(40 <= a < 65 for a in ages) and any(a < 40 for a in ages)


def test_fixed_events_per_household_for_benchmarks() -> None:
    demo = generate_district(50, seed=2, today=TODAY, history_years=1.0, events_per_household=10)
    counts = Counter(e["household_id"] for e in demo.iter_events(with_result=False))
    assigned = [h["id"] for h in demo.households if any(h["assignments"].values())]
    assert set(counts) == set(assigned)
    assert set(counts.values()) == {10}


def test_bad_arguments_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="households must be"):
        generate_district(-1)
    with pytest.raises(ValueError, match="history_years"):
        generate_district(1, history_years=0)
    with pytest.raises(ValueError, match="no 행정동"):
        generate_district(1, district_code="11110")


def test_a_home_visit_follows_two_missed_calls_within_a_day_or_two(small, small_events) -> None:
    """DOMAIN.md section 4: two missed calls -> a home visit (the app's task is due that day);
    the volunteer goes on the next working day or the one after, not at the next weekly
    call. The old generator waited for the next weekly slot."""
    by_household: dict[str, list[dict]] = defaultdict(list)
    for e in small_events:
        if e["type"] == "welfare_check":
            by_household[e["household_id"]].append(e)
    seen = 0
    for checks in by_household.values():
        missed = 0
        for prev, e in pairwise(checks):
            ok = prev["payload"]["reached"] in ("yes", "hospitalised")
            missed = 0 if ok else missed + 1
            if missed == 2 and prev["payload"]["method"] != "visit":
                seen += 1
                gap = _day(e) - _day(prev)
                assert e["payload"]["method"] == "visit"
                assert gap <= timedelta(days=4), (_day(prev), _day(e))
    assert seen >= 5  # the fixture has some


def test_daily_life_answers_persist_and_bad_days_come_together() -> None:
    """A stable person's answers are habits, not a fresh draw at every check: the usual
    number of meals most weeks, and a day of one meal or none comes with worse health (a
    spell of being unwell), so two such checks in a row are rare. The old generator drew
    every check's meals independently (1 or 0 at about one check in ten)."""
    demo = generate_district(150, seed=3, today=TODAY)
    demo.scenarios = []
    answers: dict[str, list[dict]] = defaultdict(list)
    for e in demo.iter_events(with_result=False):
        if e["type"] == "welfare_check" and e["payload"]["reached"] == "yes":
            answers[e["household_id"]].append(e["payload"])
    usual = sum(
        Counter(p["meals_24h"] for p in pls).most_common(1)[0][1] for pls in answers.values()
    )
    total = sum(len(pls) for pls in answers.values())
    assert usual / total > 0.85
    low = [p for pls in answers.values() for p in pls if p["meals_24h"] <= 1]
    rest = [p for pls in answers.values() for p in pls if p["meals_24h"] >= 2]
    worse_low = sum(p["health"] in ("worse", "acute") for p in low) / len(low)
    worse_rest = sum(p["health"] in ("worse", "acute") for p in rest) / len(rest)
    assert worse_low > 3 * worse_rest
    pairs = [(a, b) for pls in answers.values() for a, b in pairwise(pls)]
    both = sum(a["meals_24h"] <= 1 and b["meals_24h"] <= 1 for a, b in pairs)
    assert both / len(pairs) < 0.005
    assert 0.005 < len(low) / total < 0.06  # bad days still happen


def _day(event: dict) -> date:
    return date.fromisoformat(event["device_time"][:10])
