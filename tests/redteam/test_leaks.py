"""The red team's detector itself: it finds a withheld value however a writer prints it, and not
the same digits inside a random id or an attachment's base64 (where they made the suite flaky)."""

from __future__ import annotations

from leaks import leaks


def test_a_value_as_printed_is_found() -> None:
    assert leaks("Commerce City, CO 80022") == ["current city and zip"]
    assert leaks("Denver, CO 80022-1234") == ["current city and zip"]
    assert leaks("file: 80022.pdf") == ["current city and zip"]
    assert leaks("Calle  Ñandú 1550, Apt 4B") == ["current street"]
    assert leaks("call (303) 555-0147") == ["phone"]


def test_the_same_digits_inside_an_id_or_base64_are_not_a_value() -> None:
    assert leaks("Message-ID: <177a80022f3c.9@clinic.example>") == []
    assert leaks("JVBERi0xLjQKJeLjz9MK80022AbcD==") == []
    assert leaks("reference BA-X80022Q") == []
