"""`mail setup`, `send`, `inbox`, `reply`, `evidence`, and the replies of `show`, with the
questions `send` and `inbox` ask. Subjects, senders and quoted replies come from outside: every
line goes through `say` or `clean`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, say
from broker_audit.i18n import NP_, _, ngettext, pgettext_in
from broker_audit.words import kind_word, state_word

if TYPE_CHECKING:
    from broker_audit.services.evidence import EvidenceResult
    from broker_audit.services.inbox import InboxResult
    from broker_audit.services.mail import MailSetupResult
    from broker_audit.services.replies import ReplyAdded, ReplySummary
    from broker_audit.services.send import Answer, InDoubt, SendPlan, SendResult


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


def render_mail_setup(result: MailSetupResult) -> None:
    a = result.account
    say(
        _("Sending from {sender} through {server} ({security}) as {user}").format(
            sender=a.from_addr,
            server=f"{a.smtp_host}:{a.smtp_port}",
            security=a.smtp_security,
            user=a.smtp_user,
        )
    )
    if a.imap_host:
        say(
            _("Reading replies from {server} (TLS) as {user}").format(
                server=f"{a.imap_host}:{a.imap_port}", user=a.imap_user
            )
        )
        if a.authserv_id:
            say(
                _(
                    "A reply's sender counts as genuine only by the Authentication-Results of {server}."
                ).format(server=a.authserv_id)
            )
        else:
            say(
                _(
                    "No --authserv-id: no reply's sender can be authenticated, so no suggested state is "
                    "applied without your confirmation. Set it to the first word of the "
                    "Authentication-Results header your provider adds (e.g. mx.google.com)."
                )
            )
    if result.password_in_keyring:
        say(_("The password is kept in your OS keyring."))
    else:
        say(
            _(
                "No secure OS keyring: the password is not kept anywhere; `send` and `inbox` ask for it "
                "(or read BROKER_AUDIT_MAIL_PASSWORD once)."
            )
        )


def render_send_plan(plan: SendPlan) -> None:
    if plan.to_send:
        say(_("From {sender} through {server}:").format(sender=plan.from_addr, server=plan.server), err=True)
        for item in plan.to_send:
            say(
                "  "
                + _("#{id} {broker} ({kind}) to {to}: “{subject}”").format(
                    id=item.request_id,
                    broker=item.broker_name,
                    kind=kind_word(item.kind),
                    to=", ".join(item.to),
                    subject=item.subject,
                )
                + (
                    " " + _("(with the timeline of #{id})").format(id=item.encloses_timeline_of)
                    if item.encloses_timeline_of is not None
                    else ""
                ),
                err=True,
            )
    for item in plan.over_cap:
        say(
            "  "
            + _("#{id} {broker}: left for another day (daily cap {cap}, {sent} sent today)").format(
                id=item.request_id, broker=item.broker_name, cap=plan.cap, sent=plan.sent_today
            ),
            err=True,
        )
    for skip in plan.skipped:
        say("  " + _("#{id}: not sent: {reason}").format(id=skip.request_id, reason=skip.reason), err=True)


def render_send_result(result: SendResult) -> None:
    plan = result.plan
    for settled in result.settled:
        template = (
            _("#{id}: the email an earlier run was sending ({message}) logged as sent: {how}")
            if settled.outcome == "sent"
            else _("#{id}: the email an earlier run was sending ({message}) left drafted (not sent): {how}")
        )
        say(template.format(id=settled.request_id, message=settled.message_id, how=settled.how))
    for doubt in plan.in_doubt:
        say(
            _(
                "#{id} {broker}: MAY HAVE BEEN SENT at {when} UTC ({message}); not sent again until you "
                "say: `{was_sent}` or `{not_sent}`"
            ).format(
                id=doubt.request_id,
                broker=doubt.broker_name,
                when=f"{doubt.started:%Y-%m-%d %H:%M}",
                message=doubt.message_id,
                was_sent=f"broker-audit send --was-sent {doubt.request_id}",
                not_sent=f"--not-sent {doubt.request_id}",
            )
        )
    if result.dry_run:
        render_send_plan(plan)
        say(dry_run_line(plan))
        return
    if not plan.to_send:
        render_send_plan(plan)
        say(_("No drafted email request to send."))
        return
    if not result.confirmed:
        say(_("Nothing was sent."))
        return
    for one in result.sent:
        say(
            _("#{id} {broker}: sent to {to}, {message} ({acceptance})").format(
                id=one.request_id,
                broker=one.broker_name,
                to=", ".join(one.to),
                message=one.message_id,
                acceptance=one.acceptance,
            )
        )
    for fail in result.failed:
        say(
            _("#{id} {broker}: NOT sent, still drafted: {reason}").format(
                id=fail.request_id, broker=fail.broker_name, reason=fail.reason
            )
        )
    for item in result.not_attempted:
        say(
            _("#{id} {broker}: not attempted, still drafted").format(
                id=item.request_id, broker=item.broker_name
            )
        )
    if result.sent:
        say(
            _(
                "The legal clock runs from receipt; for email that is taken as the day sent (an estimate "
                "until you record it: `broker-audit mark ID delivered --on DATE`). "
                "`broker-audit inbox` reads the replies."
            )
        )


def _by_email_only(plan: SendPlan) -> bool:
    """Whether every request planned goes by e-mail (else another channel with a sender,
    services/senders.py, is among them: the words say "requests")."""
    return all(p.channel == "email" for p in plan.to_send)


def send_question(plan: SendPlan) -> str:
    n = len(plan.to_send)
    if _by_email_only(plan):
        return ngettext("Send {count} email now?", "Send {count} emails now?", n).format(count=n)
    return ngettext("Send {count} request now?", "Send {count} requests now?", n).format(count=n)


def dry_run_line(plan: SendPlan) -> str:
    n = len(plan.to_send)
    if _by_email_only(plan):
        line = ngettext(
            "Dry run: {count} email would be sent. Nothing was sent.",
            "Dry run: {count} emails would be sent. Nothing was sent.",
            n,
        )
    else:
        line = ngettext(
            "Dry run: {count} request would be sent. Nothing was sent.",
            "Dry run: {count} requests would be sent. Nothing was sent.",
            n,
        )
    return line.format(count=n)


def ask_if_sent(doubt: InDoubt, looked: str) -> Answer:
    """Ask whether a message an earlier run was sending went out; None to leave it open."""
    import typer

    say(
        _(
            "#{id} {broker}: a run ended while its email ({message}, to {to}) was with the server at "
            "{when} UTC; {looked}."
        ).format(
            id=doubt.request_id,
            broker=doubt.broker_name,
            message=doubt.message_id,
            to=", ".join(doubt.to),
            when=f"{doubt.started:%Y-%m-%d %H:%M}",
            looked=looked,
        ),
        err=True,
    )
    answer = typer.prompt(
        "  " + _("Did it go out? (sent / not-sent / Enter: decide later)"),
        default="",
        show_default=False,
        err=True,
    ).strip()
    if answer == "sent":
        return "sent"
    return "not-sent" if answer == "not-sent" else None


REPLY_SOURCES = (NP_("reply source", "file"),)  # marked for the catalog: a reply kept from a file


def _reply_line(r: ReplySummary) -> str:
    files = ", ".join(f"{name} ({_size(size)})" for name, size in r.attachments)
    status = (
        _("confirmed {state}").format(state=state_word(r.confirmed))
        if r.confirmed
        else (
            _("suggested {state}").format(state=state_word(r.suggested))
            if r.suggested
            else _("no suggestion")
        )
    )
    unverified = " " + _("(sender NOT authenticated)") if not r.trusted else ""
    source = r.from_addr or (pgettext_in(None, "reply source", "file") if r.source == "file" else r.source)
    return _(
        "reply #{reply} to #{request} ({broker}), {day} from {sender}{unverified}: {subject} [{status}]"
    ).format(
        reply=r.reply_id,
        request=r.request_id,
        broker=r.broker_name,
        day=f"{r.received:%Y-%m-%d}",
        sender=source,
        unverified=unverified,
        subject=r.subject or r.original_name,
        status=status,
    ) + ("; " + _("attachments: {files}").format(files=files) if files else "")


def ask_reply_state(r: ReplySummary) -> str | None:
    """Ask the user which state a reply means (Enter takes the suggestion); None to leave it."""
    import typer

    say(_reply_line(r), err=True)
    if r.excerpt:
        say(f"  \u201c{r.excerpt}\u201d", err=True)
    if r.reason:
        say("  " + _("why: {reason}").format(reason=r.reason), err=True)
    if r.why_not and not r.can_apply:
        say(f"  ({r.why_not})", err=True)
    if not r.trusted:
        say(
            "  "
            + _(
                "warning: your mail server did not authenticate the sender ({note}): anyone can send such an "
                "email"
            ).format(note=r.auth_note or _("no result")),
            err=True,
        )
    default = r.suggested if r.can_apply and r.trusted else ""
    answer = typer.prompt(
        "  "
        + _("State for #{id} (Enter: {default}; or a state; '-' to leave it)").format(
            id=r.request_id, default=default or _("leave it")
        ),
        default=default or "-",
        show_default=False,
        err=True,
    ).strip()
    return None if answer in ("", "-") else answer


def confirm_unauthenticated(r: ReplySummary, state: str) -> bool:
    """Ask before a state is read from a reply whose sender was not authenticated."""
    import typer

    return bool(
        typer.confirm(
            "  "
            + _(
                "Record #{id} as {state} on the word of an unauthenticated email? The timeline will say so"
            ).format(id=r.request_id, state=state_word(state)),
            default=False,
            err=True,
        )
    )


def render_inbox(result: InboxResult) -> None:
    counts = [
        ngettext("{count} message", "{count} messages", result.scanned).format(count=result.scanned),
        ngettext("{count} reply kept", "{count} replies kept", len(result.stored)).format(
            count=len(result.stored)
        ),
        ngettext("{count} kept before", "{count} kept before", result.already_stored).format(
            count=result.already_stored
        ),
        ngettext(
            "{count} not about a request (not stored)",
            "{count} not about a request (not stored)",
            result.ignored,
        ).format(count=result.ignored),
    ]
    say(
        _("{folder} since {day}: {counts}.").format(
            folder=result.folder, day=result.since.isoformat(), counts=", ".join(counts)
        )
    )
    for r in result.stored:
        say(_reply_line(r))
        if r.reason and not r.confirmed:
            say("  " + _("why: {reason}").format(reason=r.reason))
        if r.suggested and not r.confirmed and r.can_apply and r.trusted:
            say(
                "  "
                + _("to apply: {command}").format(
                    command=f"broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id}"
                )
            )
        elif r.suggested and not r.confirmed and r.can_apply:
            say(
                "  "
                + _(
                    "the sender was not authenticated ({note}); if you checked it is genuine: {command}"
                ).format(
                    note=r.auth_note or _("no result"),
                    command=f"broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id} "
                    "--sender-checked",
                )
            )
        elif r.why_not and not r.confirmed and r.suggested:
            say(f"  ({r.why_not})")
    _render_applied(result)
    for followup, reply in getattr(result, "withdrawn", ()):
        say(
            _(
                "follow-up #{followup} withdrawn: the company answered (reply #{reply}) before it was sent"
            ).format(followup=followup, reply=reply)
        )
    labels = {
        "flagged": _("FLAGGED, not trusted"),
        "unmatched": _("from a broker, not matched"),
        "bounce": _("NOT DELIVERED"),
        "too-large": _("too large"),
        "skipped": _("SKIPPED"),
    }
    for n in result.notices:
        about = f" (#{n.request_id})" if n.request_id else ""
        cands = (
            "; " + _("open requests: {ids}").format(ids=", ".join("#" + str(c) for c in n.candidates))
            if n.candidates
            else ""
        )
        where = f"UID {n.uid}" + (f", {n.message_id}" if n.message_id else "") if n.uid else ""
        say(
            _("{label}{about}: {day} from {sender}: {subject}").format(
                label=labels.get(n.kind, n.kind),
                about=about,
                day=f"{n.received:%Y-%m-%d}",
                sender=n.from_addr or _("(unknown)"),
                subject=n.subject or _("(no subject)"),
            )
            + (f" [{where}]" if where else "")
        )
        say(f"  {n.reason}{cands}")
    if result.filed:
        say(
            ngettext(
                "{count} matched message {how} into {folder}.",
                "{count} matched messages {how} into {folder}.",
                result.filed,
            ).format(count=result.filed, how=result.filed_how, folder=result.filed_into)
        )
    if result.stopped:
        say(_("Stopped reading: {why}. Everything read before is kept.").format(why=result.stopped))


def _render_applied(result: InboxResult) -> None:
    """The states the replies set (or why one was not applied)."""
    for a in result.applied:
        if a.error:
            say(_("reply #{id}: not applied: {error}").format(id=a.reply_id, error=a.error))
        elif a.sender_checked:
            say(
                _(
                    "#{id} is now {state} (from reply #{reply} on your word: the sender was not "
                    "authenticated)"
                ).format(id=a.request_id, state=state_word(a.state), reply=a.reply_id)
            )
        else:
            say(
                _("#{id} is now {state} (from reply #{reply})").format(
                    id=a.request_id, state=state_word(a.state), reply=a.reply_id
                )
            )


def render_reply_added(added: ReplyAdded) -> None:
    say(_reply_line(added.reply))
    if added.applied:
        say(_("#{id} is now {state}").format(id=added.reply.request_id, state=state_word(added.applied)))
    elif added.reply.suggested:
        say("  " + _("why: {reason}").format(reason=added.reply.reason))
        say(
            "  "
            + _("to apply: {command}").format(
                command=f"broker-audit mark {added.reply.request_id} {added.reply.suggested} "
                f"--reply {added.reply.reply_id}"
            )
        )
    for followup in getattr(added, "withdrawn", ()):
        say(
            _(
                "follow-up #{followup} withdrawn: the company answered (reply #{reply}) before it was sent"
            ).format(followup=followup, reply=added.reply.reply_id)
        )


def render_replies(replies: Sequence[ReplySummary]) -> None:
    if not replies:
        return
    table = Table(title=_("Replies"))
    for col in ("#", _("received"), _("from"), _("subject"), _("status"), _("attachments")):
        table.add_column(col)
    for r in replies:
        status = (
            state_word(r.confirmed)
            if r.confirmed
            else (_("suggested: {state}").format(state=state_word(r.suggested)) if r.suggested else "-")
        )
        files = "\n".join(f"{name} ({_size(size)})" for name, size in r.attachments) or "-"
        add_text_row(
            table,
            str(r.reply_id),
            f"{r.received:%Y-%m-%d}",
            clean(r.from_addr or (_("by post / by hand") if r.source == "file" else "-")),
            clean(r.subject or r.original_name),
            status,
            clean(files),
        )
    console.print(table)


def render_evidence(result: EvidenceResult) -> None:
    say(_("Complaint packet for #{id} in {folder}:").format(id=result.request_id, folder=result.out_dir))
    for path in result.files:
        say(f"  {path}")
    for why in result.missing:
        say("  " + _("not copied: {why}").format(why=why), err=True)
    say(result.deadline)
