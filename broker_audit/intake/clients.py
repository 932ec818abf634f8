"""Read a clinic's intake spreadsheet into validated clients: the public face of `intake`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

from broker_audit.cleantext import squash
from broker_audit.errors import DataFileError, UserError
from broker_audit.geography import state_code
from broker_audit.i18n import N_, _
from broker_audit.intake.dates import DATE_ORDERS, ColumnOrder, DateOrder, decide_order
from broker_audit.intake.headers import FIELDS, Columns, map_columns, recognised_count
from broker_audit.intake.model import BadRow, Client, Intake
from broker_audit.intake.normalise import name_key
from broker_audit.intake.read import RawRow, iter_rows, sniff
from broker_audit.intake.rows import RowReader

HEADER_SEARCH_ROWS = 10  # a title or notes above the header row are skipped, up to this many rows
_NAME_FIELDS = ("first_name", "middle_name", "last_name", "last_name_2", "full_name")
_MAP_HINT = N_("rename the column, or map it: --map 'Their column=field' (fields: {fields})")


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _find_header(path: Path, rows: Iterator[RawRow], column_map: Mapping[str, str] | None) -> RawRow:
    """The header row: the first row naming at least two known columns (a title above is skipped)."""
    wanted = {squash(k) for k in (column_map or {})}
    seen: list[RawRow] = []
    for raw in rows:
        if raw.error or _is_blank(raw.cells):
            seen.append(raw)
            continue
        score = recognised_count(raw.cells) + sum(squash(c) in wanted for c in raw.cells)
        if score >= 2 or (score >= 1 and len([c for c in raw.cells if c.strip()]) == 1):
            return raw
        seen.append(raw)
        if sum(not r.error and not _is_blank(r.cells) for r in seen) >= HEADER_SEARCH_ROWS:
            break
    if not any(not r.error and not _is_blank(r.cells) for r in seen):
        raise DataFileError(
            _("{path}: has no header row and no clients").format(path=path),
            _("export the sheet with its header row"),
        )
    raise DataFileError(
        _(
            "{path}: no header row found: none of the first rows names columns like "
            "'First Name', 'Last Name', 'Address', 'City', 'State', 'ZIP'"
        ).format(path=path),
        _("add a header row, or {how}").format(how=_(_MAP_HINT).format(fields=", ".join(FIELDS))),
    )


def _check_required(path: Path, columns: Columns) -> None:
    """A file without any name or address column cannot make one letter: say so once."""
    missing = []
    if not any(f in columns.fields for f in _NAME_FIELDS):
        missing.append(_("a name (e.g. 'First Name' + 'Last Name', or 'Nombre' + 'Apellidos')"))
    if "line1" not in columns.fields:
        missing.append(_("a street address (e.g. 'Address' or 'Dirección')"))
    if missing:
        found = ", ".join(columns.names) or _("none")
        raise DataFileError(
            _("{path}: no column for {missing}; the columns are: {found}").format(
                path=path, missing=_(" and ").join(missing), found=found
            ),
            _(_MAP_HINT).format(fields=", ".join(FIELDS)),
        )


def read_clients(
    path: Path,
    *,
    column_map: Mapping[str, str] | None = None,
    default_language: str = "en",
    default_state: str | None = None,
    today: dt.date | None = None,
    date_order: str | None = None,
) -> Intake:
    """Read every row of a clinic spreadsheet; good rows become clients, the rest BadRows.

    Never stops at a bad row and never drops one silently:
    rows_read == len(clients) + len(bad) + len(identical_rows) + blank_rows.
    Raises DataFileError when the file is not a spreadsheet (binary, empty, no header row) and
    UserError for a bad `column_map`, `default_language`, `default_state` or `date_order`.

    Numeric birth dates are read in one order for the whole column: `date_order` (dmy, mdy or
    ymd), else the one the header states, else the one its cells show (a number over 12); a
    date that could be read both ways with nothing to settle it is a bad row (see intake/dates.py).
    """
    if default_language not in ("en", "es"):
        raise UserError(
            _("unknown language {language}").format(language=repr(default_language)), _("use en or es")
        )
    if date_order is not None and date_order not in DATE_ORDERS:
        raise UserError(
            _("unknown date order {order}").format(order=repr(date_order)),
            _("--date-order is dmy (14/03/1987), mdy (03/14/1987) or ymd (1987/03/14)"),
        )
    state = None
    if default_state:
        state = state_code(default_state)
        if state is None:
            raise UserError(
                _("{state} is not a US state").format(state=repr(default_state)),
                _("use two letters, e.g. CO"),
            )
    dialect = sniff(path)
    rows = iter_rows(path, dialect)
    header = _find_header(path, rows, column_map)
    columns = map_columns(header.cells, column_map)
    _check_required(path, columns)
    body = list(rows)  # the whole column's dates decide how each one is read
    order = _date_order(columns, body, date_order)
    reader = RowReader(
        columns,
        default_language=default_language,
        default_state=state,
        today=today or dt.date.today(),
        date_order=order,
    )
    collector = _Collector()
    extra_data_columns: set[int] = set()
    empty_headers = {i for i, cell in enumerate(header.cells) if not cell.strip()}
    for raw in body:
        collector.rows_read += 1
        if raw.error:
            collector.bad.append(BadRow(raw.row, raw.error, {}))
            continue
        if _is_blank(raw.cells):
            collector.blank_rows += 1
            continue
        extra_data_columns.update(i for i in empty_headers if i < len(raw.cells) and raw.cells[i].strip())
        result = reader.read(raw.row, raw.cells)
        if isinstance(result, BadRow):
            collector.bad.append(result)
        else:
            collector.add(result, raw.cells, reader, has_id_column="client_id" in columns.fields)
    warnings = list(dialect.warnings)
    if header.row > 1:
        warnings.append(
            _("the header is on row {row}; the rows above it were skipped").format(row=header.row)
        )
    unmapped = columns.unmapped + [columns.names[i] for i in sorted(extra_data_columns)]
    return Intake(
        clients=collector.clients,
        bad=collector.bad,
        duplicates=collector.duplicates,
        unmapped_columns=unmapped,
        mapping=columns.mapping,
        rows_read=collector.rows_read,
        blank_rows=collector.blank_rows,
        identical_rows=collector.identical,
        header_row=header.row,
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        warnings=warnings,
        date_order=order,
    )


def _date_order(columns: Columns, body: list[RawRow], given: DateOrder | None) -> ColumnOrder:
    """How the birth-date column is read: from --date-order, its header, or all its cells."""
    indexes = columns.fields.get("birth_date", [])
    if not indexes:
        return ColumnOrder(given, "given with --date-order" if given else "")
    header = " ".join(columns.names[i] for i in indexes)

    def cells() -> Iterator[tuple[int, str]]:
        for raw in body:
            if raw.error:
                continue
            for i in indexes:
                if i < len(raw.cells) and raw.cells[i].strip():
                    yield raw.row, raw.cells[i]
                    break

    return decide_order(cells(), header=header, given=given)


class _Collector:
    """Keeps clients in order and finds the same person twice: same normalised name + DOB,
    same name + address, or the same client id."""

    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.bad: list[BadRow] = []
        self.duplicates: list[tuple[int, int]] = []
        self.identical: list[int] = []
        self.rows_read = 0
        self.blank_rows = 0
        self._by_row: dict[int, Client] = {}
        self._by_key: dict[tuple[str, ...], int] = {}
        self._by_id: dict[str, int] = {}

    def add(self, client: Client, cells: list[str], reader: RowReader, *, has_id_column: bool) -> None:
        profile = client.profile
        name = name_key(profile.name)
        address = profile.current_address
        keys: list[tuple[str, ...]] = []
        if profile.birth_date:
            keys.append(("dob", name, profile.birth_date.isoformat()))
        if address:
            keys.append(("addr", name, name_key(address.line1), name_key(address.line2), address.zip[:5]))
        matches = [self._by_key[k] for k in keys if k in self._by_key]
        same_id = self._by_id.get(client.client_id)
        if same_id is not None and same_id not in matches:
            first = self._by_row[same_id]
            if has_id_column and name_key(first.profile.name) != name:
                self.bad.append(
                    BadRow(
                        client.row,
                        _(
                            "the client id ({column}) is already used on row {row} by a different person: "
                            "give each client their own id"
                        ).format(column=reader.label("client_id"), row=same_id),
                        reader.raw(cells),
                    )
                )
                return
            matches.append(same_id)
        if matches:
            first_row = min(matches)
            first = self._by_row[first_row]
            self.duplicates.append((client.row, first_row))
            if (first.profile, first.language, first.client_id) == (
                profile,
                client.language,
                client.client_id,
            ):
                self.identical.append(client.row)
                return
        self.clients.append(client)
        self._by_row[client.row] = client
        for key in keys:
            self._by_key.setdefault(key, client.row)
        self._by_id.setdefault(client.client_id, client.row)
