"""Propose findings from the text of an answer, line by line, in English and Spanish. Pure.

A disclosure report or a reply letter is read as a sequence of lines under headings:
- a heading that names a kind of data ("Address History", "Vehículos", "Booking Records") says
  the company holds that kind of data;
- under a heading about sources ("Sources of this information", "Fuentes") each entry names a
  source; under one about recipients ("Report Recipients", "Inquiries", "Terceros a quienes
  divulgamos") each entry names a recipient, with the date on its line when there is one;
- anywhere, a labelled line names one ("Source: Weld County Sheriff's Office", "Fuente: ...",
  "Disclosed to: ...", "Vendido a: ...");
- under a heading listing categories ("Categories of personal information we collected") each
  entry names kinds of data;
- the letter's wording gives the verdict (fulfilled, partial, not found, refused, needs
  verification).
Each finding keeps the line it came from (part, page, line number). Names are matched against the
broker registry and the agency directory (`findings.names`), else classified by their words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from broker_audit.findings.names import NameDirectory, fold, identify

# --- what a line is -----------------------------------------------------------------------------

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("bookings", r"\b(?:bookings?|arrests?|incarcerations?|jail|custody|inmates?|detenci(?:o|ó)n(?:es)?|arrestos?|"
     r"encarcelamientos?|c(?:a|á)rcel|registros? de ingreso)\b"),
    ("court-records", r"\b(?:court|public records|criminal records?|criminal history|judgments?|liens?|bankruptc(?:y|ies)|"
     r"civil cases?|evictions?|antecedentes penales|registros? judiciales|expedientes? judiciales|"
     r"sentencias?|juicios?|desalojos?|quiebras?)\b"),
    ("vehicles", r"\b(?:vehicles?|motor vehicle|license plates?|licence plates?|vehicle registrations?|"
     r"veh(?:i|í)culos?|placas?|matr(?:i|í)culas?)\b"),
    ("addresses", r"\b(?<!mail )(?<!e-mail )(?:address(?:es)?|residential history|residences?|direcci(?:o|ó)n(?:es)?|domicilios?|"
     r"historial de domicilios)\b"),
    ("phones", r"\b(?:phones?|telephones?|phone numbers?|tel(?:e|é)fonos?|n(?:u|ú)meros? de tel(?:e|é)fono)\b"),
    ("emails", r"\b(?:e-?mail address(?:es)?|correos? electr(?:o|ó)nicos?)\b"),
    ("employment", r"\b(?:employment|employers?|work history|payroll|income|empleos?|empleadores?|"
     r"historial laboral|ingresos|n(?:o|ó)minas?)\b"),
    ("utility-accounts", r"\b(?:utilit(?:y|ies)|electric(?:ity)? service|gas service|water service|"
     r"telecom(?:munications)? accounts?|servicios p(?:u|ú)blicos|luz|agua y gas)\b"),
    ("location", r"\b(?:locations?|geolocation|gps|device location|mobile location|ubicaci(?:o|ó)n(?:es)?|"
     r"geolocalizaci(?:o|ó)n)\b"),
    ("identifiers", r"\b(?:social security|ssn|date of birth|driver'?s licen[cs]es?|identifiers?|"
     r"seguro social|fecha de nacimiento|licencias? de conducir|identificadores?)\b"),
    ("relatives", r"\b(?:relatives|associates|household members|parientes|familiares)\b"),
    ("property", r"\b(?:real estate|property records?|deeds?|bienes ra(?:i|í)ces|propiedades?)\b"),
)  # fmt: skip
_CATEGORY_RES = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in CATEGORIES)

_SOURCES_HEAD = re.compile(
    r"\b(?:sources?|where we (?:got|obtained)|obtained (?:this|the|your) (?:information|data) from|"
    r"fuentes?|de d(?:o|ó)nde (?:obtuvimos|proviene)|obtuvimos (?:esta|la|su) informaci(?:o|ó)n de)\b",
    re.IGNORECASE,
)
_RECIPIENTS_HEAD = re.compile(
    r"\b(?:recipients?|inquir(?:y|ies)|who (?:has )?(?:received|requested|viewed|accessed)|"
    r"licen[cs]ed (?:it |them |your data |the data )?to|(?:sold|provided|gave) (?:it|them|your data|the data) to|disclosed (?:to|your)|disclosures? of your|shared (?:with|your)|sold (?:to|your)|third parties (?:to|with) (?:whom|which)|"
    r"destinatarios?|consultas|a qui(?:e|é)n(?:es)?|divulga(?:mos|do a)|compart(?:imos|ido|ida)|vend(?:imos|ido|ida)|"
    r"terceros (?:a|con) (?:los )?(?:que|quienes))\b",
    re.IGNORECASE,
)
_CATEGORIES_HEAD = re.compile(
    r"\b(?:(?:data|information) we (?:hold|have|keep|collected)|datos que (?:tenemos|conservamos|recopilamos)|categories of (?:personal )?(?:information|data)|types of (?:personal )?(?:information|data)|"
    r"categor(?:i|í)as de (?:datos|informaci(?:o|ó)n)|tipos de (?:datos|informaci(?:o|ó)n))\b",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"(?P<label>\b(?:sources?|provided by|furnished by|obtained from|reported by|data source|"
    r"fuentes?|proporcionad[oa] por|obtenid[oa] de|suministrad[oa] por|"
    r"recipients?|disclosed to|sold to|shared with|furnished to|"
    r"destinatarios?|divulgad[oa] a|vendid[oa] a|compartid[oa] con))\s*:?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_SOURCE_LABELS = re.compile(
    r"^(?:sources?|provided by|furnished by|obtained from|reported by|data source|fuentes?|"
    r"proporcionad[oa] por|obtenid[oa] de|suministrad[oa] por)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-•*·–—▪◦o]\s+|\d{1,3}[.)]\s+|\(\w\)\s+)")
_SENTENCE_WORDS = re.compile(
    r"\b(?:we|our|you|your|this|these|following|please|if|may|may have|will|has been|"
    r"sincerely|regards|thank you|nosotros|nuestr[oa]s?|usted|su|sus|este|esta|estos|siguientes?|por favor|si|puede|hemos|le|"
    r"saludos|atentamente|gracias)\b",
    re.IGNORECASE,
)
_COLUMN_HEADS = re.compile(
    r"^(?:name|company|organization|recipient|source|date|purpose|type|fecha|nombre|empresa|"
    r"organizaci(?:o|ó)n|destinatario|fuente|prop(?:o|ó)sito|finalidad|tipo|permissible purpose|"
    r"date of (?:inquiry|disclosure)|fecha de (?:consulta|divulgaci(?:o|ó)n))$",
    re.IGNORECASE,
)
_PURPOSE_SPLIT = re.compile(
    r"\s(?:\||—|–|-{1,2}|;)\s|\s{2,}|\t|\s(?=(?:purpose|prop(?:o|ó)sito|finalidad)\s*:)", re.IGNORECASE
)

# --- dates --------------------------------------------------------------------------------------

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?P<iso>\b(?P<y1>(?:19|20)\d\d)-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})\b)"
    r"|(?P<num>\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y2>(?:19|20)\d\d)\b)"
    rf"|(?P<mdy>\b(?P<mon1>{_MONTH_NAMES})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>(?:19|20)\d\d)\b)"
    rf"|(?P<dmy>\b(?P<d4>\d{{1,2}})\s+(?:de\s+)?(?P<mon2>{_MONTH_NAMES})\.?,?\s+(?:de\s+|del\s+)?(?P<y4>(?:19|20)\d\d)\b)",
    re.IGNORECASE,
)


def find_dates(text: str, *, spanish: bool) -> list[tuple[dt.date, int, int]]:
    """Every full date in `text` as (date, start, end). Numeric dates are month/day in English
    text and day/month in Spanish text (the other way round when the first number is over 12)."""
    out = []
    for m in _DATE.finditer(text):
        try:
            if m.group("iso"):
                day = dt.date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
            elif m.group("num"):
                a, b = int(m.group("a")), int(m.group("b"))
                month, dom = (b, a) if spanish or a > 12 else (a, b)
                if spanish and b > 12:
                    month, dom = a, b
                day = dt.date(int(m.group("y2")), month, dom)
            elif m.group("mdy"):
                day = dt.date(int(m.group("y3")), MONTHS[m.group("mon1").lower()], int(m.group("d3")))
            else:
                day = dt.date(int(m.group("y4")), MONTHS[m.group("mon2").lower()], int(m.group("d4")))
        except ValueError:
            continue
        out.append((day, m.start(), m.end()))
    return out


# --- the verdict --------------------------------------------------------------------------------

VERDICTS: tuple[tuple[str, str, str], ...] = (
    ("needs-verification", "",
     r"\b(?:verify your identity|confirm your identity|unable to verify|identity verification|"
     r"verificar su identidad|confirmar su identidad|no (?:pudimos|hemos podido) verificar)"),
    ("refused", "",
     r"\b(?:(?:your|the) request (?:is|has been|was) (?:denied|declined|rejected)|"
     r"we (?:must |have to )?(?:deny|decline|reject) (?:your|the|this) request|cannot honou?r your request|"
     r"(?:are|is) exempt from|denegamos su solicitud|rechazamos su solicitud|su solicitud (?:ha sido |fue )?(?:denegada|rechazada))"),
    ("not-found", "",
     r"\b(?:(?:were|are) (?:unable to|not able to) (?:locate|find)|could not (?:locate|find)|did not (?:locate|find)|"
     r"no (?:records?|information|data|file) (?:was |were )?(?:found|located)|do not (?:have|maintain) any (?:personal )?(?:information|data|records?)|"
     r"no (?:hemos )?encontra(?:mos|do) (?:ning[uú]n|ninguna|informaci[oó]n|datos|registros?)|no tenemos (?:ninguna )?informaci[oó]n)"),
    ("partial", "",
     r"\b(?:(?:some|certain) (?:of the )?(?:information|records|data)[^.]{0,40}(?:withheld|redacted|not (?:been )?included|omitted|not disclosed)|"
     r"(?:withheld|redacted) (?:some|certain|part)|in part\b|parcialmente|hemos omitido|(?:alguna|cierta) informaci[oó]n[^.]{0,40}(?:retenida|omitida|no se incluye))"),
    ("fulfilled", "deleted",
     r"\b(?:we have (?:deleted|erased|removed)|(?:has|have) been (?:deleted|erased)|"
     r"hemos (?:eliminado|borrado|suprimido)|(?:han|ha) sido (?:eliminad|borrad|suprimid)[oa]s?)"),
    ("fulfilled", "opted-out",
     r"\b(?:(?:your )?opt[- ]out (?:request )?(?:has been|was) (?:processed|honou?red|completed)|"
     r"we (?:will )?no longer (?:sell|share)|ya no (?:venderemos|compartiremos)|"
     r"su (?:solicitud de )?exclusi[oó]n (?:ha sido|fue) (?:procesada|completada))"),
    ("fulfilled", "",
     r"\b(?:enclosed (?:is|are|please find|you will find)|attached (?:is|are|please find|you will find)|"
     r"here (?:is|are) (?:a copy|the (?:information|records?)|your (?:report|file))|consumer disclosure|"
     r"(?:your|this) (?:consumer )?(?:file|report) (?:contains|shows|lists)|"
     r"adjunt(?:o|a|amos) (?:encontrar[aá]|le enviamos|su)|le enviamos (?:una copia|su (?:informe|expediente))|"
     r"informe de divulgaci[oó]n|a continuaci[oó]n (?:encontrar[aá]|se (?:indica|muestra|detalla)))"),
)  # fmt: skip
_VERDICT_RES = tuple((v, d, re.compile(p, re.IGNORECASE)) for v, d, p in VERDICTS)


# --- the scanner --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    part: str
    page: int
    number: int  # 1-based within its page
    text: str


@dataclass(frozen=True)
class Proposed:
    """A finding before it gets its number (see `tracking.finding_records.Finding`)."""

    kind: str
    value: str
    role: str = ""
    matched: str = ""
    on: dt.date | None = None
    part: str = ""
    page: int = 0
    line_no: int = 0
    line: str = ""
    detail: str = ""
    evidence: tuple[int, ...] | list[int] = ()
    about: int | None = None


_SPANISH_WORDS = re.compile(r"\b(?:de|la|el|los|las|su|sus|que|por|con|para|una|del|informaci[oó]n)\b", re.I)
_ENGLISH_WORDS = re.compile(r"\b(?:the|of|and|your|to|for|with|that|this|information|from)\b", re.I)


def is_spanish(text: str) -> bool:
    sample = text[:20_000]
    return len(_SPANISH_WORDS.findall(sample)) > 1.3 * len(_ENGLISH_WORDS.findall(sample))


_COLUMN_GAP = re.compile(r" {2,}")


def lines_of(parts: Sequence[tuple[str, Sequence[str]]]) -> list[Line]:
    out = []
    for name, pages in parts:
        for page_index, page in enumerate(pages, start=1):
            for number, raw in enumerate(page.splitlines(), start=1):
                # Runs of spaces (a table's columns) are kept as two spaces; the rest as one.
                text = _COLUMN_GAP.sub("  ", " ".join(raw.replace("\t", "    ").split(" ")).strip())
                text = re.sub(r"(?<! ) (?! )", " ", text)
                if text.strip():
                    out.append(Line(name, page_index, number, text))
    return out


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text).strip()


def _words(text: str) -> int:
    return len(text.split())


def _heading_kind(text: str) -> str | None:
    """What a heading line announces: sources, recipients, categories, a data category
    ("holds:<category>"), "other" for any other heading, "keep" for a line that introduces the
    section it is in (column headings, "The following ... :"), or None when it is no heading."""
    if _BULLET.match(text):
        return None  # a list item is never a heading
    plain = text.strip()
    if all(_COLUMN_HEADS.match(p) for p in re.split(r"\s{2,}", plain)):
        # A table's column headings: "Recipient  Date  Purpose" opens a table of recipients;
        # "Company  Date" says nothing new.
        if _RECIPIENTS_HEAD.search(plain):
            return "recipients"
        return "sources" if _SOURCES_HEAD.search(plain) else "keep"
    shape = _heading_shape(plain)
    if shape is None:
        return None
    short, intro = shape
    if _CATEGORIES_HEAD.search(plain):
        return "categories"
    if _RECIPIENTS_HEAD.search(plain):
        return "recipients"
    if _SOURCES_HEAD.search(plain):
        return "sources"
    if short:
        for category, pattern in _CATEGORY_RES:
            if pattern.search(plain):
                return f"holds:{category}"
    if intro and not short:
        return "keep"  # "The following organizations received ...:" introduces the section it is in
    return "other"


def _heading_shape(plain: str) -> tuple[bool, bool] | None:
    """(short, intro) for a line shaped like a heading: short (at most 8 words, no date, no
    closing punctuation) in capitals or title case, or an introduction ending in a colon; None
    for any other line ("Source: Weld County Sheriff" is a labelled line, not a heading)."""
    if ":" in plain.rstrip(":"):
        return None
    words = _words(plain)
    letters = [c for c in plain if c.isalpha()]
    capitals = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
    short = words <= 8 and not _DATE.search(plain) and not plain.endswith((".", ";", ","))
    intro = plain.endswith(":") and words <= 30
    if not (short or intro):
        return None
    if not (capitals or intro or (short and plain[:1].isupper() and _title_like(plain))):
        return None
    return short, intro


_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "of",
        "the",
        "to",
        "for",
        "in",
        "on",
        "by",
        "with",
        "your",
        "from",
        "de",
        "del",
        "la",
        "las",
        "los",
        "el",
        "y",
        "en",
        "por",
        "para",
        "su",
        "sus",
        "o",
        "or",
    ]
)


def _title_like(text: str) -> bool:
    """A heading in title case: most words capitalised, short words aside."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in _SMALL]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.75


