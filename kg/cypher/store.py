"""The embedded Cypher store: one LadybugDB database in ``BUILD_DIR/cypher/``, bulk-loaded with ``COPY``.

The database is built in a temporary file next to the live one and renamed over it, so readers never see a
half-written store and a failed build leaves the previous store in place.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa

from kg.errors import BuildDirError, QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.graph.model import KnowledgeGraph
from kg.cypher.guards import check_params, check_ranges, with_row_limit
from kg.cypher.schema import (EVIDENCE, EVIDENCE_FIELDS, NODE_TABLES, REL_TABLES, STORE_NODE_TABLES, ddl_statements,
                              ladybug_type)
from kg.cypher.aggregates import Columns
from kg.cypher.view import PropertyGraph, load, property_graph

log = logging.getLogger(__name__)

CYPHER_SUBDIR = "cypher"
DB_NAME = "graph.lbug"

_ARROW_TYPES = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "DOUBLE": pa.float64(),
    "STRING[]": pa.list_(pa.string()),
    "INT64[]": pa.list_(pa.int64()),
    EVIDENCE: pa.list_(pa.struct([(n, {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64()}[t])
                                  for n, t in EVIDENCE_FIELDS])),
}


def db_path(build_dir: str | os.PathLike[str]) -> Path:
    """Path of the LadybugDB database file of a build directory."""
    return Path(build_dir) / CYPHER_SUBDIR / DB_NAME


#: Rows per Arrow frame of a node table: a node table is copied in frames of at most this many rows (LadybugDB
#: appends to a node table that already holds rows at the same cost), so a frame and the Python lists it is made
#: from stay small whatever the size of the table; at 100k abstracts one frame of the statement_evidence rows took
#: 871 MiB. Relationship tables are copied in one frame each: appending to a relationship table that holds rows
#: made the closing CHECKPOINT about ten times slower (USES at 10k abstracts: 1.2 s -> 12 s, docs/scaling.md).
NODE_FRAME_ROWS = 50_000


def _arrow(rows: list[dict[str, Any]] | Columns, props: tuple[tuple[str, str], ...], endpoints: bool = False,
           by_id: dict[str, dict[str, Any]] | None = None) -> pa.Table:
    """An Arrow frame of ``rows`` (dicts, or :data:`~kg.cypher.aggregates.Columns`) with the columns ``props`` (and
    the endpoints); a column named in ``by_id`` is read from that mapping by the row's id instead of from the row."""
    cols: list[tuple[str, str]] = ([("from", "STRING"), ("to", "STRING")] if endpoints else []) + list(props)
    schema = pa.schema([(name, _ARROW_TYPES[t]) for name, t in cols])
    by_id = by_id or {}
    if isinstance(rows, dict):
        n = len(next(iter(rows.values()), ()))
        ids = rows.get("id", ())
        data = {name: [by_id[name].get(i) for i in ids] if name in by_id else (rows[name] if name in rows else [None] * n)
                for name, _ in cols}
    else:
        data = {name: [by_id[name].get(r["id"]) for r in rows] if name in by_id else [r.get(name) for r in rows]
                for name, _ in cols}
    return pa.Table.from_pydict(data, schema=schema)


def _frames(rows: list[dict[str, Any]] | Columns, props: tuple[tuple[str, str], ...], endpoints: bool = False,
            by_id: dict[str, dict[str, Any]] | None = None, size: int | None = None) -> Iterator[pa.Table]:
    """The Arrow frames of ``rows`` (see :func:`_arrow`), ``size`` rows at most each (all in one without it), in
    row order."""
    n = len(next(iter(rows.values()), ())) if isinstance(rows, dict) else len(rows)
    size = size or max(n, 1)
    for start in range(0, n, size):
        part = ({name: col[start:start + size] for name, col in rows.items()} if isinstance(rows, dict)
                else rows[start:start + size])
        yield _arrow(part, props, endpoints, by_id)


def _copy(conn: Any, table: str, rows: list[dict[str, Any]] | Columns, props: tuple[tuple[str, str], ...],
          options: str = "", *, endpoints: bool = False, by_id: dict[str, dict[str, Any]] | None = None) -> None:
    """``COPY`` ``rows`` into ``table`` (a node table :data:`NODE_FRAME_ROWS` rows at a time, a relationship table
    in one frame), then give Arrow's freed buffers back to the system: its allocator keeps them otherwise."""
    size = None if endpoints else NODE_FRAME_ROWS
    for frame in _frames(rows, props, endpoints, by_id, size):  # noqa: B007 - COPY reads the local variable by name
        conn.execute(f"COPY {table} FROM frame{options}")
        del frame
    pa.default_memory_pool().release_unused()


