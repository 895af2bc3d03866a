"""The xcb library check: one line naming the missing Debian packages, before Qt aborts."""

from __future__ import annotations

from typing import Any

import pytest

from ui import desktop_libs


def _loads_all_but(*missing: str) -> Any:
    return lambda soname: soname not in missing


def test_missing_libraries_are_named_by_their_packages() -> None:
    message = desktop_libs.check_desktop_libraries(
        platform="linux",
        environ={},
        loads=_loads_all_but("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"),
    )
    assert message is not None
    assert "\n" not in message
    assert message.endswith("sudo apt-get install libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1")


@pytest.mark.parametrize(
    ("platform", "environ"),
    [
        ("linux", {"QT_QPA_PLATFORM": "offscreen"}),
        ("linux", {"QT_QPA_PLATFORM": "minimal"}),
        ("linux", {"QT_QPA_PLATFORM": "wayland"}),
        ("win32", {}),
        ("darwin", {}),
    ],
)
def test_no_check_where_qt_loads_no_xcb_plugin(platform: str, environ: dict[str, str]) -> None:
    def never(_soname: str) -> bool:
        raise AssertionError("no library lookup expected")

    assert (
        desktop_libs.check_desktop_libraries(platform=platform, environ=environ, loads=never)
        is None
    )


def test_all_present_passes() -> None:
    assert (
        desktop_libs.check_desktop_libraries(
            platform="linux", environ={"QT_QPA_PLATFORM": "xcb"}, loads=lambda _s: True
        )
        is None
    )


def test_real_lookup_finds_the_c_library() -> None:
    assert desktop_libs.library_loads("libc.so.6")
    assert not desktop_libs.library_loads("libfieldapp-does-not-exist.so.9")


def test_fieldapp_exits_with_the_line_before_starting_qt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui import main

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(desktop_libs.sys, "platform", "linux")
    monkeypatch.setattr(
        desktop_libs, "library_loads", _loads_all_but("libxcb-cursor.so.0", "libxcb-xkb.so.1")
    )
    monkeypatch.setattr(main, "make_app", lambda _lang: pytest.fail("Qt must not start"))
    code = main.main(["--demo"])
    out = capsys.readouterr()
    assert code == desktop_libs.EXIT_MISSING_LIBRARIES
    assert out.err.strip().splitlines() == [
        desktop_libs.missing_message(["libxcb-cursor0", "libxcb-xkb1"])
    ]
