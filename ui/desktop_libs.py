"""Before Qt starts on a Linux desktop: are the system libraries of its xcb plugin there?

Qt's xcb platform plugin links a dozen small X libraries that a minimal Debian or Ubuntu does
not install. Without them Qt prints a long message that ends in "Reinstalling the application
may fix this problem" and aborts the process. :func:`missing_packages` finds out first, by
loading each library by its soname (what the plugin's loader would do), and
:func:`check_desktop_libraries` turns the answer into one line naming the packages to install.
No Qt here: this runs before anything loads Qt's plugins.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: Every library Qt's xcb plugin (and Qt's GUI library under it) needs, with its Debian/Ubuntu
#: package, in the order ``ldd libqxcb.so`` lists them.
XCB_LIBRARIES: dict[str, str] = {
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

#: Exit status when the desktop libraries are missing.
EXIT_MISSING_LIBRARIES = 3


def library_loads(soname: str) -> bool:
    """True when the dynamic loader finds and loads *soname* (as Qt's plugin loader would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> bool:
    """True when Qt will load its xcb plugin: Linux, and QT_QPA_PLATFORM unset or naming xcb
    first (offscreen, minimal, wayland and the rest need none of these libraries)."""
    if not platform.startswith("linux"):
        return False
    wanted = environ.get("QT_QPA_PLATFORM", "").strip()
    first = wanted.split(";")[0].split(":")[0].strip()
    return first in ("", "xcb")


def missing_packages(loads: Callable[[str], bool] | None = None) -> list[str]:
    """The Debian packages of the xcb libraries that do not load (*loads* defaults to
    :func:`library_loads`), in :data:`XCB_LIBRARIES` order."""
    loads = loads or library_loads
    packages: list[str] = []
    for soname, package in XCB_LIBRARIES.items():
        if not loads(soname) and package not in packages:
            packages.append(package)
    return packages


def missing_message(packages: list[str]) -> str:
    """The one line telling the user what to install."""
    return (
        "fieldapp: this Linux desktop lacks libraries Qt needs to open a window "
        f"({', '.join(packages)}); install them with: "
        f"sudo apt-get install {' '.join(packages)}"
    )


def check_desktop_libraries(
    *,
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    loads: Callable[[str], bool] | None = None,
) -> str | None:
    """The one-line message when Qt's xcb plugin would fail to load, else None."""
    if not uses_xcb(platform, environ):
        return None
    packages = missing_packages(loads)
    return missing_message(packages) if packages else None
