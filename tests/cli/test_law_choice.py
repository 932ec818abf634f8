"""The law a letter cites is checked: in force on the letter's date, of the requester's state;
Californians are pointed to DROP; a limited right is claimed only as far as its statute goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner


@pytest.fixture
def coloradan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--profile", str(DEMO)])[0] == 0
    return tmp_path


def person_of(tmp_path: Path, state: str, city: str = "Springfield", zip_code: str = "00000") -> Path:
    text = DEMO.read_text().replace('state = "CO"\n\n[[addresses]]', f'state = "{state}"\n\n[[addresses]]', 1)
    profile = tmp_path / f"{state}.toml"
    profile.write_text(text)
    return profile


def test_law_not_yet_in_force_is_refused(coloradan: Path, cli: Runner) -> None:
    code, out, err = cli(["request", "equifax", "--law", "ok-ocdpa", "--out", str(coloradan / "l")])
    assert code == 1 and "is not in force until 2027-01-01" in err
    assert not (coloradan / "l").exists()


def test_law_of_another_state_is_refused(coloradan: Path, cli: Runner) -> None:
    code, out, err = cli(["request", "equifax", "--law", "tx-tdpsa", "--out", str(coloradan / "l")])
    assert code == 1 and "gives rights to residents of TX" in err and "you live in CO" in err
    code, out, err = cli(["request", "equifax", "--law", "co-cpa", "--out", str(coloradan / "l"), "--json"])
    assert code == 0, err


def test_moved_requester_is_warned(coloradan: Path, cli: Runner) -> None:
    assert cli(["profile", "edit", "--state", "TX"])[0] == 0
    code, out, err = cli(["request", "equifax", "--out", str(coloradan / "l"), "--json"])
    assert code == 0, err
    assert "your profile says you live in TX but your current address is in CO" in err
    assert data(out)["letters"][0]["law"] == "tx-tdpsa"


def test_californians_are_pointed_to_drop(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--profile", str(person_of(tmp_path, "CA"))])[0] == 0
    code, out, err = cli(["request", "equifax", "--kind", "delete", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    made = data(out)
    (note,) = [n for n in made["notes"] if "DROP" in n]  # (another says answers come by e-mail)
    assert "Delete Request and Opt-out Platform (DROP) (https://privacy.ca.gov/drop/)" in note
    assert "does not give you a copy of your data" in note and "not registered data brokers" in note
    # The CCPA's deletion right reaches only what the business collected from the consumer:
    # the letter claims that, and asks for the rest as a request.
    text = " ".join(
        Path(next(f for f in made["letters"][0]["files"] if f.endswith(".txt"))).read_text().split()
    )
    # 1798.105(a)'s wording was read only as quotations: the letter cites the Act, not the section
    # (rule L008), claims no scope of its own, and asks for everything as a request.
    assert "under the California Consumer Privacy Act" in text and "(Cal. Civ. Code 1798.100 et seq.)" in text
    assert "1798.105" not in text
    assert "as far as it gives me the right" in text
    assert "as a request and not as a claim under the Act, that you delete all personal data you hold" in text
    code, out, err = cli(["audit", "--json"])
    assert code == 0, err
    actions = data(out)["next_actions"]
    assert any("https://privacy.ca.gov/drop/" in a["text"] for a in actions)


def test_utah_deletion_and_opt_out_claim_only_their_scope(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Utah Code 13-61-201(2): deletion of data the consumer provided; (5): opt-out of targeted
    advertising and sale only. The letters say so, and ask for the rest as a request."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-11-25")
    assert cli(["init", "--passphrase", "--profile", str(person_of(tmp_path, "UT"))])[0] == 0
    code, out, err = cli(
        [
            "request",
            "equifax",
            "--kind",
            "delete,opt-out",
            "--out",
            str(tmp_path / "l"),
            "--format",
            "txt",
            "--json",
        ]
    )
    assert code == 0, err
    texts = {x["kind"]: " ".join(Path(x["files"][0]).read_text().split()) for x in data(out)["letters"]}
    delete, opt_out = texts["delete"], texts["opt-out"]
    assert "Utah Code 13-61-201(2), I request that you delete the personal data I provided to you." in delete
    assert "delete all personal data" not in delete.split("as a request")[0]
    assert "that you delete all other personal data you hold about me" in delete
    assert (
        "I opt out of the processing of my personal data for targeted advertising and the sale of "
        "my personal data" in opt_out
    )
    assert "profiling" not in opt_out.split("as a request")[0]


def test_fcra_disclosure_goes_only_to_consumer_reporting_agencies(coloradan: Path, cli: Runner) -> None:
    """15 U.S.C. 1681g binds consumer reporting agencies only: a broker not recorded as one (with
    a source) is refused with the way to ask it instead; nothing is written or logged."""
    out_dir = coloradan / "l"
    code, out, err = cli(["request", "venntel", "--kind", "fcra-disclosure", "--out", str(out_dir)])
    assert code == 1
    assert "Venntel is not recorded as a consumer reporting agency" in err
    assert "broker-audit request venntel --kind access" in err
    code, out, err = cli(
        ["request", "venntel", "spokeo", "equifax", "--kind", "fcra-disclosure", "--out", str(out_dir)]
    )
    assert code == 1 and "venntel, spokeo" in err and "equifax" not in err.split("them:")[1]
    assert not out_dir.exists()
    assert data(cli(["status", "--json"])[1]) == []
    code, out, err = cli(["request", "equifax", "--kind", "fcra-disclosure", "--out", str(out_dir), "--json"])
    assert code == 0, err
    assert data(out)["letters"][0]["law"] == "us-fcra"