def load_property_graph(conn: Any, pg: PropertyGraph) -> dict[str, float]:
    """Create the schema in an empty database and ``COPY`` every node and relationship frame into it.

    ``pg`` is emptied on the way: each table's rows are dropped once copied.

    Returns:
        Seconds spent per phase (``ddl``, ``nodes``, ``edges``).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    for stmt in ddl_statements():
        conn.execute(stmt)
    t1 = time.perf_counter()
    timings["ddl"] = t1 - t0
    from kg.cypher.aggregates import aggregate_tables

    store_nodes, store_edges, store_props = aggregate_tables(pg)
    # Each table's rows leave ``pg`` once copied: the rows of the view are several times the graph's size, and
    # holding all of them through the last COPY set the peak memory of the store's process (docs/scaling.md).
    for label, props in {**NODE_TABLES, **STORE_NODE_TABLES}.items():
        rows = pg.nodes.pop(label, None) or store_nodes.pop(label, None) or []
        if rows:
            _copy(conn, label, rows, props)
        del rows
    t2 = time.perf_counter()
    timings["nodes"] = t2 - t1
    for key in sorted({*pg.edges, *store_edges}):
        rtype, src, dst = key
        # a table the store aggregates replaces the view's one of the same key
        view_rows = pg.edges.pop(key, None)
        rows = store_edges.pop(key) if key in store_edges else view_rows
        del view_rows
        if rows:
            rel = REL_TABLES[rtype]
            _copy(conn, rtype, rows, rel.props + rel.store_props, f" (from='{src}', to='{dst}')", endpoints=True,
                  by_id=store_props)
        del rows
    timings["edges"] = time.perf_counter() - t2
    return timings


def write_store(graph: KnowledgeGraph | str | os.PathLike[str], build_dir: str | os.PathLike[str]) -> Path:
    """Build the embedded Cypher store of ``graph`` in ``build_dir/cypher/`` and return the database path.

    Args:
        graph: the graph, or a build directory to read it from.
        build_dir: the build directory; any previous store in it is replaced atomically.

    Raises:
        StoreError: the graph breaks the schema or LadybugDB refuses the data.
    """
    import ladybug

    g = load(graph)
    pg = property_graph(g)
    # the view holds what the store needs; where the caller keeps no reference, the graph's memory goes back before
    # the Arrow frames and COPY buffers are made (the build's forked process reads the driver's copy instead)
    del g, graph
    n_nodes, n_edges = sum(pg.node_counts().values()), sum(pg.edge_counts().values())  # load_property_graph empties pg
    out = db_path(build_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=".build-", dir=out.parent))
    tmp = tmp_dir / DB_NAME
    try:
        # One checkpoint at the end instead of one per COPY: several times faster with ~100 COPY statements.
        db = ladybug.Database(str(tmp), auto_checkpoint=False)
        conn = ladybug.Connection(db)
        try:
            timings = load_property_graph(conn, pg)
            t0 = time.perf_counter()
            conn.execute("CHECKPOINT")
            timings["checkpoint"] = time.perf_counter() - t0
        except RuntimeError as exc:
            raise StoreError(f"LadybugDB refused the graph while loading {tmp}: {exc}") from exc
        finally:
            conn.close()
            db.close()
        leftovers = [p.name for p in tmp_dir.iterdir() if p.name != DB_NAME]
        if leftovers:
            raise StoreError(f"LadybugDB left {leftovers} beside the database after closing it; the store is incomplete.")
        # Drop a stale write-ahead log of the old database before the rename: it would be replayed onto the new one.
        for stale in out.parent.glob(DB_NAME + ".*"):
            stale.unlink()
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    log.info(
        "Cypher store %s: %s nodes, %s relationships (ddl %.2fs, nodes %.2fs, edges %.2fs, checkpoint %.2fs).",
        out,
        n_nodes,
        n_edges,
        timings["ddl"],
        timings["nodes"],
        timings["edges"],
        timings["checkpoint"],
    )
    return out


# -- querying ----------------------------------------------------------------------------------------------------

#: Clauses that change the database, its configuration, or reach files/extensions.
WRITE_KEYWORDS = frozenset(
    "CREATE MERGE SET DELETE DETACH REMOVE DROP ALTER COPY LOAD INSTALL ATTACH USE EXPORT IMPORT CHECKPOINT "
    "BEGIN COMMIT ROLLBACK TRUNCATE".split()
)
#: Read-only built-in procedures a query may ``CALL``; every other CALL may write or change settings.
READ_PROCEDURES = frozenset(
    "show_tables table_info show_connection db_version show_functions show_warnings show_indexes "
    "show_projected_graphs show_loaded_extensions show_official_extensions current_setting".split()
)

_STRIP = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""",
    re.S,
)
_TOKEN = re.compile(r"([.:$]?)\s*\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*(?:=|\()?)")


