"""The RDF face of the graph: mapping, persistent SPARQL store (pyoxigraph), SPARQL queries and RDF exports.

Public API (imported lazily, so ``import kg.rdf`` stays cheap)::

    write_store(graph, build_dir, base_iri=None, *, threads=1, compact=False) -> Path
    sparql(build_dir, query, params=None, timeout=30.0, allow_update=False, *, max_rows=None) -> SparqlResult
    run_named_query(build_dir, name, params=None, timeout=30.0, *, max_rows=None) -> SparqlResult
    export_rdf(source, fmt, out_path=None, *, base_iri=None) -> Path
    iter_triples(graph, base_iri=None, *, engine="oxigraph", void=True) -> Iterator
    validate_graph(graph, base_iri=None, *, per_class=None) -> ShaclReport
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "iter_raw_triples": "kg.rdf.mapping",
    "iter_triples": "kg.rdf.mapping",
    "write_store": "kg.rdf.store",
    "open_store": "kg.rdf.store",
    "store_path": "kg.rdf.store",
    "sparql": "kg.rdf.query",
    "run_named_query": "kg.rdf.query",
    "close_workers": "kg.rdf.query",
    "SparqlResult": "kg.rdf.results",
    "export_rdf": "kg.rdf.export",
    "RDF_EXPORT_FORMATS": "kg.rdf.export",
    "validate_graph": "kg.rdf.shacl",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'kg.rdf' has no attribute {name!r}")
    return getattr(import_module(mod), name)
