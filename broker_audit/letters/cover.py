"""The cover sheet a clinic client gets with their letters, in the client's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from broker_audit.law.schema import Law
from broker_audit.letters.compose import KIND_TITLES, law_context
from broker_audit.registry.schema import Broker

LANGUAGES = ("en", "es")

KIND_TITLES_ES = {
    "access": "Solicitud de acceso a mis datos personales",
    "delete": "Solicitud de eliminación de mis datos personales",
    "opt-out": "Solicitud de exclusión de la venta de mis datos personales",
    "correct": "Solicitud de corrección de datos personales",
    "fcra-disclosure": "Solicitud de divulgación de mi expediente de consumidor",
}

_GOALS = {
    "en": {
        "access": "show you the data they hold about you and say to whom they sold it",
        "delete": "delete your data",
        "opt-out": "stop selling and sharing your data",
        "correct": "correct wrong data about you",
        "fcra-disclosure": "send you your consumer file",
    },
    "es": {
        "access": "mostrarle los datos que tienen sobre usted y decirle a quién los vendieron",
        "delete": "eliminar sus datos",
        "opt-out": "dejar de vender y compartir sus datos",
        "correct": "corregir datos equivocados sobre usted",
        "fcra-disclosure": "enviarle su expediente de consumidor",
    },
}

_AND = {"en": "and", "es": "y"}


@dataclass(frozen=True)
class CoverLetter:
    """One letter as the cover sheet lists it."""

    broker: Broker
    kind: str
    reference: str


def template_kind(language: str) -> str:
    return "cover" if language == "en" else f"cover-{language}"


def _how(broker: Broker, language: str) -> str:
    c = broker.contact
    if c.postal is not None:
        return "It goes by mail." if language == "en" else "Se envía por correo."
    if c.web_form is not None:
        return (
            f"We submit it on the company's web form ({c.web_form.value})."
            if language == "en"
            else f"La enviamos por el formulario web de la empresa ({c.web_form.value})."
        )
    if c.email is not None:
        return (
            f"We email it to {c.email.value}."
            if language == "en"
            else f"La enviamos por correo electrónico a {c.email.value}."
        )
    return (
        "We have no confirmed way to send it yet; we will tell you."
        if language == "en"
        else "Aún no tenemos una forma confirmada de enviarla; le avisaremos."
    )


def _join(items: Sequence[str], language: str) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_AND[language]} " + items[-1]


def cover_context(
    *,
    client_name: str,
    language: str,
    clinic: dict[str, Any],
    letters: Sequence[CoverLetter],
    law: Law,
    today: dt.date,
) -> dict[str, Any]:
    from broker_audit.letters.document import format_date

    titles = KIND_TITLES if language == "en" else KIND_TITLES_ES
    return {
        "client": {"name": client_name},
        "today": format_date(today, language),
        "clinic": clinic,
        "goals": _join([_GOALS[language][x.kind] for x in letters], language),
        "letters": [
            {
                "broker": x.broker.name,
                "title": titles[x.kind],
                "reference": x.reference,
                "how": _how(x.broker, language),
            }
            for x in letters
        ],
        "law": law_context(law, "access"),
    }
