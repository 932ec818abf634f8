"""California's data broker registry, in both export layouts.

- The current export of the California Privacy Protection Agency (CPPA), about 77 columns: identity
  and contact, the CCPA rights URL, yes/no collection disclosures (minors, precise geolocation,
  reproductive health, citizenship or immigration status ...), yes/no sharing disclosures (foreign
  actors, the federal government, other states, law enforcement, GenAI developers), FCRA/GLBA/IIPPA/
  CMIA/HIPAA coverage, request metrics and comments.
- The older Attorney General export (8 columns): name, an obfuscated email, website, a free-form
  address, prose opt-out and deletion instructions, more prose, and the date added.

The labels change every year, so both are read by the same keyword rules; which layout it was is
told by what was found (disclosure columns mean the CPPA export).
"""

from __future__ import annotations

from pathlib import Path

from broker_audit.registry.imports.base import ImportedRows, Rule, from_cells, map_columns, norm_label
from broker_audit.registry.imports.table import read_table

CPPA_URL = "https://cppa.ca.gov/data_broker_registry/"
AG_URL = "https://oag.ca.gov/data-brokers"

_LAWS = (
    " fair credit",
    " fcra",
    " gramm",
    " glba",
    " iippa",
    " insurance information",
    " cmia",
    " confidentiality of medical",
    " hipaa",
    " health insurance portability",
)
# The follow-up questions about each law ("to what extent", and in the 2025 export "listed are the
# types of personal information ... / the specific product(s) ... / the approximate proportion"):
# kept as notes, never read as the yes/no answer.
_EXTENT = (
    " extent",
    " how ",
    " describe",
    " explain",
    " which ",
    " what ",
    " detail",
    " listed are",
    " proportion",
    " product",
)

RULES: tuple[Rule, ...] = (
    # Request metrics (counts, mean and median days): recognised, deliberately not kept.
    Rule(
        "ignore",
        (
            " number",
            " received",
            " complied",
            " denied",
            " mean ",
            " median ",
            " days",
            " how many",
            " count",
            " total ",
        ),
        (" request",),
    ),
    Rule("ignore", (" mean ", " median ", " number of days")),
    # Sharing disclosures: the recipient words are distinctive enough on their own.
    Rule("bool:shares_with_foreign_actors", (" foreign",)),
    Rule("bool:shares_with_federal_government", (" federal government", " federal agenc")),
    Rule("bool:shares_with_law_enforcement", (" law enforcement",)),
    Rule("bool:shares_with_state_government", (" state government", " other state", " state agenc")),
    Rule(
        "bool:shares_with_genai_developers",
        (" generative", " genai", " gen ai", " artificial intelligence", " ai system", " ai model"),
    ),
    # Coverage by other privacy laws; the "to what extent" follow-ups go to the notes.
    Rule("bool:fcra_covered", (" fair credit", " fcra"), (), _EXTENT),
    Rule("bool:glba_covered", (" gramm", " glba"), (), _EXTENT),
    Rule("bool:iippa_covered", (" iippa", " insurance information"), (), _EXTENT),
    Rule("bool:cmia_covered", (" cmia", " confidentiality of medical"), (), _EXTENT),
    Rule("bool:hipaa_covered", (" hipaa", " health insurance portability"), (), _EXTENT),
    Rule("note", _LAWS),
    # Collection disclosures.
    Rule("bool:collects_minors", (" minor", " children", " under 16", " under the age")),
    Rule("bool:collects_precise_geolocation", (" geolocation", " geo location", " location data")),
    Rule("bool:collects_reproductive_health", (" reproductive",)),
    Rule("bool:collects_immigration_status", (" citizenship", " immigration")),
    Rule("bool:collects_biometric", (" biometric",)),
    Rule("bool:collects_sexual_orientation", (" sexual orientation",)),
    Rule("bool:collects_gender_identity", (" gender",)),
    Rule("bool:collects_union_membership", (" union member", " union ")),
    Rule("bool:collects_account_login", (" login", " log in", " password")),
    Rule(
        "bool:collects_government_id",
        (" driver", " passport", " government issued", " state identification", " identification number"),
    ),
    Rule("bool:collects_genetic", (" genetic",)),
    # The page where consumers exercise their CCPA rights (the 2025 export: "Data Broker's primary
    # website that contains details on how consumers can exercise their CA Consumer Privacy Act
    # rights ..."): the filing names it for requests.
    Rule("web_form", (" website ", " web site ", " webpage ", " url "), (" exercise",)),
    # Prose: deletion of posted information under the Gov. Code, which the filing gives only to
    # protected individuals; how to opt out or make requests, which it gives to every consumer.
    Rule(
        "instructions-protected",
        (" protected individual", " gov code", " government code", " 6208", " 6254"),
    ),
    Rule("instructions", (" how a consumer", " how consumers", " how to ", " instruction", " method")),
    # Where to exercise CCPA rights: a URL.
    Rule(
        "web_form",
        (
            " ccpa",
            " consumer rights",
            " privacy rights",
            " opt out",
            " exercise",
            " delete ",
            " deletion",
            " do not sell",
            " privacy policy",
            " privacy notice",
        ),
    ),
    Rule("email", (" email",)),
    Rule("phone", (" phone", " telephone")),
    Rule(
        "website",
        (" website", " web site", " internet address", " url ", " homepage", " home page", " domain"),
    ),
    Rule(
        "dba",
        (
            " doing business",
            " dba ",
            " d b a ",
            " other name",
            " trade name",
            " also known",
            " assumed name",
            " brand",
        ),
    ),
    Rule("name", (" name ",), (), (" contact", " person", " agent", " officer", " signer", " submitter")),
    Rule("street", (" street", " address line", " address 1", " address 2", " mailing address", " po box")),
    Rule("city", (" city ", " town ")),
    Rule("state", (" state ",), (), (" statement",)),
    Rule("zip", (" zip", " postal code", " postcode")),
    Rule("country", (" country",)),
    Rule("address", (" address",)),
    Rule(
        "registered",
        (
            " date added",
            " registration date",
            " date registered",
            " registered on",
            " date of registration",
            " registration year",
            " year ",
        ),
    ),
    Rule(
        "note",
        (" comment", " additional information", " note", " explanation", " other information", " practices"),
    ),
    Rule("id", (" registration number", " registration id", " id ")),
)


def _is_header(cells: tuple[str, ...]) -> bool:
    return sum(bool(c) for c in cells) >= 2 and any(" name " in norm_label(c) for c in cells)


class California:
    """Reads the CPPA export and the older Attorney General export."""

    registry = "ca"

    def parse(self, path: Path) -> ImportedRows:
        table = read_table(path, is_header=_is_header)
        columns = map_columns(table.header, RULES)
        cppa = any(k and k.startswith("bool:") for k in columns.kinds) or columns.has("city")
        return from_cells(
            path,
            table.header,
            table.header_line,
            list(zip(table.lines, table.rows, strict=True)),
            RULES,
            registry="ca",
            form="cppa" if cppa else "ca-ag",
            source_url=CPPA_URL if cppa else AG_URL,
            title="California data broker registry (CPPA)"
            if cppa
            else "California data broker registry (Attorney General export)",
            encoding=table.encoding,
        )
