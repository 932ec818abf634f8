"""What a broker's reply probably says, from simple English and Spanish keyword rules.

The rules are data: each names the state it suggests, the language, the words it looks for (a
regular expression over the subject and text, case-insensitive, accents as written) and why (in
English, shown in the language the tool speaks, whatever the reply's language). The
first state in `PRIORITY` with a matching rule wins, so a letter that says "we received your request
and need to verify your identity" suggests needs-verification, not acknowledged. A suggestion is
only a suggestion: the user confirms it (or `inbox --accept` applies it) and can always choose
another state with `mark`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from broker_audit.i18n import N_, _


@dataclass(frozen=True)
class Rule:
    id: str
    state: str
    language: str
    pattern: str
    why: str  # in English, marked for the catalog: shown in the language the tool speaks


RULES: tuple[Rule, ...] = (
    # denied: a refusal, in whole
    Rule(
        "denied-en",
        "denied",
        "en",
        r"\b(?:we (?:are|must) (?:unable to|not able to) (?:honou?r|comply|process)|"
        r"(?:your|the) request (?:is|has been|was) (?:denied|declined|rejected)|"
        r"we (?:must |have to )?(?:deny|decline|reject) (?:your|the|this) request|"
        r"cannot honou?r your request|"
        r"exempt from (?:the|this) (?:law|act|request))",
        N_("the company says it will not do what was asked"),
    ),
    Rule(
        "denied-es",
        "denied",
        "es",
        r"(?:no podemos (?:atender|cumplir|procesar)|su solicitud (?:ha sido |fue )?(?:denegada|rechazada)|"
        r"(?:denegamos|rechazamos) su solicitud)",
        N_("the company says it will not do what was asked"),
    ),
    # extended: the law's extension of the response period
    Rule(
        "extended-en",
        "extended",
        "en",
        r"\b(?:extend(?:ing|ed)? (?:the|our|its) (?:time|period|deadline|response)|"
        r"(?:an )?additional (?:45|forty-five|60|sixty|90|ninety) (?:calendar |business )?days|"
        r"extension of (?:the |our )?(?:time|response))",
        N_("the company takes the extension the law allows (the due date moves by the law's extension)"),
    ),
    Rule(
        "extended-es",
        "extended",
        "es",
        r"(?:prorroga(?:r|mos)?|prórroga|ampliar el plazo|ampliamos el plazo|extender el plazo|"
        r"(?:45|cuarenta y cinco) días adicionales)",
        N_("the company takes the extension the law allows (the due date moves by the law's extension)"),
    ),
    # needs-verification: the company asks who you are
    Rule(
        "verification-en",
        "needs-verification",
        "en",
        r"\b(?:verify your identity|identity verification|confirm your identity|"
        r"(?:copy|photo) of (?:your |a )?(?:government[- ]issued |state )?"
        r"(?:id|identification|driver'?s licen[cs]e)|"
        r"we (?:need|require) (?:additional|more) information to (?:verify|locate|process))",
        N_("the company asks for proof of identity before it answers"),
    ),
    Rule(
        "verification-es",
        "needs-verification",
        "es",
        r"(?:verificar su identidad|confirmar su identidad|verificación de identidad|"
        r"copia de su (?:identificación|licencia|pasaporte))",
        N_("the company asks for proof of identity before it answers"),
    ),
    # fulfilled: the company did what was asked
    Rule(
        "fulfilled-en",
        "fulfilled",
        "en",
        r"\b(?:(?:we have|we've|has been|have been) (?:deleted|removed|suppressed|opted you out)|"
        r"(?:please find|attached (?:is|are)|enclosed (?:is|are)) (?:attached )?(?:a |the )?"
        r"(?:copy|report|file|personal (?:information|data))|"
        r"(?:your|the) request (?:is|has been) (?:completed|fulfilled|processed)|"
        r"we have completed your request)",
        N_("the company says it did what was asked (check what it sent)"),
    ),
    Rule(
        "fulfilled-es",
        "fulfilled",
        "es",
        r"(?:hemos (?:eliminado|borrado|completado)|"
        r"adjunt(?:o|amos) (?:encontrará |una copia|el informe|sus datos)|"
        r"su solicitud (?:ha sido|fue) (?:completada|procesada))",
        N_("the company says it did what was asked (check what it sent)"),
    ),
    # acknowledged: received, no answer yet
    Rule(
        "acknowledged-en",
        "acknowledged",
        "en",
        r"\b(?:we (?:have )?received your (?:request|letter|email)|"
        r"this (?:email|message) (?:confirms|acknowledges)|"
        r"thank you for (?:your|submitting (?:a|your)) (?:privacy )?request|ticket (?:number|#))",
        N_("the company says it received the request (not yet an answer)"),
    ),
    Rule(
        "acknowledged-es",
        "acknowledged",
        "es",
        r"(?:hemos recibido su (?:solicitud|carta|correo)|recibimos su solicitud|gracias por su solicitud|"
        r"acusamos recibo)",
        N_("the company says it received the request (not yet an answer)"),
    ),
)

PRIORITY = ("denied", "extended", "needs-verification", "fulfilled", "acknowledged")
_COMPILED = tuple((rule, re.compile(rule.pattern, re.IGNORECASE)) for rule in RULES)


@dataclass(frozen=True)
class Suggestion:
    state: str  # "" when no rule matched
    reason: str


def suggest_state(subject: str, text: str) -> Suggestion:
    """The suggested state for a reply, with the words that matched and why."""
    haystack = f"{subject}\n{' '.join(text.split())}"
    found: dict[str, tuple[Rule, str]] = {}
    for rule, regex in _COMPILED:
        if rule.state in found:
            continue
        match = regex.search(haystack)
        if match:
            found[rule.state] = (rule, match.group(0))
    for state in PRIORITY:
        if state in found:
            rule, words = found[state]
            return Suggestion(state, f'"{words}" ({rule.id}: {_(rule.why)})')
    return Suggestion("", _("no rule matched: read it and choose the state yourself"))
