"""`broker-audit vault forget|passwd|path`: key management."""

from __future__ import annotations

import typer

from broker_audit.cli.common import access, err, globals_of, passphrase_prompt

app = typer.Typer(
    help="Manage the encrypted vault and its keys.\n\nExample: broker-audit vault passwd",
    no_args_is_help=True,
)


@app.command("forget")
def forget(
    ctx: typer.Context,
    confirm: str = typer.Option(
        None, "--confirm", help="Type `forget` here to skip the question (for scripts)."
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
            raise UserError("refusing to forget without confirmation", "pass --confirm forget")
        err(f"This destroys every key of {a.path} and the file. Your request log is gone for good.")
        confirm = typer.prompt("Type forget to go on", err=True)
    if confirm.strip() != "forget":
        raise UserError("not confirmed; nothing was changed")
    path = forget_vault(a)
    typer.echo(f"Destroyed the keys and removed {path}")


@app.command("passwd")
def passwd(
    ctx: typer.Context,
    recovery: bool = typer.Option(
        False, "--recovery", help="Unlock with the recovery key (when the passphrase is lost)."
    ),
) -> None:
    """Set a new passphrase for the vault (adds one if the vault had none).

    The new passphrase is asked twice, or read from BROKER_AUDIT_NEW_PASSPHRASE.

    Example: broker-audit vault passwd --recovery
    """
    from broker_audit.services import change_passphrase

    key = typer.prompt("Recovery key", hide_input=True, err=True) if recovery else None
    a = access(ctx, recovery_key=key)
    slots = change_passphrase(
        a, lambda: passphrase_prompt(confirm=True, env_name="BROKER_AUDIT_NEW_PASSPHRASE")
    )
    typer.echo("Passphrase changed. Unlocked by: " + ", ".join(slots))


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the vault file is.

    Example: broker-audit vault path
    """
    from broker_audit.services import vault_path

    typer.echo(str(vault_path(globals_of(ctx).vault)))
