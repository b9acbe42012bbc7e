"""Push the property graph into a Neo4j server (official driver) or a FalkorDB server (``falkordb`` client).

The statements come from :mod:`kg.cypher.statements`; this module only moves them: constraints first, then batched
``UNWIND … MERGE`` writes, each batch in one managed transaction (the Neo4j driver retries transient errors).
Pushing the same graph twice changes nothing. The password comes from the argument, ``$NEO4J_PASSWORD`` or a prompt,
and is never printed or logged.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlparse

from kg.errors import StoreError
from kg.graph.model import KnowledgeGraph
from kg.cypher.schema import NODE_TABLES, REL_TABLES
from kg.cypher.statements import DEFAULT_BATCH_SIZE, Statement, schema_statements, write_statements
from kg.cypher.view import PropertyGraph, load, property_graph

log = logging.getLogger(__name__)

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
FALKORDB_SCHEMES = ("falkordb", "redis", "rediss")


@dataclass
class PushSummary:
    """What a push did."""

    uri: str
    database: str | None
    nodes: dict[str, int] = field(default_factory=dict)  #: rows sent per label
    relationships: dict[str, int] = field(default_factory=dict)  #: rows sent per type
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    batches: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Writer:
    """A transport: runs schema statements and parameterised batches, returns change counters."""

    dialect = "neo4j"

    def run_schema(self, statements: list[str]) -> None:
        raise NotImplementedError

    def write(self, query: str, params: dict[str, Any]) -> dict[str, int]:
        raise NotImplementedError

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Neo4jWriter(Writer):
    """The official ``neo4j`` driver; each batch in a managed write transaction (``execute_write`` retries)."""

    dialect = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None) -> None:
        try:
            import neo4j
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise StoreError("Pushing to Neo4j needs the neo4j driver: pip install 'mlkg[neo4j]'.") from exc
        self.database = database
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self.driver.verify_connectivity()
        except Exception as exc:
            # The driver's message never contains the password; it names the URI and the cause.
            raise StoreError(f"Cannot connect to Neo4j at {redact(uri)} as {user!r}: {exc}") from exc

    def run_schema(self, statements: list[str]) -> None:
        for stmt in statements:
            self.driver.execute_query(stmt, database_=self.database)

    def write(self, query: str, params: dict[str, Any]) -> dict[str, int]:
        def work(tx: Any) -> Any:
            return tx.run(query, params).consume().counters

        with self.driver.session(database=self.database) as session:
            c = session.execute_write(work)
        return {
            "nodes_created": c.nodes_created,
            "relationships_created": c.relationships_created,
            "properties_set": c.properties_set,
        }

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        records, _, _ = self.driver.execute_query(query, params or {}, database_=self.database, routing_="r")
        return [list(r.values()) for r in records]

    def close(self) -> None:
        self.driver.close()


class FalkorDBWriter(Writer):
    """The ``falkordb`` client over the Redis protocol (FalkorDB's Bolt port is not used: it breaks on lists)."""

    dialect = "falkordb"

    def __init__(self, host: str = "127.0.0.1", port: int = 6379, graph: str = "kg", password: str | None = None) -> None:
        import falkordb

        try:
            self.db = falkordb.FalkorDB(host=host, port=port, password=password or None)
            self.graph = self.db.select_graph(graph)
            self.db.connection.ping()
        except Exception as exc:
            raise StoreError(f"Cannot connect to FalkorDB at {host}:{port}: {exc}") from exc
        self._nul_warned = False

    def run_schema(self, statements: list[str]) -> None:
        existing = {tuple(row[:2]) for row in self._indexed_labels()}
        for stmt in statements:
            label = stmt.split("(n:", 1)[1].split(")", 1)[0]
            if (label, "id") not in existing:
                self.graph.query(stmt)

    def _indexed_labels(self) -> list[list[Any]]:
        try:
            rows = self.graph.query("CALL db.indexes() YIELD label, properties RETURN label, properties").result_set
        except Exception:  # an empty graph has no index procedure output on some versions
            return []
        return [[label, p] for label, props in rows for p in props]

    def _scrub(self, value: Any) -> Any:
        # FalkorDB strings are C strings: a NUL would cut the query text the client builds. Replace it and say so.
        if isinstance(value, str):
            if "\x00" in value:
                if not self._nul_warned:
                    log.warning("FalkorDB cannot store NUL characters; they are replaced by U+FFFD.")
                    self._nul_warned = True
                return value.replace("\x00", "\ufffd")
            return value
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self._scrub(v) for k, v in value.items()}
        return value

    def write(self, query: str, params: dict[str, Any]) -> dict[str, int]:
        res = self.graph.query(query, self._scrub(params))
        return {
            "nodes_created": int(res.nodes_created),
            "relationships_created": int(res.relationships_created),
            "properties_set": int(res.properties_set),
        }

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        return self.graph.ro_query(query, params or {}).result_set

    def close(self) -> None:
        try:
            self.db.connection.close()
        except Exception:  # pragma: no cover - closing a dead connection
            pass