def _entry_name(text: str, spanish: bool) -> tuple[str, dt.date | None, str] | None:
    """(name, date, purpose) of an entry line under a sources or recipients heading, or None
    when the line is a sentence, a column heading or empty."""
    plain = _strip_bullet(text)
    if not plain or _words(plain) > 24:
        return None
    dates = find_dates(plain, spanish=spanish)
    on = dates[0][0] if dates else None
    name = plain[: dates[0][1]] if dates and dates[0][1] > 0 else plain
    if dates and dates[0][1] == 0:  # "2026-03-14  Weld County Sheriff ..."
        name = plain[dates[0][2] :]
        more = find_dates(name, spanish=spanish)
        if more:
            name = name[: more[0][1]]
    pieces = [p.strip() for p in _PURPOSE_SPLIT.split(name) if p and p.strip()]
    if not pieces:
        return None
    name = pieces[0].strip(" :;,.")
    if name.count("(") > name.count(")"):  # "CBP (contract dated" + a date: the note is no name
        name = name[: name.rindex("(")].strip(" :;,.")
    purpose = " ".join(pieces[1:])
    if dates:
        purpose = (purpose + " " + plain[dates[-1][2] :]).strip()
    if not name or not any(c.isalpha() for c in name) or _words(name) > 12:
        return None
    if _COLUMN_HEADS.match(name) or all(_COLUMN_HEADS.match(w) for w in re.split(r"\s{1,}", name) if w):
        return None
    if name[:1].islower() or _SENTENCE_WORDS.search(name):
        return None
    if name.endswith(":"):
        return None
    return name, on, purpose.strip(" :;,.-")


