"""SHACL validation of the RDF face against ``schemas/shapes.ttl`` (pyshacl over an rdflib graph)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.graph.model import KnowledgeGraph

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


@dataclass
class ShaclReport:
    conforms: bool
    text: str
    focus_nodes: int  #: nodes validated (all targets when not sampled)


def shapes_path() -> Path:
    return SCHEMAS_DIR / "shapes.ttl"


def ontology_path() -> Path:
    return SCHEMAS_DIR / "ontology.ttl"


def validate_graph(graph: KnowledgeGraph, base_iri: str | None = None, *, per_class: int | None = None) -> ShaclReport:
    """Validate the RDF face of ``graph`` against the project's SHACL shapes.

    Args:
        graph: the graph to validate.
        base_iri: base of minted IRIs (as for :func:`kg.rdf.mapping.iter_triples`).
        per_class: validate only the first ``per_class`` nodes (in IRI order) of every targeted class; pyshacl
            takes about a second per thousand triples, so large graphs are checked on a deterministic sample.
            ``None`` validates every node.
    """
    import pyshacl
    import rdflib

    from kg.rdf.mapping import iter_triples

    data = rdflib.Graph()
    for t in iter_triples(graph, base_iri, engine="rdflib"):
        data.add(t)
    shapes = rdflib.Graph().parse(shapes_path())
    focus = None
    if per_class is not None:
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        focus = []
        for cls in sorted(set(shapes.objects(None, sh.targetClass))):
            focus += sorted(data.subjects(rdflib.RDF.type, cls))[:per_class]
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, focus_nodes=focus)
    n = len(focus) if focus is not None else len(set(data.subjects(rdflib.RDF.type, None)))
    return ShaclReport(bool(conforms), str(text), n)
