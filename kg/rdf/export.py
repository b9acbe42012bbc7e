"""RDF exports: Turtle, N-Triples, N-Quads, JSON-LD and RDF/XML, streamed by pyoxigraph's serialisers.

Exports are made from the canonical graph (not from the store), in the graph's canonical order, so a rebuild of the
same input gives a byte-identical file. Triples are streamed straight from the mapping into the serialiser and the
file is renamed into place when complete.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kg.errors import KGError, StoreError
from kg.graph.model import KnowledgeGraph

log = logging.getLogger(__name__)

#: format name -> (file extension, pyoxigraph RdfFormat attribute)
RDF_EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("ttl", "TURTLE"),
    "ntriples": ("nt", "N_TRIPLES"),
    "nquads": ("nq", "N_QUADS"),
    "jsonld": ("jsonld", "JSON_LD"),
    "rdfxml": ("rdf", "RDF_XML"),
}


def rdf_format(fmt: str) -> Any:
    """The pyoxigraph ``RdfFormat`` of a format name.

    Raises:
        KGError: unknown format (the message lists the valid ones).
    """
    from pyoxigraph import RdfFormat

    if fmt not in RDF_EXPORT_FORMATS:
        raise KGError(f"Unknown RDF format {fmt!r}. Valid formats: {', '.join(RDF_EXPORT_FORMATS)}.")
    return getattr(RdfFormat, RDF_EXPORT_FORMATS[fmt][1])


def export_rdf(
    source: str | os.PathLike[str] | KnowledgeGraph,
    fmt: str,
    out_path: str | os.PathLike[str] | None = None,
    *,
    base_iri: str | None = None,
) -> Path:
    """Write the RDF face of a graph as ``fmt`` and return the file written.

    Args:
        source: a build directory or a :class:`KnowledgeGraph`.
        fmt: ``turtle``, ``ntriples``, ``nquads``, ``jsonld`` or ``rdfxml``.
        out_path: the file to write (default ``exports/<build name>.<ext>``, or ``exports/graph.<ext>`` for a graph).
        base_iri: base of minted IRIs (default the graph's ``meta["base_iri"]`` or ``https://w3id.org/mlkg/``).

    Raises:
        KGError: unknown format, unreadable build directory or unwritable output.
    """
    from pyoxigraph import RdfFormat, parse, serialize

    from kg.rdf.mapping import ntriples_stream
    from kg.rdf.vocab import PREFIXES

    rdf_fmt = rdf_format(fmt)
    ext = RDF_EXPORT_FORMATS[fmt][0]
    if isinstance(source, KnowledgeGraph):
        graph, name = source, "graph"
    else:
        from kg.graph.io import load_graph

        graph, name = load_graph(source), Path(source).resolve().name
    out = Path(out_path) if out_path is not None else Path("exports") / f"{name}.{ext}"
    # parsed from N-Triples text in Rust: far faster than building term objects in Python
    quads = parse(ntriples_stream(graph, base_iri), RdfFormat.N_TRIPLES)
    triples = quads if fmt == "nquads" else (q.triple for q in quads)
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    from kg.graph.io import atomic_write

    try:
        with atomic_write(out, "wb") as fh:
            serialize(triples, fh, rdf_fmt, prefixes=prefixes)
    except OSError as exc:
        raise StoreError(f"Cannot write the export {out}: {exc}. Choose a writable path with -o.") from exc
    log.info("exported %s as %s", out, fmt)
    return out
