"""Named queries: the files in ``queries/`` (``NAME.rq`` for SPARQL, ``NAME.cypher`` for Cypher).

Each file starts with a comment header (``#`` in SPARQL, ``//`` in Cypher)::

    # title: Most used datasets
    # description: Datasets ranked by the number of papers that evaluate on them, optionally for one task.
    # param: task = ""        (JSON literal; "" means any)
    # param: limit = 100
    # param: offset = 0
    # columns: dataset, papers

The twin files of one name ask the same question with the same parameters and defaults and return the same columns.
Queries that can return many rows page them: ``limit`` (default 100) rows from ``offset`` (default 0), in an order
both twins share, so consecutive pages neither overlap nor skip rows.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import QueryError

LANGS = {"sparql": ".rq", "cypher": ".cypher"}
_HEADER = re.compile(r"^\s*(?:#|//)\s*(title|description|param|columns)\s*:\s*(.*?)\s*$")


def queries_dir() -> Path:
    """The folder holding the named queries (``$KG_QUERIES_DIR`` or the project's ``queries/``)."""
    env = os.environ.get("KG_QUERIES_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "queries", here / "queries"):
        if cand.is_dir():
            return cand
    return here.parent / "queries"


#: Paging parameters: ``limit`` (rows per page) and ``offset`` (rows skipped). The named queries that can return many
#: rows declare both; SPARQL sets them as the query's LIMIT/OFFSET (:func:`kg.rdf.sparql_text.bind_paging`), Cypher
#: passes them as ``$limit``/``$offset`` to ``SKIP $offset LIMIT $limit``.
PAGING = ("limit", "offset")


def _page_value(name: str, param: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise QueryError(
        f"Parameter {param!r} of {name!r} must be a non-negative integer (rows), got {value!r}; "
        f"for example --param {param}={100 if param == 'limit' else 0}."
    )


@dataclass
class NamedQuery:
    name: str
    lang: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)  #: parameter -> default value
    columns: list[str] = field(default_factory=list)

    def bind(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated with ``overrides``, coerced to the default's type.

        Raises:
            QueryError: an override names no parameter of this query, or has the wrong type.
        """
        values = dict(self.params)
        for k, v in (overrides or {}).items():
            if k not in self.params:
                raise QueryError(
                    f"The named query {self.name!r} has no parameter {k!r}. "
                    f"Its parameters are: {', '.join(self.params) or 'none'}."
                )
            default = self.params[k]
            if k in PAGING:
                v = _page_value(self.name, k, v)
            elif isinstance(v, str) and isinstance(default, (int, float)) and not isinstance(default, bool):
                try:
                    v = type(default)(v)
                except ValueError as exc:
                    kind = "an integer" if isinstance(default, int) else "a number"
                    raise QueryError(f"Parameter {k!r} of {self.name!r} must be {kind}, got {v!r}.") from exc
            values[k] = v
        return values


def parse_named_query(path: Path) -> NamedQuery:
    lang = next((l for l, ext in LANGS.items() if path.suffix == ext), None)
    if lang is None:
        raise QueryError(f"{path} is not a named query file (expected one of {', '.join(LANGS.values())}).")
    text = path.read_text(encoding="utf-8")
    q = NamedQuery(name=path.stem, lang=lang, path=path, text=text)
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.lstrip().startswith(("#", "//")):
                break
            continue
        key, value = m.groups()
        if key == "param":
            pname, _, default = value.partition("=")
            default = default.split("  (")[0].strip()
            try:
                q.params[pname.strip()] = json.loads(default) if default else ""
            except json.JSONDecodeError as exc:
                raise QueryError(f"{path}: the default of parameter {pname.strip()!r} is not a JSON literal: {default!r}.") from exc
        elif key == "columns":
            q.columns = [c.strip() for c in value.split(",") if c.strip()]
        else:
            setattr(q, key, value)
    return q


def list_named_queries(lang: str) -> list[NamedQuery]:
    """Every named query of ``lang`` ("sparql" or "cypher"), sorted by name."""
    ext = LANGS[lang]
    return [parse_named_query(p) for p in sorted(queries_dir().glob(f"*{ext}"))]


def get_named_query(name: str, lang: str) -> NamedQuery:
    """The named query ``name`` in ``lang``.

    Raises:
        QueryError: there is no such query (the message lists those there are).
    """
    path = queries_dir() / f"{name}{LANGS[lang]}"
    if not path.is_file():
        names = ", ".join(q.name for q in list_named_queries(lang)) or "none"
        raise QueryError(f"There is no named {lang} query {name!r}. Named queries: {names}. List them with --list.")
    return parse_named_query(path)
