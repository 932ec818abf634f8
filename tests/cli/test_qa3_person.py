"""Defects found by using broker-audit as a Denver resident whose jail booking is resold to
immigration enforcement would (QA pass 3), each with the test that failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner, demo_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    return demo_vault(cli, tmp_path, monkeypatch, "2026-12-07")


def _references(folder: Path) -> dict[str, str]:
    """Each letter's file name and the reference it states."""
    out = {}
    for path in folder.glob("*.txt"):
        found = re.search(r"^Reference: (BA-\w+)$", path.read_text(encoding="utf-8"), re.M)
        assert found, path
        out[path.name] = found.group(1)
    return out


def test_requesting_an_unreachable_broker_again_writes_no_second_complaint(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """Appriss Insights has no route: `request appriss` writes #1 (to its parent, Equifax) and #2
    (the complaint to the Colorado Attorney General). Run again, the letter to Equifax was left
    out as a repeat of #1, but a second complaint was written, citing a reference no letter
    carries. Now the open complaint #2 is a repeat too: nothing new is written."""
    out_dir = tmp_path / "l"
    args = ["request", "appriss", "--kind", "access", "--out", str(out_dir), "--format", "txt"]
    code, _, err = cli(args)
    assert code == 0, err
    assert sorted(_references(out_dir)) == [
        "2026-12-07-appriss-insights-unreachable-2.txt",
        "2026-12-07-equifax-access-1.txt",
    ]
    code, out, err = cli(args)
    assert code == 0, err
    assert "#3" not in out
    assert "an open unreachable request to Appriss Insights exists: #2" in err
    assert len(_references(out_dir)) == 2
    code, out, _ = cli(["status", "--json"])
    assert [row["id"] for row in data(out)] == [1, 2]


def test_a_new_complaint_cites_the_open_request_to_the_parent_not_an_unwritten_letter(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """#1 access to Equifax (for Appriss Insights) stays open; the complaint #2 is withdrawn.
    `request appriss --kind access,delete` writes #3 (delete, to Equifax) and a new complaint
    #4; the access letter is not written again (#1 is open), so the complaint must name #1's
    reference for it, and #3's for the deletion."""
    out_dir = tmp_path / "l"
    first = ["request", "appriss", "--kind", "access", "--out", str(out_dir), "--format", "txt"]
    assert cli(first)[0] == 0
    assert cli(["mark", "2", "withdrawn"])[0] == 0
    code, _, err = cli(
        ["request", "appriss", "--kind", "access,delete", "--out", str(out_dir), "--format", "txt"]
    )
    assert code == 0, err
    refs = _references(out_dir)
    access = refs["2026-12-07-equifax-access-1.txt"]
    delete = refs["2026-12-07-equifax-delete-3.txt"]
    complaint = (out_dir / "2026-12-07-appriss-insights-unreachable-4.txt").read_text(encoding="utf-8")
    cited = re.findall(r"reference (BA-\w+),", complaint)
    assert cited == [access, delete]
