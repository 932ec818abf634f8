"""What a state-law request may not reach: data the broker itself says the state laws exempt.

One sentence, from the broker's `exempt_data` record (its own words, sourced), for the command
line and the clinic's cover sheet, in the reader's language (the catalog's words). It points to
the FCRA file disclosure where the broker or an affiliate is a consumer reporting agency.
"""

from __future__ import annotations

from broker_audit.i18n import NP_, current_language, gettext_in, pgettext_in
from broker_audit.registry.schema import Broker

_KIND_WORDS = {  # the words of the catalog (English is the source): "public-record data"
    "public-records": NP_("exempt data", "public-record"),
    "publicly-available": NP_("exempt data", "publicly available"),
    "fcra": NP_("exempt data", "FCRA"),
    "glba": NP_("exempt data", "GLBA"),
    "dppa": NP_("exempt data", "DPPA"),
}

# Letter kinds a state privacy law governs (the FCRA disclosure itself is the other lever).
STATE_LAW_KINDS = frozenset({"access", "delete", "opt-out", "correct"})


def _or(items: list[str], language: str) -> str:
    if len(items) == 1:
        return items[0]
    return gettext_in(language, "{first} or {last}").format(first=", ".join(items[:-1]), last=items[-1])


def cannot_reach(broker: Broker, kind: str, language: str | None = None, *, for_client: bool = False) -> str:
    """The sentence, or "" when the broker has no such record or the letter is not a state-law one,
    in `language` (None: the current one).

    `for_client`: the clinic's cover sheet ("ask us" instead of the command)."""
    exempt = broker.exempt_data
    if exempt is None or kind not in STATE_LAW_KINDS:
        return ""
    language = language or current_language()
    kinds = [pgettext_in(language, "exempt data", _KIND_WORDS[k]) for k in exempt.kinds]
    line = gettext_in(
        language,
        "{broker} says much of its data is {kinds} data, which it says state privacy laws do not "
        "cover, so this request may not reach it",
    ).format(broker=broker.name, kinds=_or(kinds, language))
    if exempt.fcra_disclosure and for_client:
        line += gettext_in(language, "; a request for its FCRA file disclosure can show more (ask us)")
    elif exempt.fcra_disclosure:
        line += gettext_in(language, "; ask for its FCRA file disclosure too: {command}").format(
            command=f"broker-audit request {broker.id} --kind fcra-disclosure"
        )
    return line + "."
