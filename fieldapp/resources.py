"""The one place that finds files under ``assets/`` (from source, wheel or bundle)."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

#: Environment variable naming another assets folder (tests of broken assets, field fixes).
ASSETS_DIR_ENV = "FIELDAPP_ASSETS_DIR"


def assets_root() -> Path:
    """Return the folder holding the ``assets`` package's data files.

    ``FIELDAPP_ASSETS_DIR`` wins when set; then a PyInstaller bundle's ``_MEIPASS``; then the
    installed ``assets`` package.
    """
    override = os.environ.get(ASSETS_DIR_ENV)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(str(resources.files("assets")))


def asset_path(*parts: str) -> Path:
    """Return the path of one asset, e.g. ``asset_path("instruments", "phq9.json")``."""
    return assets_root().joinpath(*parts)
