"""A small hostile IMAP server on 127.0.0.1 (IMAPS, a certificate made by the test) that speaks
just enough IMAP4rev1 for `inbox` and then misbehaves as told: announces a message as 1 kB and
sends 100 MB, sends a message one byte at a time, or answers with parentheses nested too deeply
for a recursive parser. Messages before the bad one are served honestly, so the test can check
that what was read is kept."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mailservers import HOST, free_port, make_cert

HEADER_NAMES = ("from", "subject", "message-id", "in-reply-to", "references", "content-type")


@dataclass
class Hostile:
    """What the server holds and how it lies about message `bad_uid`."""

    messages: list[bytes]  # UID n is messages[n - 1]
    bad_uid: int = 0
    mode: str = ""  # "lying-size", "slow", "deep-parens", "slow-greeting"
    drip_seconds: float = 0.2  # "slow": the pause between two bytes
    port: int = 0
    cafile: Path | None = None
    sent_bytes: int = 0  # of the bad message's literal, before the client hung up
    commands: list[str] = field(default_factory=list)


def _headers_of(raw: bytes) -> bytes:
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    out, keep = [], False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if keep:
                out.append(line)
            continue
        keep = line.split(b":", 1)[0].strip().lower().decode("latin-1") in HEADER_NAMES
        if keep:
            out.append(line)
    return b"\r\n".join(out) + b"\r\n\r\n"


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class _Session:
    def __init__(self, conn: ssl.SSLSocket, spec: Hostile) -> None:
        self.conn, self.spec = conn, spec
        self.reader = conn.makefile("rb")

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def run(self) -> None:
        spec = self.spec
        if spec.mode == "slow-greeting":
            for byte in b"* OK ready\r\n":
                self.send(bytes([byte]))
                time.sleep(spec.drip_seconds)
        else:
            self.send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile test server ready\r\n")
        while True:
            line = self.reader.readline()
            if not line:
                return
            words = line.decode("latin-1").rstrip("\r\n").split(" ")
            tag, command = words[0], (words[1] if len(words) > 1 else "").upper()
            spec.commands.append(command)
            if command == "CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag.encode() + b" OK done\r\n")
            elif command == "LOGIN":
                self.send(tag.encode() + b" OK [CAPABILITY IMAP4rev1] logged in\r\n")
            elif command in ("EXAMINE", "SELECT"):
                n = len(spec.messages)
                self.send(
                    f"* {n} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] ok\r\n"
                    f"{tag} OK [READ-ONLY] done\r\n".encode()
                )
            elif command == "UID" and len(words) > 2 and words[2].upper() == "SEARCH":
                uids = (
                    ""
                    if "TEXT" in line.decode("latin-1").upper()
                    else " ".join(str(i) for i in range(1, len(spec.messages) + 1))
                )
                self.send(f"* SEARCH {uids}\r\n{tag} OK done\r\n".encode())
            elif command == "UID" and len(words) > 2 and words[2].upper() == "FETCH":
                if not self.fetch(tag, line):
                    return
            elif command == "LOGOUT":
                self.send(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
                return
            else:
                self.send(tag.encode() + b" OK done\r\n")

    def _uids(self, text: str) -> list[int]:
        out: list[int] = []
        for piece in text.split(","):
            if ":" in piece:
                a, b = piece.split(":")
                out += range(int(a), int(b) + 1)
            else:
                out.append(int(piece))
        return [u for u in out if 1 <= u <= len(self.spec.messages)]

    def fetch(self, tag: str, line: bytes) -> bool:
        spec = self.spec
        text = line.decode("latin-1")
        uids = self._uids(text.split(" ")[3])
        whole = "BODY.PEEK[]" in text.upper()
        for seq, uid in enumerate(uids, start=1):
            raw = _crlf(spec.messages[uid - 1])
            bad = uid == spec.bad_uid
            size = 1024 if bad and spec.mode == "lying-size" else len(raw)
            if not whole:
                head = _headers_of(raw)
                item = b'BODY[HEADER.FIELDS ("FROM" "SUBJECT")]<0>'
                if bad and spec.mode == "deep-parens":
                    nested = b"(" * 5000 + b"x" + b")" * 5000
                    self.send(b"* %d FETCH (UID %d X-JUNK %s)\r\n" % (seq, uid, nested))
                    continue
                self.send(
                    b'* %d FETCH (UID %d RFC822.SIZE %d INTERNALDATE "07-Dec-2026 10:00:00 +0000" %s {%d}\r\n'
                    % (seq, uid, size, item, len(head))
                    + head
                    + b")\r\n"
                )
                continue
            if bad and spec.mode == "lying-size":
                total = 100 * 1024 * 1024
                self.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (seq, uid, total))
                chunk = b"x" * 65536
                try:
                    while spec.sent_bytes < total:
                        self.send(chunk)
                        spec.sent_bytes += len(chunk)
                except OSError:
                    return False  # the client hung up: good
                self.send(b")\r\n")
                continue
            if bad and spec.mode == "slow":
                self.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (seq, uid, len(raw)))
                try:
                    for byte in raw:
                        self.send(bytes([byte]))
                        spec.sent_bytes += 1
                        time.sleep(spec.drip_seconds)
                except OSError:
                    return False
                self.send(b")\r\n")
                continue
            self.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (seq, uid, len(raw)) + raw + b")\r\n")
        self.send(tag.encode() + b" OK done\r\n")
        return True


@contextlib.contextmanager
def hostile_imap(folder: Path, spec: Hostile) -> Iterator[Hostile]:
    cert, key = make_cert(folder, "hostile-imap")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    spec.port, spec.cafile = free_port(), cert
    listener = socket.create_server((HOST, spec.port))
    listener.settimeout(0.2)
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def serve_one(conn: socket.socket) -> None:
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                _Session(tls, spec).run()
        except (OSError, ssl.SSLError, ValueError):
            pass

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=serve_one, args=(conn,), daemon=True)
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield spec
    finally:
        stop.set()
        listener.close()
        acceptor.join(5)
