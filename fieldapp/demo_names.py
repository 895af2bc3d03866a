"""Synthetic names and addresses for the demo district: built from syllables, never real people.

A person's name is a common surname syllable plus a two-syllable given name drawn from
syllable pools (older pools for older people); a small list of famous people's names is
skipped. Roads are two syllables plus 로 (or 길), with a numbered side street (``12길``);
they may happen to match a real road's name but no real person lives at a demo address.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

#: Common surname syllables (a surname alone identifies nobody).
SURNAMES = tuple(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용"
)
#: Weights: the five largest surnames are about half of Korea; the rest share the remainder.
_SURNAME_CUMULATIVE = list(accumulate([22, 15, 9, 5, 5] + [1.2] * (len(SURNAMES) - 5)))

#: Given-name syllables for people born before about 1965.
OLDER_SYLLABLES = tuple(
    "순자숙옥영희정미경춘복분례덕길말점남철수종만석용호기동상광병성재진봉태원문익중명"
)
#: Given-name syllables for people born later.
YOUNGER_SYLLABLES = tuple(
    "가건경규나다도동라람려린민별보빈서선설솔수슬시아연예온우운유윤율은이인재주준지진찬채초태하한해현혜호환희결겸담란솜슬"
)

#: Famous people's names the generator never produces (a sanity guard; names are random).
FAMOUS_NAMES = frozenset(
    [
        "이순신",
        "김구",
        "유관순",
        "안중근",
        "윤봉길",
        "김연아",
        "손흥민",
        "박지성",
        "이승만",
        "박정희",
        "김대중",
        "노무현",
        "이명박",
        "박근혜",
        "문재인",
        "윤석열",
        "이재명",
        "김영삼",
        "전두환",
        "노태우",
        "최규하",
        "김정은",
        "김정일",
        "김일성",
        "반기문",
        "이건희",
        "정주영",
        "이병철",
        "김수환",
        "장영실",
        "정약용",
        "신사임당",
        "허준",
        "홍길동",
        "김유신",
        "강감찬",
        "김좌진",
        "안창호",
        "김소월",
        "윤동주",
        "한강",
        "박경리",
        "조용필",
        "이미자",
        "나훈아",
        "송해",
        "유재석",
        "강호동",
        "봉준호",
        "박찬욱",
        "송강호",
        "이병헌",
        "전지현",
        "김태희",
        "김혜자",
        "최불암",
        "이순재",
        "추신수",
        "류현진",
        "김민재",
        "이강인",
        "박세리",
        "김우중",
        "정몽구",
        "이재용",
        "최태원",
        "구광모",
        "신격호",
        "김종필",
        "이회창",
        "정동영",
        "안철수",
        "김건희",
        "김정숙",
        "권양숙",
        "이희호",
        "이선균",
        "김수현",
        "손석희",
        "유시민",
    ]
)

#: Two-syllable words that synthetic road names are made of.
ROAD_STEMS = tuple(
    [
        "다솜",
        "새봄",
        "누리",
        "한결",
        "도담",
        "아라",
        "마루",
        "너울",
        "하늘",
        "바람",
        "꽃잎",
        "이슬",
        "별빛",
        "솔빛",
        "가람",
        "여울",
        "온새",
        "나래",
        "샘물",
        "은빛",
        "들꽃",
        "모래",
        "구름",
        "노을",
        "단비",
        "물빛",
        "보라",
        "소담",
        "윤슬",
        "초롱",
        "푸름",
        "해솔",
        "햇살",
        "다온",
        "가온",
        "라온",
        "미리",
        "시나",
        "두리",
    ]
)

RELATIONS = ("자녀", "자녀", "자녀", "형제자매", "조카", "이웃", "지인")


def person_name(rng: random.Random, birth_year: int) -> str:
    """A synthetic Korean name: surname syllable + two given-name syllables."""
    pool = OLDER_SYLLABLES if birth_year < 1965 else YOUNGER_SYLLABLES
    while True:
        surname = SURNAMES[bisect(_SURNAME_CUMULATIVE, rng.random() * _SURNAME_CUMULATIVE[-1])]
        a, b = rng.choice(pool), rng.choice(pool)
        if a == b:
            continue
        name = surname + a + b
        if name not in FAMOUS_NAMES and (surname + a) not in FAMOUS_NAMES:
            return name


def road_names(rng: random.Random, count: int) -> list[str]:
    """*count* distinct synthetic road names such as ``다솜로12길`` or ``새봄길``."""
    roads: list[str] = []
    seen: set[str] = set()
    while len(roads) < count:
        stem = rng.choice(ROAD_STEMS)
        kind = rng.random()
        if kind < 0.55:
            road = f"{stem}로{rng.randint(1, 40)}길"
        elif kind < 0.85:
            road = f"{stem}로"
        else:
            road = f"{stem}길"
        if road not in seen:
            seen.add(road)
            roads.append(road)
    return roads


def address_detail(rng: random.Random, household_type: str) -> str | None:
    """A 상세주소: floor and room, a basement room, or a 쪽방 room number."""
    if household_type == "jjokbang":
        return f"{rng.randint(1, 3)}층 {rng.randint(1, 14)}호"
    r = rng.random()
    if r < 0.2:
        return None
    if r < 0.3:
        return f"지하 1층 {rng.randint(1, 4)}호"
    floor = rng.randint(1, 6)
    return f"{floor}층 {floor}0{rng.randint(1, 4)}호"
