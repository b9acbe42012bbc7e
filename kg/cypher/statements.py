"""openCypher statements that write a property graph into a server (Neo4j, FalkorDB) or a cypher-shell script.

Generation is kept apart from transport: :func:`write_statements` yields ``(query, parameters)`` pairs that the Neo4j
driver, the FalkorDB client or :func:`to_literal_statement` (for scripts) all run unchanged. Every write is a
``MERGE`` on the node id (or on the relationship between two merged nodes) followed by ``SET x += props`` with every
schema property present (``null`` removes), so running the statements twice changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterator

from kg.cypher.schema import NODE_TABLES, REL_TABLES
from kg.cypher.view import PropertyGraph, flat

DEFAULT_BATCH_SIZE = 2000


@dataclass
class Statement:
    """One parameterised write: ``query`` run with ``{"rows": rows}``."""

    query: str
    rows: list[dict[str, Any]]
    kind: str  #: "nodes" or "relationships"
    name: str  #: node label, or "TYPE (From->To)"

    @property
    def params(self) -> dict[str, Any]:
        return {"rows": self.rows}


def schema_statements(dialect: str = "neo4j") -> list[str]:
    """Statements creating one uniqueness constraint (Neo4j) or index (FalkorDB) on ``id`` per label.

    Args:
        dialect: ``neo4j`` (``CREATE CONSTRAINT … IF NOT EXISTS``) or ``falkordb`` (``CREATE INDEX``; FalkorDB
            unique constraints need an index first and are created through its client API).
    """
    out = []
    for label in NODE_TABLES:
        if dialect == "neo4j":
            out.append(f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
        elif dialect == "falkordb":
            out.append(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
        else:
            raise ValueError(f"Unknown Cypher dialect {dialect!r}; valid dialects: neo4j, falkordb.")
    return out


def node_query(label: str) -> str:
    return f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}) SET n += r"


def edge_query(rtype: str, src: str, dst: str) -> str:
    return (
        f"UNWIND $rows AS r MATCH (a:{src} {{id: r.from}}) MATCH (b:{dst} {{id: r.to}}) "
        f"MERGE (a)-[e:{rtype}]->(b) SET e += r.props"
    )


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def write_statements(pg: PropertyGraph, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Statement]:
    """Every node batch (all labels), then every relationship batch; nodes first so relationships find both ends."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    for label in NODE_TABLES:
        rows = [flat(r, NODE_TABLES[label]) for r in pg.nodes.get(label, [])]
        for batch in _batches(rows, batch_size):
            yield Statement(node_query(label), batch, "nodes", label)
    for (rtype, src, dst), rows in sorted(pg.edges.items()):
        props = REL_TABLES[rtype].props
        shaped = [{"from": r["from"], "to": r["to"], "props": flat({k: r.get(k) for k, _ in props}, props)} for r in rows]
        for batch in _batches(shaped, batch_size):
            yield Statement(edge_query(rtype, src, dst), batch, "relationships", f"{rtype} ({src}->{dst})")


# -- literals for scripts ------------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r"[\\'\n\r\t\b\f]")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def string_literal(value: str) -> str:
    """A single-quoted Cypher string literal holding exactly ``value``.

    Backslash, quote, newline, CR, tab, backspace and form feed are escaped (the escapes Neo4j and FalkorDB both
    read); every other character, unicode included, stands for itself inside the quotes.
    """
    return "'" + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], value) + "'"


def cypher_literal(value: Any) -> str:
    """``value`` (None, bool, int, float, str, list, dict) as a Cypher literal expression."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "toFloat('NaN')"
        if math.isinf(value):
            return "toFloat('Infinity')" if value > 0 else "-toFloat('Infinity')"
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            key = k if _IDENT.match(k) else "`" + k.replace("`", "``") + "`"
            parts.append(f"{key}: {cypher_literal(v)}")
        return "{" + ", ".join(parts) + "}"
    raise TypeError(f"No Cypher literal for a {type(value).__name__}: {value!r}.")


def to_literal_statement(stmt: Statement) -> str:
    """``stmt`` with ``$rows`` replaced by a list literal: one self-contained line for a script."""
    return stmt.query.replace("$rows", cypher_literal(stmt.rows), 1) + ";"
