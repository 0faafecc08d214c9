"""Text widths from the project fonts, so rules are as long as the real text (nd30-spec §3.2)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

# A licensed Times New Roman in fonts/ wins over the metric-compatible Liberation Serif.
_FILES = {
    (False, False): ("times.ttf", "LiberationSerif-Regular.ttf"),
    (True, False): ("timesbd.ttf", "LiberationSerif-Bold.ttf"),
    (False, True): ("timesi.ttf", "LiberationSerif-Italic.ttf"),
    (True, True): ("timesbi.ttf", "LiberationSerif-BoldItalic.ttf"),
}


class Metrics:
    """Advance widths of the body font in its four faces, read once per process."""

    def __init__(self, fonts_dir: Path) -> None:
        self.fonts_dir = fonts_dir

    @lru_cache(maxsize=8)  # noqa: B019 - one Metrics per app, cached for its lifetime
    def _face(self, bold: bool, italic: bool) -> tuple[dict[str, int], int, int]:
        for name in _FILES[(bold, italic)]:
            path = self.fonts_dir / name
            if path.exists():
                font = TTFont(path, lazy=True)
                hmtx = font["hmtx"].metrics
                widths = {chr(code): hmtx[glyph][0]
                          for code, glyph in font.getBestCmap().items()}
                return widths, font["head"].unitsPerEm, hmtx.get("space", (0,))[0]
        raise FileNotFoundError(f"no Times-metric font in {self.fonts_dir}")

    def width_twips(self, text: str, size_pt: float, *, bold: bool = False,
                    italic: bool = False) -> int:
        widths, per_em, fallback = self._face(bold, italic)
        units = sum(widths.get(ch, fallback) for ch in text)
        return round(units * size_pt * 20 / per_em)
