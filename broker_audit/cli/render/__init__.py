"""The one place that draws for humans, a module per command group.

`base` holds what every drawing shares (the rich consoles, `say`, `add_text_row`, `clean`, the
progress bar); `profile`, `brokers`, `requests`, `bulk`, `audit`, `registry`, `scan`, `mail`,
`campaign`, `drop` and `findings` draw their commands' results, each typed by the result it
takes. `listing` draws the long listings (`status`, `brokers list`, `agencies list`, a
campaign's status) as plain tables from `table`, without rich, which they never import: a
listing of 100,000 rows takes a second, not a minute, and `status` starts 20 ms sooner.

Data is never interpreted as rich markup (``privacy[at]example.com`` stays as it is, a ``[/]`` in
a field is text): it goes into ``Text`` objects, never into a markup string. Every piece of text
from outside (registry, imports, scans, the vault, spreadsheets, mail) passes ``clean``, ``say``
or ``add_text_row`` (or ``table.clean``), which strip escape sequences and control characters
(:mod:`broker_audit.cleantext`), before it reaches the terminal. This package imports nothing
itself, so importing `listing` costs no rich.
"""
