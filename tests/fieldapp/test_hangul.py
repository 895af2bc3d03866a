"""Particles chosen from the word, initial-consonant search, natural order."""

from __future__ import annotations

import pytest

from fieldapp.hangul import initials, matches, natural_key, with_particle


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("수축기 혈압", "은/는", "수축기 혈압은"),
        ("몸무게", "은/는", "몸무게는"),
        ("체온", "이/가", "체온이"),
        ("키", "이/가", "키가"),
        ("전화번호", "을/를", "전화번호를"),
        ("확인 방법", "을/를", "확인 방법을"),
        ("혈당(mg/dL)", "은/는", "혈당(mg/dL)은"),
        ("PHQ-9", "은/는", "PHQ-9는"),
        ("서울", "으로/로", "서울로"),
        ("집", "으로/로", "집으로"),
        ("2000", "이/가", "2000이"),
    ],
)
def test_particle_follows_the_last_sound(word: str, pair: str, expected: str) -> None:
    assert with_particle(word, pair) == expected


def test_initial_consonant_search() -> None:
    assert initials("박점순") == "ㅂㅈㅅ"
    assert matches("ㅂㅈ", "박점순")
    assert matches("ㅈㅅ", "박점순")
    assert matches("박ㅈ", "박점순 (망원동)")
    assert not matches("ㅂㅅ", "박점순")
    assert matches("점순", "박점순") and not matches("순점", "박점순")
    assert matches("", "anything")


def test_natural_order() -> None:
    names = ["volunteer10", "volunteer2", "volunteer1", "nurse3", "volunteer16"]
    assert sorted(names, key=natural_key) == [
        "nurse3",
        "volunteer1",
        "volunteer2",
        "volunteer10",
        "volunteer16",
    ]


def test_input_check_sentences_in_one_register() -> None:
    from fieldapp.hangul import enter, enter_between, enter_number

    assert enter("체온") == "체온을 입력하십시오."
    assert enter("확인 방법", choose=True) == "확인 방법을 선택하십시오."
    assert enter_number("맥박") == "맥박은 숫자로 입력하십시오."
    assert (
        enter_between("1회차 수축기 혈압", 60, 260, "mmHg")
        == "1회차 수축기 혈압은 60~260 mmHg 사이로 입력하십시오."
    )
    assert enter_between("키", 100.0, 220.5, "cm") == "키는 100~220.5 cm 사이로 입력하십시오."
