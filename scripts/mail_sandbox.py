"""A mailbox on your own machine, to try `broker-audit mail setup`, `send` and `inbox` with no
real mail account (README: "Try sending locally").

    .venv/bin/python scripts/mail_sandbox.py --dir mail-sandbox          # runs until Ctrl-C
    .venv/bin/python scripts/mail_sandbox.py reply --dir mail-sandbox    # a broker answers

`serve` (the default) starts a real SMTP server (aiosmtpd, STARTTLS and a login) and, where
Dovecot is installed, an IMAPS server, both on 127.0.0.1 with a self-signed certificate made for
127.0.0.1 at start. It prints the `broker-audit mail setup` command that points broker-audit at
them, writes every message it receives to DIR/sent/ (and, with IMAP, into the mailbox's Sent
folder, as many providers do), and runs until Ctrl-C. Nothing leaves this machine: the server
accepts mail for any address and delivers none of it.

`reply` answers the last message the sandbox received (or the last one sent to an address that
contains --broker) as the broker would: from the address it was sent to, quoting its subject and
Message-ID, with a sample text (--says). The answer goes into the sandbox's INBOX for `inbox` to
read, and to DIR/replies/ (for `broker-audit reply ID --file` when there is no IMAP server).

The servers are the test suite's own (tests/mail/mailservers.py): one implementation, so the
recipe tries what the tests check. aiosmtpd is a test-only dependency: install with
`bash scripts/install.sh test`. Dovecot: `apt-get install dovecot-imapd` (Debian, Ubuntu).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import email.utils
import json
import logging
import os
import shlex
import signal
import sys
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "mail"))

import mailservers  # noqa: E402  (the test suite's servers: see the docstring)

SMTP_PORT = 8587  # defaults easy to type; --smtp-port / --imap-port 0 take any free port
IMAP_PORT = 8993
STATE = "sandbox.json"  # what `reply` needs to know about the running sandbox

SAMPLES = {
    "acknowledged": "Thank you for contacting us. We have received your request and will respond "
    "within 45 days.",
    "needs-verification": "Thank you for your request. Before we can process it we need to verify "
    "your identity: please reply with the information asked on our consumer portal.",
    "extended": "We are extending the time to respond to your request by an additional 45 days, as "
    "the law allows, because of the number of requests we receive.",
    "denied": "We are unable to honor your request: the information we hold about you is exempt "
    "from the law you cite.",
    "fulfilled": "We have completed your request. Your personal information has been deleted from "
    "our systems.",
}


class SandboxError(Exception):
    """A message for the person running the sandbox (printed without a traceback)."""


def _say(line: str = "") -> None:
    print(line, flush=True)


def _folder(raw: str | None) -> Path:
    if raw:
        path = Path(raw)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return Path(tempfile.mkdtemp(prefix="broker-audit-mail-sandbox-"))


def setup_command(
    folder: Path, smtp: mailservers.SmtpServer, imap: mailservers.ImapServer | None, user: str
) -> str:
    """The `broker-audit mail setup` line that points broker-audit at the sandbox."""
    words = ["broker-audit", "mail", "setup", "--smtp-host", mailservers.HOST]
    words += ["--smtp-port", str(smtp.port), "--smtp-user", user]
    if imap is not None:
        words += ["--imap-host", mailservers.HOST, "--imap-port", str(imap.port)]
        words += ["--authserv-id", mailservers.AUTHSERV_ID]
    words += ["--cafile", str(folder / "ca.pem")]
    return shlex.join(words)


def _running_elsewhere(folder: Path) -> int | None:
    """The process id of a sandbox already serving this folder, if one runs."""
    try:
        pid = int(json.loads((folder / STATE).read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid if pid != os.getpid() else None


class _Recorder:
    """Keeps each message the SMTP server accepts: DIR/sent/NNNN-to.eml, and the Sent folder."""

    def __init__(self, sent: Path, imap: mailservers.ImapServer | None) -> None:
        self.sent, self.imap, self.count = sent, imap, len(list(sent.glob("*.eml")))
        self.lock = threading.Lock()

    def __call__(self, received: mailservers.Received) -> None:
        message = email.message_from_bytes(received.data, policy=email.policy.default)
        with self.lock:
            self.count += 1
            to = "-".join(received.rcpt_tos)[:80].replace("/", "_")
            path = self.sent / f"{self.count:04d}-{to}.eml"
            path.write_bytes(received.data)
            if self.imap is not None:
                self.imap.deliver(received.data, folder="Sent")
        _say(f"received: {received.mail_from} -> {', '.join(received.rcpt_tos)}: {message['Subject']}")
        _say(f"  saved as {path}")


def serve(args: argparse.Namespace) -> int:
    folder = _folder(args.dir)
    other = _running_elsewhere(folder)
    if other is not None:
        raise SandboxError(f"a sandbox already serves {folder} (process {other}); stop it first")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        raise SandboxError(
            "aiosmtpd is not installed: it is a test-only dependency; run `bash scripts/install.sh test` "
            "and start the sandbox with .venv/bin/python"
        ) from None
    # aiosmtpd's own AUTH code still sets the attribute it deprecates, and logs so: not the user's concern
    logging.getLogger("mail.log").addFilter(
        lambda record: "login_data is deprecated" not in record.getMessage()
    )
    sent = folder / "sent"
    sent.mkdir(exist_ok=True)
    (folder / "replies").mkdir(exist_ok=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGINT too: a shell's & ignores it
        signal.signal(sig, stop)
    with ExitStack() as stack:
        imap = None
        if args.no_imap:
            _say("IMAP: not started (--no-imap)")
        elif mailservers.dovecot_binary() is None:
            _say("IMAP: Dovecot is not installed (apt-get install dovecot-imapd), so there is no inbox")
            _say("  to read; `reply` still writes the broker's answer to replies/ for `broker-audit reply`.")
        else:
            imap = stack.enter_context(
                mailservers.imap_server(port=args.imap_port, user=args.user, password=args.password)
            )
        smtp = stack.enter_context(
            mailservers.smtp_server(
                folder, "starttls", port=args.smtp_port, user=args.user, password=args.password
            )
        )
        smtp.on_data = _Recorder(sent, imap)
        bundle = smtp.cafile.read_bytes() + (imap.cafile.read_bytes() if imap else b"")
        (folder / "ca.pem").write_bytes(bundle)
        state: dict[str, Any] = {"pid": os.getpid(), "user": args.user, "smtp_port": smtp.port}
        if imap is not None:
            state["imap"] = {
                "port": imap.port,
                "root": str(imap.root),
                "maildir": str(imap.maildir),
                "uid": imap.uid,
                "gid": imap.gid,
            }
        (folder / STATE).write_text(json.dumps(state, indent=2) + "\n")
        stack.callback(lambda: (folder / STATE).unlink(missing_ok=True))
        _say(f"SMTP: {mailservers.HOST}:{smtp.port} (STARTTLS), login {args.user}, password {args.password}")
        if imap is not None:
            _say(f"IMAP: {mailservers.HOST}:{imap.port} (TLS), the same login; Sent folder: Sent")
        _say(f"Messages sent go to {sent}/; the certificate to trust is {folder / 'ca.pem'}")
        _say("Point broker-audit at this sandbox (the password: BROKER_AUDIT_MAIL_PASSWORD or the prompt):")
        _say("  " + setup_command(Path(args.dir) if args.dir else folder, smtp, imap, args.user))
        _say("A broker answers the last message: .venv/bin/python scripts/mail_sandbox.py reply --dir DIR")
        _say("Ready. Ctrl-C stops the servers.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            _say("Stopping.")
    return 0


def _last_sent(folder: Path, broker: str) -> tuple[Path, email.message.EmailMessage]:
    """The newest message the sandbox received, to an address containing `broker`."""
    for path in sorted((folder / "sent").glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        if broker.lower() in str(message["To"] or "").lower():
            return path, message
    which = f" to an address with {broker!r}" if broker else ""
    raise SandboxError(f"no message{which} has reached the sandbox in {folder} yet: run `broker-audit send`")


def reply(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not (folder / "sent").is_dir():
        raise SandboxError(
            f"{folder} is not a sandbox folder: start one with `mail_sandbox.py --dir {folder}`"
        )
    path, sent = _last_sent(folder, args.broker)
    broker = email.utils.parseaddr(str(sent["To"]))[1]
    user = email.utils.parseaddr(str(sent["From"]))[1]
    raw = mailservers.reply_message(
        sender=broker,
        to=user,
        subject=f"RE: {sent['Subject']}",
        body=SAMPLES[args.says],
        in_reply_to=str(sent["Message-ID"]),
        date=dt.datetime.now(dt.UTC),
    )
    copy = folder / "replies" / f"{path.stem}-{args.says}.eml"
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(raw)
    _say(f"{broker} answers {path.name} ({args.says}): saved as {copy}")
    try:
        state = json.loads((folder / STATE).read_text())
    except (OSError, ValueError):
        state = {}
    if state.get("imap") and _running_elsewhere(folder) is not None:
        box = state["imap"]
        inbox = mailservers.ImapServer(
            port=box["port"],
            cafile=folder / "ca.pem",
            root=Path(box["root"]),
            maildir=Path(box["maildir"]),
            uid=box["uid"],
            gid=box["gid"],
        )
        inbox.deliver(raw)
        _say("Delivered to the sandbox's INBOX: read it with `broker-audit inbox`.")
    else:
        _say(f"No IMAP server runs: keep it with `broker-audit reply ID --file {copy}`.")
    return 0


SERVE_DEFAULTS: dict[str, Any] = {
    "smtp_port": SMTP_PORT,
    "imap_port": IMAP_PORT,
    "user": mailservers.USER,
    "password": mailservers.PASSWORD,
    "no_imap": False,
}


def _serve_options(parser: argparse.ArgumentParser, defaults: dict[str, Any]) -> None:
    """The server options, given before or after `serve` (the subcommand's parser gets no
    defaults, so it does not reset what was given before it)."""
    parser.add_argument("--smtp-port", type=int, default=defaults["smtp_port"], help="0: any free port")
    parser.add_argument("--imap-port", type=int, default=defaults["imap_port"], help="0: any free port")
    parser.add_argument(
        "--user", default=defaults["user"], help="the login (default: the demo profile's e-mail)"
    )
    parser.add_argument("--password", default=defaults["password"], help="the password the servers take")
    parser.add_argument(
        "--no-imap", action="store_true", default=defaults["no_imap"], help="SMTP only, even with Dovecot"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mail_sandbox.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--dir", help="the sandbox's folder (default: a new temporary one)")
    commands = parser.add_subparsers(dest="command")
    serve_parser = commands.add_parser("serve", help="run the servers until Ctrl-C (the default)")
    _serve_options(parser, SERVE_DEFAULTS)
    _serve_options(serve_parser, dict.fromkeys(SERVE_DEFAULTS, argparse.SUPPRESS))
    serve_parser.add_argument("--dir", default=argparse.SUPPRESS)
    reply_parser = commands.add_parser("reply", help="a broker answers the last message sent to it")
    reply_parser.add_argument("--dir", default=argparse.SUPPRESS)
    reply_parser.add_argument(
        "--broker", default="", help="answer the last message to an address containing this (e.g. lexisnexis)"
    )
    reply_parser.add_argument("--says", choices=sorted(SAMPLES), default="acknowledged")
    args = parser.parse_args(argv)
    try:
        if args.command == "reply":
            if not args.dir:
                parser.error("reply needs --dir: the folder the sandbox serves")
            return reply(args)
        return serve(args)
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
