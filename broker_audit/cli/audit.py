"""`broker-audit audit`: the exposure report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import access, err, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _

if TYPE_CHECKING:
    from broker_audit.tracking.records import Answers


def _ask_questions(stored: Answers | None, lang: str) -> Answers:
    from broker_audit.audit.questions import QUESTIONS
    from broker_audit.tracking.records import Answers

    err(
        _(
            "A few questions decide which brokers likely hold your data. Answers stay in the "
            "encrypted vault. Answer y, n, or press Enter if you are not sure."
        )
    )
    values = {}
    for q in QUESTIONS:
        text = q.text_es if lang == "es" else q.text_en
        old = getattr(stored, q.key) if stored else None
        default = {True: "y", False: "n", None: ""}[old]
        reply = (
            typer.prompt(f"{text} [y/n]", default=default, show_default=bool(default), err=True)
            .strip()
            .lower()
        )
        values[q.key] = (
            True if reply in ("y", "yes", "s", "si", "sí") else False if reply in ("n", "no") else None
        )
    return Answers(**values)


_ANSWER_WORDS = {"yes": True, "y": True, "no": False, "n": False, "unknown": None, "": None}


def _answers_from_options(options: list[str], stored: Answers | None) -> Answers:
    import msgspec

    from broker_audit.audit.questions import QUESTIONS
    from broker_audit.errors import UserError
    from broker_audit.tracking.records import Answers

    keys = {q.key for q in QUESTIONS}
    values = msgspec.structs.asdict(stored) if stored else {}
    for item in options:
        key, _sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if key not in keys:
            raise UserError(
                _("unknown question {key}").format(key=repr(key)),
                _("questions: {keys}").format(keys=", ".join(sorted(keys))),
            )
        word = value.strip().lower()
        if word not in _ANSWER_WORDS:
            raise UserError(
                _("--answer {item}: {value} is not an answer").format(item=item, value=repr(value.strip())),
                _("answer yes, no or unknown"),
            )
        values[key] = _ANSWER_WORDS[word]
    return Answers(**values)


def audit_command(
    ctx: typer.Context,
    html: Path = typer.Option(None, "--html", help=N_("Also write a self-contained HTML report here.")),
    answer: list[str] = typer.Option(
        None,
        "--answer",
        help=N_("QUESTION=yes|no|unknown, without prompts, e.g. booked_in_jail=yes (repeat)."),
    ),
    questions: bool = typer.Option(False, "--questions", help=N_("Ask the questions again.")),
    lang: str = typer.Option(
        None,
        "--lang",
        help=N_("Language of the questions: en or es (default: the language broker-audit speaks)."),
    ),
    limit: int = typer.Option(None, "--limit", help=N_("Show only the first N brokers.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the report as JSON.")),
) -> None:
    """Who likely holds your data, what they did with it, and what is left to do.

    Brokers with documented sales to immigration enforcement come first, then to police, then
    those that told a state registry they share with government; each line says why, with its
    source. Your requests, due dates and answers are merged in, with a progress score and the
    next three actions.

    Example: broker-audit audit --html audit.html
    """
    import sys

    from broker_audit.errors import UserError
    from broker_audit.i18n import current_language
    from broker_audit.services.audit import run_audit

    lang = lang or current_language()
    if lang not in ("en", "es"):
        raise UserError(
            _("--lang {lang}: the questions are in en or es").format(lang=lang),
            _("use --lang en or --lang es"),
        )

    def ask(stored: Answers | None) -> Answers | None:
        if answer:
            return _answers_from_options(answer, stored)
        if (stored is None or questions) and sys.stdin.isatty() and not as_json:
            return _ask_questions(stored, lang)
        return None

    report = run_audit(
        access(ctx),
        today=today(),
        resources=resources(ctx),
        ask=ask,
        html=html,
        limit=limit,
    )
    if html:
        err(f"wrote {html}")
    if as_json:
        from broker_audit.services.audit import audit_summary

        emit(ctx, audit_summary(report))
        return
    from broker_audit.cli.render.audit import render_audit
    from broker_audit.cli.render.findings import render_flow

    render_audit(report)
    if report.flow is not None:
        render_flow(report.flow, report.finding_steps)
