"""초성 search in the household search (``records.search_households``): ``ㅂㅈ`` finds 박점순,
as the household table's filter does (both through ``fieldapp.hangul.matches``)."""

from __future__ import annotations

from fieldapp import records
from fieldapp.store import Store
from tests.fieldapp.test_records import household

PARK = "22222222-2222-4222-8222-222222222222"
BAEK = "33333333-3333-4333-8333-333333333333"
OTHER = "44444444-4444-4444-8444-444444444444"


def _person(hid: str, name: str) -> list[dict[str, str]]:
    return [{"id": "p-" + hid[:8], "name": name, "birth_date": "1941-03-02", "sex": "F"}]


def _ids(store: Store, query: str) -> set[str]:
    return {h["id"] for h in records.search_households(store, query)}


def test_initial_consonants_find_the_name(store: Store) -> None:
    records.upsert_households(
        store,
        [
            household(PARK, persons=_person(PARK, "박점순")),
            household(
                BAEK, persons=_person(BAEK, "백장미"), address_road="서울특별시 마포구 나래로 3"
            ),
            household(OTHER, persons=_person(OTHER, "최가온")),
        ],
    )
    assert _ids(store, "ㅂㅈ") == {PARK, BAEK}  # 박점순, 백장미
    assert _ids(store, "ㅂㅈㅅ") == {PARK}
    assert _ids(store, "박ㅈ") == {PARK}  # a syllable and an initial mixed
    assert _ids(store, "ㅂㅈ 나래로") == {BAEK}  # every word must match
    assert _ids(store, "ㅊㄱ") == {OTHER}
    assert _ids(store, "ㅈㅂ") == set()  # in order
    assert _ids(store, "ㅂ_") == set()  # "_" is literal, not any character
    assert _ids(store, "박점순") == {PARK}  # plain words as before
