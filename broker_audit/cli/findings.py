"""`broker-audit findings [ID]`: what the brokers' answers say, proposed and confirmed."""

from __future__ import annotations

import typer

from broker_audit.cli.common import access, parse_date, resources, today
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _


def _numbers(text: str | None, option: str) -> list[int]:
    from broker_audit.errors import UserError

    if not text:
        return []
    out: list[int] = []
    for piece in text.replace(" ", "").split(","):
        if not piece:
            continue
        if "-" in piece:
            low, _sep, high = piece.partition("-")
            if not (low.isdigit() and high.isdigit()) or int(low) > int(high):
                raise UserError(
                    _("{option} {text}: {piece} is not a range").format(
                        option=option, text=text, piece=repr(piece)
                    ),
                    _("e.g. --accept 1,3-5"),
                )
            out.extend(range(int(low), int(high) + 1))
        elif piece.isdigit():
            out.append(int(piece))
        else:
            raise UserError(
                _("{option} {text}: {piece} is not a number").format(
                    option=option, text=text, piece=repr(piece)
                ),
                _("e.g. --accept 1,3-5"),
            )
    return out


def findings_command(
    ctx: typer.Context,
    request_id: int = typer.Argument(None, help=N_("Request id (`broker-audit status`); none: every reply.")),
    accept: str = typer.Option(None, "--accept", help=N_("Accept these findings, e.g. 1,3-5.")),
    reject: str = typer.Option(None, "--reject", help=N_("Reject these findings, e.g. 2,6.")),
    edit: int = typer.Option(None, "--edit", help=N_("Correct this finding (and accept it).")),
    value: str = typer.Option(None, "--value", help=N_("With --edit: the corrected name or category.")),
    role: str = typer.Option(None, "--role", help=N_("With --edit: {roles}.")),
    on: str = typer.Option(None, "--on", help=N_("With --edit: the corrected date, YYYY-MM-DD.")),
    reread: bool = typer.Option(
        False, "--reread", help=N_("Read the replies again (e.g. after installing OCR).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print the findings as JSON.")),
) -> None:
    """What the brokers' answers say: data held, where it came from, who got it, and the verdict.

    The replies kept by `inbox` and `reply` are read (e-mail text, text PDFs; scans and photos by
    OCR when it is installed, else listed as skipped) and findings are proposed, each with the line
    it came from. Nothing is taken as fact until you accept it: only accepted findings appear in
    the audit map, the next steps, the evidence packet and the clinic's counts.

    Example: broker-audit findings 3 --accept 1-4,6 --reject 5
    """
    from broker_audit.errors import UserError

    reviewing = bool(accept or reject or edit is not None)
    if (value or role or on) and edit is None:
        raise UserError(
            _("--value, --role and --on go with --edit N"), _("e.g. --edit 3 --value 'Weld County Court'")
        )
    if request_id is None:
        if reviewing:
            raise UserError(
                _("name the request whose findings you review"),
                _("e.g. broker-audit findings 3 --accept 1,2"),
            )
        from broker_audit.services.findings import read_all

        overview = read_all(access(ctx), resources=resources(ctx), today=today())
        if as_json:
            emit(ctx, overview)
            return
        from broker_audit.cli.render.findings import render_overview

        render_overview(overview)
        return
    if reviewing:
        from broker_audit.services.findings import Edit, review_findings

        report = review_findings(
            access(ctx),
            request_id,
            resources=resources(ctx),
            accept=_numbers(accept, "--accept"),
            reject=_numbers(reject, "--reject"),
            edit=Edit(edit, value, role, parse_date(on, "--on") if on else None)
            if edit is not None
            else None,
        )
    else:
        from broker_audit.services.findings import show_findings

        report = show_findings(
            access(ctx), request_id, resources=resources(ctx), today=today(), reread=reread
        )
    if as_json:
        from broker_audit.services.findings import findings_summary

        emit(ctx, findings_summary(report))
        return
    from broker_audit.cli.render.findings import render_findings

    render_findings(report)