def _split_names(rest: str) -> list[str]:
    """A labelled value may list several names: "Source: A; B", "Fuentes: A, B y C" stays one
    name unless separated by semicolons or " and "/" y " between capitalised names."""
    parts = [p.strip(" .,:") for p in re.split(r";|\s\|\s", rest) if p.strip(" .,:")]
    return parts


class Extractor:
    def __init__(self, directory: NameDirectory, *, today: dt.date) -> None:
        self.directory = directory
        self.today = today
        self.earliest = dt.date(1990, 1, 1)

    def _date_ok(self, on: dt.date | None) -> dt.date | None:
        if on is None or on < self.earliest or on > self.today + dt.timedelta(days=366):
            return None
        return on

    def _named(self, kind: str, name: str, on: dt.date | None, line: Line, purpose: str = "") -> Proposed:
        found = identify(name, self.directory)
        role = found.role
        if role == "other" and purpose:
            from broker_audit.findings.names import role_by_words

            by_purpose = role_by_words(purpose)
            if by_purpose in ("law-enforcement", "immigration-enforcement"):
                role = by_purpose
        return Proposed(
            kind=kind,
            value=name,
            role=role,
            matched=found.matched,
            on=self._date_ok(on),
            part=line.part,
            page=line.page,
            line_no=line.number,
            line=line.text,
        )

    def run(self, parts: Sequence[tuple[str, Sequence[str]]]) -> list[Proposed]:
        lines = lines_of(parts)
        found = _Found(self, spanish=is_spanish("\n".join(line.text for line in lines)))
        section = "other"
        for line in lines:
            heading = _heading_kind(line.text)
            if heading == "keep":
                continue
            if heading is not None:
                section = heading
                if heading.startswith("holds:"):
                    found.hold(heading.split(":", 1)[1], line)
                continue
            found.line(line, section)
        verdict = self._verdict(lines)
        if verdict is not None:
            found.out.append(verdict)
        return found.out

    def _verdict(self, lines: Sequence[Line]) -> Proposed | None:
        # Sentences may run over lines: look at each line with the next one.
        for value, detail, pattern in _VERDICT_RES:
            for i, line in enumerate(lines):
                window = line.text + (" " + lines[i + 1].text if i + 1 < len(lines) else "")
                m = pattern.search(window)
                if m and m.start() < len(line.text):
                    return Proposed(
                        "verdict",
                        value,
                        part=line.part,
                        page=line.page,
                        line_no=line.number,
                        line=line.text,
                        detail=detail,
                    )
        return None


