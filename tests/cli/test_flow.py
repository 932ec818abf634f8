"""The individual's whole path through the real CLI: init -> request -> mark -> status -> show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clijson import data
from cliutil import DEMO, Runner
from pypdf import PdfReader

from broker_audit.registry.load import shipped_registry

PASS = "correct horse battery staple"


@pytest.fixture
def vault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "vault" / "vault.db"
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(path))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASS)
    return path


def test_init_request_mark_status_show(
    vault_env: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = cli(["init", "--passphrase", "--profile", str(DEMO), "--json"])
    assert code == 0, err
    created = data(out)
    assert created["slots"] == ["passphrase", "recovery"]
    assert len(created["recovery_key"].replace("-", "")) >= 26
    assert oct(vault_env.stat().st_mode & 0o777) == "0o600"
    assert oct(vault_env.parent.stat().st_mode & 0o777) == "0o700"

    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    out_dir = tmp_path / "letters"
    # LexisNexis by mail: the Consumer Center box it filed with California for consumer requests,
    # with a state-neutral attention line for a Coloradan (not the filing's CCPA one).
    code, out, err = cli(
        [
            "request",
            "lexisnexis",
            "--kind",
            "access",
            "--via",
            "mail",
            "--out",
            str(out_dir),
            "--format",
            "pdf,txt,eml,html",
            "--json",
        ]
    )
    assert code == 0, err
    first = data(out)["letters"][0]
    assert (first["broker"], first["kind"], first["law"], first["channel"]) == (
        "lexisnexis-risk-solutions",
        "access",
        "co-cpa",
        "mail",
    )
    assert first["also"] == []  # --via mail: the letter only, no sheet beside it
    assert "listed for residents of CA" not in err
    pdf = next(Path(f) for f in first["files"] if f.endswith(".pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert "María José Núñez Nguyễn" in flat
    assert "Colorado Privacy Act" in flat and "C.R.S. 6-1-1306(1)(b)" in flat
    assert "within 45 days of receiving this request" in flat
    broker = shipped_registry().get("lexisnexis-risk-solutions")
    mail = next(r for r in broker.routes if r.channel == "mail" and not r.only_for and not r.states)
    assert mail.postal is not None and mail.door == "request-channel"
    assert mail.postal.street == ["P.O. Box 105108"]  # as filed; the window prints USPS's "PO Box"
    assert "Consumer Center, Attn: Consumer privacy" in flat
    assert "PO Box 105108" in flat and "Atlanta, GA 30348-5295" in flat
    assert "California Consumer Privacy Act" not in flat
    assert "the address you gave" not in flat
    assert "Social Security number" in flat  # says why it is not sent
    txt = next(Path(f) for f in first["files"] if f.endswith(".txt")).read_text()
    assert "{{" not in txt and "6-1-1306" in txt
    # Without --via: LexisNexis by the same box, with its portal's sheet beside the letter (never
    # the registry's contact e-mail). Appriss (VINE) names no door at all: a letter to its parent,
    # Equifax, through Equifax's own request form, and a complaint to the Colorado AG.
    code, out, err = cli(
        ["request", "lexisnexis", "VINE", "--kind", "delete", "--out", str(out_dir), "--json"]
    )
    assert code == 0, err
    made = data(out)
    assert [(x["broker"], x["kind"], x["channel"]) for x in made["letters"]] == [
        ("lexisnexis-risk-solutions", "delete", "mail"),
        ("equifax", "delete", "web-form"),
        ("appriss-insights", "unreachable", "web-form"),
    ]
    lexis, parent, complaint = made["letters"]
    assert "P.O. Box 105108" in lexis["send_to"]
    assert lexis["also"] == ["web-form: https://consumer.risk.lexisnexis.com/"]
    assert any(f.endswith("-web-form.pdf") for f in lexis["files"])
    assert parent["send_to"] == "https://www.equifax.com/personal/my-privacy/"
    assert "coag.gov/file-complaint" in complaint["send_to"]
    assert made["no_route"] == []
    pasted = next(Path(f) for f in parent["files"] if f.endswith(".txt")).read_text()
    assert "I could find no way to reach Appriss Insights" in " ".join(pasted.split())  # no unsourced "LLC"

    code, out, err = cli(["status", "--json"])
    rows = data(out)
    assert [r["state"] for r in rows] == ["drafted"] * 4
    assert rows[1]["routes"] == [f"mail: {mail.address()}", "web-form: https://consumer.risk.lexisnexis.com/"]
    assert rows[2]["broker_name"] == "Equifax (for Appriss Insights)"
    assert all(r["sent"] is None and r["due"] is None for r in rows)

    code, out, err = cli(
        [
            "mark",
            "1",
            "sent",
            "--via",
            "mail",
            "--tracking",
            "9407",
            "--on",
            "2026-01-05",
            "--note",
            "certified",
        ]
    )
    assert code == 0, err
    # mailed January 5; until the receipt is known, it is estimated 7 days later: due February 26
    assert "due ~2026-02-26 (estimated" in out
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-09")  # the return receipt came back
    code, out, err = cli(["mark", "1", "delivered", "--on", "2026-01-08"])
    assert code == 0 and "due 2026-02-22" in out, out  # 45 days from receipt (6-1-1306(2)(a))

    code, out, err = cli(["mark", "2", "fulfilled"])
    assert code == 1
    assert "request 2 is drafted; it cannot become fulfilled" in err
    assert "Traceback" not in err

    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-02-25")
    code, out, err = cli(["status", "--json", "--overdue"])
    overdue = data(out)
    assert [(r["id"], r["sent"], r["delivered"], r["due"], r["overdue"]) for r in overdue] == [
        (1, "2026-01-05", "2026-01-08", "2026-02-22", True)
    ]

    code, out, err = cli(["mark", "1", "extended", "--on", "2026-02-10"])
    assert code == 0 and "due 2026-04-08" in out

    code, out, err = cli(["show", "1", "--json"])
    shown = data(out)
    assert [h["state"] for h in shown["history"]] == ["sent", "delivered", "extended"]
    assert shown["history"][0]["tracking"] == "9407"
    assert shown["history"][0]["note"] == "certified"
    # The text says the letter's own date (2026-01-05, what the letter says) and when it was logged
    # (the real clock: BROKER_AUDIT_TODAY dates letters, never the log).
    code, out, err = cli(["show", "1"])
    logged = shown["created"][:10]
    assert code == 0 and f"drafted 2026-01-05 (logged {logged})" in out, out
    assert "2026-01-05 │ drafted" in out

    code, out, err = cli(["status"])
    assert code == 0 and "Núñez" not in out  # the table shows requests, not the requester


def test_web_form_only_broker_gets_a_submission_sheet_and_no_false_sent(
    vault_env: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fog Data Science can only be reached through a web form (read on a weak copy, listed for
    Californians): the artefact is a one-page sheet with the form's URL and the text to paste, not
    a letter with a URL in an envelope window; and it cannot be marked sent by mail."""
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-01-05")
    code, out, err = cli(
        ["request", "fog-data-science", "--kind", "delete", "--out", str(tmp_path / "l"), "--json"]
    )
    assert code == 0, err
    letter = data(out)["letters"][0]
    assert letter["channel"] == "web-form" and letter["send_to"] == "https://www.fogdatascience.com/opt-out"
    assert "weak source" in err
    pdf = next(Path(f) for f in letter["files"] if f.endswith(".pdf"))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    flat = " ".join(reader.pages[0].extract_text().split())
    assert flat.startswith("María José Núñez Nguyễn") or "Web form sheet" in flat
    assert "Web form sheet" in flat and "https://www.fogdatascience.com/opt-out" in flat
    assert "Text to paste" in flat and "What not to give it" in flat
    assert "Colorado Privacy Act" in flat  # the request itself is in the text to paste
    # nothing sits in the envelope window: the recipient block is empty
    from broker_audit.letters.pdf import address_block

    window_text = flat.split("Web form sheet")[0]
    assert "fogdatascience" not in window_text
    assert address_block(()).lines == ()
    code, out, err = cli(["mark", str(letter["id"]), "sent", "--via", "mail"])
    assert code == 1 and "has no mail route" in err and "web-form" in err
    assert data(cli(["show", str(letter["id"]), "--json"])[1])["state"] == "drafted"
    code, out, err = cli(["mark", str(letter["id"]), "sent", "--via", "web-form"])
    assert code == 0, err


