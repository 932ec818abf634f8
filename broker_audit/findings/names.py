"""Who a name in an answer is: a broker of the registry, an agency of the directory, or a kind of
body told by its words (a sheriff, a court, a utility, immigration enforcement, a customer class).

The directory is a list of `NameEntry` built from any source: the broker registry, an agency
directory (`agencies.toml`, read leniently by `findings.agencies`), and the built-in names of the
federal immigration agencies and Colorado's sheriffs and state agencies. A name matches an entry
when one of the entry's names appears in it as whole words (accents, case and punctuation
folded); the longest such name wins, so "Weld County Sheriff's Office" is the sheriff and not
"Weld County".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ROLES = (
    "immigration-enforcement",
    "law-enforcement",
    "court",
    "government",
    "utility",
    "broker",
    "customer",
    "other",
)
PUBLIC_ROLES = frozenset({"immigration-enforcement", "law-enforcement", "court", "government"})

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Single words too common (or too often a person's first name) to name a broker on their own.
_COMMON_WORDS = frozenset(
    {"clear", "melissa", "intelius", "select", "verify", "truth", "check", "people", "search", "records"}
)


def fold(text: str) -> str:
    """Lower case, accents and punctuation folded to single spaces: for matching only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = plain.replace("'s ", "s ").replace("'", "")
    return _NON_ALNUM.sub(" ", plain).strip()


@dataclass(frozen=True)
class NameEntry:
    key: str  # "broker:ID" or "agency:ID"
    name: str  # the display name
    role: str
    names: tuple[str, ...]  # folded names to look for
    state: str = ""  # two-letter state of an agency, when known


def _usable(name: str, *, short_ok: bool = False) -> bool:
    words = name.split()
    if not words:
        return False
    if len(words) == 1:
        return short_ok or (len(name) >= 5 and name not in _COMMON_WORDS)
    return True


