"""Plain functions behind ``kg cypher`` and ``kg push`` (the CLI only parses options and prints)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kg.errors import InputError, QueryError
from kg.cypher.store import cypher_with_columns, run_named


def coerce_param(value: str) -> Any:
    """A ``--param`` value of an ad-hoc query: a JSON literal (``5``, ``2.5``, ``true``, ``"x"``, ``[1,2]``) when it
    parses as one, else the text itself."""
    try:
        return json.loads(value)
    except (json.JSONDecodeError, ValueError):
        return value


def run_cypher_command(
    build_dir: str | os.PathLike[str],
    query: str | None = None,
    file: str | os.PathLike[str] | None = None,
    name: str | None = None,
    params: dict[str, str] | None = None,
    allow_write: bool = False,
    timeout: float | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run exactly one of ``query``, the query in ``file`` or the named query ``name``; return (columns, rows).

    Named-query parameters (``--name``, or a ``--file`` with a named-query header) start from the query's defaults
    and are coerced to their types (``--param limit=1000`` pages by 1000 rows); ad-hoc ones are read as JSON
    literals when they parse (so ``--param limit=5`` is a number) and as text otherwise.

    Raises:
        QueryError: not exactly one query source, or the query fails or is refused.
        InputError: ``file`` cannot be read.
    """
    given = [x for x in (query, file, name) if x]
    if len(given) != 1:
        raise QueryError("Give exactly one query: a QUERY argument, --file FILE or --name NAME (see --list).")
    if name:
        if allow_write:
            raise QueryError("Named queries only read; drop --allow-write.")
        return run_named(build_dir, name, params or {}, timeout=timeout)
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read the Cypher query file {file}: {exc}.") from exc
        # a file with a named-query header (`// param: NAME = default`) gets its defaults, as --name does
        if Path(file).suffix == ".cypher":
            from kg.named_queries import parse_named_query

            header = parse_named_query(Path(file))
            if header.params:
                return cypher_with_columns(build_dir, text, header.bind(params), allow_write, timeout=timeout)
    else:
        text = query or ""
    values = {k: coerce_param(v) for k, v in (params or {}).items()}
    return cypher_with_columns(build_dir, text, values, allow_write, timeout=timeout)


def list_queries() -> list[dict[str, Any]]:
    """The named Cypher queries: name, title, parameters with defaults, columns."""
    from kg.named_queries import list_named_queries

    return [
        {"name": q.name, "title": q.title, "description": q.description, "params": q.params, "columns": q.columns}
        for q in list_named_queries("cypher")
    ]
