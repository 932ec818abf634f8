"""Real mail servers on 127.0.0.1 for the tests: aiosmtpd (implicit TLS or STARTTLS, AUTH) that
records what it receives, and Debian's Dovecot serving a maildir over IMAPS.

`scripts/mail_sandbox.py` runs the same servers for people who want to try `send` and `inbox` on
their own machine (README: "Try sending locally"): one implementation for the tests and the recipe.

The certificates are made here with `cryptography`: a self-signed one for 127.0.0.1 and localhost,
which the code under test must be told to trust (`--cafile`), and which it must refuse otherwise.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
USER = "maria.nunez@example.org"
PASSWORD = "app-password-1234"
AUTHSERV_ID = "mx.test.example"  # the name the user's provider gives itself in Authentication-Results


def make_cert(folder: Path, name: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    # a name of its own, so that a bundle of two test certificates tells them apart
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"broker-audit test {name}")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _listen_port(port: int) -> int:
    """`port`, or a free one for 0."""
    return port or free_port()


# --- SMTP -----------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: str


@dataclass
class SmtpServer:
    port: int
    cafile: Path
    security: str
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    logins: list[str] = field(default_factory=list)
    on_data: Any = None  # called with each message received, before the server answers 250
    user: str = USER
    password: str = PASSWORD


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.server.refuse:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = (
            session.login_data.decode() if isinstance(session.login_data, bytes) else str(session.login_data)
        )
        received = Received(
            envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content), login
        )
        self.server.received.append(received)
        if self.server.on_data is not None:
            self.server.on_data(received)
        return f"250 2.0.0 Ok: queued as T{len(self.server.received):04d}"


class _Auth:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (
            auth_data.login.decode() == self.server.user
            and auth_data.password.decode() == self.server.password
        )
        if ok:
            self.server.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


@contextmanager
def smtp_server(
    folder: Path, security: str = "tls", *, port: int = 0, user: str = USER, password: str = PASSWORD
) -> Iterator[SmtpServer]:
    """An aiosmtpd server on 127.0.0.1 with AUTH over TLS (implicit, or STARTTLS required), on
    `port` (0: a free one), taking one login."""
    from aiosmtpd.controller import Controller

    cert, key = make_cert(folder, f"smtp-{security}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = SmtpServer(port=_listen_port(port), cafile=cert, security=security, user=user, password=password)
    kwargs: dict[str, Any] = {
        "hostname": HOST,
        "port": server.port,
        "authenticator": _Auth(server),
        "auth_required": True,
        "auth_require_tls": security == "starttls",  # aiosmtpd sees implicit TLS only as a wrapped socket
        "server_hostname": "localhost",
    }
    if security == "tls":
        kwargs["ssl_context"] = context
    else:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
    controller = Controller(_Handler(server), **kwargs)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


# --- IMAP (Dovecot) -------------------------------------------------------------------------------


@dataclass
class ImapServer:
    port: int
    cafile: Path
    root: Path
    maildir: Path
    uid: int
    gid: int
    counter: int = 0

    def deliver(self, raw: bytes, *, arrived: dt.datetime | None = None, folder: str = "") -> Path:
        """Put a message into the maildir (INBOX, or `folder`) as the mail server would."""
        self.counter += 1
        base = self.maildir / f".{folder}" if folder else self.maildir
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
            os.chown(base / sub, self.uid, self.gid)
        os.chown(base, self.uid, self.gid)
        name = f"{int(time.time())}.M{self.counter}P{os.getpid()}.test"
        path = base / "new" / name
        path.write_bytes(raw.replace(b"\r\n", b"\n"))
        os.chown(path, self.uid, self.gid)
        if arrived is not None:
            stamp = arrived.timestamp()
            os.utime(path, (stamp, stamp))
        return path

    def flags(self) -> list[str]:
        """The maildir flags of every message (":2,S" means seen)."""
        out = []
        for sub in ("cur", "new"):
            for path in sorted((self.maildir / sub).iterdir()):
                out.append(path.name.partition(":2,")[2])
        return out


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@contextmanager
def imap_server(*, port: int = 0, user: str = USER, password: str = PASSWORD) -> Iterator[ImapServer]:
    """Dovecot on 127.0.0.1 over IMAPS (on `port`, 0: a free one) with plain-text login (inside
    TLS) of one user, serving a maildir in a fresh folder. Run as root, mail is owned by the
    `dovecot` user (Dovecot refuses uid 0 for mail); otherwise everything runs as the current user."""
    binary = dovecot_binary()
    assert binary is not None
    root = Path(tempfile.mkdtemp(prefix="ba-imap-"))
    process = None
    try:
        os.chmod(root, 0o755)
        if os.geteuid() == 0:
            account = pwd.getpwnam("dovecot")
            uid, gid = account.pw_uid, account.pw_gid
            users = ""
        else:
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            import grp

            group = grp.getgrgid(gid).gr_name
            users = (
                f"default_internal_user = {me}\ndefault_internal_group = {group}\ndefault_login_user = {me}\n"
            )
        cert, key = make_cert(root, "imap")
        maildir = root / "Maildir"
        home = root / "home"
        for folder in (maildir, maildir / "cur", maildir / "new", maildir / "tmp", home):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, uid, gid)
        (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
        port = _listen_port(port)
        config = root / "dovecot.conf"
        config.write_text(
            f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{maildir}
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
"""
        )
        process = subprocess.Popen(
            [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"dovecot exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
                )
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("dovecot did not listen")
        yield ImapServer(port=port, cafile=cert, root=root, maildir=maildir, uid=uid, gid=gid)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


# --- saved broker replies -------------------------------------------------------------------------


def reply_message(
    *,
    sender: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    attachment: tuple[str, str, bytes] | None = None,
    date: dt.datetime | None = None,
    html: str = "",
    auth: str | None = "dmarc=pass",
    to: str = USER,
) -> bytes:
    """A reply as a broker's mail system would send it, as the user's provider delivers it: with
    its Authentication-Results on top (`auth`: the results it found, for the From domain; None:
    the provider added none)."""
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage(policy=SMTP)
    domain = sender.rpartition("@")[2].rstrip(">") or "example.com"
    if auth is not None:
        msg["Authentication-Results"] = f"{AUTHSERV_ID}; {auth} header.from={domain}"
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(date or dt.datetime(2026, 1, 8, 15, 0, tzinfo=dt.UTC))
    msg["Message-ID"] = email.utils.make_msgid(domain=domain)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        name, ctype, data = attachment
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def tiny_pdf(text: str) -> bytes:
    """A real one-page PDF holding `text` (made with reportlab, as a broker's report might be)."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
