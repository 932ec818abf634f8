"""`broker-audit vault accept|forget|passwd|path|verify`: key management, the full check, and
taking an older copy as the one to go on with."""

from __future__ import annotations

import typer

from broker_audit.cli.common import access, err, globals_of, passphrase_prompt
from broker_audit.cli.output import emit
from broker_audit.i18n import N_, _, ngettext

app = typer.Typer(
    help=N_("Manage the encrypted vault and its keys.\n\nExample: broker-audit vault passwd"),
    no_args_is_help=True,
)


@app.command("forget")
def forget(
    ctx: typer.Context,
    confirm: str = typer.Option(
        None, "--confirm", help=N_("Type `forget` here to skip the question (for scripts).")
    ),
) -> None:
    """Destroy every key of the vault, then the vault itself. It cannot be undone.

    Example: broker-audit vault forget
    """
    import sys

    from broker_audit.errors import UserError
    from broker_audit.services import forget_vault

    a = access(ctx)
    if confirm is None:
        if not sys.stdin.isatty():
            raise UserError(_("refusing to forget without confirmation"), _("pass --confirm forget"))
        err(
            _("This destroys every key of {path} and the file. Your request log is gone for good.").format(
                path=a.path
            )
        )
        confirm = typer.prompt(_("Type forget to go on"), err=True)
    if confirm.strip() != "forget":
        raise UserError(_("not confirmed; nothing was changed"))
    path = forget_vault(a)
    typer.echo(_("Destroyed the keys and removed {path}").format(path=path))


@app.command("accept")
def accept(
    ctx: typer.Context,
    yes: bool = typer.Option(False, "--yes", "-y", help=N_("Accept without asking (scripts).")),
) -> None:
    """Go on with this copy of the vault although it is older than (or differs from) the one last
    seen on this computer. Until then it is read, never written.

    What only the newer copy holds is given up for good: look for that copy first (a backup, the
    other computer, the sync folder's conflict copies).

    Example: broker-audit vault accept
    """
    from broker_audit.cli.common import ask_yes
    from broker_audit.services.vaults import accept_vault

    a = access(ctx)
    if not ask_yes(
        _("Go on with this copy and give up what only the newer one holds?"), yes=yes, what=_("accept")
    ):
        typer.echo(_("Not accepted; the vault stays read-only."))
        return
    if accept_vault(a):
        typer.echo(
            _("Accepted: {path} is now the copy this computer follows, and may be written.").format(
                path=a.path
            )
        )
    else:
        typer.echo(_("Nothing to accept: this vault is the one last seen here."))


@app.command("passwd")
def passwd(
    ctx: typer.Context,
    recovery: bool = typer.Option(
        False, "--recovery", help=N_("Unlock with the recovery key (when the passphrase is lost).")
    ),
) -> None:
    """Set a new passphrase for the vault (adds one if the vault had none).

    The new passphrase is asked twice, or read from BROKER_AUDIT_NEW_PASSPHRASE.

    Example: broker-audit vault passwd --recovery
    """
    from broker_audit.services import change_passphrase

    key = typer.prompt(_("Recovery key"), hide_input=True, err=True) if recovery else None
    a = access(ctx, recovery_key=key)
    slots = change_passphrase(
        a, lambda: passphrase_prompt(confirm=True, env_name="BROKER_AUDIT_NEW_PASSPHRASE")
    )
    typer.echo(_("Passphrase changed. Unlocked by: {slots}").format(slots=", ".join(slots)))


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the vault file is.

    Example: broker-audit vault path
    """
    from broker_audit.services import vault_path

    typer.echo(str(vault_path(globals_of(ctx).vault)))


@app.command("verify")
def verify(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=N_("Print what was checked as JSON.")),
) -> None:
    """Check the whole vault from its first record: every seal, every link of the chain, the
    sealed head, every attachment, each reply's binding to its request, and the index that lets a
    command read only what it shows.

    Opening the vault checks only the index's seals and what was added since it was written;
    run this now and then, and after restoring a backup. Exit 4 names the first damaged record.

    Example: broker-audit vault verify
    """
    from broker_audit.services import verify_vault

    result = verify_vault(access(ctx))
    if as_json:
        emit(ctx, result)
        return
    counted = _("{records} ({requests}) and {blobs} ({chunks})").format(
        records=ngettext("{count} record", "{count} records", result.records).format(count=result.records),
        requests=ngettext("{count} request", "{count} requests", result.requests).format(
            count=result.requests
        ),
        blobs=ngettext("{count} attachment", "{count} attachments", result.blobs).format(count=result.blobs),
        chunks=ngettext("{count} part", "{count} parts", result.chunks).format(count=result.chunks),
    )
    typer.echo(
        _("Checked {counted}: every seal and link is whole and the head matches.").format(counted=counted)
    )
    typer.echo(
        _("Replies: {count}, each kept with the request it was stored for.").format(count=result.replies)
    )
    typer.echo(_("Index: {index}.").format(index=_(result.index)))
    for warning in result.warnings:
        err(_("warning: {warning}").format(warning=warning))
