"""The PySide6 desktop app. Nothing imports this package."""
