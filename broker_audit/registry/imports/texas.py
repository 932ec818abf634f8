"""Texas's data broker registry (Secretary of State), from its official CSV export.

The Secretary of State publishes the registrations as a CSV (registered-data-brokers.csv, linked
from https://www.sos.state.tx.us/statdoc/data-brokers.shtml). Its web server refuses automated
clients, so `registry update` does not fetch it: download it in a browser and run
`broker-audit registry import --source tx FILE`.

The export starts with a short preamble ("Record Name", "Exported On") before the header row;
the header is found by looking for a row naming the broker. Columns follow Tex. Bus. & Com. Code
§ 509.005: legal name, a contact person (an individual: deliberately not kept), address, email,
phone, website, categories of data processed, purchaser credentialing, known-child data, breaches.
"""

from __future__ import annotations

from broker_audit.registry.imports.base import CsvRegistry, Rule

TX_URL = "https://www.sos.state.tx.us/statdoc/data-brokers.shtml"

RULES: tuple[Rule, ...] = (
    # A named individual: personal data we have no reason to keep.
    Rule("ignore", (" contact person", " contact name", " individual", " signer", " submitted by")),
    Rule("ignore", (" exported", " record name", " expiration", " expires")),
    Rule("note", (" statement", " comply", " complies", " practices", " policies", " describe"), (" child",)),
    Rule("bool:collects_minors", (" known child", " minor")),
    Rule(
        "note",
        (
            " categories of data",
            " credential",
            " breach",
            " consumers affected",
            " additional",
            " practices",
            " explanation",
        ),
    ),
    Rule("id", (" registration number", " registration id", " certificate number", " file number")),
    Rule(
        "registered",
        (
            " registration date",
            " date registered",
            " filing date",
            " effective date",
            " date filed",
            " issued",
        ),
    ),
    Rule("status", (" status",)),
    Rule("dba", (" assumed name", " dba ", " doing business", " other name")),
    Rule("email", (" email",)),
    Rule("phone", (" phone", " telephone")),
    Rule("website", (" website", " web site", " internet", " url ")),
    Rule("name", (" legal name", " broker name", " name ")),
    Rule("street", (" street", " address line", " address 1", " address 2")),
    Rule("city", (" city ",)),
    Rule("state", (" state ",), (), (" statement", " secretary of state")),
    Rule("zip", (" zip", " postal code")),
    Rule("country", (" country",)),
    Rule("address", (" mailing address", " physical address", " address")),
)


Texas = CsvRegistry(
    registry="tx",
    form="tx-sos",
    source_url=TX_URL,
    title="Texas data broker registry (Secretary of State)",
    rules=RULES,
    min_filled=3,
)
