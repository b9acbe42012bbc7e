"""Property-graph exports: a ``neo4j-admin database import full`` bundle, a cypher-shell script, GraphML and GEXF.

All are written from the same :class:`~kg.cypher.view.PropertyGraph` as the stores, so counts and values agree.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.graph.io import atomic_write
from kg.graph.model import KnowledgeGraph
from kg.cypher.schema import NODE_TABLES, REL_TABLES
from kg.cypher.statements import DEFAULT_BATCH_SIZE, schema_statements, to_literal_statement, write_statements
from kg.cypher.view import PropertyGraph, flat, load, property_graph

log = logging.getLogger(__name__)

PG_EXPORT_FORMATS = ("neo4j-csv", "cypher", "graphml", "gexf")

#: neo4j-admin column types of the schema types (counts and years fit a Java int).
_NEO4J_TYPES = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "STRING[]": "string[]", "EVIDENCE[]": "string"}
#: Array delimiters tried in order; the first one that no list value contains is used.
_ARRAY_DELIMITERS = (";", "|", "\u00a6", "\u2016", "\u001f")
IMPORT_COMMAND_FILE = "import-command.sh"


def export_property_graph(
    build_dir_or_graph: KnowledgeGraph | str | os.PathLike[str],
    fmt: str,
    out_path: str | os.PathLike[str],
    *,
    database: str = "neo4j",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Path:
    """Export the property graph as ``fmt`` to ``out_path``; return the path written.

    Args:
        build_dir_or_graph: a build directory or a graph.
        fmt: ``neo4j-csv`` (``out_path`` is a folder), ``cypher``, ``graphml`` or ``gexf`` (a file).
        out_path: where to write; an existing file or bundle folder is replaced.
        database: database name used in the neo4j-admin import command.
        batch_size: rows per ``UNWIND`` statement of the cypher script.

    Raises:
        KGError: unknown format (the message lists the valid ones).
    """
    if fmt not in PG_EXPORT_FORMATS:
        raise KGError(f"Unknown property-graph export format {fmt!r}; valid formats: {', '.join(PG_EXPORT_FORMATS)}.")
    pg = property_graph(load(build_dir_or_graph))
    out = Path(out_path)
    if fmt == "neo4j-csv":
        return _readable(write_neo4j_csv(pg, out, database=database))
    if fmt == "cypher":
        return _readable(write_cypher_script(pg, out, batch_size=batch_size))
    return _readable(write_networkx(pg, out, fmt))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _readable(path: Path) -> Path:
    """Give ``path`` (and a folder's files) the permissions a plain ``open`` would: temporary files are private,
    but neo4j-admin and Gephi often run as another user."""
    mask = _umask()
    if path.is_dir():
        os.chmod(path, 0o777 & ~mask)
        for f in path.iterdir():
            os.chmod(f, 0o666 & ~mask)
    else:
        os.chmod(path, 0o666 & ~mask)
    return path


# -- neo4j-admin CSV -----------------------------------------------------------------------------------------------


def _array_delimiter(pg: PropertyGraph) -> str:
    used: set[str] = set()
    for rows in list(pg.nodes.values()) + list(pg.edges.values()):
        for r in rows:
            for v in r.values():
                if isinstance(v, list):
                    for s in v:
                        used.update(ch for ch in _ARRAY_DELIMITERS if ch in s)
    for ch in _ARRAY_DELIMITERS:
        if ch not in used:
            return ch
    raise KGError(
        "Every candidate array delimiter occurs inside some list value, so the neo4j-admin CSV bundle cannot be "
        "written losslessly; export --format cypher instead."
    )


def _csv_field(value: Any) -> str:
    """One CSV field: null unquoted and empty (neo4j-admin reads it as no property), text always quoted with inner
    quotes doubled (so an empty string stays an empty string), numbers bare."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _csv_value(value: Any, delim: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return delim.join(value) if value else None
    return value


def write_neo4j_csv(pg: PropertyGraph, out_dir: Path, database: str = "neo4j") -> Path:
    """A ``neo4j-admin database import full`` bundle in ``out_dir``: header + data CSV per label and per
    relationship type/endpoint pair, and ``import-command.sh`` with the exact command.

    Text fields are quoted (RFC 4180: quotes doubled; newlines kept inside quotes, hence ``--multiline-fields``),
    nulls are empty unquoted fields (no property), empty lists too;
    ids share one global id space (the graph's ids are unique across kinds).
    """
    delim = _array_delimiter(pg)
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    node_args, rel_args = [], []

    def write(path: Path, rows: list[list[Any]]) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for row in rows:
                fh.write(",".join(_csv_field(v) for v in row))
                fh.write("\n")

    try:
        for label, props in NODE_TABLES.items():
            rows = [flat(r, props) for r in pg.nodes.get(label, [])]
            header = ["id:ID"] + [f"{n}:{_NEO4J_TYPES[t]}" for n, t in props if n != "id"] + [":LABEL"]
            base = f"nodes_{label}"
            write(tmp / f"{base}_header.csv", [header])
            write(tmp / f"{base}.csv", [[r["id"]] + [_csv_value(r.get(n), delim) for n, _ in props if n != "id"] + [label] for r in rows])
            node_args.append(f"--nodes={base}_header.csv,{base}.csv")
        for (rtype, src, dst), rows in sorted(pg.edges.items()):
            props = REL_TABLES[rtype].props
            rows = [flat(r, props) for r in rows]
            header = [":START_ID", ":END_ID", ":TYPE"] + [f"{n}:{_NEO4J_TYPES[t]}" for n, t in props]
            base = f"rels_{rtype}_{src}_{dst}"
            write(tmp / f"{base}_header.csv", [header])
            write(tmp / f"{base}.csv", [[r["from"], r["to"], rtype] + [_csv_value(r.get(n), delim) for n, _ in props] for r in rows])
            rel_args.append(f"--relationships={base}_header.csv,{base}.csv")
        command = [
            "neo4j-admin", "database", "import", "full",
            "--delimiter=,", f"--array-delimiter={delim}", "--quote=\"", "--multiline-fields=true",
            "--id-type=string", "--skip-bad-relationships=false", "--overwrite-destination=true",
            *node_args, *rel_args, database,
        ]
        script = (
            "#!/bin/sh\n"
            "# Import this bundle into an offline Neo4j 5 database (stop the database first).\n"
            "# Run from this folder: sh import-command.sh\n"
            "set -e\n"
            'cd "$(dirname "$0")"\n'
            + " \\\n  ".join(shlex.quote(a) for a in command)
            + "\n"
        )
        (tmp / IMPORT_COMMAND_FILE).write_text(script, encoding="utf-8")
        (tmp / "README.txt").write_text(
            "neo4j-admin import bundle written by `kg export --format neo4j-csv`.\n"
            f"Array delimiter: {delim!r} (U+{ord(delim):04X}). Command: see {IMPORT_COMMAND_FILE}.\n",
            encoding="utf-8",
        )
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=parent))
            os.replace(out_dir, old / "x")
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


