"""A weekly bar chart as a PNG, drawn here: stacked bars of claims per week by outcome.

No plotting library: the picture is rectangles of a few colours, and the PNG format for that
is a dozen lines of zlib and CRC. The words (legend, weeks) go in the caption, where they are
translated and readable in any script.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from typing import Final

Color = tuple[int, int, int]

# Outcome -> colour, bottom of the stack first; "open" on top.
PALETTE: Final[dict[str, Color]] = {
    "withdrawn": (46, 160, 67),
    "denied": (52, 120, 198),
    "granted_amazon_funded": (150, 150, 150),
    "granted_seller_funded": (230, 140, 30),
    "closed_by_refund": (200, 50, 50),
    "open": (200, 200, 200),
}
SWATCH: Final[dict[str, str]] = {
    "withdrawn": "🟩",
    "denied": "🟦",
    "granted_amazon_funded": "⬜",
    "granted_seller_funded": "🟧",
    "closed_by_refund": "🟥",
    "open": "⬛",
}
HEIGHT: Final = 240
BAR: Final = 18
GAP: Final = 6
MARGIN: Final = 12
BACKGROUND: Final = (255, 255, 255)
AXIS: Final = (90, 90, 90)


def weekly_png(weeks: Sequence[dict[str, int]]) -> bytes:
    """One stacked bar per week (outcome -> claims), scaled to the busiest week."""
    width = 2 * MARGIN + max(1, len(weeks)) * (BAR + GAP)
    busiest = max((sum(week.values()) for week in weeks), default=0) or 1
    plot = HEIGHT - 2 * MARGIN
    pixels = [[BACKGROUND] * width for _ in range(HEIGHT)]
    for x in range(MARGIN - 2, width - MARGIN + 2):
        pixels[HEIGHT - MARGIN][x] = AXIS
    for index, week in enumerate(weeks):
        left = MARGIN + index * (BAR + GAP) + GAP // 2
        bottom = HEIGHT - MARGIN  # the axis row; bars stand on it
        done = 0
        for outcome, color in PALETTE.items():
            count = week.get(outcome, 0)
            if not count:
                continue
            top = bottom - round((done + count) * plot / busiest)
            low = bottom - round(done * plot / busiest)
            for y in range(max(top, MARGIN), low):
                row = pixels[y]
                for x in range(left, left + BAR):
                    row[x] = color
            done += count
    return _png(width, HEIGHT, pixels)


def _png(width: int, height: int, pixels: list[list[Color]]) -> bytes:
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
