"""`broker-audit request|status|mark|show`: make letters and track them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import access, err, parse_date, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, current_language

if TYPE_CHECKING:
    from broker_audit.services.duplicates import OpenRequest
    from broker_audit.services.letters import LettersResult


def request_command(
    ctx: typer.Context,
    brokers: list[str] = typer.Argument(..., help=N_("Broker ids, names, aliases or brands.")),
    kind: list[str] = typer.Option(
        ["access"],
        "--kind",
        "-k",
        help=N_("{kinds}; repeat or comma-separate."),
    ),
    via: str = typer.Option(
        None,
        "--via",
        help=N_(
            "Send by this channel: {channels}. Brokers without one are listed, "
            "not written (default: the channel each broker names for requests, by mail where it can)."
        ),
    ),
    details: str = typer.Option(
        "", "--details", help=N_("For a correction: what is wrong and what it should say.")
    ),
    out: Path = typer.Option(Path("letters"), "--out", "-o", help=N_("Folder for the letters.")),
    formats: str = typer.Option(
        None,
        "--format",
        help=N_(
            "Any of {formats}, comma-separated (default: the route's own: a window-envelope PDF for "
            "mail, an .eml for email, a submission sheet for a web form)."
        ),
    ),
    law: str = typer.Option(
        None,
        "--law",
        help=N_("Cite this law id instead of your state's (it must be in force and give you rights)."),
    ),
    templates: Path = typer.Option(
        None, "--templates", help=N_("Your own templates folder; overrides ours by file name.")
    ),
    disclose: list[str] = typer.Option(
        None,
        "--disclose",
        metavar="FIELD",
        help=N_(
            "Also tell the brokers this (repeat or comma-separate): {fields}; all: what letters gave "
            "before. By default a broker that sells to government, police or immigration enforcement gets "
            "only your name, past addresses and e-mail."
        ),
    ),
    again: bool = typer.Option(
        False,
        "--again",
        help=N_("Write a letter even where an open request of its kind to the broker exists."),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the letters written as JSON.")),
    reading: str = typer.Option(
        None,
        "--lang",
        help=N_(
            "The language you read, when it is not English: es writes beside each letter its reading "
            "copy in Spanish (a translation for you, marked as such; the English letter is the one "
            "sent). Default: the language broker-audit speaks (--lang before the command)."
        ),
        metavar="LANG",
    ),
) -> None:
    """Write request letters, each as the artefact of its route, and log each request as drafted.

    Each goes by a channel the broker names for privacy requests (a contact address only when it
    names none, with a warning). A broker no request can reach gets a letter to its parent company
    and a complaint to your state's complaint office instead; one with no route for this request,
    no letter: you are told what else to do.

    Before anything is written you are told what each letter tells its broker. A broker that
    sells to government, police or immigration enforcement gets only your name, your past
    addresses and a way to answer (your e-mail, your reply address): never your current address
    or phone unless you add them with --disclose.

    Where an open request of the same kind to the same broker exists, you are asked first (in a
    terminal; elsewhere the letter is left out and listed, unless --again).

    Letters go in English. With --lang es (or when broker-audit speaks Spanish) each letter gets
    a reading copy in Spanish beside it, marked as a translation.

    Example: broker-audit request lexisnexis appriss --kind access,delete --out letters

    Example: broker-audit request lexisnexis --lang es
    """
    from broker_audit.cli.render.requests import render_announcements
    from broker_audit.services import parse_formats, request_letters

    kinds = [k for item in kind for k in item.split(",") if k.strip()]
    result = request_letters(
        access(ctx),
        brokers,
        kinds,
        out_dir=out,
        formats=parse_formats(formats) if formats else None,
        today=today(),
        resources=resources(ctx),
        law_override=law,
        via=via,
        templates_dir=templates,
        details=details,
        disclose=disclose or (),
        announce=render_announcements,
        again=again,
        ask_again=None if as_json else _ask_again,
        reading_copy=reading or current_language(),
    )
    _print_letters(ctx, result, as_json)
    if result.letters:
        err(
            _("When you send a letter: {command} (the route printed above)").format(
                command="broker-audit mark ID sent --via ROUTE"
            )
        )
    if any(r.channel == "mail" and r.kind != "unreachable" for r in result.letters):
        err(
            _(
                "Send letters by certified mail with a return receipt: the legal clock runs from the day "
                "it arrived ({command})"
            ).format(command="broker-audit mark ID delivered --on DATE")
        )


def _ask_again(repeats: list[OpenRequest]) -> bool:
    """In a terminal: list the open requests the letters would repeat and ask."""
    import sys

    from broker_audit.words import kind_word

    for found in repeats:
        err(
            _("warning: an open {kind} request to {broker} exists: {which}").format(
                kind=kind_word(found.kind), broker=found.broker_name, which=found.describe()
            )
        )
    if not sys.stdin.isatty():
        return False
    try:
        return typer.confirm(_("Write these letters again anyway?"), default=False, err=True)
    except (typer.Abort, EOFError):
        return False


def _print_letters(ctx: typer.Context, result: LettersResult, as_json: bool, *, told: bool = False) -> None:
    """The letters a run wrote: as JSON, else for people (`told`: with what each tells)."""
    if as_json:
        for warning in dict.fromkeys([*result.warnings, *(w for r in result.letters for w in r.warnings)]):
            err(_("warning: {warning}").format(warning=warning))
        emit(ctx, result)
        for note in result.notes:
            err(_("note: {note}").format(note=note))
    else:
        from broker_audit.cli.render.requests import render_letters

        render_letters(result.letters, result.no_route, result.warnings, result.notes, told=told)
    from broker_audit.cli.render.requests import render_reading_copies

    for letter in result.letters:
        render_reading_copies(letter.request_id, letter.reading_copies)


def followup_command(
    ctx: typer.Context,
    request_ids: list[int] = typer.Argument(None, help=N_("Only these requests (default: all).")),
    out: Path = typer.Option(Path("letters"), "--out", "-o", help=N_("Folder for the letters.")),
    formats: str = typer.Option(
        None,
        "--format",
        help=N_("Any of {formats}, comma-separated (default: the artefact of each letter's route)."),
    ),
    details: str = typer.Option("", "--details", help=N_("Extra text, e.g. why you appeal.")),
    templates: Path = typer.Option(
        None, "--templates", help=N_("Your own templates folder; overrides ours by file name.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the letters written as JSON.")),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help=N_("Decide what is late as of this day, YYYY-MM-DD (default today); the letters are dated it."),
    ),
) -> None:
    """Write the next letter for every late or refused request.

    Late (past the legal due date): a follow-up to the company; still unanswered 10 days after
    the follow-up was received: a complaint to the state's complaint office. Denied or partly
    answered: an appeal where the law grants one, else a complaint. Each is logged as a new
    request linked to the first; marking an appeal or complaint sent moves the first along.

    Example: broker-audit followup --out letters
    """
    from broker_audit.services import followup_letters, parse_formats

    result = followup_letters(
        access(ctx),
        request_ids or None,
        out_dir=out,
        formats=parse_formats(formats) if formats else None,
        today=parse_date(as_of, "--as-of") if as_of else today(),
        resources=resources(ctx),
        templates_dir=templates,
        details=details,
        reading_copy=current_language(),
    )
    for request_id, reason in result.skipped:
        err(_("#{id}: skipped, {reason}").format(id=request_id, reason=reason))
    _print_letters(ctx, result, as_json, told=True)
    for about in dict.fromkeys(
        r.linked_to for r in result.letters if r.linked_to and r.kind != "records-followup"
    ):
        err(
            _("The letter says a timeline with copies is enclosed: {command}").format(
                command=f"broker-audit evidence {about} --out evidence-{about}"
            )
        )
    if not result.letters and not as_json:
        if result.skipped:  # a late request whose next letter is already drafted is still late
            typer.echo(_("No new letter to write: each request above was skipped for the reason given."))
        else:
            typer.echo(_("Nothing is late or refused: no letter to write."))


def _values(options: list[str] | None) -> tuple[str, ...]:
    """Repeated options and comma-separated values, as one tuple."""
    return tuple(v.strip() for item in options or [] for v in item.split(",") if v.strip())


def status_command(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help=N_("Only requests past their due date.")),
    broker: list[str] = typer.Option(
        None, "--broker", metavar="BROKER", help=N_("Only these brokers (ids or names).")
    ),
    state: list[str] = typer.Option(
        None, "--state", metavar="STATE", help=N_("Only requests in these states, e.g. sent.")
    ),
    client: list[str] = typer.Option(
        None, "--client", metavar="CLIENT", help=N_("Only these clients (clinic mode).")
    ),
    batch: list[str] = typer.Option(
        None, "--batch", metavar="BATCH", help=N_("Only these batches (clinic mode).")
    ),
    campaign: str = typer.Option(
        None,
        "--campaign",
        metavar="ID",
        help=N_(
            "A records campaign (`cora --all`), agency by agency: who answered, who is late, who asked "
            "for fees."
        ),
    ),
    show_all: bool = typer.Option(False, "--all", help=N_("Every request, not only the most urgent.")),
    limit: int = typer.Option(
        None, "--limit", metavar="N", help=N_("At most N requests (the table shows 50 unless told).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON: every request selected, by id.")),
    as_of: str = typer.Option(
        None, "--as-of", help=N_("See the state of things on this day, YYYY-MM-DD (default today).")
    ),
) -> None:
    """Your requests: a summary by state, the overdue and due-soon ones first.

    Each with its state, sent date, legal due date and days left.
    The table shows the 50 most urgent (--all: every one); --json, every one selected, by id.
    Filters combine; repeat one, or comma-separate its values.

    Example: broker-audit status --overdue --broker lexisnexis

    Example: broker-audit status --campaign C-20261207-1A2B3C
    """
    from broker_audit.services import StatusQuery, status_report

    day = parse_date(as_of, "--as-of") if as_of else today()
    if campaign is not None:
        if overdue or broker or state or client or batch:
            raise typer.BadParameter(_("--campaign shows every agency of the campaign; use no other filter"))
        _campaign_status(ctx, campaign, day, as_json)
        return
    query = StatusQuery(
        brokers=tuple(broker or ()),  # names may hold commas: the service splits what it must
        states=_values(state),
        clients=_values(client),
        batches=_values(batch),
        overdue_only=overdue,
    )
    if as_json:
        from broker_audit.services.tracking import iter_status_rows

        emit(ctx, iter_status_rows(access(ctx), today=day, query=query, limit=None if show_all else limit))
        return
    from broker_audit.cli.render.listing import render_status
    from broker_audit.services.tracking import DEFAULT_LIMIT

    report = status_report(
        access(ctx), today=day, query=query, limit=None if show_all else (limit or DEFAULT_LIMIT)
    )
    render_status(report)


def _campaign_status(ctx: typer.Context, campaign_id: str, day: dt.date, as_json: bool) -> None:
    from broker_audit.services.campaign import campaign_report

    report = campaign_report(access(ctx), campaign_id, today=day)
    if as_json:
        emit(ctx, report)
        return
    from broker_audit.cli.render.listing import render_campaign_status

    render_campaign_status(report)


def mark_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help=N_("Request id from `broker-audit status`.")),
    state: str = typer.Argument(
        ...,
        help=N_(
            "{states} (delivered: received, the legal clock starts); a DROP row: {drop_states} (or use "
            "`drop result`)."
        ),
    ),
    via: str = typer.Option(None, "--via", help=N_("How it was sent: {channels}.")),
    tracking: str = typer.Option("", "--tracking", help=N_("Certified-mail or ticket number.")),
    on: str = typer.Option(None, "--on", help=N_("The day it happened, YYYY-MM-DD (default today).")),
    note: str = typer.Option("", "--note", help=N_("A short note kept in the encrypted log.")),
    reply: int = typer.Option(
        None,
        "--reply",
        help=N_("Read this state from the stored reply N (`show ID` lists them), dated its day."),
    ),
    sender_checked: bool = typer.Option(
        False,
        "--sender-checked",
        help=N_(
            "With --reply: apply it although your mail server did not authenticate its sender (you "
            "checked it is genuine)."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the request as JSON.")),
) -> None:
    """Record a status change of a request.

    `sent --via` must name the channel the request's letter was written for (to send it another
    way: `broker-audit resend ID --via CHANNEL`). Record `delivered --on DATE` from the
    certified-mail tracking or the return receipt: the legal deadline counts from that day.

    Example: broker-audit mark 1 sent --via mail --tracking 9407111899560000000000
    """
    from broker_audit.services import mark

    view = mark(
        access(ctx),
        request_id,
        state,
        today=today(),
        on=parse_date(on, "--on") if on else None,
        via=via,
        tracking=tracking,
        note=note,
        reply_id=reply,
        sender_checked=sender_checked,
    )
    if as_json:
        from broker_audit.tracking.shown import request_record

        emit(ctx, request_record(view, today()))
        return
    if reply is not None and sender_checked:
        from broker_audit.cli.common import err

        err(
            _(
                "warning: recorded on your word: if reply #{reply}'s sender was not authenticated, the "
                "timeline says so"
            ).format(reply=reply)
        )
    from broker_audit.cli.render.requests import render_marked

    render_marked(request_id, view)


def resend_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help=N_("Request id from `broker-audit status`.")),
    via: str = typer.Option(..., "--via", help=N_("The route to write it for: {channels}.")),
    out: Path = typer.Option(Path("letters"), "--out", "-o", help=N_("Folder for the letter.")),
    formats: str = typer.Option(
        None, "--format", help=N_("Any of {formats}, comma-separated (default: the artefact of the route).")
    ),
    agent: bool | None = typer.Option(
        None,
        "--agent/--no-agent",
        help=N_(
            "For a clinic's client: write as the client's authorized agent where the law allows, or "
            "not (default: as the request's letter was written)."
        ),
    ),
    templates: Path = typer.Option(
        None, "--templates", help=N_("Your own templates folder; overrides ours by file name.")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the letter written as JSON.")),
) -> None:
    """Write a request's letter again for another route, as a new request.

    A request is recorded as sent only by the channel its letter was written for. To send it
    another way, this writes the letter for that route (a new request with its own reference);
    the first one, if it was never sent, is withdrawn, saying which request replaces it.

    Example: broker-audit resend 5 --via email
    """
    from broker_audit.services import parse_formats
    from broker_audit.services.resend import resend_letter

    result = resend_letter(
        access(ctx),
        request_id,
        via=via,
        out_dir=out,
        formats=parse_formats(formats) if formats else None,
        today=today(),
        resources=resources(ctx),
        templates_dir=templates,
        as_agent=agent,
        reading_copy=current_language(),
    )
    _print_letters(ctx, result, as_json)
    if not as_json:
        first = (
            _("#{id} is withdrawn: it was never sent") if result.withdrawn else _("#{id} stays as it is")
        ).format(id=request_id)
        err(
            _("{first}; #{new} replaces it. When you send it: {command}").format(
                first=first,
                new=result.letter.request_id,
                command=f"broker-audit mark {result.letter.request_id} sent --via {via}",
            )
        )


def show_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help=N_("Request id from `broker-audit status`.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print as JSON.")),
) -> None:
    """The full history of one request.

    Example: broker-audit show 1
    """
    from broker_audit.services.replies import request_detail, shown_request

    view, replies = request_detail(access(ctx), request_id)
    if as_json:
        emit(ctx, shown_request(view, replies, today()))
        return
    from broker_audit.cli.render.mail import render_replies
    from broker_audit.cli.render.requests import render_view

    render_view(view, today())
    render_replies(replies)
