"""Text from outside (registry rows, imported files, scanned pages, replies, spreadsheets, the vault)
made safe to show on a terminal or to store.

A terminal obeys what it is sent: ``ESC [2J`` clears the screen, ``ESC ] 8 ; ; URL ESC \\`` makes an
invisible link (OSC 8), a carriage return overwrites the start of the line, and the bidi controls
(U+202A-U+202E, U+2066-U+2069) reorder text so that it reads differently from what it is. Every
path that prints data goes through :func:`clean_line` or :func:`clean_lines` (``cli/render/``,
the CLI's error line); services clean text from outside with :func:`clean_line` before it is
stored; :func:`json_safe` escapes the same characters in JSON output without losing them.

Removed: escape sequences whole (CSI, OSC, DCS, SOS, PM, APC, two-byte escapes, and their 8-bit C1
forms), every other C0 and C1 control and DEL, and the bidi embedding, override and isolate
controls. Line breaks (LF, CR LF, VT, FF, NEL, U+2028, U+2029) become a space, or a newline where
several lines are wanted; a tab becomes a space. Letters, marks, joiners (ZWJ, needed by emoji and
many scripts) and the left-to-right / right-to-left marks used in real Arabic and Hebrew text stay.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?        # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?
                                                                  # OSC, DCS, SOS, PM, APC strings
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                               # other escapes (ESC c, ESC ( B)
    """,
    re.VERBOSE,
)
_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")  # json.dumps leaves these


def clean_lines(text: str) -> str:
    """`text` without escape sequences and control characters, its line breaks kept as newlines."""
    if not _UNSAFE.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    return _CONTROLS.sub("", text)


def clean_line(text: str) -> str:
    """`text` as one line: no escape sequences or control characters, line breaks as spaces."""
    if not _UNSAFE.search(text):
        return text
    return clean_lines(text).replace("\n", " ")


def clean_value(value: object) -> str:
    """Any value as one clean line of text (for table cells and messages)."""
    return clean_line(value if isinstance(value, str) else str(value))


def json_safe(text: str) -> str:
    """A JSON document with the characters a terminal would act on written as ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls itself but writes C1 controls, DEL and the bidi controls
    as they are; inside a JSON string the escaped form means the same, so nothing is lost.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# The characters of _JSON_RAW as UTF-8: DEL, C1 (U+0080-U+009F), U+2028-U+202E, U+2066-U+2069.
_JSON_RAW_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def json_safe_bytes(data: bytes) -> bytes:
    """:func:`json_safe` for UTF-8 encoded JSON, as msgspec writes it (untouched when clean).

    Clean text is recognised without a regular expression (which took 0.27 s over the 30 MB of
    `status --json` at 100,000 requests): each of these characters is DEL or starts with the
    byte 0xC2 or 0xE2 in UTF-8, and a byte is found at memory speed (about 0.01 s)."""
    if b"\x7f" not in data and (data.isascii() or (b"\xc2" not in data and b"\xe2" not in data)):
        return data
    if not _JSON_RAW_UTF8.search(data):
        return data
    return json_safe(data.decode("utf-8")).encode("utf-8")


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Lower-case, accent-free, words separated by one space: 'Código  Postal*' -> 'codigo postal'.

    Only ASCII letters and digits survive: for headers, states, languages. Names use `name_key`."""
    if text.isascii():
        return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_ALNUM.sub(" ", plain).split())
