"""`mail setup`, `send`, `inbox`, `reply`, `evidence`, and the replies of `show`, with the
questions `send` and `inbox` ask. Subjects, senders and quoted replies come from outside: every
line goes through `say` or `clean`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from broker_audit.cli.render.base import add_text_row, clean, console, say

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
        f"Sending from {a.from_addr} through {a.smtp_host}:{a.smtp_port} ({a.smtp_security}) as {a.smtp_user}"
    )
    if a.imap_host:
        say(f"Reading replies from {a.imap_host}:{a.imap_port} (TLS) as {a.imap_user}")
        if a.authserv_id:
            say(f"A reply's sender counts as genuine only by the Authentication-Results of {a.authserv_id}.")
        else:
            say(
                "No --authserv-id: no reply's sender can be authenticated, so no suggested state is "
                "applied without your confirmation. Set it to the first word of the "
                "Authentication-Results header your provider adds (e.g. mx.google.com)."
            )
    if result.password_in_keyring:
        say("The password is kept in your OS keyring.")
    else:
        say(
            "No secure OS keyring: the password is not kept anywhere; `send` and `inbox` ask for it "
            "(or read BROKER_AUDIT_MAIL_PASSWORD once)."
        )


def render_send_plan(plan: SendPlan) -> None:
    if plan.to_send:
        say(f"From {plan.from_addr} through {plan.server}:", err=True)
        for item in plan.to_send:
            say(
                f"  #{item.request_id} {item.broker_name} ({item.kind}) to {', '.join(item.to)}: "
                f"{item.subject}"
                + (
                    f" (with the timeline of #{item.encloses_timeline_of})"
                    if item.encloses_timeline_of is not None
                    else ""
                ),
                err=True,
            )
    for item in plan.over_cap:
        say(
            f"  #{item.request_id} {item.broker_name}: left for another day (daily cap {plan.cap}, "
            f"{plan.sent_today} sent today)",
            err=True,
        )
    for skip in plan.skipped:
        say(f"  #{skip.request_id}: not sent: {skip.reason}", err=True)


def render_send_result(result: SendResult) -> None:
    plan = result.plan
    for settled in result.settled:
        what = "logged as sent" if settled.outcome == "sent" else "left drafted (not sent)"
        say(
            f"#{settled.request_id}: the email an earlier run was sending ({settled.message_id}) "
            f"{what}: {settled.how}"
        )
    for doubt in plan.in_doubt:
        say(
            f"#{doubt.request_id} {doubt.broker_name}: MAY HAVE BEEN SENT at "
            f"{doubt.started:%Y-%m-%d %H:%M} UTC "
            f"({doubt.message_id}); not sent again until you say: `broker-audit send --was-sent "
            f"{doubt.request_id}` or `--not-sent {doubt.request_id}`"
        )
    if result.dry_run:
        render_send_plan(plan)
        say(f"Dry run: {len(plan.to_send)} {what_goes(plan)} would be sent. Nothing was sent.")
        return
    if not plan.to_send:
        render_send_plan(plan)
        say("No drafted email request to send.")
        return
    if not result.confirmed:
        say("Nothing was sent.")
        return
    for one in result.sent:
        say(
            f"#{one.request_id} {one.broker_name}: sent to {', '.join(one.to)}, {one.message_id} "
            f"({one.acceptance})"
        )
    for fail in result.failed:
        say(f"#{fail.request_id} {fail.broker_name}: NOT sent, still drafted: {fail.reason}")
    for item in result.not_attempted:
        say(f"#{item.request_id} {item.broker_name}: not attempted, still drafted")
    if result.sent:
        say(
            "The legal clock runs from receipt; for email that is taken as the day sent (an estimate "
            "until you record it: `broker-audit mark ID delivered --on DATE`). "
            "`broker-audit inbox` reads the replies."
        )


def what_goes(plan: SendPlan) -> str:
    """ "email(s)" when every request planned goes by e-mail, else "request(s)" (another channel
    with a sender, services/senders.py)."""
    return "email(s)" if all(p.channel == "email" for p in plan.to_send) else "request(s)"


def ask_if_sent(doubt: InDoubt, looked: str) -> Answer:
    """Ask whether a message an earlier run was sending went out; None to leave it open."""
    import typer

    say(
        f"#{doubt.request_id} {doubt.broker_name}: a run ended while its email ({doubt.message_id}, to "
        f"{', '.join(doubt.to)}) was with the server at {doubt.started:%Y-%m-%d %H:%M} UTC; {looked}.",
        err=True,
    )
    answer = typer.prompt(
        "  Did it go out? (sent / not-sent / Enter: decide later)", default="", show_default=False, err=True
    ).strip()
    if answer == "sent":
        return "sent"
    return "not-sent" if answer == "not-sent" else None


def _reply_line(r: ReplySummary) -> str:
    files = ", ".join(f"{name} ({_size(size)})" for name, size in r.attachments)
    status = (
        f"confirmed {r.confirmed}"
        if r.confirmed
        else (f"suggested {r.suggested}" if r.suggested else "no suggestion")
    )
    unverified = "" if r.trusted else " (sender NOT authenticated)"
    return (
        f"reply #{r.reply_id} to #{r.request_id} ({r.broker_name}), {r.received:%Y-%m-%d} from "
        f"{r.from_addr or r.source}{unverified}: {r.subject or r.original_name} [{status}]"
        + (f"; attachments: {files}" if files else "")
    )


def ask_reply_state(r: ReplySummary) -> str | None:
    """Ask the user which state a reply means (Enter takes the suggestion); None to leave it."""
    import typer

    say(_reply_line(r), err=True)
    if r.excerpt:
        say(f"  \u201c{r.excerpt}\u201d", err=True)
    if r.reason:
        say(f"  why: {r.reason}", err=True)
    if r.why_not and not r.can_apply:
        say(f"  ({r.why_not})", err=True)
    if not r.trusted:
        say(
            f"  warning: your mail server did not authenticate the sender ({r.auth_note or 'no result'}): "
            "anyone can send such an email",
            err=True,
        )
    default = r.suggested if r.can_apply and r.trusted else ""
    answer = typer.prompt(
        f"  State for #{r.request_id} (Enter: {default or 'leave it'}; or a state; '-' to leave it)",
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
            f"  Record #{r.request_id} as {state} on the word of an unauthenticated email? The timeline "
            "will say so",
            default=False,
            err=True,
        )
    )


def render_inbox(result: InboxResult) -> None:
    say(
        f"{result.folder} since {result.since.isoformat()}: {result.scanned} messages, {len(result.stored)} "
        f"replies kept, {result.already_stored} kept before, {result.ignored} not about a request "
        "(not stored)."
    )
    for r in result.stored:
        say(_reply_line(r))
        if r.reason and not r.confirmed:
            say(f"  why: {r.reason}")
        if r.suggested and not r.confirmed and r.can_apply and r.trusted:
            say(f"  to apply: broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id}")
        elif r.suggested and not r.confirmed and r.can_apply:
            say(
                f"  the sender was not authenticated ({r.auth_note or 'no result'}); if you checked it "
                f"is genuine: broker-audit mark {r.request_id} {r.suggested} --reply {r.reply_id} "
                "--sender-checked"
            )
        elif r.why_not and not r.confirmed and r.suggested:
            say(f"  ({r.why_not})")
    for a in result.applied:
        if a.error:
            say(f"reply #{a.reply_id}: not applied: {a.error}")
        else:
            checked = " on your word: the sender was not authenticated" if a.sender_checked else ""
            say(f"#{a.request_id} is now {a.state} (from reply #{a.reply_id}{checked})")
    for followup, reply in getattr(result, "withdrawn", ()):
        say(f"follow-up #{followup} withdrawn: the company answered (reply #{reply}) before it was sent")
    labels = {
        "flagged": "FLAGGED, not trusted",
        "unmatched": "from a broker, not matched",
        "bounce": "NOT DELIVERED",
        "too-large": "too large",
        "skipped": "SKIPPED",
    }
    for n in result.notices:
        about = f" (#{n.request_id})" if n.request_id else ""
        cands = f"; open requests: {', '.join('#' + str(c) for c in n.candidates)}" if n.candidates else ""
        where = f"UID {n.uid}" + (f", {n.message_id}" if n.message_id else "") if n.uid else ""
        say(
            f"{labels.get(n.kind, n.kind)}{about}: {n.received:%Y-%m-%d} from {n.from_addr or '(unknown)'}: "
            f"{n.subject or '(no subject)'}" + (f" [{where}]" if where else "")
        )
        say(f"  {n.reason}{cands}")
    if result.filed:
        say(f"{result.filed} matched message(s) {result.filed_how} into {result.filed_into}.")
    if result.stopped:
        say(f"Stopped reading: {result.stopped}. Everything read before is kept.")


def render_reply_added(added: ReplyAdded) -> None:
    say(_reply_line(added.reply))
    if added.applied:
        say(f"#{added.reply.request_id} is now {added.applied}")
    elif added.reply.suggested:
        say(f"  why: {added.reply.reason}")
        say(
            f"  to apply: broker-audit mark {added.reply.request_id} {added.reply.suggested} "
            f"--reply {added.reply.reply_id}"
        )
    for followup in getattr(added, "withdrawn", ()):
        say(
            f"follow-up #{followup} withdrawn: the company answered (reply #{added.reply.reply_id}) "
            "before it was sent"
        )


def render_replies(replies: Sequence[ReplySummary]) -> None:
    if not replies:
        return
    table = Table(title="Replies")
    for col in ("#", "received", "from", "subject", "status", "attachments"):
        table.add_column(col)
    for r in replies:
        status = r.confirmed or (f"suggested: {r.suggested}" if r.suggested else "-")
        files = "\n".join(f"{name} ({_size(size)})" for name, size in r.attachments) or "-"
        add_text_row(
            table,
            str(r.reply_id),
            f"{r.received:%Y-%m-%d}",
            clean(r.from_addr or ("by post / by hand" if r.source == "file" else "-")),
            clean(r.subject or r.original_name),
            status,
            clean(files),
        )
    console.print(table)


def render_evidence(result: EvidenceResult) -> None:
    say(f"Complaint packet for #{result.request_id} in {result.out_dir}:")
    for path in result.files:
        say(f"  {path}")
    for why in result.missing:
        say(f"  not copied: {why}", err=True)
    say(result.deadline)
