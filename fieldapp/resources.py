"""The one place that finds files under ``assets/`` (from source, wheel or bundle)."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path


def assets_root() -> Path:
    """Return the folder holding the ``assets`` package's data files."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(str(resources.files("assets")))


def asset_path(*parts: str) -> Path:
    """Return the path of one asset, e.g. ``asset_path("instruments", "phq9.json")``."""
    return assets_root().joinpath(*parts)
