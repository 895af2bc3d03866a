"""도로명주소 helpers: check the shape of a road address, show it with its 상세주소.

A 도로명주소 reads 시도 시군구 도로명 건물번호 (e.g. ``서울특별시 마포구 월드컵로12길 34``),
optionally followed by 참고항목 in brackets; 상세주소 (동·층·호) is kept apart.
"""

from __future__ import annotations

import re
import unicodedata

CITY = "서울특별시"
_CITY_ALIASES = ("서울특별시", "서울시", "서울")

#: A road name (ends in 로 or 길, e.g. 월드컵로12길) then a building number (34, 34-1, 지하 12).
_ROAD_AND_NUMBER = re.compile(
    r"(?:^|\s)(\S*(?:로|길))\s+(?:지하\s*)?\d{1,5}(?:-\d{1,5})?(?=$|[\s,(])"
)
#: A 지번 address: 동/리 then a lot number, e.g. 공덕동 123-4.
_JIBEON = re.compile(r"\S+(?:동|리|가)\s*(?:산\s*)?\d{1,5}(?:-\d{1,5})?(?:번지)?(?:$|\s)")


def clean(text: str) -> str:
    """NFC-normalize and collapse runs of whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def normalize_road_address(text: str, district_name: str | None = None) -> str:
    """Return a cleaned 도로명주소; ValueError says what is wrong and how to write it.

    With *district_name* (e.g. ``"마포구"``), an address without 시도/시군구 gets
    ``서울특별시 마포구`` in front, and an address naming another 자치구 is refused.
    """
    address = clean(text)
    if not address:
        raise ValueError(
            "the road address (도로명주소) is empty; write e.g. 서울특별시 마포구 월드컵로12길 34"
        )
    if not _ROAD_AND_NUMBER.search(address):
        hint = " It looks like a 지번 address;" if _JIBEON.search(address) else ""
        raise ValueError(
            f"{address!r} is not a road address (도로명주소).{hint} write the road name and "
            "building number, e.g. 서울특별시 마포구 월드컵로12길 34"
        )
    if district_name:
        words = address.split(" ")
        if words[0] in _CITY_ALIASES:
            words = words[1:]
        if words and words[0].endswith("구"):
            if words[0] != district_name:
                raise ValueError(
                    f"{address!r} is in {words[0]}, not in {district_name}; import it into its "
                    "own district or correct the address"
                )
            words = words[1:]
        address = " ".join([CITY, district_name, *words])
    return address


def format_address(road: str, detail: str | None = None) -> str:
    """Show a road address with its 상세주소: ``서울특별시 마포구 월드컵로12길 34, 2층 201호``."""
    road, detail = clean(road), clean(detail or "")
    return f"{road}, {detail}" if detail else road
