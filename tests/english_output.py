"""Finding English sentences in what the tool prints to a Spanish reader.

A line of output is cut into segments (table cells, the columns of a plain table: two spaces or
more, or a box-drawing rule, separate them); from each segment the parts that are allowed to be
English are taken out first, then the words left are counted. A segment is English when at least
two of its words are English function words or everyday interface words that Spanish never
uses, and they outnumber the Spanish function words in it. One English word alone (a column
heading, an id) is not a sentence and is not reported.

What may stay English (taken out before counting), and why:
- ids, options and commands: `broker-audit ...` up to the end of the command, `--option`,
  kebab-case ids (`lexisnexis-risk-solutions`, `ca-ccpa`), CONSTANT-like placeholders (`ID`,
  `ROUTE`), `BA-...` references, `#12`, code such as `name=value`, `yes|no` or `a_field`: they
  are typed by the user and stay as they are;
- paths and file names (a word with a slash, or ending in a known suffix), URLs, e-mail
  addresses, host names with a port;
- quoted text ("...", “...”, «...», '...', `...`): a letter's own words, a line read from a reply,
  a value from a file;
- names: every broker's name, legal name, parent and brands, every agency's name, every law's
  name, and any other name the caller passes (`names`: the fixture's companies and agencies);
- the shipped data's own text: every string in brokers.toml, laws.toml, agencies.toml and the
  shipped registry filings (a broker's note, the words its page says, a source's title) is
  research written in English with its source, shown as it is recorded (`data_texts`).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_ENGLISH_WORDS = """
    the and of to is are was were be been being your you yours for with that this these those it
    its from by on at as an or not will would can could should shall may might must has have had
    do does did done which what when who whom whose where why how there their they them then
    than each every any all into onto out up about after before here now only also more yet if
    but so we our us none nothing something anything one ones just still already again been
    being letter letters request requests broker brokers unknown wrote written sent due days
    left reply replies file files state states route routes found nothing being please run see
    use shows show said says asks asked known yet new old first last next own other others
    between without within under over because whether while until since such same data date
    birth phone address addresses name names default print report record records status change
    send sending write read accept reject refusing confirmation previous street apartment empty
    provider server usually login user asking messages message folder attempts warn facts
    checked longer ago import registry export never repeat separate number short note kept
    encrypted log extension plus complete answer answers applies dated tracking reading copy
    damaged key through form agency agencies clinic vault person people kinds named set table
    booking jail arrest exposure statute cited response period company took give gives given
    tell tells told keep keeps why likely holds sells sold shares shared government police
    immigration enforcement deleted asked answered overdue drafted yes
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())
"""Words a Spanish sentence never uses (function words, and the interface's commonest words)."""

_SPANISH_WORDS = """
    de la el los las que en y para por con su sus se no un una del al es lo o a le les este esta
    estos estas ese esa cada cual cuando donde como pero si ya más sin sobre entre hasta desde
    usted ustedes qué cómo cuál dónde también aún otra otro otras otros son está están fue ser
"""
SPANISH = frozenset(_SPANISH_WORDS.split())

_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|`[^`]*`|(?<![\w])'[^']*'(?![\w])|‘[^’]*’")
_COMMAND = re.compile(
    r"broker-audit(?:\s+(?:--?[\w-]+(?:=\S+)?|[a-z0-9][\w.,:/@-]*|[A-Z][A-Z_]+(?:\.\.\.)?|\d\S*|\S+\.\w{2,4}|\.\.\.|\|))*"
)
_URL = re.compile(r"\b(?:https?|file)://\S+|\bwww\.\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATH = re.compile(r"\S*[/\\]\S*|\S+\.(?:pdf|txt|eml|html|csv|ics|json|toml|db|j2|po|mo|png|jpg)\b")
_OPTION = re.compile(r"(?<![\w-])--?[a-zA-Z][\w-]*(?:=\S+)?")
_ID = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")
_REFERENCE = re.compile(r"\b(?:BA|B|C|D)-[0-9A-Z-]+\b|#\d+")
_CONSTANT = re.compile(r"\b[A-Z][A-Z_]{1,}\b")
_CODE = re.compile(r"\S*[_=|]\S*")  # name=value, yes|no, a_field_name
_SEGMENTS = re.compile(r"\s{2,}|[│┃║]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass
class Exemptions:
    """What may be English in the output (see the module's docstring)."""

    names: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    def strip(self, line: str) -> str:
        for text in self._longest_first():  # first: a data text may hold quotes or a URL
            if text in line:
                line = line.replace(text, " ")
        for pattern in (_QUOTED, _URL, _EMAIL, _COMMAND):
            line = pattern.sub(" ", line)
        for pattern in (_PATH, _CODE, _OPTION, _REFERENCE, _ID, _CONSTANT):
            line = pattern.sub(" ", line)
        return line

    @cache  # noqa: B019 (one instance per test run)
    def _longest_first(self) -> tuple[str, ...]:
        return tuple(sorted((t for t in self.names | self.texts if len(t) >= 3), key=len, reverse=True))

    def __hash__(self) -> int:
        return id(self)


def english_segments(line: str, exemptions: Exemptions) -> list[str]:
    """The segments of `line` that read as English (see the module's docstring)."""
    found = []
    for segment in _SEGMENTS.split(exemptions.strip(line)):
        words = [w.lower() for w in _WORD.findall(segment)]
        english = sum(1 for w in words if w in ENGLISH)
        spanish = sum(1 for w in words if w in SPANISH)
        if english >= 2 and english > spanish:
            found.append(segment.strip())
    return found


def english_lines(text: str, exemptions: Exemptions) -> list[str]:
    """Each line of `text` that holds an English sentence."""
    return [line for line in text.splitlines() if english_segments(line, exemptions)]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_texts() -> set[str]:
    """Every string in the shipped data files (brokers, laws, agencies, registry filings)."""
    texts: set[str] = set()
    for name in ("brokers.toml", "laws.toml", "agencies.toml"):
        texts.update(_strings(tomllib.loads((ROOT / name).read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "registries").rglob("*.json")):
        texts.update(_strings(json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "registries").rglob("*.toml")):
        texts.update(_strings(tomllib.loads(path.read_text(encoding="utf-8"))))
    return {" ".join(t.split()) for t in texts if t.strip()}  # as one line shows it


def shipped_names() -> set[str]:
    """The names of every broker, agency and law the tool ships, and what the findings know."""
    from broker_audit.findings.agencies import agency_names
    from broker_audit.law.load import shipped_laws
    from broker_audit.registry.agencies import shipped_agencies
    from broker_audit.registry.load import shipped_registry

    names: set[str] = set()
    for broker in shipped_registry().brokers:
        names.update(n for n in (broker.name, broker.legal_name, broker.parent) if n)
        names.update((*broker.brands, *broker.aliases))
    for agency in shipped_agencies().agencies:
        names.add(agency.name)
    for law in shipped_laws():
        names.update(n for n in (law.name, law.short_name) if n)
    for known in agency_names():
        names.update((known.name, *known.aliases))
    return names


def exemptions(extra_names: Iterable[str] = ()) -> Exemptions:
    return Exemptions(names=shipped_names() | set(extra_names), texts=data_texts())
