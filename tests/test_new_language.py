"""A new language is a new catalog file and nothing else (issue 24): a copy of the package with
one more compiled catalog speaks it (`--lang`, the help's list of languages, its words), and a
language with no catalog is still refused."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

PACKAGE = Path(__file__).resolve().parents[1] / "broker_audit"

FRENCH = {
    "Show this message and exit.": "Afficher ce message et quitter.",
    "Options": "Options (fr)",
    "Commands": "Commandes",
    "Usage: ": "Utilisation : ",
    "Browse the registry of data brokers.": "Parcourir le registre des courtiers en données.",
}


def _with_french(tmp_path: Path) -> Path:
    root = tmp_path / "broker_audit"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    catalog = Catalog(locale="fr", domain="broker_audit")
    for english, french in FRENCH.items():
        catalog.add(english, french)
    folder = root / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    (folder / "broker_audit.mo").write_bytes(buffer.getvalue())
    return tmp_path


def _run(top: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "BROKER_AUDIT_LANG"))}
    env |= {"PYTHONPATH": str(top), "COLUMNS": "120", "BROKER_AUDIT_VAULT": str(top / "v" / "vault.db")}
    return subprocess.run(
        [sys.executable, "-m", "broker_audit", *args], capture_output=True, text=True, env=env, cwd=top
    )


def test_a_catalog_file_is_a_new_language(tmp_path: Path) -> None:
    top = _with_french(tmp_path)
    shown = _run(top, "--lang", "fr", "--help")
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "Afficher ce message et quitter." in text
    assert "Parcourir le registre des courtiers en données." in text
    assert "Commandes" in text
    # a message the catalog does not hold stays English, never empty
    assert "Manage the encrypted vault and its keys." in text
    # the help's own list of languages names it
    english = " ".join(_run(top, "--help").stdout.split())
    assert "one of en, es, fr" in english
    # the same tree without the catalog does not speak it
    shutil.rmtree(top / "broker_audit" / "locale" / "fr")
    plain = _run(top, "--lang", "fr", "--help")
    assert "Afficher ce message" not in plain.stdout
    assert "--lang 'fr' is not a language broker-audit speaks (en, es)" in plain.stderr
