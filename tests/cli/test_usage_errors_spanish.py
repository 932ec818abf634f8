"""Typer's usage errors (exit 2) in Spanish under --lang es (issue 24): typer's copy of click
writes them in English, and cli/usage_errors.py puts each known shape in the catalog's words."""

from __future__ import annotations

import pytest
from cliutil import Runner

from broker_audit.cli.usage_errors import translate_reason, translate_usage
from broker_audit.i18n import set_language


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (["status", "--nope"], "No existe la opción --nope", "No such option"),
        (["status", "--stat"], "¿quiso decir: --batch, --state?", "Possible options"),
        (["request"], "Falta el argumento 'BROKERS'.", "Missing argument"),
        (
            ["status", "--limit", "abc"],
            "Valor no válido para '--limit': debe ser un número entero",
            "Invalid",
        ),
        (["status", "extra"], "Recibió un argumento que no acepta: extra", "unexpected"),
        (["mark", "1", "sent", "--via"], "La opción '--via' necesita un valor después.", "requires"),
        (["nosuch"], "No existe el comando 'nosuch'.", "No such command"),
    ],
)
def test_usage_errors_are_spanish(cli: Runner, args: list[str], spanish: str, english: str) -> None:
    code, out, err = cli(["--lang", "es", *args])
    assert code == 2, err
    assert spanish in " ".join(err.split()), err
    assert english not in err
    if "--via" not in args:  # an option's missing value is found before typer knows the command
        assert "Pruebe 'broker-audit" in err  # typer's own hint line, from the catalog too


def test_usage_errors_stay_typers_own_in_english(cli: Runner) -> None:
    cli(["--lang", "es", "status", "--nope"])  # typer is now patched in this process
    code, _, err = cli(["--lang", "en", "status", "--stat"])
    assert code == 2
    assert "No such option: --stat" in err and "Possible options: --batch, --state" in err


def test_an_unknown_shape_is_shown_as_typer_wrote_it() -> None:
    set_language("es")
    try:
        assert translate_usage("Something new happened.") == "Something new happened."
        assert translate_reason("a reason no pattern knows") == "a reason no pattern knows"
        assert translate_reason("'x' is not one of 'a', 'b'.") == "'x' no es uno de estos: 'a', 'b'."
    finally:
        set_language("en")
