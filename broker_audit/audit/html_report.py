"""A self-contained HTML audit report: no scripts, no external assets, printable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from broker_audit.audit.progress import Action, BrokerStanding, Score
from broker_audit.audit.rank import TIERS
from broker_audit.audit.told import Told

_CSS = """
body{font-family:"DejaVu Serif",Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.35rem;
vertical-align:top;text-align:left}.tier1{border-left:.4rem solid #b00020}.tier2{border-left:.4rem solid
#e65100}.tier3{border-left:.4rem solid #f9a825}.tier4{border-left:.4rem solid #9e9e9e}
.reasons{font-size:.9rem;margin:.2rem 0 0 1rem;padding:0}.overdue{color:#b00020;font-weight:bold}
a{color:#0645ad}footer{margin-top:2rem;font-size:.8rem;color:#555}
@media print{a{color:#111}}
"""


def _chart(score: Score) -> str:
    """Three horizontal bars: covered, answered, deleted, out of the brokers listed."""
    width = 360
    rows = [("Asked", score.covered), ("Answered", score.answered), ("Deleted", score.deleted)]
    parts = [
        f'<svg role="img" aria-label="progress" width="{width + 170}" height="{len(rows) * 30 + 10}"'
        ' xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 8 + i * 30
        filled = 0 if not score.listed else round(width * value / score.listed)
        parts.append(f'<text x="0" y="{y + 15}" font-size="14">{label}</text>')
        parts.append(f'<rect x="90" y="{y}" width="{width}" height="20" fill="#e0e0e0"/>')
        parts.append(f'<rect x="90" y="{y}" width="{filled}" height="20" fill="#2e7d32"/>')
        parts.append(f'<text x="{width + 100}" y="{y + 15}" font-size="14">{value} of {score.listed}</text>')
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
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>Report of {escape(today.isoformat())}. State of residence: {escape(state)}. "
        f"Law cited in your letters: {escape(law)}.</p>",
        f"<h2>Progress: {score.percent}%</h2>",
        _chart(score),
        "<h2>What to do next</h2><ol>",
    ]
    for action in actions:
        body.append(f"<li>{escape(action.text)}<br><code>{escape(action.command)}</code></li>")
    body.append("</ol>")
    body.extend(sections)
    body.append(
        "<h2>Who likely holds your data</h2><table><thead><tr><th>Broker</th>"
        "<th>Why it is on the list</th><th>Your requests</th></tr></thead><tbody>"
    )
    for row in rows:
        r = row.ranked
        reasons = "".join(
            f"<li>{_link(x.source, x.text) if x.source else escape(x.text)}</li>" for x in r.reasons
        )
        requests = (
            "<br>".join(
                f'<span class="{"overdue" if q.overdue else ""}">#{q.id} {escape(q.kind)}: '
                f"{escape(q.state)}{' (due ' + escape(q.due.isoformat()) + ')' if q.due else ''}"
                f"{' OVERDUE' if q.overdue else ''}</span>"
                for q in row.requests
            )
            or "none yet"
        )
        body.append(
            f'<tr class="tier{r.tier}"><td><strong>{escape(r.broker.name)}</strong><br>'
            f'<small>{escape(TIERS[r.tier])}</small></td><td><ul class="reasons">{reasons}'
            f"</ul></td><td>{requests}</td></tr>"
        )
    body.append("</tbody></table><h2>What your letters told whom</h2>")
    if told:
        body.append(
            "<table><thead><tr><th>Letter</th><th>To</th><th>It told them</th><th>Not told</th>"
            "</tr></thead><tbody>"
        )
        for t in told:
            sent = t.sent.isoformat() if t.sent else ""
            kept = escape(", ".join(t.withheld)) + (
                f" <small>({escape(t.reason)})</small>" if t.reason else ""
            )
            body.append(
                f"<tr><td>#{t.request_id} {escape(t.kind)}, sent {escape(sent)}</td>"
                f"<td>{escape(t.recipient)}</td><td>{escape(t.told)}</td><td>{kept}</td></tr>"
            )
        body.append("</tbody></table>")
    else:
        body.append("<p>No letter has been sent yet.</p>")
    body.append(
        "<footer>Made by broker-audit on this computer. It contains "
        "personal information: keep it private.</footer>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
