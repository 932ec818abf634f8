"""The red-team's requester and the one search every artefact goes through.

The requester below has every identifying field a profile can hold, each with a value that
cannot appear in a letter by chance: a current address (street line, unit, city and ZIP of its
own), a past address, a phone, a birth date, another name, an advertising ID, a licence number,
an e-mail and (in one variant) a reply address. `leaks(text)` names each of the withheld values
found in `text`, in any of the spellings a writer could give it; `artefact_text(path)` is all a
recipient could read in one file: a PDF's pages read back with pypdf and its metadata (title,
author, subject, keywords, creator, producer), an e-mail's decoded headers, body and raw bytes,
a CSV, text or HTML file (entities decoded), and the file's own name.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader

NAME = "María José Núñez Nguyễn"
EMAIL = "maria.nunez@example.org"
AD_ID = "6d92078a-8246-4ba4-ae5b-76104861e7dc"
PAST_STREET = "27 Trần Hưng Đạo Street"
REPLY_BOX = "P.O. Box 4410"

PROFILE = f"""
name = "{NAME}"
other_names = ["Majo Quispe"]
email = "{EMAIL}"
phone = "+1 303 555 0147"
birth_date = 1988-04-12
state = "CO"
advertising_ids = ["{AD_ID.upper()}"]
licence_number = "98-765-4321"

[[addresses]]
line1 = "1550 Calle Ñandú"
line2 = "Apt 4B"
city = "Commerce City"
state = "CO"
zip = "80022"
current = true
since = 2020

[[addresses]]
line1 = "{PAST_STREET}"
city = "Aurora"
state = "CO"
zip = "80010-1234"
since = 2016
until = 2019
"""
REPLY_ADDRESS = f"""
[reply_address]
care_of = "c/o Ana Example"
line1 = "{REPLY_BOX}"
city = "Lakewood"
state = "CO"
zip = "80226"
"""

# Every spelling of a withheld value a writer could produce (folded: case, accents, spacing).
SECRETS: dict[str, tuple[str, ...]] = {
    "current street": ("1550 calle", "calle nandu", "apt 4b"),
    "current city and zip": ("commerce city", "80022"),
    "phone": ("303 555 0147", "303-555-0147", "(303) 555-0147", "303.555.0147", "555 0147", "555-0147"),
    "birth date": (
        "1988-04-12",
        "april 12, 1988",
        "apr 12, 1988",
        "4/12/1988",
        "04/12/1988",
        "12/04/1988",
        "12 de abril de 1988",
        "12 april 1988",
    ),
    "other names": ("majo quispe", "quispe"),
    "licence number": ("98-765-4321", "987654321"),
    "advertising id": (AD_ID, AD_ID.replace("-", "")),
}
PAST = ("tran hung dao", "80010")  # the past address: only for a broker's letter, never an agency's


def fold(text: str) -> str:
    """Lower case, accents off, whitespace squashed: 'Calle  Ñandú' and 'calle nandu' match."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return " ".join(bare.lower().split())


def _standing_alone(spelling: str) -> re.Pattern[str]:
    # A value as a writer prints it stands between non-alphanumerics: "Commerce City, CO 80022",
    # never inside a random Message-ID ("<a80022f@...>") or an attachment's base64.
    return re.compile(rf"(?<![0-9a-z]){re.escape(spelling)}(?![0-9a-z])")


_PATTERNS = {what: tuple(_standing_alone(s) for s in spellings) for what, spellings in SECRETS.items()}


def leaks(text: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """The withheld values (SECRETS keys not in `allowed`) found in `text`."""
    folded = fold(text)
    digits = re.sub(r"\D", "", text)
    found = []
    for what, patterns in _PATTERNS.items():
        if what in allowed:
            continue
        if any(p.search(folded) for p in patterns) or (what == "phone" and "3035550147" in digits):
            found.append(what)
    if "birth date" not in allowed and re.search(r"\b1988\b", folded):
        found.append("birth year")
    return found


def gives_past(text: str) -> bool:
    folded = fold(text)
    return any(s in folded for s in PAST)


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    meta = reader.metadata or {}
    fields = [
        str(meta.get(key, ""))
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer")
    ]
    return "\n".join(fields) + "\n" + "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_metadata(path: Path) -> str:
    meta = PdfReader(path).metadata or {}
    return "\n".join(f"{k}: {v}" for k, v in meta.items())


def eml_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
        elif part.get_content_type() == "application/pdf":
            import io

            reader = PdfReader(io.BytesIO(part.get_payload(decode=True)))
            parts.append(" ".join(str(v) for v in (reader.metadata or {}).values()))
            parts += [page.extract_text() for page in reader.pages]
    return headers + "\n" + "\n".join(parts) + "\n" + raw.decode("utf-8", "replace")


def artefact_text(path: Path) -> str:
    """All a recipient could read in one file, and its name."""
    if path.suffix == ".pdf":
        body = pdf_text(path)
    elif path.suffix == ".eml":
        body = eml_text(path.read_bytes())
    else:
        text = path.read_bytes().decode("utf-8-sig", "replace")
        body = html.unescape(text) + "\n" + text
    return path.name + "\n" + body


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())
