"""`broker-audit audit` end to end: answers stored in the vault, JSON, and the HTML report
rendered by a real headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from clijson import data

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.toml"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    assert (
        cli(["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"])[0]
        == 0
    )
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    return tmp_path


def test_answers_are_stored_and_json_lists_sources(
    vault: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = cli(["audit", "--answer", "booked_in_jail=yes", "--json"])
    assert code == 0, err
    report = data(out)
    assert report["answers"]["booked_in_jail"] is True
    assert {b["id"] for b in report["brokers"][:2]} == {"appriss-insights", "lexisnexis-risk-solutions"}
    assert all(r["source"].startswith("http") for r in report["brokers"][0]["reasons"])
    lexis = next(b for b in report["brokers"] if b["id"] == "lexisnexis-risk-solutions")
    assert lexis["requests"][0]["state"] == "sent"
    # the next run remembers the answers without asking
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-03-01")
    code, out, err = cli(["audit", "--json"])
    again = data(out)
    assert again["answers"]["booked_in_jail"] is True
    lexis = next(b for b in again["brokers"] if b["id"] == "lexisnexis-risk-solutions")
    assert lexis["requests"][0]["overdue"] is True
    assert again["next_actions"][0]["command"] == "broker-audit followup"


def test_html_report_renders_in_headless_chromium(vault: Path, cli: Any) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    html = vault / "audit.html"
    code, _, err = cli(["audit", "--answer", "booked_in_jail=yes", "--html", str(html)])
    assert code == 0, err
    text = html.read_text()
    assert "<script" not in text and 'http-equiv="Content-Security-Policy"' in text
    assert oct(html.stat().st_mode & 0o777) == "0o600"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={vault / 'chromium-profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Appriss Insights" in dom.stdout and "LexisNexis Risk Solutions" in dom.stdout
    assert "Progress:" in dom.stdout and "<svg" in dom.stdout
    shot = vault / "audit.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1000,1400", html.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists() and shot.stat().st_size > 10_000  # a real rendered page, not blank