# -- cypher-shell script -------------------------------------------------------------------------------------------


def write_cypher_script(pg: PropertyGraph, out: Path, batch_size: int = DEFAULT_BATCH_SIZE) -> Path:
    """A cypher-shell script: constraints, then one ``UNWIND [literal rows] AS r MERGE …;`` line per batch.

    Values are Cypher literals escaped by :func:`kg.cypher.statements.cypher_literal`, so no text can end a string
    or a statement early; every statement is one line. Run: ``cypher-shell -u neo4j -f graph.cypher``.
    """
    with atomic_write(out) as fh:
        fh.write("// kg property graph for cypher-shell: cypher-shell -u USER -d DATABASE -f THIS_FILE\n")
        fh.write("// Idempotent: MERGE on ids, so running it twice changes nothing.\n")
        fh.write("// schema\n")
        for stmt in schema_statements("neo4j"):
            fh.write(stmt + ";\n")
        fh.write("// data\n")
        for stmt in write_statements(pg, batch_size):
            fh.write(":begin\n")
            fh.write(to_literal_statement(stmt) + "\n")
            fh.write(":commit\n")
    return out


def script_statements(path: str | os.PathLike[str], include_schema: bool = False) -> list[str]:
    """The data statements of a script written by :func:`write_cypher_script` (without the trailing ``;``)."""
    out, section = [], ""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("// "):
                section = line[3:]
                continue
            if not line or line.startswith(":"):
                continue
            if section == "schema" and not include_schema:
                continue
            out.append(line[:-1] if line.endswith(";") else line)
    return out


# -- GraphML / GEXF ------------------------------------------------------------------------------------------------

# XML 1.0 cannot hold these characters at all, escaped or not.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(value: Any) -> Any:
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and _XML_INVALID.search(value):
        log.warning("A value holds characters XML 1.0 cannot carry; they are replaced by U+FFFD in the export.")
        return _XML_INVALID.sub("\ufffd", value)
    return value


def to_networkx(pg: PropertyGraph) -> Any:
    """A ``networkx.MultiDiGraph``.

    Nodes: ``node_type`` (Paper, Model, ...) and ``label`` (name, title or URL, what Gephi shows); edges:
    ``rel_type`` and ``label`` (the relationship type; GEXF reserves ``type`` for directedness), key = relation id or type and
    endpoints. List and evidence properties become JSON strings; nulls are left out (GraphML/GEXF have no null).
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for label, rows in pg.nodes.items():
        for r in (flat(x, NODE_TABLES[label]) for x in rows):
            attrs = {k: _xml_value(v) for k, v in r.items() if v is not None and k != "id"}
            display = r.get("name") or r.get("title") or r.get("url") or r["id"]
            g.add_node(r["id"], node_type=label, label=_xml_value(display), **attrs)
    for (rtype, _, _), rows in sorted(pg.edges.items()):
        for r in (flat(x, REL_TABLES[rtype].props) for x in rows):
            attrs = {k: _xml_value(v) for k, v in r.items() if v is not None and k not in ("from", "to", "id")}
            g.add_edge(r["from"], r["to"], key=r.get("id") or f"{rtype}:{r['from']}->{r['to']}", rel_type=rtype,
                       label=rtype, **attrs)
    return g


def write_networkx(pg: PropertyGraph, out: Path, fmt: str) -> Path:
    """GraphML or GEXF through networkx (characters XML 1.0 forbids become U+FFFD, with a warning)."""
    import networkx as nx

    g = to_networkx(pg)
    with atomic_write(out, "wb") as fh:
        if fmt == "graphml":
            nx.write_graphml(g, fh, encoding="utf-8", prettyprint=False, named_key_ids=True)
        else:
            nx.write_gexf(g, fh, encoding="utf-8", prettyprint=False)
    return out
