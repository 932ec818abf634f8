"""Oregon's data broker registry (Division of Financial Regulation), from a saved results page.

Oregon publishes no export. Registrations are looked up on the licence verification site
(https://ordcbs.mylicense.com/Verification/Search.aspx, profession "Data Broker"), whose results
page is an HTML table (`datagrid_results`). The site's robots.txt disallows automated access, so
this tool never fetches it: a person runs the search in a browser, saves the results page (or a
pipe-delimited export, if offered) and runs `broker-audit registry import --source or FILE`.

The results list only the name, licence number and status, city and state: enough to record that
a broker is registered in Oregon (merged into a known broker, it adds `or` to its registries), not
enough to write to one. Contact facts come from the other registries or the curated file.
"""

from __future__ import annotations

from pathlib import Path

from broker_audit.errors import DataFileError
from broker_audit.registry.imports.base import ImportedRows, Rule, from_cells, norm_label
from broker_audit.registry.imports.table import decode, read_table

OR_URL = "https://dfr.oregon.gov/business/licensing/data-broker-registry"

RULES: tuple[Rule, ...] = (
    Rule(
        "ignore", (" profession", " license type", " licence type", " expiration", " expires", " issue date")
    ),
    Rule("id", (" license number", " licence number", " license no", " registration number")),
    Rule("status", (" status",)),
    Rule("email", (" email",)),
    Rule("phone", (" phone",)),
    Rule("website", (" website", " internet", " url ")),
    Rule("name", (" name ",), (), (" first name", " last name", " contact")),
    Rule("street", (" street", " address line", " address 1")),
    Rule("city", (" city ",)),
    Rule("state", (" state ",)),
    Rule("zip", (" zip", " postal code")),
    Rule("address", (" address",)),
)

_TITLE = "Oregon data broker registry (DCBS licence verification)"


class Oregon:
    registry = "or"

    def parse(self, path: Path) -> ImportedRows:
        text, encoding = decode(path)
        if not text.lstrip().startswith("<"):
            table = read_table(path, is_header=lambda cells: any(" name " in norm_label(c) for c in cells))
            return from_cells(
                path,
                table.header,
                table.header_line,
                list(zip(table.lines, table.rows, strict=True)),
                RULES,
                registry="or",
                form="or-dcbs",
                source_url=OR_URL,
                title=_TITLE,
                encoding=table.encoding,
            )
        header, header_line, body = _html_table(path, text)
        return from_cells(
            path,
            header,
            header_line,
            body,
            RULES,
            registry="or",
            form="or-dcbs-html",
            source_url=OR_URL,
            title=_TITLE,
            encoding=encoding,
        )


def _cells(tr: object) -> list[str]:
    return [" ".join(td.get_text(" ").split()) for td in tr.find_all(["td", "th"], recursive=False)]  # type: ignore[attr-defined]


def _html_table(path: Path, text: str) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    """The results grid of a saved verification page: its header and its (line, cells) rows."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    grid = soup.find("table", id="datagrid_results")
    candidates = [grid] if grid is not None else []
    candidates += soup.find_all("table")
    for table in candidates:
        rows = table.find_all("tr", recursive=False) or table.find_all("tr")
        for index, tr in enumerate(rows[:3]):
            header = _cells(tr)
            if len(header) >= 2 and any(" name " in norm_label(h) for h in header):
                body = []
                for row in rows[index + 1 :]:
                    cells = _cells(row)
                    # The pager row (page numbers in one wide cell) and spacer rows do not fit.
                    if len(cells) == len(header) and any(cells):
                        body.append((row.sourceline or 0, cells))
                return header, tr.sourceline or 0, body
    raise DataFileError(
        f"{path}: no results table with a name column in this page",
        "save the page that lists the search results (profession: Data Broker)",
    )
