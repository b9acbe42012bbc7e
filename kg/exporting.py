"""``kg export``: one entry point over the RDF and property-graph exporters."""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import KGError

RDF_FORMATS = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "jsonld": "jsonld", "rdfxml": "rdf"}
PG_FORMATS = {"neo4j-csv": "", "cypher": "cypher", "graphml": "graphml", "gexf": "gexf"}
EXPORT_DIR = Path("exports")


def default_export_path(build_dir: Path, fmt: str) -> Path:
    """``exports/<build name>.<ext>`` (a folder for neo4j-csv)."""
    ext = {**RDF_FORMATS, **PG_FORMATS}[fmt]
    name = Path(build_dir).resolve().name
    return EXPORT_DIR / (f"{name}-neo4j-import" if fmt == "neo4j-csv" else f"{name}.{ext}")


def export_graph(build_dir: str | os.PathLike[str], fmt: str, out: str | os.PathLike[str] | None = None) -> Path:
    """Export the graph of ``build_dir`` as ``fmt`` to ``out`` (default under ``exports/``); return the path.

    Raises:
        KGError: unknown format (the message lists the valid ones), or the build directory is unreadable.
    """
    if fmt not in RDF_FORMATS and fmt not in PG_FORMATS:
        valid = ", ".join([*RDF_FORMATS, *PG_FORMATS])
        raise KGError(f"Unknown export format {fmt!r}. Valid formats: {valid}.")
    path = Path(out) if out else default_export_path(Path(build_dir), fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in RDF_FORMATS:
        from kg.rdf import export_rdf

        return Path(export_rdf(build_dir, fmt, path))
    from kg.cypher import export_property_graph

    return Path(export_property_graph(build_dir, fmt, path))
