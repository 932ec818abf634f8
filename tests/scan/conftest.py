"""A real HTTP server on 127.0.0.1 serving saved fixture pages, and a vault with the demo profile."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from broker_audit.profile import load_profile_file
from broker_audit.services.access import VaultAccess
from broker_audit.services.vaults import init_vault

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
ROOT = HERE.parents[1]
DEMO = ROOT / "examples" / "demo-profile.toml"
PASSPHRASE = "correct horse battery staple"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    user_agent: str
    cookie: str


@dataclass
class Server:
    url: str
    routes: dict[str, Answer]
    seen: list[Seen] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


@contextlib.contextmanager
def serve() -> Iterator[Server]:
    state = Server("", {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append(
                Seen(self.path, self.headers.get("User-Agent", ""), self.headers.get("Cookie", ""))
            )
            answer = state.routes.get(self.path) or Answer(404, b"not found", "text/plain")
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


@pytest.fixture
def make_server() -> Iterator[Callable[[], Server]]:
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(serve())


@pytest.fixture
def vault(tmp_path: Path) -> VaultAccess:
    path = tmp_path / "vault" / "vault.db"
    init_vault(path, load_profile_file(DEMO), passphrase=PASSPHRASE, use_keyring=False)
    return VaultAccess(path=path, passphrase=lambda: PASSPHRASE, use_keyring=False)