def test_wrong_passphrase_exit_3_one_line(
    vault_env: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "not the passphrase")
    code, out, err = cli(["status"])
    assert code == 3
    assert err.startswith("error: wrong passphrase")
    assert "Traceback" not in err


def test_unknown_broker_exit_1_with_suggestion(vault_env: Path, cli: Runner) -> None:
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(["request", "apriss", "--kind", "access"])
    assert code == 1
    assert "unknown broker 'apriss'" in err and "appriss-insights" in err


def test_missing_profile_field_names_field_and_command(vault_env: Path, tmp_path: Path, cli: Runner) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('name = "Ana Pérez"\nstate = "CA"\n')
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    code, out, err = cli(["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l")])
    assert code == 1
    assert "the profile has no address" in err
    assert "broker-audit profile edit" in err
    assert not (tmp_path / "l").exists() or not any((tmp_path / "l").iterdir())


def test_state_without_law_cites_no_statute(vault_env: Path, tmp_path: Path, cli: Runner) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(
        DEMO.read_text().replace('state = "CO"\n\n[[addresses]]', 'state = "WY"\n\n[[addresses]]', 1)
    )
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    code, out, err = cli(
        ["request", "appriss", "--kind", "delete", "--out", str(tmp_path / "l"), "--format", "txt", "--json"]
    )
    assert code == 0, err
    # Appriss names no door: a letter to its parent, Equifax, asking it to forward the request; no
    # complaint, since no complaint office is known for a state without a privacy law.
    assert [(x["broker"], x["kind"], x["law"]) for x in data(out)["letters"]] == [
        ("equifax", "delete", "none")
    ]
    code, out, err = cli(
        [
            "request",
            "equifax",
            "--kind",
            "delete",
            "--again",
            "--out",
            str(tmp_path / "l"),
            "--format",
            "txt",
            "--json",
        ]
    )
    assert code == 0, err
    letter = data(out)["letters"][0]
    assert letter["law"] == "none"
    text = Path(letter["files"][0]).read_text()
    for word in ("C.R.S.", "Civ. Code", "U.S.C.", "Privacy Act", "requires you"):
        assert word not in text
    assert "cites no statute" in err
    code, out, err = cli(
        ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0 and "may refuse requests from your state" in err


def test_unexpected_error_leaks_nothing(
    vault_env: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    import broker_audit.services as services

    def boom(*args: object, **kwargs: object) -> None:
        profile = services.show_profile  # noqa: F841 - a local holding personal data nearby
        secret = f"{PASS} María José Núñez Nguyễn 1550 Calle Ñandú"  # noqa: F841
        raise RuntimeError(f"failed for María José Núñez Nguyễn at 1550 Calle Ñandú ({PASS})")

    monkeypatch.setattr(services, "status_report", boom)
    code, out, err = cli(["status"])
    assert code == 1
    for leak in ("Núñez", "Ñandú", PASS, "Traceback"):
        assert leak not in err and leak not in out
    assert "--debug" in err


def test_vault_forget_needs_confirmation(vault_env: Path, cli: Runner) -> None:
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(["vault", "forget", "--confirm", "no"])
    assert code == 1 and vault_env.exists()
    code, out, err = cli(["vault", "forget", "--confirm", "forget"])
    assert code == 0 and not vault_env.exists()
    code, out, err = cli(["status"])
    assert code != 0 and "broker-audit init" in err


def _command_paths() -> list[list[str]]:
    """Every command and subcommand registered on the app, found by walking its tree."""
    import typer

    from broker_audit.cli.app import app

    paths: list[list[str]] = [[]]

    def walk(command: Any, prefix: list[str]) -> None:
        if not hasattr(command, "list_commands"):
            return
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):  # loads the lazily imported subcommands
            paths.append([*prefix, name])
            walk(command.get_command(ctx, name), [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_every_command_has_help_with_an_example() -> None:
    paths = _command_paths()
    assert ["bulk", "letters"] in paths and ["audit"] in paths  # the walk found the tree
    env = dict(os.environ, COLUMNS="200")
    for cmd in paths:
        proc = subprocess.run(
            [sys.executable, "-m", "broker_audit", *cmd, "--help"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, (cmd, proc.stderr)
        assert "Example" in proc.stdout, cmd


def test_lost_passphrase_is_replaced_with_the_recovery_key(vault_env: Path, cli: Runner) -> None:
    code, out, _ = cli(["init", "--passphrase", "--profile", str(DEMO), "--json"])
    recovery = data(out)["recovery_key"]
    env = dict(os.environ, BROKER_AUDIT_NEW_PASSPHRASE="a brand new passphrase")
    env.pop("BROKER_AUDIT_PASSPHRASE")
    proc = subprocess.run(
        [sys.executable, "-m", "broker_audit", "vault", "passwd", "--recovery"],
        input=recovery.lower().replace("-", " ") + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    env["BROKER_AUDIT_PASSPHRASE"] = "a brand new passphrase"
    shown = subprocess.run(
        [sys.executable, "-m", "broker_audit", "profile", "show", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert shown.returncode == 0 and "Núñez" in shown.stdout
    env["BROKER_AUDIT_PASSPHRASE"] = "correct horse battery staple"
    old = subprocess.run(
        [sys.executable, "-m", "broker_audit", "status"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert old.returncode == 3 and "vault passwd --recovery" in old.stderr


def test_profile_edit_and_own_templates(vault_env: Path, tmp_path: Path, cli: Runner) -> None:
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    code, out, err = cli(["profile", "edit", "--email", "new@example.org", "--state", "ca", "--json"])
    assert code == 0, err
    assert data(out)["email"] == "new@example.org" and data(out)["state"] == "CA"
    code, out, err = cli(["profile", "edit", "--state", "ZZ"])
    assert code == 1 and "not a US state code" in err
    assert data(cli(["profile", "show", "--json"])[1])["state"] == "CA"
    ours = tmp_path / "tpl"
    ours.mkdir()
    (ours / "delete.txt.j2").write_text(
        "Subject: Our clinic's deletion letter {{ reference }}\n\nPlease delete the data of "
        "{{ requester.name }} under the {{ law.name }}.\n"
    )
    code, out, err = cli(
        [
            "request",
            "spokeo",
            "--kind",
            "delete,access",
            "--templates",
            str(ours),
            "--out",
            str(tmp_path / "l"),
            "--format",
            "txt",
            "--json",
        ]
    )
    assert code == 0, err
    made = {x["kind"]: " ".join(Path(x["files"][0]).read_text().split()) for x in data(out)["letters"]}
    assert "Our clinic's deletion letter" in made["delete"]
    assert "California Consumer Privacy Act" in made["delete"]
    assert "Request to know" in made["access"]  # not overridden: ours
    evil = tmp_path / "evil"  # a new folder: templates are compiled once per folder and process
    evil.mkdir()
    (evil / "access.txt.j2").write_text("Subject: x\n\n{{ ''.__class__.__mro__ }}\n")
    code, out, err = cli(
        [
            *("request", "spokeo", "--kind", "access", "--again"),  # the access request above is open
            *("--templates", str(evil), "--out", str(tmp_path / "l2")),
        ]
    )
    assert code == 1 and "access.txt.j2" in err and "Traceback" not in err


def test_brokers_list_refuses_an_unknown_filter_value(cli: Runner) -> None:
    code, out, err = cli(["brokers", "list", "--sells-to", "ice"])
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: --sells-to 'ice' is not one of the recipients",
        "hint: did you mean immigration-enforcement? recipients: immigration-enforcement, law-enforcement, "
        "federal-government, corrections",
    ]
    code, out, err = cli(["brokers", "list", "--sells-to", "immigration-enforcement"])
    assert code == 0 and "lexisnexis-risk-solutions" in out and out.splitlines()[0].endswith(" brokers")
