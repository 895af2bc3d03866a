"""Small Korean text rules the screens need: particles, initial-consonant search, natural order.

* :func:`with_particle` picks 은/는, 이/가, 을/를, 과/와, (으)로 from the word's last sound
  ("수축기 혈압은", "체온은", "몸무게는"), instead of writing "은(는)".
* :func:`matches` finds 박점순 by ``ㅂㅈ`` (초성 검색), as Korean name lists are expected to.
* :func:`natural_key` orders volunteer2 before volunteer10.

No Qt here.
"""

from __future__ import annotations

import re

_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3
#: The 19 initial consonants (choseong) in syllable order, as compatibility jamo.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_RIEUL_FINAL = 8  # the jongseong index of ㄹ
#: How digits and Latin letters are read aloud: those whose reading ends in a consonant,
#: and those ending in ㄹ (일, 칠, 팔; L 엘, R 알).
_DIGIT_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False,
                "6": True, "7": True, "8": True, "9": False}  # fmt: skip
_DIGIT_RIEUL = frozenset("178")
_LATIN_FINAL = frozenset("lmnr")
_LATIN_RIEUL = frozenset("lr")
_TRAILING = " )]}\"'.,·%"
#: particle pair -> (after a final consonant, after a vowel)
PARTICLES = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이어야/여야": ("이어야", "여야"),
}


def _last_sound(word: str) -> tuple[bool, bool] | None:
    """(ends in a final consonant, that final is ㄹ) for the word's last readable character."""
    text = word.rstrip(_TRAILING)
    if not text:
        return None
    last = text[-1]
    code = ord(last)
    if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
        final = (code - _SYLLABLE_FIRST) % 28
        return final != 0, final == _RIEUL_FINAL
    if last in _DIGIT_FINAL:
        return _DIGIT_FINAL[last], last in _DIGIT_RIEUL
    lower = last.lower()
    if lower.isascii() and lower.isalpha():
        return lower in _LATIN_FINAL, lower in _LATIN_RIEUL
    return None


def particle(word: str, pair: str) -> str:
    """The particle of *pair* ("은/는", "이/가", "을/를", ...) that follows *word*."""
    after_consonant, after_vowel = PARTICLES[pair]
    sound = _last_sound(word)
    if sound is None:
        return after_consonant if pair != "으로/로" else after_vowel
    final, rieul = sound
    if pair == "으로/로" and rieul:
        return after_vowel  # 서울로, 7로
    return after_consonant if final else after_vowel


def with_particle(word: str, pair: str) -> str:
    """*word* followed by the right particle of *pair*: ``with_particle("체온", "은/는")``."""
    return word + particle(word, pair)


def initial_of(char: str) -> str:
    """The initial consonant of a Hangul syllable, else the character itself."""
    code = ord(char)
    if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
        return INITIALS[(code - _SYLLABLE_FIRST) // 588]
    return char


def initials(text: str) -> str:
    """Each Hangul syllable of *text* replaced by its initial consonant: 박점순 -> ㅂㅈㅅ."""
    return "".join(initial_of(c) for c in text)


def has_initials(query: str) -> bool:
    """Whether *query* contains a bare initial consonant (so it is a 초성 search)."""
    return any(c in INITIALS for c in query)


def _char_matches(q: str, t: str) -> bool:
    return q == t or (q in INITIALS and initial_of(t) == q)


def matches(query: str, text: str) -> bool:
    """Whether *query* occurs in *text*, a bare consonant in *query* matching any syllable
    that starts with it: ``matches("ㅂㅈ", "박점순")``, ``matches("박ㅈ", "박점순")``. Case-folded."""
    q, t = query.casefold(), text.casefold()
    if not q:
        return True
    if not has_initials(q):
        return q in t
    for start in range(len(t) - len(q) + 1):
        if all(_char_matches(qc, t[start + i]) for i, qc in enumerate(q)):
            return True
    return False


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders runs of digits by value: volunteer2 < volunteer10."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _DIGITS.split(str(text))
        if part
    )


# ----------------------------------------------------------------------------- input checks
# One register (합쇼체) for every input-check sentence, built here so that the form while
# typing (ui/forms/builder.py) and the check on saving (fieldapp/validation.py, vitals.py)
# say exactly the same thing about the same field.


def _number_text(x: float | int | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def enter(label: str, *, choose: bool = False) -> str:
    """ "체온을 입력하십시오." (or "성별을 선택하십시오." for a choice)."""
    verb = "선택하십시오" if choose else "입력하십시오"
    return f"{with_particle(label, '을/를')} {verb}."


def enter_number(label: str) -> str:
    """ "맥박은 숫자로 입력하십시오."."""
    return f"{with_particle(label, '은/는')} 숫자로 입력하십시오."


def enter_between(label: str, low: float | None, high: float | None, unit: str = "") -> str:
    """ "수축기 혈압은 60~260 mmHg 사이로 입력하십시오."."""
    span = f"{_number_text(low)}~{_number_text(high)}" + (f" {unit}" if unit else "")
    return f"{with_particle(label, '은/는')} {span} 사이로 입력하십시오."
