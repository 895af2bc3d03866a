"""도로명주소 helpers."""

import pytest

from fieldapp.address import format_address, normalize_road_address


@pytest.mark.parametrize(
    ("text", "district", "expected"),
    [
        ("서울특별시 마포구 월드컵로12길 34", None, "서울특별시 마포구 월드컵로12길 34"),
        ("  서울특별시   마포구 월드컵로12길  34 ", None, "서울특별시 마포구 월드컵로12길 34"),
        ("월드컵로12길 34", "마포구", "서울특별시 마포구 월드컵로12길 34"),
        ("마포구 월드컵로12길 34-1", "마포구", "서울특별시 마포구 월드컵로12길 34-1"),
        (
            "서울 마포구 다솜로 12길 5 (공덕동)",
            "마포구",
            "서울특별시 마포구 다솜로 12길 5 (공덕동)",
        ),
        ("서울특별시 중구 세종대로 지하 2", "중구", "서울특별시 중구 세종대로 지하 2"),
    ],
)
def test_normalize(text: str, district: str | None, expected: str) -> None:
    assert normalize_road_address(text, district) == expected


@pytest.mark.parametrize(
    ("text", "district", "why"),
    [
        ("", None, "empty"),
        ("서울특별시 마포구 공덕동 123-4", None, "지번"),
        ("우리집", None, "not a road address"),
        ("서울특별시 종로구 자하문로 12", "마포구", "is in 종로구, not in 마포구"),
    ],
)
def test_errors(text: str, district: str | None, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        normalize_road_address(text, district)


def test_format_address() -> None:
    assert (
        format_address("서울특별시 마포구 다솜로 5", " 2층  201호")
        == "서울특별시 마포구 다솜로 5, 2층 201호"
    )
    assert format_address("서울특별시 마포구 다솜로 5", None) == "서울특별시 마포구 다솜로 5"
