"""The plain functions behind ``kg sparql`` (the CLI wrapper in :mod:`kg.cli` only parses options)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kg.errors import InputError, QueryError
from kg.rdf.results import SparqlResult

FORMATS = ("table", "json", "csv", "tsv", "xml")


def list_sparql_queries() -> SparqlResult:
    """The named SPARQL queries as a result table (name, title, params with defaults, columns)."""
    from kg.named_queries import list_named_queries

    xsd = "http://www.w3.org/2001/XMLSchema#string"
    rows = []
    for q in list_named_queries("sparql"):
        params = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in q.params.items())
        rows.append([("literal", v, xsd, None) for v in (q.name, q.title, params, ", ".join(q.columns))])
    return SparqlResult(kind="select", vars=["name", "title", "params", "columns"], terms=rows)


def run_sparql_command(
    build_dir: str | os.PathLike[str],
    query: str | None = None,
    file: str | os.PathLike[str] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    allow_update: bool = False,
    timeout: float | None = 30.0,
    fmt: str = "table",
) -> str:
    """Run exactly one of ``query``, the query in ``file`` or the named query ``name``; return it rendered.

    Named-query parameters are coerced to their defaults' types; parameters of other queries are string literals.

    Raises:
        QueryError: not exactly one query source, unknown format, or any error of :func:`kg.rdf.query.sparql`.
        InputError: ``file`` cannot be read.
    """
    from kg.rdf.query import run_named_query, sparql

    if fmt not in FORMATS:
        raise QueryError(f"Unknown output format {fmt!r}. Valid formats: {', '.join(FORMATS)}.")
    given = [x for x in (query, file, name) if x is not None]
    if len(given) != 1:
        raise QueryError("Give exactly one query: a QUERY argument, --file F or --name NAME (list names with --list).")
    if name is not None:
        if allow_update:
            raise QueryError("Named queries are read-only; --allow-update applies to your own queries only.")
        result = run_named_query(build_dir, name, params, timeout=timeout)
    else:
        if file is not None:
            try:
                query = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"Cannot read the query file {file}: {exc}.") from exc
            # a file with a named-query header (`# param: NAME = default`) gets its defaults, as --name does
            if Path(file).suffix == ".rq":
                from kg.named_queries import parse_named_query

                header = parse_named_query(Path(file))
                if header.params:
                    params = header.bind(params)
        assert query is not None
        result = sparql(build_dir, query, params or None, timeout=timeout, allow_update=allow_update)
    if result.kind == "graph" and fmt in ("json", "xml"):
        return result.to_rdf("jsonld" if fmt == "json" else "rdfxml").decode("utf-8")
    if result.kind == "update":
        return "update done\n"
    return result.render(fmt)
