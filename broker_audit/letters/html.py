"""Printable, self-contained HTML letters: no scripts, no external assets, all text escaped."""

from __future__ import annotations

from html import escape

from broker_audit.letters.document import (
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    format_date,
    label,
)

_STYLE = """
@page { size: letter; margin: 1in; }
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; line-height: 1.35;
       max-width: 6.5in; margin: 2em auto; color: #000; background: #fff; }
.sender { font-size: 9pt; }
.meta { text-align: right; font-size: 10pt; }
.recipient { margin: 2.5em 0 2em; }
.subject { font-weight: bold; }
p { text-align: justify; }
.lines { text-align: left; }
h2 { font-size: 11pt; margin: 1.2em 0 0.4em; }
@media print { body { margin: 0; } }
"""


def _lines(lines: tuple[str, ...]) -> str:
    return "<br>\n".join(escape(line) for line in lines)


def _block_html(block: object) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Heading):
        return f"<h2>{escape(block.text)}</h2>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Lines):
        return f'<p class="lines">{_lines(block.lines)}</p>'
    raise TypeError(f"unknown block {type(block).__name__}")


def to_html(doc: Document) -> str:
    """The letter as one HTML page that prints on US Letter."""
    lang = escape(doc.language, quote=True)
    body = "\n".join(_block_html(block) for block in doc.blocks)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(doc.subject)}</title>
<style>{_STYLE}</style>
</head>
<body>
<div class="sender">{_lines(doc.sender)}</div>
<div class="meta">{escape(format_date(doc.date, doc.language))}<br>
{escape(label("reference", doc.language))}: {escape(doc.reference)}</div>
<div class="recipient">{_lines(doc.recipient)}</div>
<p class="subject">{escape(label("subject", doc.language))}: {escape(doc.subject)}</p>
{body}
</body>
</html>
"""
