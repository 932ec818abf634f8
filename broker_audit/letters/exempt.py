"""What a state-law request may not reach: data the broker itself says the state laws exempt.

One sentence, from the broker's `exempt_data` record (its own words, sourced), for the command
line and the clinic's cover sheet, in English or Spanish. It points to the FCRA file disclosure
where the broker or an affiliate is a consumer reporting agency.
"""

from __future__ import annotations

from broker_audit.registry.schema import Broker

_KIND_WORDS = {
    "en": {
        "public-records": "public-record",
        "publicly-available": "publicly available",
        "fcra": "FCRA",
        "glba": "GLBA",
        "dppa": "DPPA",
    },
    "es": {
        "public-records": "registros públicos",
        "publicly-available": "información pública",
        "fcra": "datos de informes de consumidor (FCRA)",
        "glba": "datos financieros (GLBA)",
        "dppa": "datos de licencias y vehículos (DPPA)",
    },
}

# Letter kinds a state privacy law governs (the FCRA disclosure itself is the other lever).
STATE_LAW_KINDS = frozenset({"access", "delete", "opt-out", "correct"})


def _or(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def cannot_reach(broker: Broker, kind: str, language: str = "en", *, for_client: bool = False) -> str:
    """The sentence, or "" when the broker has no such record or the letter is not a state-law one.

    `for_client`: the clinic's cover sheet (in English, "ask us" instead of the command)."""
    exempt = broker.exempt_data
    if exempt is None or kind not in STATE_LAW_KINDS:
        return ""
    words = _KIND_WORDS["es" if language == "es" else "en"]
    kinds = [words[k] for k in exempt.kinds]
    if language == "es":
        line = (
            f"{broker.name} dice que gran parte de sus datos son {_or(kinds, 'o')}, que según la empresa "
            "las leyes estatales de privacidad no cubren: esta solicitud puede no alcanzarlos"
        )
        if exempt.fcra_disclosure:
            line += "; una solicitud de su expediente bajo la FCRA puede mostrar más (pregúntenos)"
        return line + "."
    line = (
        f"{broker.name} says much of its data is {_or(kinds, 'or')} data, which it says state privacy "
        "laws do not cover, so this request may not reach it"
    )
    if exempt.fcra_disclosure and for_client:
        line += "; a request for its FCRA file disclosure can show more (ask us)"
    elif exempt.fcra_disclosure:
        line += (
            f"; ask for its FCRA file disclosure too: broker-audit request {broker.id} --kind fcra-disclosure"
        )
    return line + "."
