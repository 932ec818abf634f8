"""Rendering templates in the sandbox: strict, overridable, and safe against hostile templates."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from broker_audit.errors import UserError
from broker_audit.letters import render
from broker_audit.letters.document import Bullets, Heading, Lines, Paragraph
from broker_audit.letters.render import TemplateRefused, render_letter, shipped_templates_dir

from .helpers import RECIPIENT, SENDER, context


def letter(kind: str = "access", templates_dir: Path | None = None, **ctx: object):
    return render_letter(
        kind,
        context(**ctx),
        sender=SENDER,
        recipient=RECIPIENT,
        date=dt.date(2025, 5, 4),
        reference="BA-1",
        email_to="privacy@acme.example",
        templates_dir=templates_dir,
    )


def test_shipped_templates_dir_has_the_fonts() -> None:
    folder = shipped_templates_dir()
    assert folder.name == "letters"
    assert (folder / "assets" / "DejaVuSerif.ttf").is_file()
    assert (folder / "assets" / "DejaVuSerif-Bold.ttf").is_file()


def test_renders_fixture_template(fixture_templates: Path) -> None:
    doc = letter()
    assert doc.kind == "access"
    assert doc.subject == "Request to access personal information – María José Núñez Peña"
    assert doc.sender == SENDER and doc.recipient == RECIPIENT
    assert doc.reference == "BA-1" and doc.email_to == "privacy@acme.example"
    assert doc.blocks[0] == Paragraph("Dear Privacy Team at Acme People Search, LLC,")
    assert doc.blocks[1].text.startswith("I am writing under the California Consumer Privacy Act")
    assert Heading("What I ask for") in doc.blocks
    assert Bullets(("the categories of data", "the sources", "a copy of the data")) in doc.blocks
    assert doc.blocks[-1] == Lines(("María José Núñez Peña", *SENDER[1:]))


def test_undefined_variable_names_variable_and_template(fixture_templates: Path) -> None:
    ctx = context()
    del ctx["law"]
    with pytest.raises(TemplateRefused) as info:
        render_letter(
            "access",
            ctx,
            sender=SENDER,
            recipient=RECIPIENT,
            date=dt.date(2025, 5, 4),
            reference="r",
        )
    assert isinstance(info.value, UserError)
    assert "'law' is undefined" in info.value.message
    assert "access.txt.j2" in info.value.message
    assert "line 5" in info.value.message


def test_values_cannot_change_the_structure(fixture_templates: Path) -> None:
    doc = letter(asks=["one\n\nSubject: evil\n\n## x", "two"])
    assert Bullets(("one Subject: evil ## x", "two")) in doc.blocks


def test_data_with_braces_is_not_a_placeholder(fixture_templates: Path) -> None:
    doc = letter(requester={"name": "Ana {{ Núñez }} %}"})
    assert "Ana {{ Núñez }} %}" in doc.subject


def test_leftover_placeholder_is_refused(fixture_templates: Path) -> None:
    with pytest.raises(
        TemplateRefused,
        match=r"placeholder '\{\{'.*placeholder.txt.j2|"
        r"placeholder.txt.j2.*placeholder",
    ):
        letter("placeholder")


def test_missing_subject_is_refused(fixture_templates: Path) -> None:
    with pytest.raises(TemplateRefused, match=r"nosubject\.txt\.j2.*Subject"):
        letter("nosubject")


def test_unknown_kind_and_bad_names(fixture_templates: Path) -> None:
    with pytest.raises(TemplateRefused, match=r"no letter template complain\.txt\.j2"):
        letter("complain")
    with pytest.raises(TemplateRefused, match="not a valid name"):
        letter("../../etc/passwd")


def test_user_folder_overrides_by_file_name(fixture_templates: Path) -> None:
    override = fixture_templates / "override"
    assert letter("access", override).subject == "Access request (override)"
    # a kind the user folder lacks falls back to the shipped template
    assert letter("delete", override).subject == "Request to delete personal information (shipped)"
    assert letter("access").subject.startswith("Request to access")


def test_environment_is_compiled_once_per_folder(fixture_templates: Path) -> None:
    letter()
    env = render._environment(None)
    template = env.get_template("access.txt.j2")
    letter()
    assert render._environment(None) is env
    assert env.get_template("access.txt.j2") is template


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.txt.j2").write_text("Subject: x\n\n{% for %}\n", encoding="utf-8")
    with pytest.raises(TemplateRefused, match=r"bad.txt.j2, line 3"):
        letter("bad", tmp_path)


HOSTILE = {
    "class-mro": "{{ ''.__class__.__mro__ }}",
    "globals": "{{ cycler.__init__.__globals__ }}",
    "attr-filter": "{{ ''|attr('__class__') }}",
    "format-escape": "{{ '{0.__class__}'.format('') }}",
    "huge-range": "{% for i in range(10**9) %}x{% endfor %}",
    "nested-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested-string-loops": "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}"
    "{% endfor %}",
    "string-bomb": "{{ 'x' * 10**9 }}",
    "list-bomb": "{{ ['x'] * 10**9 }}",
    "doubling": "{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}",
    "doubling-plus": "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "loop-output": "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
    "set-block": "{% set x %}{% for i in range(100000) %}{{ 'y' * 100000 }}{% endfor %}{% endset %}",
    "ljust": "{{ 'x'.ljust(10**9) }}",
    "center-filter": "{{ 'x'|center(10**9) }}",
    "indent-filter": "{{ 'x\ny'|indent(10**9) }}",
    "replace": "{{ ('x' * 100000)|replace('', 'y' * 1000) }}",
    "join": "{{ (['y' * 100000] * 1000)|join }}",
    "percent-width": "{{ '%0999999999d' % 1 }}",
    "format-width": "{{ '{:>999999999}'.format(1) }}",
    "power": "{{ 10 ** (10 ** 10) }}",
    "recursive-macro": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "exponential-macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}x"
    "{% endmacro %}{{ f(60) }}",
    "recursive-loop": "{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}",
    "wide-recursive-loop": "{% for x in range(1000) recursive %}{{ loop(range(1000)) }}{% endfor %}",
    "nested-lists": "{% set ns = namespace(l=[]) %}{% for i in range(200) %}"
    "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l }}",
    "too-long": "{% for i in range(100) %}{{ 'z' * 2500 }}{% endfor %}",
    "mutation": "{% set l = [1] %}{{ l.append(2) }}",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_template_is_refused_quickly(tmp_path: Path, source: str) -> None:
    (tmp_path / "evil.txt.j2").write_text("Subject: x\n\n" + source, encoding="utf-8")
    # CPU time of this process, not the wall clock: a loaded machine (CI, parallel runs) slows
    # the wall clock, never the work done. A refusal comes from a budget, within a second of CPU.
    start = time.process_time()
    with pytest.raises(TemplateRefused) as info:
        letter("evil", tmp_path)
    assert time.process_time() - start < 1.0
    assert "evil.txt.j2" in info.value.message
    assert "Traceback" not in info.value.message


def test_sandbox_needs_a_budget(fixture_templates: Path) -> None:
    """Templates only run through render_letter, which gives each render its limits."""
    template = render._environment(None).get_template("access.txt.j2")
    with pytest.raises(render._LimitExceeded):
        template.render(context())


def test_reasonable_template_work_is_allowed(tmp_path: Path) -> None:
    source = (
        "Subject: {{ 'x'.ljust(3) }} {{ '%05d' % 42 }} {{ '{:,}'.format(1234567) }}\n\n"
        "{% for i in range(1000) %}{{ i }} {% endfor %}\n\n\n"
        "{{ (['ab'] * 3)|join(', ') }} {{ 'Case 1234567: %s' % 'ok' }} {{ 2 ** 64 }}\n"
    )
    (tmp_path / "fine.txt.j2").write_text(source, encoding="utf-8")
    doc = letter("fine", tmp_path)
    assert doc.subject == "x   00042 1,234,567"
    assert "ab, ab, ab Case 1234567: ok 18446744073709551616" in doc.blocks[1].text
