"""Render ``assets/icons/fieldapp.svg`` to the PNG and ICO files the app and the build use.

Run from the repository root after changing the SVG:
``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``. The PNG (256 px) is the window
icon; the ICO (16-256 px) is the Windows program icon named in ``build.spec``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "assets" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn on a transparent square of *size* pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "fieldapp.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / 'fieldapp.svg'}", file=sys.stderr)
        return 1
    if not render(renderer, 256).save(str(ICONS / "fieldapp.png")):
        print("could not write fieldapp.png", file=sys.stderr)
        return 1
    # Qt's ICO writer stores one image per file; build the multi-size ICO by hand.
    images = [render(renderer, s) for s in ICO_SIZES]
    write_ico(ICONS / "fieldapp.ico", images)
    print(f"wrote fieldapp.png and fieldapp.ico ({', '.join(map(str, ICO_SIZES))} px)")
    del app
    return 0


def write_ico(path: Path, images: list[QImage]) -> None:
    """Write *images* as one ICO file with PNG-compressed entries (Windows Vista and later)."""
    import struct

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    blobs: list[bytes] = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        blobs.append(bytes(data.data()))
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() if image.width() < 256 else 0  # 0 means 256 in ICO
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(header + entries + b"".join(blobs))


if __name__ == "__main__":
    sys.exit(main())