class _Found:
    """What one answer's lines support, in order: each data category held once, each name (by
    kind, identity and date) once."""

    def __init__(self, extractor: Extractor, *, spanish: bool) -> None:
        self.extractor, self.spanish = extractor, spanish
        self.out: list[Proposed] = []
        self._held: set[str] = set()
        self._named: set[tuple[str, str, dt.date | None]] = set()

    def hold(self, category: str, line: Line) -> None:
        if category not in self._held:
            self._held.add(category)
            self.out.append(
                Proposed(
                    "holds", category, part=line.part, page=line.page, line_no=line.number, line=line.text
                )
            )

    def name(self, kind: str, value: str, on: dt.date | None, line: Line, purpose: str = "") -> None:
        finding = self.extractor._named(kind, value, on, line, purpose)
        key = (kind, finding.matched or fold(value), finding.on)
        if key not in self._named:
            self._named.add(key)
            self.out.append(finding)

    def line(self, line: Line, section: str) -> None:
        """A line that is no heading, in `section`: a labelled source or recipient ("Source:
        ..."), an entry of a sources or recipients section, a category a categories section
        lists."""
        plain = _strip_bullet(line.text)
        label = _LABEL.search(plain)
        if label and (label.start() == 0 or plain[label.start() - 1] in " ([|—–-,;"):
            self._labelled(line, plain, label)
            if section.startswith("holds:"):
                return
        if section in ("sources", "recipients"):
            entry = _entry_name(plain, self.spanish)
            if entry is not None and not label:
                value, on, purpose = entry
                self.name("source" if section == "sources" else "recipient", value, on, line, purpose)
        elif section == "categories":
            for category, pattern in _CATEGORY_RES:
                if pattern.search(plain):
                    self.hold(category, line)

    def _labelled(self, line: Line, plain: str, label: re.Match[str]) -> None:
        is_source = bool(_SOURCE_LABELS.match(label.group("label").strip()))
        for piece in _split_names(label.group("rest")):
            entry = _entry_name(piece, self.spanish)
            if entry is None:
                continue
            value, on, purpose = entry
            if on is None:
                dates = find_dates(plain, spanish=self.spanish)
                on = dates[0][0] if dates else None
            self.name("source" if is_source else "recipient", value, on, line, purpose)


def propose(
    parts: Sequence[tuple[str, Sequence[str]]], directory: NameDirectory, *, today: dt.date
) -> list[Proposed]:
    """The findings one answer's text supports, each with the line it came from."""
    return Extractor(directory, today=today).run(parts)


def with_edit(finding: Proposed, **changes: object) -> Proposed:
    return replace(finding, **changes)  # type: ignore[arg-type]
