"""Build spreadsheets the way Excel, LibreOffice and Google Sheets export them."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from pathlib import Path

HEADER_EN = [
    "First Name",
    "Last Name",
    "Address",
    "Apt",
    "City",
    "State",
    "ZIP",
    "DOB (MM/DD/YYYY)",
    "Phone",
    "Email",
]
HEADER_ES = [
    "Nombre",
    "Primer apellido",
    "Segundo apellido",
    "Dirección",
    "Ciudad",
    "Estado",
    "Código postal",
    "Fecha de nacimiento",
    "Teléfono",
    "Correo electrónico",
    "Idioma",
]

ANA = [
    "Ana",
    "García Márquez",
    "123 Main St",
    "Apt 4",
    "Denver",
    "Colorado",
    "80204",
    "4/12/1988",
    "(303) 555-0147",
    "ana@example.com",
]
MINH = ["Minh", "Nguyễn", "45 Elm Rd", "", "Boulder", "CO", "80302", "1990-01-31", "303.555.0188", ""]
JOSE = ["José", "Núñez", "9 Oak Ave", "Unit 2", "Boston", "MA", "2134", "32245", "", ""]


def csv_text(
    rows: Sequence[Sequence[str]], *, delimiter: str = ",", newline: str = "\r\n", quote_all: bool = False
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()


def write_sheet(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    newline: str = "\r\n",
    quote_all: bool = False,
) -> Path:
    """Write rows as a CSV file; `encoding` utf-8, utf-16-le/-be (BOM if `bom`), cp1252."""
    text = csv_text(rows, delimiter=delimiter, newline=newline, quote_all=quote_all)
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[
            encoding
        ] + data
    path.write_bytes(data)
    return path