def check_read_only(query: str) -> None:
    """Refuse a query that could write, load files, install extensions or change settings.

    Keywords inside string literals, back-quoted names and comments do not count, nor do property keys
    (``n.set``), labels (``:Create``) and parameters (``$delete``).

    Raises:
        QueryRefusedError: naming the offending clause and how to allow it.
    """
    code = _STRIP.sub(" ", query)
    tokens = list(_TOKEN.finditer(code))
    for i, m in enumerate(tokens):
        if m.group(1):  # n.set, :Create, $delete
            continue
        upper = m.group(2).upper()
        if upper in WRITE_KEYWORDS and not re.match(r"\s*:", code[m.end(2):]):  # a map key {set: 1} is no clause
            raise QueryRefusedError(
                f"The query uses {upper}, which writes to the store or reaches outside it; Cypher queries are "
                "read-only by default. Pass allow_write=True (CLI: --allow-write) to run it on purpose."
            )
        if upper == "CALL":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt.group(2).lower() not in READ_PROCEDURES or nxt.group(3).strip() == "=":
                proc = nxt.group(2) if nxt else "?"
                raise QueryRefusedError(
                    f"The query calls {proc!r}, which is not one of the read-only procedures "
                    f"({', '.join(sorted(READ_PROCEDURES))}); pass allow_write=True (CLI: --allow-write) to run it."
                )


#: Memory (bytes) a read-only database may use for its page cache and for query results together: a query that needs
#: more fails with a QueryError instead of taking the machine's memory (LadybugDB's default is 80% of RAM).
#: ``KG_CYPHER_MEMORY_MIB`` overrides it; the store file itself is always allowed to fit in twice over.
READ_MEMORY = int(os.environ.get("KG_CYPHER_MEMORY_MIB", "2048")) * 2**20

_DB_CACHE: dict[tuple[str, int, int, bool], Any] = {}
_DB_LOCK = threading.Lock()


def _database(path: Path, read_only: bool) -> Any:
    import ladybug

    st = path.stat()
    key = (str(path), st.st_ino, st.st_mtime_ns, read_only)
    with _DB_LOCK:
        db = _DB_CACHE.get(key)
        if db is None:
            # A rebuilt store is a new file: forget the old handle without closing it, since a query in another
            # thread may still be reading through it (it is closed when the last reference goes).
            for old in [k for k in _DB_CACHE if k[0] == key[0]]:
                _DB_CACHE.pop(old)
            db = (ladybug.Database(str(path), read_only=True, buffer_pool_size=max(READ_MEMORY, 2 * st.st_size))
                  if read_only else ladybug.Database(str(path)))
            if read_only:  # a writable handle must not outlive the call that asked for it
                _DB_CACHE[key] = db
        return db


def close_all() -> None:
    """Close every cached database handle (before deleting or rebuilding a store in the same process)."""
    with _DB_LOCK:
        while _DB_CACHE:
            _DB_CACHE.popitem()[1].close()


#: Column types whose Arrow conversion gives the same Python values as ``get_next()``.
_ARROW_SAFE = re.compile(
    r"^(?:STRING|BOOL|INT8|INT16|INT32|INT64|INT128|UINT8|UINT16|UINT32|UINT64|FLOAT|DOUBLE|"
    + re.escape(ladybug_type(EVIDENCE)[:-2]) + r")(?:\[\])*$"
)


