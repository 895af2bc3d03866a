"""Data files: instruments, cadence rules, districts, translations, fonts, icons.

Found at run time through :func:`fieldapp.resources.asset_path` only.
"""
