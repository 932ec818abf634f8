"""`registry update` against a real HTTP server on 127.0.0.1, never the internet."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from clijson import data

from broker_audit.registry.fetch import USER_AGENT, FetchError, download
from broker_audit.registry.merge import load_imported
from broker_audit.services.registry import update_registry

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "registries" / "cppa-2025-sample.csv"
TODAY = dt.date(2026, 11, 25)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/csv; charset=utf-8"
    delay: float = 0.0


@dataclass
class Server:
    url: str
    routes: dict[str, list[Answer]]
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, user agent)


@pytest.fixture
def server() -> Iterator[Server]:
    routes: dict[str, list[Answer]] = {}
    state = Server("", routes)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            state.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
            queue = routes.get(self.path) or [Answer(404, b"not found", "text/plain")]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if with_body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

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


def test_update_downloads_and_imports(server: Server, tmp_path: Path) -> None:
    server.routes["/registry.csv"] = [Answer(body=FIXTURE.read_bytes())]
    into = tmp_path / "imported.json"
    result = update_registry(today=TODAY, url=server.url + "/registry.csv", into=into, backoff=0)
    assert result.rows == 30 and result.brokers == 30 and result.attempts == 1
    assert result.file == server.url + "/registry.csv" and result.downloaded_bytes == FIXTURE.stat().st_size
    assert server.seen[0][2] == USER_AGENT == "broker-audit/0.1 (+registry update)"
    stored = load_imported(into)
    assert len(stored.broker) == 30 and stored.imports[0].form == "cppa"
    # Facts are sourced to the official registry page, not to wherever the file came from.
    assert stored.broker[0].sources[0].url == "https://cppa.ca.gov/data_broker_registry/"


def test_server_error_then_success_is_retried(server: Server, tmp_path: Path) -> None:
    server.routes["/registry.csv"] = [
        Answer(500, b"oops", "text/plain"),
        Answer(503, b"busy", "text/plain"),
        Answer(body=FIXTURE.read_bytes()),
    ]
    waits: list[float] = []
    got = download(
        server.url + "/registry.csv", tmp_path / "r.csv", retries=3, backoff=0.5, sleep=waits.append
    )
    assert got.attempts == 3 and waits == [0.5, 1.0]  # exponential backoff
    assert (tmp_path / "r.csv").read_bytes() == FIXTURE.read_bytes()


def test_persistent_server_error_is_a_clear_error(server: Server, tmp_path: Path) -> None:
    server.routes["/registry.csv"] = [Answer(502, b"bad gateway", "text/plain")]
    with pytest.raises(FetchError) as caught:
        download(server.url + "/registry.csv", tmp_path / "r.csv", retries=2, backoff=0)
    assert "failed after 3 attempts" in caught.value.message and "502" in caught.value.message
    assert len(server.seen) == 3
    assert not (tmp_path / "r.csv").exists()


def test_timeout_is_a_clear_error(server: Server, tmp_path: Path) -> None:
    server.routes["/slow.csv"] = [Answer(body=FIXTURE.read_bytes(), delay=1.0)]
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        download(server.url + "/slow.csv", tmp_path / "r.csv", timeout=0.2, retries=1, backoff=0)
    assert "no answer within 0.2 seconds" in caught.value.message
    assert "registry import" in (caught.value.hint or "")
    assert time.monotonic() - started < 5


def test_web_page_instead_of_csv_is_a_clear_error(server: Server, tmp_path: Path) -> None:
    server.routes["/registry.csv"] = [
        Answer(body=b"<!DOCTYPE html><html><body>We moved</body></html>", content_type="text/html")
    ]
    with pytest.raises(FetchError) as caught:
        download(server.url + "/registry.csv", tmp_path / "r.csv", retries=0)
    assert "web page" in caught.value.message and "--url" in (caught.value.hint or "")
    server.routes["/api"] = [Answer(body=b'{"error": "gone"}', content_type="application/json")]
    with pytest.raises(FetchError) as caught:
        download(server.url + "/api", tmp_path / "r.csv", retries=0)
    assert "does not look like a CSV" in caught.value.message


def test_not_found_is_not_retried(server: Server, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        download(server.url + "/missing.csv", tmp_path / "r.csv", retries=3, backoff=0)
    assert "404" in caught.value.message and len(server.seen) == 1


def test_cli_update(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from broker_audit.cli.app import main

    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    server.routes["/registry.csv"] = [Answer(body=FIXTURE.read_bytes())]
    server.routes["/page"] = [Answer(body=b"<html></html>", content_type="text/html")]
    into = tmp_path / "imported.json"

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run(
        ["registry", "update", "--url", server.url + "/registry.csv", "--into", str(into), "--json"]
    )
    assert code == 0, err
    assert data(out)["brokers"] == 30
    code, out, err = run(
        ["registry", "update", "--url", server.url + "/page", "--into", str(into), "--retries", "0"]
    )
    assert code == 1 and "error:" in err and "web page" in err and out == ""
    assert "Traceback" not in err
