"""Answers written for the tests, in the layouts brokers use (written from public descriptions of
consumer disclosure reports and privacy-request replies; no real report is copied), with the
findings a careful reader would take from each: the ground truth the tests and the precision and
recall figures are measured against.

A document is a list of rows; a row is a heading (`H`), a line of text (`T`) or a table row
(`R`: columns drawn at fixed positions, as reports print them). `pdf_bytes` draws one with
reportlab as a text PDF; the tests make the scanned version by rasterising that PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field


@dataclass(frozen=True)
class H:
    text: str


@dataclass(frozen=True)
class T:
    text: str


@dataclass(frozen=True)
class R:
    columns: tuple[str, ...]


Row = H | T | R


@dataclass(frozen=True)
class Doc:
    name: str
    language: str
    rows: tuple[Row, ...]
    # The ground truth: (kind, key) where key is the matched id ("broker:x", "agency:y") or the
    # folded name for names, the category for holds, the verdict's value for a verdict.
    expected: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def text(self) -> str:
        out = []
        for row in self.rows:
            out.append(row.text if isinstance(row, H | T) else "    ".join(row.columns))
        return "\n".join(out)


COLUMNS = (72, 340, 430)


def pdf_bytes(doc: Doc) -> bytes:
    """The document as a text PDF (Letter, DejaVu-free Helvetica: a report's plain look)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setTitle(doc.name)
    y = 740.0

    def need(space: float) -> None:
        nonlocal y
        if y - space < 60:
            c.showPage()
            y = 740.0

    for row in doc.rows:
        if isinstance(row, H):
            need(34)
            y -= 10
            c.setFont("Helvetica-Bold", 13)
            c.drawString(72, y, row.text)
            y -= 20
        elif isinstance(row, T):
            c.setFont("Helvetica", 10.5)
            for line in _wrap(row.text, 92):
                need(15)
                c.drawString(72, y, line)
                y -= 15
        else:
            need(15)
            c.setFont("Helvetica", 10.5)
            for x, text in zip(COLUMNS, row.columns, strict=False):
                c.drawString(x, y, text)
            y -= 15
    c.save()
    return buf.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


# --- 1. An FCRA consumer disclosure report (English): a specialty CRA's layout ------------------

LEXIS_REPORT = Doc(
    "lexis-report-en",
    "en",
    (
        H("CONSUMER DISCLOSURE REPORT"),
        T("Prepared for: Maria Example      Report date: April 2, 2026      File number: 0000-1111"),
        T("This report contains the information in your consumer file as of the report date. "
          "Enclosed is a copy of your report, as you asked."),
        H("Address History"),
        R(("1200 Example Ave, Greeley CO 80631", "01/2019 - present", "")),
        T("Source: Xcel Energy"),
        R(("45 Sample St, Evans CO 80620", "03/2016 - 12/2018", "")),
        T("Source: Weld County Assessor"),
        H("Phone Numbers"),
        R(("(970) 555-0100", "Mobile", "")),
        H("Motor Vehicle Registrations"),
        R(("2012 Toyota Corolla", "Plate ABC-123", "")),
        T("Source: Colorado Division of Motor Vehicles"),
        H("Booking Records"),
        R(("Booking 2025-0814-77", "08/14/2025", "Weld County Sheriff's Office")),
        T("Source: Weld County Sheriff's Office"),
        H("Court Records"),
        R(("Case 25M1234", "09/30/2025", "Dismissed")),
        T("Source: Weld County Court"),
        H("Report Recipients"),
        T("The following organizations received information from your file in the last 24 months:"),
        R(("Recipient", "Date", "Purpose")),
        R(("U.S. Immigration and Customs Enforcement", "03/14/2026", "Law enforcement investigation")),
        R(("Thomson Reuters Special Services", "01/05/2026", "Resale")),
        R(("Acme Property Management", "11/20/2025", "Tenant screening")),
        R(("Denver Police Department", "02/02/2026", "Investigation")),
        H("Your Rights"),
        T("You have the right to dispute the accuracy of the information in your file. Visit our "
          "website or call the consumer center."),
    ),
    frozenset({
        ("holds", "addresses"), ("holds", "phones"), ("holds", "vehicles"), ("holds", "bookings"),
        ("holds", "court-records"),
        ("source", "xcel energy"), ("source", "weld county assessor"), ("source", "agency:state-dmv"),
        ("source", "agency:sheriff-weld"), ("source", "weld county court"),
        ("recipient", "agency:us-ice"), ("recipient", "broker:thomson-reuters-clear"),
        ("recipient", "acme property management"), ("recipient", "denver police department"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# --- 2. The same kind of report in Spanish, a jail-data broker's layout ---------------------------

APPRISS_REPORT_ES = Doc(
    "appriss-informe-es",
    "es",
    (
        H("INFORME DE DIVULGACIÓN AL CONSUMIDOR"),
        T("Fecha del informe: 15 de marzo de 2026. Adjunto encontrará la información que tenemos "
          "sobre usted."),
        H("Historial de Domicilios"),
        R(("850 Calle Ejemplo, Aurora CO 80010", "2020 - actual", "")),
        H("Registros de Detención"),
        R(("Ingreso 2025-1203", "03/12/2025", "Adams County Detention Facility")),
        T("Fuente: Oficina del Sheriff del Condado de Adams"),
        H("Vehículos"),
        R(("Placa XYZ-987", "Honda Civic 2015", "")),
        H("Destinatarios de su Información"),
        R(("Destinatario", "Fecha", "Finalidad")),
        R(("Servicio de Inmigración y Control de Aduanas (ICE)", "04/02/2026", "Investigación")),
        R(("Policía de Aurora", "20/01/2026", "Investigación policial")),
        R(("LexisNexis Risk Solutions", "10/12/2025", "Reventa de datos")),
        H("Sus Derechos"),
        T("Usted puede disputar cualquier dato incorrecto de este informe."),
    ),
    frozenset({
        ("holds", "addresses"), ("holds", "bookings"), ("holds", "vehicles"),
        ("source", "agency:sheriff-adams"),
        ("recipient", "agency:us-ice"), ("recipient", "policia de aurora"),
        ("recipient", "broker:lexisnexis-risk-solutions"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# --- 3. A state-privacy-law access reply by e-mail (English), categories layout ------------------

CCPA_EMAIL = Doc(
    "people-search-email-en",
    "en",
    (
        T("Dear Requester,"),
        T("We have completed our review of your request to know. Here is the information we hold "
          "about you."),
        T("Categories of personal information we collected:"),
        T("- Identifiers such as name, date of birth and e-mail address"),
        T("- Address history and phone numbers"),
        T("- Court records and criminal history"),
        T("Categories of sources:"),
        T("- Public records from county courts"),
        T("- Equifax"),
        T("Categories of third parties to whom we disclosed your information:"),
        T("- Law enforcement agencies"),
        T("- Landlords and property managers"),
        T("- Spokeo"),
        T("If you have questions, reply to this message."),
    ),
    frozenset({
        ("holds", "identifiers"), ("holds", "addresses"), ("holds", "phones"),
        ("holds", "court-records"), ("holds", "emails"),
        ("source", "public records from county courts"), ("source", "broker:equifax"),
        ("recipient", "law enforcement agencies"), ("recipient", "landlords and property managers"),
        ("recipient", "broker:spokeo"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# --- 4. A reply asking for identity proof (Spanish, e-mail) --------------------------------------

VERIFY_EMAIL_ES = Doc(
    "verificacion-es",
    "es",
    (
        T("Estimado/a solicitante:"),
        T(
            "Hemos recibido su solicitud de acceso. Antes de responder necesitamos verificar su "
            "identidad. Envíenos una copia de una factura de servicios públicos con su nombre."
        ),
        T("Atentamente, Equipo de Privacidad"),
    ),
    frozenset({("verdict", "needs-verification")}),
)

# --- 5. A refusal (English, a letter) ------------------------------------------------------------

REFUSAL_LETTER = Doc(
    "refusal-en",
    "en",
    (
        T("Re: Your privacy request"),
        T(
            "We must decline your request. Our company is exempt from the Colorado Privacy Act "
            "because the data we hold is covered by the Fair Credit Reporting Act."
        ),
        T("Sincerely, Privacy Office"),
    ),
    frozenset({("verdict", "refused")}),
)

# --- 6. The second disclosure of the same broker as (1), a year on --------------------------------

LEXIS_REPORT_2 = Doc(
    "lexis-report-en-2",
    "en",
    (
        H("CONSUMER DISCLOSURE REPORT"),
        T("Report date: October 1, 2026. Enclosed is a copy of your report."),
        H("Address History"),
        R(("1200 Example Ave, Greeley CO 80631", "01/2019 - present", "")),
        T("Source: Xcel Energy"),
        H("Report Recipients"),
        R(("Recipient", "Date", "Purpose")),
        R(("U.S. Immigration and Customs Enforcement", "03/14/2026", "Law enforcement investigation")),
        R(("Homeland Security Investigations", "07/21/2026", "Law enforcement investigation")),
        R(("Acme Property Management", "11/20/2025", "Tenant screening")),
    ),
    frozenset({
        ("holds", "addresses"), ("source", "xcel energy"),
        ("recipient", "agency:us-ice"), ("recipient", "acme property management"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

ALL = (LEXIS_REPORT, APPRISS_REPORT_ES, CCPA_EMAIL, VERIFY_EMAIL_ES, REFUSAL_LETTER, LEXIS_REPORT_2)


def scanned_pdf_bytes(doc: Doc, dpi: int = 200) -> bytes:
    """The document as a scan: each page of its text PDF rasterised (pypdfium2), slightly
    blurred and tilted like a sheet on a scanner, then put back into a PDF as an image only."""
    import pypdfium2
    from PIL import ImageFilter
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    source = pypdfium2.PdfDocument(pdf_bytes(doc))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    try:
        for index in range(len(source)):
            page = source[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
            image = image.filter(ImageFilter.GaussianBlur(0.6)).rotate(0.4, fillcolor=255, expand=False)
            c.drawImage(ImageReader(image), 0, 0, width=letter[0], height=letter[1])
            c.showPage()
    finally:
        source.close()
    c.save()
    return buf.getvalue()
