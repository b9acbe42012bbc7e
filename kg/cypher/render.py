"""Renderers of Cypher result rows: a terminal table, JSON (a list of row objects) and CSV."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import uuid
from typing import Any

FORMATS = ("table", "json", "csv")


def _default(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return str(value)


def _columns(rows: list[dict[str, Any]], columns: list[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    return list(rows[0]) if rows else []


def _cell(value: Any) -> str:
    """One cell as text: strings as they are, null as empty, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, default=_default)


def render_json(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A JSON array of row objects (keys in column order)."""
    cols = _columns(rows, columns)
    return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2, default=_default) + "\n"


def render_csv(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """RFC 4180 CSV with a header line; lists and maps are written as JSON."""
    cols = _columns(rows, columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def render_table(rows: list[dict[str, Any]], columns: list[str] | None = None, title: str | None = None) -> Any:
    """A :class:`rich.table.Table` of the rows (print it with a rich console); text is never read as markup."""
    from rich.table import Table
    from rich.text import Text

    cols = _columns(rows, columns)
    table = Table(title=title, caption=f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    for c in cols:
        table.add_column(Text(c), overflow="fold")
    for r in rows:
        table.add_row(*(Text(_cell(r.get(c))) for c in cols))
    return table


def render(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> Any:
    """Rows in ``fmt``: a string for ``json``/``csv``, a rich Table for ``table``.

    Raises:
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt == "json":
        return render_json(rows, columns)
    if fmt == "csv":
        return render_csv(rows, columns)
    if fmt == "table":
        return render_table(rows, columns)
    raise ValueError(f"Unknown output format {fmt!r}; valid formats: {', '.join(FORMATS)}.")