def resolve_password(password: str | None, env: str = "NEO4J_PASSWORD") -> str:
    """``password``, else ``$NEO4J_PASSWORD``, else a hidden prompt on the terminal.

    Raises:
        StoreError: no password given and no terminal to ask on.
    """
    if password:
        return password
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Neo4j password: ", stream=sys.stderr)
    raise StoreError(f"No Neo4j password: set the {env} environment variable or run on a terminal to be prompted.")


def open_writer(
    uri: str, user: str = "neo4j", database: str | None = None, password: str | None = None
) -> Writer:
    """A writer for ``uri``: ``bolt://``/``neo4j://`` (and ``+s``/``+ssc``) for Neo4j, ``falkordb://host:port``
    or ``redis://host:port`` for FalkorDB (``database`` is the graph name there, default ``kg``).

    Raises:
        StoreError: unknown scheme (the message lists the valid ones) or connection failure.
    """
    parsed = urlparse(uri)
    scheme = parsed.scheme.lower()
    if scheme in NEO4J_SCHEMES:
        return Neo4jWriter(uri, user, resolve_password(password), database)
    if scheme in FALKORDB_SCHEMES:
        pw = password or parsed.password or os.environ.get("FALKORDB_PASSWORD")
        return FalkorDBWriter(parsed.hostname or "127.0.0.1", parsed.port or 6379, database or "kg", pw)
    raise StoreError(
        f"Cannot push to {redact(uri)!r}: unknown scheme {scheme!r}. Use one of "
        f"{', '.join(s + '://' for s in NEO4J_SCHEMES + FALKORDB_SCHEMES)}."
    )


def redact(uri: str) -> str:
    """``uri`` without any user:password part, for messages and summaries."""
    parsed = urlparse(uri)
    if parsed.password is None and parsed.username is None:
        return uri
    host = parsed.hostname or ""
    netloc = host + (f":{parsed.port}" if parsed.port else "")
    return parsed._replace(netloc=netloc).geturl()


def push_property_graph(
    writer: Writer,
    pg: PropertyGraph,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[Statement], None] | None = None,
) -> dict[str, int]:
    """Constraints/indexes, then every batch of :func:`write_statements`; return summed change counters."""
    writer.run_schema(schema_statements(writer.dialect))
    totals = {"nodes_created": 0, "relationships_created": 0, "properties_set": 0, "batches": 0}
    for stmt in write_statements(pg, batch_size):
        try:
            counters = writer.write(stmt.query, stmt.params)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"Writing {stmt.kind} {stmt.name} failed: {exc}") from exc
        for k, v in counters.items():
            totals[k] += v
        totals["batches"] += 1
        if on_batch:
            on_batch(stmt)
    return totals


def push(
    build_dir_or_graph: KnowledgeGraph | str | os.PathLike[str],
    uri: str,
    user: str = "neo4j",
    database: str | None = None,
    password: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
) -> PushSummary:
    """Write the graph into the Neo4j (or FalkorDB) server at ``uri``; idempotent.

    Args:
        build_dir_or_graph: a build directory or a graph.
        uri: ``bolt://host:7687``, ``neo4j://…`` (Neo4j) or ``falkordb://host:port`` / ``redis://host:port``.
        user: Neo4j user.
        database: Neo4j database (server default when None); the graph name on FalkorDB (default ``kg``).
        password: else ``$NEO4J_PASSWORD``, else a prompt on the terminal.
        batch_size: rows per ``UNWIND`` transaction.
        progress: show a progress bar on stderr.

    Raises:
        StoreError: connection or write failure (the password never appears in messages).
    """
    g = load(build_dir_or_graph)
    pg = property_graph(g)
    summary = PushSummary(uri=redact(uri), database=database, nodes=pg.node_counts(), relationships=pg.edge_counts())
    total_rows = sum(summary.nodes.values()) + sum(summary.relationships.values())
    t0 = time.perf_counter()
    writer = open_writer(uri, user, database, password)
    try:
        if progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=False,
            ) as bar:
                task = bar.add_task("push", total=total_rows)

                def tick(stmt: Statement) -> None:
                    bar.update(task, advance=len(stmt.rows), description=f"push {stmt.kind}: {stmt.name}")

                totals = push_property_graph(writer, pg, batch_size, tick)
        else:
            totals = push_property_graph(writer, pg, batch_size)
    finally:
        writer.close()
    summary.nodes_created = totals["nodes_created"]
    summary.relationships_created = totals["relationships_created"]
    summary.properties_set = totals["properties_set"]
    summary.batches = totals["batches"]
    summary.seconds = time.perf_counter() - t0
    log.info(
        "Pushed %d nodes and %d relationships to %s in %.1fs (%d nodes and %d relationships created).",
        sum(summary.nodes.values()), sum(summary.relationships.values()), summary.uri, summary.seconds,
        summary.nodes_created, summary.relationships_created,
    )
    return summary


def pushed_counts(writer: Writer) -> dict[str, dict[str, int]]:
    """Nodes per label and relationships per type in the server (for checks after a push)."""
    nodes = {label: int(writer.read(f"MATCH (n:{label}) RETURN count(n)")[0][0]) for label in NODE_TABLES}
    rels = {rtype: int(writer.read(f"MATCH ()-[r:{rtype}]->() RETURN count(r)")[0][0])
            for rtype, t in REL_TABLES.items() if not t.store_only}
    return {"nodes": nodes, "relationships": rels}
