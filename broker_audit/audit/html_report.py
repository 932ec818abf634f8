"""A self-contained HTML audit report: no scripts, no external assets, printable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from broker_audit.audit.progress import Action, BrokerStanding, Score
from broker_audit.audit.rank import TIERS
from broker_audit.audit.told import Told
from broker_audit.i18n import _, current_language, format_date
from broker_audit.words import kind_word, state_word

_CSS = """
body{font-family:"DejaVu Serif",Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.35rem;
vertical-align:top;text-align:left}.tier1{border-left:.4rem solid #b00020}.tier2{border-left:.4rem solid
#e65100}.tier3{border-left:.4rem solid #f9a825}.tier4{border-left:.4rem solid #9e9e9e}
.reasons{font-size:.9rem;margin:.2rem 0 0 1rem;padding:0}.overdue{color:#b00020;font-weight:bold}
a{color:#0645ad}footer{margin-top:2rem;font-size:.8rem;color:#555}
@media print{a{color:#111}}
"""  # i18n: not user-facing


def _chart(score: Score) -> str:
    """Three horizontal bars: covered, answered, deleted, out of the brokers listed."""
    width = 360
    rows = [(_("Asked"), score.covered), (_("Answered"), score.answered), (_("Deleted"), score.deleted)]
    parts = [
        f'<svg role="img" aria-label="{escape(_("progress"), quote=True)}" width="{width + 170}" '
        f'height="{len(rows) * 30 + 10}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 8 + i * 30
        filled = 0 if not score.listed else round(width * value / score.listed)
        parts.append(f'<text x="0" y="{y + 15}" font-size="14">{escape(label)}</text>')
        parts.append(f'<rect x="90" y="{y}" width="{width}" height="20" fill="#e0e0e0"/>')
        parts.append(f'<rect x="90" y="{y}" width="{filled}" height="20" fill="#2e7d32"/>')
        of = _("{done} of {listed}").format(done=value, listed=score.listed)
        parts.append(f'<text x="{width + 100}" y="{y + 15}" font-size="14">{escape(of)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _link(url: str, text: str) -> str:
    if not url.startswith(("https://", "http://")):
        return escape(text)
    return f'<a href="{escape(url, quote=True)}" rel="noreferrer noopener">{escape(text)}</a>'


def audit_html(
    *,
    title: str,
    today: dt.date,
    state: str,
    law: str,
    rows: list[BrokerStanding],
    score: Score,
    actions: list[Action],
    sections: tuple[str, ...] = (),
    told: Sequence[Told] = (),
) -> str:
    """The report. `sections`: HTML parts built (and escaped) by their own modules, such as the
    map of what the brokers' answers showed (audit/flow_svg.py), placed before the broker table."""
    language = current_language()
    body = [
        f"<h1>{escape(title)}</h1>",
        "<p>"
        + escape(
            _("Report of {date}. State of residence: {state}. Law cited in your letters: {law}.").format(
                date=today.isoformat() if language == "en" else format_date(today), state=state, law=law
            )
        )
        + "</p>",
        "<h2>" + escape(_("Progress: {percent}%").format(percent=score.percent)) + "</h2>",
        _chart(score),
        "<h2>" + escape(_("What to do next")) + "</h2><ol>",
    ]
    for action in actions:
        body.append(f"<li>{escape(action.text)}<br><code>{escape(action.command)}</code></li>")
    body.append("</ol>")
    body.extend(sections)
    heads = (_("Broker"), _("Why it is on the list"), _("Your requests"))
    body.append(
        "<h2>"
        + escape(_("Who likely holds your data"))
        + "</h2><table><thead><tr>"
        + "".join(f"<th>{escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
    )
    for row in rows:
        r = row.ranked
        reasons = "".join(
            f"<li>{_link(x.source, x.text) if x.source else escape(x.text)}</li>" for x in r.reasons
        )
        requests = "<br>".join(
            f'<span class="{"overdue" if q.overdue else ""}">#{q.id} {escape(kind_word(q.kind))}: '
            f"{escape(state_word(q.state))}"
            + (escape(" " + _("(due {date})").format(date=q.due.isoformat())) if q.due else "")
            + (" " + escape(_("OVERDUE")) if q.overdue else "")
            + "</span>"
            for q in row.requests
        ) or escape(_("none yet"))
        body.append(
            f'<tr class="tier{r.tier}"><td><strong>{escape(r.broker.name)}</strong><br>'
            f'<small>{escape(_(TIERS[r.tier]))}</small></td><td><ul class="reasons">{reasons}'
            f"</ul></td><td>{requests}</td></tr>"
        )
    body.append("</tbody></table><h2>" + escape(_("What your letters told whom")) + "</h2>")
    if told:
        columns = (_("Letter"), _("To"), _("It told them"), _("Not told"))
        body.append(
            "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in columns) + "</tr></thead><tbody>"
        )
        from broker_audit.letters.disclosure import reason_in

        for t in told:
            sent = t.sent.isoformat() if t.sent else ""
            kept = escape(", ".join(t.withheld)) + (
                f" <small>({escape(reason_in(t.reason))})</small>" if t.reason else ""
            )
            letter = _("#{id} {kind}, sent {date}").format(id=t.request_id, kind=kind_word(t.kind), date=sent)
            body.append(
                f"<tr><td>{escape(letter)}</td>"
                f"<td>{escape(t.recipient)}</td><td>{escape(t.told)}</td><td>{kept}</td></tr>"
            )
        body.append("</tbody></table>")
    else:
        body.append("<p>" + escape(_("No letter has been sent yet.")) + "</p>")
    body.append(
        "<footer>"
        + escape(
            _("Made by broker-audit on this computer. It contains personal information: keep it private.")
        )
        + "</footer>"
    )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