class NameDirectory:
    """Look names up among brokers and agencies."""

    def __init__(self, entries: Iterable[NameEntry]) -> None:
        self.entries = list(entries)
        self._by_name: dict[str, NameEntry] = {}
        for entry in self.entries:
            for name in entry.names:
                self._by_name.setdefault(name, entry)
        self._longest = max((len(n.split()) for n in self._by_name), default=1)

    def match(self, text: str) -> NameEntry | None:
        """The entry whose name appears in `text` as whole words, the longest first."""
        words = fold(text).split()
        for size in range(min(self._longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                found = self._by_name.get(" ".join(words[start : start + size]))
                if found is not None:
                    return found
        return None

    def get(self, key: str) -> NameEntry | None:
        return next((e for e in self.entries if e.key == key), None)


def broker_entries(brokers: Iterable[object]) -> list[NameEntry]:
    """One entry per broker of the registry (its name, legal name, aliases and brands)."""
    out = []
    for broker in brokers:
        if getattr(broker, "successor", None):
            continue
        names = [broker.name, broker.legal_name, *broker.aliases, *broker.brands]  # type: ignore[attr-defined]
        names += [re.sub(r"\s*\(.*?\)", "", broker.name)]  # type: ignore[attr-defined]
        folded = tuple(dict.fromkeys(f for f in (fold(n) for n in names if n) if _usable(f)))
        if folded:
            out.append(NameEntry(f"broker:{broker.id}", broker.name, "broker", folded))  # type: ignore[attr-defined]
    return out


@dataclass(frozen=True)
class AgencyName:
    """An agency as any directory names it (the plug for `agencies.toml` and others)."""

    id: str
    name: str
    kind: str = ""  # county-sheriff, state-agency, federal-immigration, court, ...
    aliases: tuple[str, ...] = ()
    state: str = ""


def role_of_agency_kind(kind: str, name: str) -> str:
    text = f"{kind} {name}".lower()
    if "immigration" in text or "border" in text or "homeland" in text:
        return "immigration-enforcement"
    if "court" in text or "judicial" in text:
        return "court"
    if any(w in text for w in ("sheriff", "police", "patrol", "investigation", "correction", "marshal")):
        return "law-enforcement"
    return role_by_words(name) if role_by_words(name) != "other" else "government"


def agency_entries(agencies: Sequence[AgencyName]) -> list[NameEntry]:
    out = []
    for agency in agencies:
        names = tuple(
            dict.fromkeys(
                f
                for f in (fold(n) for n in (agency.name, *agency.aliases, *_name_variants(agency.name)))
                if _usable(f, short_ok=True)
            )
        )
        if names:
            out.append(
                NameEntry(
                    f"agency:{agency.id}",
                    agency.name,
                    role_of_agency_kind(agency.kind, agency.name),
                    names,
                    agency.state,
                )
            )
    return out


def _name_variants(name: str) -> list[str]:
    """ "Weld County Sheriff's Office" is also written "Weld County Sheriff" or "Weld County
    Sheriff Department"."""
    base = re.sub(r"(?i)\s+(office|department|dept\.?)$", "", name.replace("\u2019", "'"))
    base = re.sub(r"(?i)'s$", "", base)
    return [base, f"{base} Department", f"{base} Dept"] if base != name else []


# --- words that say what kind of body a name is -------------------------------------------------

_ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        (
            "immigration-enforcement",
            r"\b(?:immigration|ice|ero|hsi|cbp|border patrol|customs and border|homeland security|"
            r"enforcement and removal|inmigracion|patrulla fronteriza|aduanas|seguridad nacional)\b",
        ),
        (
            "law-enforcement",
            r"\b(?:sheriffs?|police|policia|state patrol|highway patrol|bureau of investigation|fbi|"
            r"marshals?|district attorney|prosecutors?|fiscalia|alguacil|law enforcement|"
            r"fusion center|department of corrections|detention|jail|carcel|drug enforcement|dea|"
            r"fuerzas del orden|autoridades policiales)\b",
        ),
        ("court", r"\b(?:courts?|tribunal(?:es)?|corte|juzgado|judicial|clerk of (?:the )?court)\b"),
        (
            "utility",
            r"\b(?:utility|utilities|energy|electric|power|water|gas company|telecom|wireless|"
            r"nctue|servicios publicos|compania de luz|agua)\b",
        ),
        (
            "government",
            r"\b(?:county|city of|state of|department of|division of|motor vehicles|dmv|"
            r"secretary of state|assessor|recorder|agency|government|gobierno|condado|"
            r"municipio|departamento de|agencia|federal|u s)\b",
        ),
        (
            "customer",
            r"\b(?:landlords?|employers?|insurers?|insurance companies|lenders?|creditors?|"
            r"financial institutions|banks|debt collectors?|collection agencies|marketers|"
            r"marketing companies|advertisers|retailers|property managers|"
            r"arrendadores|propietarios|empleadores|aseguradoras|prestamistas|bancos|"
            r"instituciones financieras|cobradores|agencias de cobro|comercializadores|anunciantes)\b",
        ),
        (
            "broker",
            r"\b(?:data brokers?|people search|background (?:check|screening)|consumer reporting|"
            r"data (?:providers?|aggregators?)|corredores de datos|agencias de informes)\b",
        ),
    )
)


def role_by_words(name: str) -> str:
    """What kind of body `name` is, from its words alone ("other" when they say nothing)."""
    folded = fold(name)
    for role, pattern in _ROLE_WORDS:
        if pattern.search(folded):
            return role
    return "other"


@dataclass(frozen=True)
class NameMatch:
    role: str
    matched: str  # "broker:ID", "agency:ID" or ""
    canonical: str  # the directory's name, or ""


def identify(name: str, directory: NameDirectory) -> NameMatch:
    entry = directory.match(name)
    if entry is not None:
        return NameMatch(entry.role, entry.key, entry.name)
    return NameMatch(role_by_words(name), "", "")
