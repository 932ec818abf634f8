"""`broker-audit mail setup | send | inbox | reply | evidence`: email out, replies in, the packet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from broker_audit.cli.common import (
    access,
    ask_yes,
    err,
    globals_of,
    mail_password_prompt,
    parse_date,
    resources,
    today,
)
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from broker_audit.services.send import Answer, InDoubt, SendPlan

app = typer.Typer(
    help=N_(
        "Your own mailbox, for `send` and `inbox`.\n\n"
        "Example: broker-audit mail setup --smtp-host smtp.example.org --smtp-user me@example.org "
        "--imap-host imap.example.org"
    ),
    no_args_is_help=True,
)


@app.command("setup")
def setup_command(
    ctx: typer.Context,
    smtp_host: str = typer.Option(
        ..., "--smtp-host", help=N_("Your provider's SMTP server, e.g. smtp.example.org.")
    ),
    smtp_port: int = typer.Option(587, "--smtp-port", help=N_("587 for starttls, 465 for tls.")),
    smtp_security: str = typer.Option(
        "starttls", "--smtp-security", help=N_("starttls or tls (never plain).")
    ),
    smtp_user: str = typer.Option(..., "--smtp-user", help=N_("Your login, usually your email address.")),
    from_addr: str = typer.Option(
        "", "--from", help=N_("The address to send from (default: the SMTP user).")
    ),
    imap_host: str = typer.Option("", "--imap-host", help=N_("Your provider's IMAP server, for `inbox`.")),
    imap_port: int = typer.Option(993, "--imap-port", help=N_("IMAP over TLS, usually 993.")),
    imap_user: str = typer.Option("", "--imap-user", help=N_("IMAP login (default: the SMTP user).")),
    cafile: Path = typer.Option(None, "--cafile", help=N_("Trust this CA file instead of the system's.")),
    authserv_id: str = typer.Option(
        "",
        "--authserv-id",
        help=N_(
            "Your provider's name in the Authentication-Results header it adds to incoming mail "
            "(e.g. mx.google.com): only that header shows a reply really comes from the broker."
        ),
    ),
) -> None:
    """Set up your own mailbox for sending requests and reading replies.

    The settings go into the encrypted vault. The password (or app password) goes into the OS
    keyring when a secure one exists; otherwise nothing keeps it and `send` and `inbox` ask for it
    each time (or read BROKER_AUDIT_MAIL_PASSWORD once). It never goes on the command line.
    Nothing connects to the server here.

    Example: broker-audit mail setup --smtp-host smtp.example.org --smtp-user me@example.org
    """
    from broker_audit.services.mail import MailSettings, setup_mail

    result = setup_mail(
        access(ctx),
        MailSettings(
            smtp_host=smtp_host.strip(),
            smtp_port=smtp_port,
            smtp_security=smtp_security.strip().lower(),
            smtp_user=smtp_user.strip(),
            from_addr=from_addr.strip(),
            imap_host=imap_host.strip(),
            imap_port=imap_port,
            imap_user=imap_user.strip(),
            cafile=cafile,
            authserv_id=authserv_id.strip(),
        ),
        password=mail_password_prompt,
        use_keyring=not globals_of(ctx).no_keyring,
    )
    from broker_audit.cli.render.mail import render_mail_setup

    render_mail_setup(result)


def send_command(
    ctx: typer.Context,
    request_ids: list[int] = typer.Argument(
        None, help=N_("Only these requests (default: every drafted email).")
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help=N_("Send without asking (scripts).")),
    dry_run: bool = typer.Option(False, "--dry-run", help=N_("Show what would be sent; send nothing.")),
    pace: float = typer.Option(5.0, "--pace", help=N_("Seconds between two messages.")),
    daily_cap: int = typer.Option(
        20, "--daily-cap", help=N_("At most this many emails a day, counting earlier sends.")
    ),
    batch: str = typer.Option(None, "--batch", help=N_("Send the email requests of this clinic batch.")),
    cafile: Path = typer.Option(None, "--cafile", help=N_("Trust this CA file for the SMTP server.")),
    force: bool = typer.Option(
        False, "--force", help=N_("Also send a follow-up whose request was answered after it was drafted.")
    ),
    was_sent: list[int] = typer.Option(
        None, "--was-sent", help=N_("A request an earlier run may have sent: it did go out (you checked).")
    ),
    not_sent: list[int] = typer.Option(
        None,
        "--not-sent",
        help=N_("A request an earlier run may have sent: it did not go out (you checked)."),
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the result as JSON.")),
) -> None:
    """Send drafted email requests from your own mailbox (SMTP over TLS), and log each as sent.

    Shows what goes to whom and asks first. Requests of a clinic batch are sent only with --batch.
    A refused message stays drafted, with the server's reason. Only the letter as it was written is
    sent: a letter file changed since (a Cc: or Reply-To: added, another To:, other text) is refused.
    If a run ended while a message was with the server, the next run looks for it in your Sent
    folder, or asks you (--was-sent ID / --not-sent ID), before it could send it again. This and
    `inbox` (with `scan` and `registry update`) are the only commands that connect, and only when
    you run them.

    Example: broker-audit send --dry-run && broker-audit send 3 4 --yes
    """
    from broker_audit.cli.render.mail import render_send_plan, render_send_result, send_question
    from broker_audit.errors import NeedsAttention
    from broker_audit.services.send import SendAsks, SendOptions, send_requests

    def confirm(plan: SendPlan) -> bool:
        render_send_plan(plan)
        return ask_yes(send_question(plan), yes=yes, what=_("send email"))

    answers: dict[int, Answer] = {i: "sent" for i in was_sent or ()}
    answers |= {i: "not-sent" for i in not_sent or ()}

    def ask(doubt: InDoubt, looked: str) -> Answer:
        if doubt.request_id in answers:
            return answers[doubt.request_id]
        from broker_audit.cli.render.mail import ask_if_sent

        return ask_if_sent(doubt, looked) if sys.stdin.isatty() else None

    result = send_requests(
        access(ctx),
        SendOptions(
            request_ids=tuple(request_ids or ()),
            batch=batch,
            dry_run=dry_run,
            cap=daily_cap,
            pace=pace,
            force=force,
            cafile=cafile,
        ),
        resources=resources(ctx),
        today=today(),
        password=mail_password_prompt,
        asks=SendAsks(confirm=confirm, ask=ask),
    )
    if as_json:
        emit(ctx, result)
    else:
        render_send_result(result)
    if result.plan.in_doubt:
        raise NeedsAttention(
            ngettext(
                "{count} email may have gone out in an earlier run; not sent again",
                "{count} emails may have gone out in an earlier run; not sent again",
                len(result.plan.in_doubt),
            ).format(count=len(result.plan.in_doubt)),
            _("look in your Sent folder, then run `broker-audit send --was-sent ID` or `--not-sent ID`"),
        )
    if result.failed or result.not_attempted:
        raise NeedsAttention(
            ngettext(
                "{count} of {total} email not sent; they stay drafted",
                "{count} of {total} emails not sent; they stay drafted",
                len(result.plan.to_send),
            ).format(count=len(result.failed) + len(result.not_attempted), total=len(result.plan.to_send)),
            _("see the reasons above, then run `broker-audit send` again"),
        )


def inbox_command(
    ctx: typer.Context,
    since: str = typer.Option(
        None, "--since", help=N_("Read mail from this day, YYYY-MM-DD (default: first open send).")
    ),
    folder: str = typer.Option("INBOX", "--folder", help=N_("The mailbox folder to read.")),
    file_into: str = typer.Option(None, "--file-into", help=N_("Move the matched replies into this folder.")),
    yes: bool = typer.Option(False, "--yes", "-y", help=N_("File without asking (with --file-into).")),
    accept: bool = typer.Option(
        False, "--accept", help=N_("Apply the suggested states of replies matched by reference.")
    ),
    max_size: int = typer.Option(25, "--max-size", help=N_("Keep messages up to this many MB.")),
    time_limit: float = typer.Option(
        20, "--time-limit", help=N_("Stop reading after this many minutes (what was read is kept).")
    ),
    cafile: Path = typer.Option(None, "--cafile", help=N_("Trust this CA file for the IMAP server.")),
    as_json: bool = typer.Option(False, "--json", help=N_("List the replies and suggestions as JSON.")),
) -> None:
    """Read the brokers' replies (IMAP over TLS), keep each encrypted with its request, suggest a state.

    Read-only on the server unless --file-into. A reply is matched by our reference, by the
    Message-ID we sent, or by a sender at a domain the broker's routes name; a reference from
    anyone else is flagged and changes nothing. You confirm each suggested state (or --accept
    applies those matched by reference or Message-ID whose sender your mail server authenticated:
    see `mail setup --authserv-id`). Unrelated mail is ignored and never stored; a message too
    large, too deeply nested or otherwise over the parser's bounds is listed as skipped.

    Example: broker-audit inbox --since 2026-01-01
    """
    from broker_audit.cli.render.mail import ask_reply_state, confirm_unauthenticated, render_inbox
    from broker_audit.errors import NeedsAttention
    from broker_audit.services.inbox import InboxAsks, InboxOptions, read_inbox

    interactive = sys.stdin.isatty() and not as_json and not accept
    decide = None
    confirm = None
    if accept:  # only what an authenticated sender said, linked by our reference or Message-ID
        decide = lambda r: (  # noqa: E731
            r.suggested if r.can_apply and r.matched_by != "domain" and r.trusted else None
        )
    elif interactive:
        decide, confirm = ask_reply_state, confirm_unauthenticated

    def confirm_filing(count: int, folder_name: str) -> bool:
        if not yes and not sys.stdin.isatty():
            err(
                ngettext(
                    "not filed: pass --yes to move {count} message into {folder}",
                    "not filed: pass --yes to move {count} messages into {folder}",
                    count,
                ).format(count=count, folder=folder_name)
            )
            return False
        return ask_yes(
            ngettext(
                "Move {count} matched message into {folder}?",
                "Move {count} matched messages into {folder}?",
                count,
            ).format(count=count, folder=folder_name),
            yes=yes,
            what=_("file messages"),
        )

    result = read_inbox(
        access(ctx),
        InboxOptions(
            since=parse_date(since, "--since") if since else None,
            folder=folder,
            max_mb=max_size,
            file_into=file_into,
            minutes=time_limit,
            cafile=cafile,
        ),
        resources=resources(ctx),
        today=today(),
        password=mail_password_prompt,
        asks=InboxAsks(decide=decide, confirm_unauthenticated=confirm, confirm_filing=confirm_filing),
    )
    if as_json:
        emit(ctx, result)
    else:
        render_inbox(result)
    if result.stopped:
        raise NeedsAttention(
            _("stopped reading: {why}").format(why=result.stopped),
            ngettext(
                "the {count} reply read before is kept; run `broker-audit inbox` again later",
                "the {count} replies read before are kept; run `broker-audit inbox` again later",
                len(result.stored),
            ).format(count=len(result.stored)),
        )
    if result.needs_attention:
        raise NeedsAttention(
            _("some messages need your attention (listed above); nothing was changed because of them"),
            _("check each one; add a genuine reply by hand with `broker-audit reply ID --file saved.eml`"),
        )


def reply_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help=N_("Request id from `broker-audit status`.")),
    file: Path = typer.Option(
        ..., "--file", help=N_("The reply: a scan or photo (.pdf, .jpg, .png), .eml or .txt.")
    ),
    on: str = typer.Option(
        None,
        "--on",
        help=N_("The day it came, YYYY-MM-DD (default: a saved e-mail's own Date:, else today)."),
    ),
    state: str = typer.Option(None, "--state", help=N_("Record this state too, e.g. fulfilled or denied.")),
    note: str = typer.Option("", "--note", help=N_("A short note kept with it.")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the stored reply as JSON.")),
) -> None:
    """Keep a reply that came by post (a scan or photo) or that you saved, encrypted with its request.

    The file is copied into the vault; you may delete your copy afterwards. A reply dated before
    the request was sent is refused, and so is one that quotes another request's reference (file
    it under that request).

    Example: broker-audit reply 3 --file letter-scan.pdf --on 2026-02-10 --state denied
    """
    from broker_audit.cli.render.mail import render_reply_added
    from broker_audit.services.replies import add_reply_file

    added = add_reply_file(
        access(ctx),
        request_id,
        file,
        today=today(),
        on=parse_date(on, "--on") if on else None,
        state=state,
        note=note,
    )
    if as_json:
        emit(ctx, added)
    else:
        render_reply_added(added)


def evidence_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(..., help=N_("Request id from `broker-audit status`.")),
    out: Path = typer.Option(..., "--out", "-o", help=N_("Folder for the packet (created 0700).")),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the files written as JSON.")),
) -> None:
    """Write a complaint packet: a one-page timeline PDF, the letters, the proof of mailing, the replies.

    Example: broker-audit evidence 3 --out complaint-3
    """
    from broker_audit.cli.render.mail import render_evidence
    from broker_audit.services.evidence import write_evidence

    result = write_evidence(access(ctx), request_id, out_dir=out, today=today(), resources=resources(ctx))
    if as_json:
        emit(ctx, result)
    else:
        render_evidence(result)
