"""The embedded font every PDF is drawn in (DejaVu Serif, shipped in templates/letters/assets),
registered with reportlab once per process; its metrics also measure what fits where."""

from __future__ import annotations

import functools
from pathlib import Path

FONT = "BA-DejaVuSerif"
FONT_BOLD = "BA-DejaVuSerif-Bold"


def _font_dir() -> Path:
    from broker_audit.letters.render import shipped_templates_dir

    return shipped_templates_dir() / "assets"


@functools.cache
def register_fonts() -> None:
    """Register the embedded DejaVu Serif faces with reportlab (once per process)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    assets = _font_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(assets / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(assets / "DejaVuSerif-Bold.ttf")))
    for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, name)
