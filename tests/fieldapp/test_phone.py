"""Phone numbers: E.164 storage, Korean display, clear errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.phone import (
    AREA_CODES,
    demo_phone,
    format_phone,
    is_demo_phone,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("010-1234-5678", "+821012345678"),
        ("01012345678", "+821012345678"),
        ("010 1234 5678", "+821012345678"),
        ("010.1234.5678", "+821012345678"),
        ("+82 10 1234 5678", "+821012345678"),
        ("+82-10-1234-5678", "+821012345678"),
        ("+82 (0)10 1234 5678", "+821012345678"),
        ("+82 010 1234 5678", "+821012345678"),
        ("0082 10 1234 5678", "+821012345678"),
        ("０１０-１２３４-５６７８", "+821012345678"),
        ("02-123-4567", "+8221234567"),
        ("(02) 1234-5678", "+82212345678"),
        ("031-123-4567", "+82311234567"),
        ("064-712-3456", "+82647123456"),
        ("011-123-4567", "+82111234567"),
        ("070-1234-5678", "+827012345678"),
        (" 010-0000-0001 ", "+821000000001"),
    ],
)
def test_normalize(text: str, e164: str) -> None:
    assert normalize_phone(text) == e164


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+821012345678", "010-1234-5678"),
        ("+8221234567", "02-123-4567"),
        ("+82212345678", "02-1234-5678"),
        ("+82311234567", "031-123-4567"),
        ("+823112345678", "031-1234-5678"),
        ("+827012345678", "070-1234-5678"),
        ("+821000001234", "010-0000-1234"),
    ],
)
def test_format(e164: str, shown: str) -> None:
    assert format_phone(e164) == shown
    assert normalize_phone(shown) == e164


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1234-5678", "not a full phone number"),
        ("1012345678", "leading 0 looks lost"),
        ("+1 415 555 0100", "not a Korean number"),
        ("010-1234-567", "not a valid Korean phone number"),
        ("010-1234-56789", "not a valid Korean phone number"),
        ("02-012-3456", "not a valid Korean phone number"),
        ("099-123-4567", "not a valid Korean phone number"),
        ("010-1234-567O", "not digits"),
        ("02-123-4567 내선 12", "not digits"),
    ],
)
def test_normalize_errors_say_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as info:
        normalize_phone(text)
    assert "010-1234-5678" in str(info.value)


@pytest.mark.parametrize("bad", ["01012345678", "+1415555010", "+82991234567", "+82", "abc"])
def test_format_refuses_non_e164(bad: str) -> None:
    with pytest.raises(ValueError, match=r"E\.164|not a valid"):
        format_phone(bad)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["02", "010", "070", *sorted(AREA_CODES)]),
    first=st.integers(1, 9),
    rest=st.text("0123456789", min_size=6, max_size=7),
)
def test_round_trip(prefix: str, first: int, rest: str) -> None:
    if prefix in ("010", "070") and len(rest) != 7:
        rest = rest + "0"
    national = f"{prefix}{first}{rest}"
    e164 = normalize_phone(national)
    shown = format_phone(e164)
    assert shown.replace("-", "") == national
    assert normalize_phone(shown) == e164


def test_demo_range() -> None:
    assert demo_phone(0) == "+821000000000"
    assert format_phone(demo_phone(9_999_999)) == "010-0999-9999"
    assert is_demo_phone(demo_phone(42))
    assert not is_demo_phone("+821012345678")
    with pytest.raises(ValueError, match="outside"):
        demo_phone(10_000_000)
