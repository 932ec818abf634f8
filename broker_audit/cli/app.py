"""The `broker-audit` command: wiring and the one place errors become exit codes.

Subcommands are imported when they run, not to start: `broker-audit --help` lists them from the
table below and imports none, and `broker-audit status` imports only `cli/requests.py`. Each entry
holds the first paragraph of the command's help, as `--help` lists it (a test keeps them equal).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from broker_audit.cli.common import globals_of
from broker_audit.i18n import LANGUAGES, N_, _, current_language


@dataclass(frozen=True)
class Subcommand:
    """Where a subcommand lives: a typer app (a group) or a command function, and its summary."""

    module: str
    attribute: str  # "app" for a group, else the command function
    summary: str

    def load(self, name: str) -> Any:
        target = getattr(importlib.import_module(f"broker_audit.cli.{self.module}"), self.attribute)
        if isinstance(target, typer.Typer):
            group = typer.main.get_group(target)
            group.name = name
            return group
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        return typer.main.get_command(single)


SUBCOMMANDS: dict[str, Subcommand] = {
    "init": Subcommand(
        "init", "init_command", N_("Create the encrypted vault and store your profile in it.")
    ),
    "request": Subcommand(
        "requests",
        "request_command",
        N_("Write request letters, each as the artefact of its route, and log each request as drafted."),
    ),
    "status": Subcommand(
        "requests",
        "status_command",
        N_("Your requests: a summary by state, the overdue and due-soon ones first."),
    ),
    "mark": Subcommand("requests", "mark_command", N_("Record a status change of a request.")),
    "resend": Subcommand(
        "requests",
        "resend_command",
        N_("Write a request's letter again for another route, as a new request."),
    ),
    "show": Subcommand("requests", "show_command", N_("The full history of one request.")),
    "followup": Subcommand(
        "requests", "followup_command", N_("Write the next letter for every late or refused request.")
    ),
    "demo": Subcommand(
        "demo",
        "demo_command",
        N_(
            "See the whole path on a fictional person in a throwaway vault: letters written, logged, tracked."
        ),
    ),
    "audit": Subcommand(
        "audit",
        "audit_command",
        N_("Who likely holds your data, what they did with it, and what is left to do."),
    ),
    "scan": Subcommand(
        "scan",
        "scan_command",
        N_("Look for a public listing of you on people-search sites (sends your name; only when asked)."),
    ),
    "cora": Subcommand(
        "cora",
        "cora_command",
        N_(
            "Ask a Colorado sheriff or state agency for its records of sharing booking data with data "
            "brokers and immigration enforcement."
        ),
    ),
    "campaign": Subcommand(
        "campaign",
        "app",
        N_("A records campaign (`cora --all`): what each agency's answer showed, and the table of it."),
    ),
    "agencies": Subcommand(
        "agencies",
        "app",
        N_("The agencies a records request goes to: Colorado's sheriffs and state agencies."),
    ),
    "drop": Subcommand(
        "drop",
        "app",
        N_(
            "California's DROP: record your one deletion request to every registered data broker, and "
            "the status DROP shows for each broker; `status` tracks them with the rest."
        ),
    ),
    "profile": Subcommand(
        "profile", "app", N_("See or change the requester's profile (kept only inside the vault).")
    ),
    "brokers": Subcommand("brokers", "app", N_("Browse the registry of data brokers.")),
    "vault": Subcommand("vault", "app", N_("Manage the encrypted vault and its keys.")),
    "registry": Subcommand(
        "registry", "app", N_("Refresh the registry from official state registries, and validate it.")
    ),
    "bulk": Subcommand(
        "bulk", "app", N_("Clinic mode: many clients from a spreadsheet, one print-ready batch.")
    ),
    "mail": Subcommand("mail", "app", N_("Your own mailbox, for `send` and `inbox`.")),
    "send": Subcommand(
        "mail",
        "send_command",
        N_("Send drafted email requests from your own mailbox (SMTP over TLS), and log each as sent."),
    ),
    "inbox": Subcommand(
        "mail",
        "inbox_command",
        N_(
            "Read the brokers' replies (IMAP over TLS), keep each encrypted with its request, "
            "suggest a state."
        ),
    ),
    "reply": Subcommand(
        "mail",
        "reply_command",
        N_("Keep a reply that came by post (a scan or photo) or that you saved, encrypted with its request."),
    ),
    "findings": Subcommand(
        "findings",
        "findings_command",
        N_("What the brokers' answers say: data held, where it came from, who got it, and the verdict."),
    ),
    "evidence": Subcommand(
        "mail",
        "evidence_command",
        N_(
            "Write a complaint packet: a one-page timeline PDF, the letters, the proof of mailing, "
            "the replies."
        ),
    ),
}


class LazyGroup(TyperGroup):
    """The root group. Until a subcommand runs, `commands` holds stand-ins that carry only its
    name and summary (enough for --help, and for "did you mean" on a typo)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._loaded: set[str] = set()
        for name, sub in SUBCOMMANDS.items():
            self.commands[name] = TyperCommand(
                name, help=_(sub.summary), rich_markup_mode=self.rich_markup_mode
            )
        self.help = reflow(_(self.help)) if self.help else self.help
        for param in self.params:
            text = getattr(param, "help", None)
            if text:  # the only list at the root: the languages (cli/choices.py is not imported)
                param.help = _(text).replace("{languages}", ", ".join(LANGUAGES))  # type: ignore[attr-defined]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        sub = SUBCOMMANDS.get(cmd_name)
        if sub is None or self._listing:
            return super().get_command(ctx, cmd_name)
        if cmd_name not in self._loaded:
            self.commands[cmd_name] = tidy_help(sub.load(cmd_name))
            self._loaded.add(cmd_name)
        return self.commands[cmd_name]

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        localise_typer()
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="broker-audit",
    cls=LazyGroup,
    help=N_(
        "Get your personal data back from data brokers: find who holds it, send the right "
        "legal request, keep encrypted proof, and chase the deadlines.\n\n"
        "Example: broker-audit init && broker-audit request lexisnexis appriss --kind access"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from broker_audit import __version__

        typer.echo(f"broker-audit {__version__}")
        raise typer.Exit()


def _help_option(option: Any) -> Any:
    if option is not None:
        if option.metavar is None:
            option.metavar = ""
        option.help = _("Show this message and exit.")
    return option


def localise_typer() -> None:
    """Typer's own words around the help (panel titles, the error box) in the current language.
    Typer reads them from module constants, set once when it is imported: set them again here,
    just before help or an error is shown."""
    import typer.rich_utils as words

    words.ARGUMENTS_PANEL_TITLE = _("Arguments")
    words.OPTIONS_PANEL_TITLE = _("Options")
    words.COMMANDS_PANEL_TITLE = _("Commands")
    words.ERRORS_PANEL_TITLE = _("Error")
    words.ABORTED_TEXT = _("Aborted.")
    words.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
    words.REQUIRED_LONG_STRING = _("[required]")
    words.DEFAULT_STRING = _("[default: {}]")
    words.ENVVAR_STRING = _("[env var: {}]")
    if current_language() != "en":  # typer's own words are the English ones: no patterns needed
        from broker_audit.cli.usage_errors import localise_usage_errors

        localise_usage_errors()
    try:  # the "Usage:" prefix is an argument default deep in typer's copy of click
        from typer._click import formatting

        write_usage = formatting.HelpFormatter.write_usage
        original = getattr(write_usage, "original", write_usage)

        def localised(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            original(self, prog, args, _("Usage: ") if prefix is None else prefix)

        localised.original = original  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = localised  # type: ignore[method-assign]
    except (ImportError, AttributeError):  # another typer: its own word stays
        pass


def tidy_help(command: Any) -> Any:
    """Help that reads well in any terminal width and in the current language: each help text
    (a docstring, a `help=` marked with N_) is translated here, when the command is built, then
    its choice lists are filled in from the tables that define them (`cli/choices.py`);
    paragraphs flow (a docstring's hard line breaks are joined, so the terminal wraps them once),
    flags show no value type (typer would print "<bool>", which invites `--json true`), and a
    value shows its name (KIND, OUT), not a Python type such as "<list[str]>"."""
    from broker_audit.cli.choices import fill

    if getattr(command, "help", None):
        command.help = reflow(fill(_(command.help)))
    if getattr(command, "short_help", None):
        command.short_help = reflow(fill(_(command.short_help)))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = reflow(fill(_(param.help)))
        if getattr(param, "param_type_name", "") == "argument":
            param.display_type_rich = _no_type  # its name (BROKERS) already says what it takes
            if param.metavar is None and param.name:
                param.metavar = param.name.upper()
        elif param.metavar is None:
            param.metavar = "" if getattr(param, "is_flag", False) else (param.name or "").upper()
    make_help = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        return _help_option(make_help(ctx))

    command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub)
    return command


def _no_type(ctx: Any) -> None:
    return None


def reflow(text: str) -> str:
    """Join the lines of each paragraph of a docstring into one, keeping list items, indented
    lines and command examples on lines of their own."""
    import inspect

    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            keep = line.startswith((" ", "-", "*", "broker-audit ", "$"))
            if lines and not keep:
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


@app.callback()
def root(
    ctx: typer.Context,
    vault_file: Path = typer.Option(
        None,
        "--vault",
        help=N_("Vault file to use (default: $BROKER_AUDIT_VAULT, then your user data folder)."),
        envvar=None,
        metavar="FILE",
    ),
    no_keyring: bool = typer.Option(
        False, "--no-keyring", help=N_("Do not use the OS keyring; unlock with the passphrase."), metavar=""
    ),
    debug: bool = typer.Option(
        False, "--debug", help=N_("Show a traceback for unexpected errors."), metavar=""
    ),
    passphrase_fd: int = typer.Option(
        None,
        "--passphrase-fd",
        help=N_(
            "Read the vault passphrase from this open file descriptor (first line), never from the "
            "environment."
        ),
        metavar="FD",
    ),
    lang: str = typer.Option(
        None,
        "--lang",
        help=N_(
            "The language to speak, one of {languages} (default: $BROKER_AUDIT_LANG, then LC_ALL, "
            "LC_MESSAGES, LANG, then English). Letters to companies stay in English; see `request --help`."
        ),
        metavar="LANG",
    ),
    version: bool = typer.Option(
        False,
        "--version",
        help=N_("Print the version and exit."),
        is_eager=True,
        callback=_print_version,
        metavar="",
    ),
) -> None:
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(
            _("{value} is not a language broker-audit speaks; choose one of: {languages}").format(
                value=repr(lang), languages=", ".join(LANGUAGES)
            ),
            param_hint="--lang",
        )
    g = globals_of(ctx)
    g.vault, g.no_keyring, g.debug = vault_file, no_keyring, debug
    if passphrase_fd is not None:
        from broker_audit.cli.common import read_passphrase_fd

        read_passphrase_fd(passphrase_fd)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors print one line and exit with their code.

    Typer handles --help, usage errors (exit 2) and aborts itself; everything else that escapes a
    command ends here, so no traceback (and no local variable holding a passphrase or an address)
    reaches the terminal unless --debug asks for it.
    """
    from broker_audit.cli.common import take_secrets
    from broker_audit.errors import BrokerAuditError, ExitCode

    args = sys.argv[1:] if argv is None else argv
    speak(args)
    if not take_secrets():  # passphrases leave the environment before any command runs
        from broker_audit.cli.common import SCRUB_WARNING

        typer.echo(_(SCRUB_WARNING), err=True)
    try:
        app(args=args, prog_name="broker-audit")
    except BrokerAuditError as exc:
        from broker_audit.cleantext import clean_line

        # One line each: a message may quote a value from a file (a template name, a cell).
        typer.echo(_("error: {message}").format(message=clean_line(_(exc.message))), err=True)
        if exc.hint:
            typer.echo(_("hint: {hint}").format(hint=clean_line(_(exc.hint))), err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        typer.echo(_("interrupted"), err=True)
        sys.exit(130)
    except Exception as exc:
        if "--debug" in args:
            raise
        # The message may hold personal data (a name in a path, an address): name the type only.
        typer.echo(
            _(
                "error: unexpected {error}; nothing personal is shown here. "
                "Run again with --debug to see the details."
            ).format(error=type(exc).__name__),
            err=True,
        )
        sys.exit(int(ExitCode.USER_ERROR))


GLOBAL_OPTIONS_WITH_VALUES = ("--vault", "--passphrase-fd", "--lang")


def speak(args: list[str]) -> str:
    """Decide the language before anything is imported or shown: the global `--lang` (before the
    subcommand), then BROKER_AUDIT_LANG, then LC_ALL, LC_MESSAGES, LANG, then English. Typer's
    own words (usage errors) follow it."""
    from broker_audit.i18n import choose_language, flag_in, set_language

    language, warning = choose_language(flag_in(args, GLOBAL_OPTIONS_WITH_VALUES))
    set_language(language)
    if warning:
        typer.echo(_("warning: {warning}").format(warning=warning), err=True)
    if language != "en":
        localise_typer()
    return language