def _plain(value: Any) -> Any:
    """Python value of a LadybugDB result cell; nodes and relationships become dicts of their properties."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("_ID", "_SRC", "_DST"):
                continue
            out["_label" if k == "_LABEL" else k] = _plain(v)
        return out
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def cypher(
    build_dir: str | os.PathLike[str],
    query: str,
    params: dict[str, Any] | None = None,
    allow_write: bool = False,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> list[dict[str, Any]]:
    """Run a Cypher query on the embedded store of ``build_dir`` and return its rows as dicts.

    Same arguments and errors as :func:`cypher_with_columns`, which also returns the column names.
    """
    return cypher_with_columns(build_dir, query, params, allow_write, timeout=timeout, max_rows=max_rows)[1]


def cypher_with_columns(
    build_dir: str | os.PathLike[str],
    query: str,
    params: dict[str, Any] | None = None,
    allow_write: bool = False,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a Cypher query on the embedded store of ``build_dir``; return (column names, rows as dicts).

    Args:
        build_dir: a build directory holding ``cypher/graph.lbug``.
        query: the Cypher text; values go in ``params`` (``$name``), never into the text.
        params: query parameters.
        allow_write: allow writing clauses; the database is otherwise opened read-only, so the engine refuses writes
            too.
        timeout: seconds after which the query is interrupted.
        max_rows: at most this many rows; a query ending in a ``RETURN`` without ``LIMIT`` gets ``LIMIT max_rows``
            so the engine stops early too.

    Raises:
        BuildDirError: the build directory has no Cypher store.
        QueryRefusedError: the query writes and ``allow_write`` is False, or calls ``range()`` for more than
            :data:`kg.cypher.guards.MAX_RANGE` values.
        QueryTimeoutError: the query ran longer than ``timeout``.
        QueryError: the query is malformed or fails, a parameter has a type LadybugDB cannot take (a list mixing
            strings and numbers, ...), or the query needs more memory than a read-only store may use.
    """
    import ladybug

    path = db_path(build_dir)
    if not path.is_file():
        raise BuildDirError(
            f"{build_dir} has no Cypher store ({CYPHER_SUBDIR}/{DB_NAME}). Build it with `kg build INPUT -o {build_dir}`."
        )
    params = dict(params or {})
    if not allow_write:
        check_read_only(query)
    check_params(params)
    check_ranges(query, params)
    if max_rows is not None:
        query = with_row_limit(query, max_rows)
    db = _database(path, read_only=not allow_write)
    conn = ladybug.Connection(db)
    try:
        if timeout:
            conn.set_query_timeout(max(1, int(timeout * 1000)))
        try:
            result = conn.execute(query, params)
        except (ValueError, TypeError) as exc:  # pybind11 conversion of a parameter the checks did not foresee
            raise QueryError(
                f"LadybugDB could not convert the query parameters ({exc}); pass strings, numbers, booleans, null, "
                "lists of one type or maps with string keys."
            ) from exc
        except RuntimeError as exc:
            msg = str(exc)
            if msg.strip().rstrip(".") == "Interrupted":
                raise QueryTimeoutError(f"The Cypher query ran longer than {timeout} s and was stopped.") from exc
            if "buffer pool is full" in msg:
                raise QueryError(
                    f"The Cypher query needed more memory than a read-only store may use ({READ_MEMORY >> 20} MiB, "
                    "set by KG_CYPHER_MEMORY_MIB); add a LIMIT or narrower filters."
                ) from exc
            if "read-only" in msg:
                raise QueryRefusedError(f"The Cypher store is opened read-only and refused the query: {msg}") from exc
            raise QueryError(f"The Cypher query failed: {msg}") from exc
        results = result if isinstance(result, list) else [result]
        last = results[-1]
        columns = last.get_column_names()
        if columns and all(_ARROW_SAFE.match(t) for t in last.get_column_data_types()):
            # Arrow converts a large result about ten times faster than row-by-row get_next(), with equal values
            # for these types (nodes and relationships keep the row path, which drops their internal ids).
            table = last.get_as_arrow()
            if max_rows is not None:
                table = table.slice(0, max_rows)
            return columns, [dict(zip(columns, vals)) for vals in zip(*(col.to_pylist() for col in table.columns))]
        rows = []
        while last.has_next():
            if max_rows is not None and len(rows) >= max_rows:
                break
            rows.append({c: _plain(v) for c, v in zip(columns, last.get_next())})
        return columns, rows
    finally:
        conn.close()
        if allow_write:
            db.close()


def run_named(
    build_dir: str | os.PathLike[str],
    name: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run the named query ``queries/NAME.cypher`` with its defaults updated by ``params``.

    Raises:
        QueryError: no such query, or a parameter it does not have (the messages list the valid ones).
    """
    from kg.named_queries import get_named_query

    nq = get_named_query(name, "cypher")
    return cypher_with_columns(build_dir, nq.text, nq.bind(params), timeout=timeout, max_rows=max_rows)
