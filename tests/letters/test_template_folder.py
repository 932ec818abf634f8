"""A templates folder can put nothing from outside itself into a letter (issue 12, item 1), and a
template cannot make a letter whose PDF layout runs without bound (item 10)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from broker_audit.letters import pdf, render
from broker_audit.letters.render import TemplateRefused, render_letter

from .helpers import RECIPIENT, SENDER, context


@pytest.fixture(autouse=True)
def fresh_environments() -> None:
    render._environment.cache_clear()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-7f3a")
    return path


@pytest.fixture
def tpl(tmp_path: Path) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir()
    return folder


def letter(templates_dir: Path, kind: str = "access") -> object:
    return render_letter(
        kind,
        context(),
        sender=SENDER,
        recipient=RECIPIENT,
        date=dt.date(2026, 1, 5),
        reference="BA-1",
        templates_dir=templates_dir,
    )


def _write(folder: Path, body: str, name: str = "access.txt.j2") -> None:
    (folder / name).write_text("Subject: Request\n\n" + body + "\n")


def test_include_through_a_link_to_the_root_is_refused(tpl: Path) -> None:
    """The reported attack: `ln -s / tpl/rootlink` and an include of /proc/self/environ."""
    os.symlink("/", tpl / "rootlink")
    _write(tpl, '{% include "rootlink/proc/self/environ" %}')
    with pytest.raises(TemplateRefused, match="symbolic link"):
        letter(tpl)


@pytest.mark.parametrize("how", ["include", "import", "extends"])
def test_a_link_to_a_file_outside_is_refused(tpl: Path, secret: Path, how: str) -> None:
    os.symlink(secret, tpl / "part.txt.j2")
    body = {
        "include": '{% include "part.txt.j2" %}',
        "import": '{% import "part.txt.j2" as p %}x',
        "extends": '{% extends "part.txt.j2" %}',
    }[how]
    _write(tpl, body)
    with pytest.raises(TemplateRefused, match="symbolic link") as info:
        letter(tpl)
    assert "SECRET" not in str(info.value)


def test_the_letter_template_itself_as_a_link_is_refused(tpl: Path, secret: Path) -> None:
    os.symlink(secret, tpl / "access.txt.j2")
    with pytest.raises(TemplateRefused, match="symbolic link"):
        letter(tpl)


def test_a_link_in_a_subfolder_is_refused(tpl: Path, secret: Path) -> None:
    (tpl / "parts").mkdir()
    os.symlink(secret, tpl / "parts" / "x.j2")
    _write(tpl, '{% include "parts/x.j2" %}')
    with pytest.raises(TemplateRefused, match="symbolic link"):
        letter(tpl)


def test_a_linked_subfolder_is_refused(tpl: Path, secret: Path) -> None:
    os.symlink(secret.parent, tpl / "up")
    _write(tpl, '{% include "up/secret.txt" %}')
    with pytest.raises(TemplateRefused, match="symbolic link"):
        letter(tpl)


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "./../secret.txt", "a//b", "..\\\\x"])
def test_names_that_leave_the_folder_are_refused(tpl: Path, secret: Path, name: str) -> None:
    _write(tpl, '{% include "' + name + '" %}')
    with pytest.raises(TemplateRefused, match="leaves the templates folder"):
        letter(tpl)


def test_a_fifo_is_refused_not_waited_on(tpl: Path) -> None:
    os.mkfifo(tpl / "pipe.j2")
    _write(tpl, '{% include "pipe.j2" %}')
    with pytest.raises(TemplateRefused, match="not a regular file"):
        letter(tpl)


def test_regular_includes_inside_the_folder_still_work(tpl: Path) -> None:
    (tpl / "parts").mkdir()
    (tpl / "parts" / "greet.j2").write_text("Dear Privacy Team,")
    _write(tpl, '{% include "parts/greet.j2" %}')
    doc = letter(tpl)
    assert doc.blocks[0].text == "Dear Privacy Team,"  # type: ignore[attr-defined]


def test_a_template_folder_reached_through_a_link_is_the_users_choice(tmp_path: Path, tpl: Path) -> None:
    _write(tpl, "Hello.")
    os.symlink(tpl, tmp_path / "mine")
    assert letter(tmp_path / "mine").blocks[0].text == "Hello."  # type: ignore[attr-defined]


def test_non_utf8_template_and_missing_folder_are_user_errors(tmp_path: Path, tpl: Path) -> None:
    (tpl / "access.txt.j2").write_bytes(b"Subject: caf\xe9\n")
    with pytest.raises(TemplateRefused, match=r"access.txt.j2, line 1: not UTF-8"):
        letter(tpl)
    with pytest.raises(TemplateRefused, match="does not exist"):
        letter(tmp_path / "nowhere")


def test_a_huge_template_file_is_refused(tpl: Path) -> None:
    _write(tpl, "x" * (render.MAX_TEMPLATE_BYTES + 1))
    with pytest.raises(TemplateRefused, match="larger than"):
        letter(tpl)


# --------------------------------------------------------------------------- layout budget


def test_199000_angle_brackets_are_refused_at_once(tpl: Path) -> None:
    """The reported case: one template of 199,000 '<' took 140 s to lay out as a PDF."""
    (tpl / "access.txt.j2").write_text("Subject: x\n\n" + "<" * 199_000 + "\n")
    started = time.process_time()  # CPU time: a loaded machine slows the wall clock, not the work
    with pytest.raises(TemplateRefused, match="paragraph longer than 20,000 characters"):
        letter(tpl)
    assert time.process_time() - started < 2


def test_too_many_blocks_are_refused(tpl: Path) -> None:
    _write(tpl, "{% for i in range(2001) %}- item\n{% endfor %}")
    with pytest.raises(TemplateRefused, match="more than 2,000 paragraphs"):
        letter(tpl)


@pytest.mark.slow
def test_the_largest_letter_allowed_lays_out_in_seconds(tpl: Path) -> None:
    """Ten paragraphs of 19,990 '<' (each an entity to reportlab) and of long words: the worst
    case inside the bounds. Before fragments were merged, one such paragraph took ~0.9 s and
    the whole 199,000 in one paragraph 140 s."""
    _write(tpl, "{% for i in range(10) %}{{ '<' * 19990 }}\n\n{% endfor %}")
    doc = letter(tpl)
    started = time.process_time()  # CPU time: a loaded machine slows the wall clock, not the work
    data = pdf.pdf_bytes(doc)  # type: ignore[arg-type]
    assert data.startswith(b"%PDF")
    assert time.process_time() - started < 15  # ~2 s on the reference machine


@pytest.mark.parametrize("how", ["letter", "include"])
def test_a_hard_link_to_a_file_outside_is_refused(tpl: Path, secret: Path, how: str) -> None:
    """A hard link is a second name for any file its maker can read (as root: /etc/shadow); the
    one safe-read helper refuses a file with more than one name."""
    secret.write_text("Subject: Request\n\nSECRET-7f3a\n")
    if how == "letter":
        os.link(secret, tpl / "access.txt.j2")
    else:
        os.link(secret, tpl / "part.txt.j2")
        _write(tpl, '{% include "part.txt.j2" %}')
    with pytest.raises(TemplateRefused, match=r"has other names \(hard links\)") as info:
        letter(tpl)
    assert "SECRET" not in str(info.value)
