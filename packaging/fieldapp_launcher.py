"""Entry point of the bundled desktop app: PyInstaller runs this file as ``__main__``.

It only calls :func:`ui.main.main`, so the app behaves the same from source
(``fieldapp`` / ``python -m ui.main``) and from the bundle.
"""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
