"""The `broker-audit` command: wiring and the one place errors become exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from broker_audit.cli import (
    audit,
    brokers,
    bulk,
    cora,
    demo,
    init,
    mail,
    profile,
    registry,
    requests,
    scan,
    vault,
)
from broker_audit.cli.common import globals_of

app = typer.Typer(
    name="broker-audit",
    help=(
        "Get your personal data back from data brokers: find who holds it, send the right "
        "legal request, keep encrypted proof, and chase the deadlines.\n\n"
        "Example: broker-audit init && broker-audit request lexisnexis appriss --kind access"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    vault_file: Path = typer.Option(
        None,
        "--vault",
        help="Vault file to use (default: $BROKER_AUDIT_VAULT, then your user data folder).",
        envvar=None,
    ),
    no_keyring: bool = typer.Option(
        False, "--no-keyring", help="Do not use the OS keyring; unlock with the passphrase."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback for unexpected errors."),
) -> None:
    g = globals_of(ctx)
    g.vault, g.no_keyring, g.debug = vault_file, no_keyring, debug


app.command("init")(init.init_command)
app.add_typer(profile.app, name="profile")
app.add_typer(brokers.app, name="brokers")
app.command("request")(requests.request_command)
app.command("status")(requests.status_command)
app.command("mark")(requests.mark_command)
app.command("show")(requests.show_command)
app.command("followup")(requests.followup_command)
app.add_typer(vault.app, name="vault")
app.add_typer(registry.app, name="registry")
app.command("demo")(demo.demo_command)
app.add_typer(bulk.app, name="bulk")
app.command("audit")(audit.audit_command)
app.command("scan")(scan.scan_command)
app.command("cora")(cora.cora_command)
app.add_typer(mail.app, name="mail")
app.command("send")(mail.send_command)
app.command("inbox")(mail.inbox_command)
app.command("reply")(mail.reply_command)
app.command("evidence")(mail.evidence_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors print one line and exit with their code.

    Typer handles --help, usage errors (exit 2) and aborts itself; everything else that escapes a
    command ends here, so no traceback (and no local variable holding a passphrase or an address)
    reaches the terminal unless --debug asks for it.
    """
    from broker_audit.cli.common import take_secrets
    from broker_audit.errors import BrokerAuditError, ExitCode

    take_secrets()  # passphrases leave os.environ before any command runs
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="broker-audit")
    except BrokerAuditError as exc:
        from broker_audit.cleantext import clean_line

        # One line each: a message may quote a value from a file (a template name, a cell).
        typer.echo(f"error: {clean_line(exc.message)}", err=True)
        if exc.hint:
            typer.echo(f"hint: {clean_line(exc.hint)}", err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if "--debug" in args:
            raise
        # The message may hold personal data (a name in a path, an address): name the type only.
        typer.echo(
            f"error: unexpected {type(exc).__name__}; nothing personal is shown here. "
            "Run again with --debug to see the details.",
            err=True,
        )
        sys.exit(int(ExitCode.USER_ERROR))
