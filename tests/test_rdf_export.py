"""RDF exports: every format parses back, with rdflib and with pyoxigraph, to exactly the triples of the store,
whatever the text holds; rebuilds give byte-identical files."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib

from kg.errors import KGError
from kg.graph.io import save_graph
from kg.rdf import export_rdf, iter_triples, open_store, write_store
from kg.rdf.export import RDF_EXPORT_FORMATS, rdf_format
from kg.rdf.synthetic import HOSTILE_TEXTS, synthetic_graph

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    g = synthetic_graph(16, hostile=True, seed=5)
    # every hostile text also as a title and an entity name, not only some
    for i, (p, text) in enumerate(zip(list(g.papers.values()), HOSTILE_TEXTS)):
        p.title = text
    for e, text in zip(list(g.entities.values()), reversed(HOSTILE_TEXTS)):
        e.name = text
    d = tmp_path_factory.mktemp("rdf-export")
    save_graph(g, d)
    write_store(g, d)
    return g, d


def _oxigraph_triples(path, fmt):
    out = set()
    for q in pyoxigraph.parse(path=str(path), format=rdf_format(fmt)):
        out.add(pyoxigraph.Triple(q.subject, q.predicate, q.object))
    return out


def _rdflib_graph(path, fmt) -> rdflib.Graph:
    if fmt == "nquads":
        ds = rdflib.Dataset()
        ds.parse(str(path), format="nquads")
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        return g
    return rdflib.Graph().parse(str(path), format=RDFLIB_FORMATS[fmt])


@pytest.mark.parametrize("fmt", list(RDF_EXPORT_FORMATS))
def test_export_round_trips_in_both_engines(hostile_build, tmp_path, fmt):
    g, d = hostile_build
    out = export_rdf(d, fmt, tmp_path / f"out.{fmt}")
    assert out.is_file() and out.stat().st_size > 0
    store_triples = {q.triple for q in open_store(d).quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    assert _oxigraph_triples(out, fmt) == store_triples
    ref = rdflib.Graph()
    for t in iter_triples(g, engine="rdflib"):
        ref.add(t)
    back = _rdflib_graph(out, fmt)
    assert len(back) == len(store_triples)
    assert set(back) == set(ref)  # no blank nodes anywhere, so set equality is graph isomorphism
    titles = {str(o) for o in back.objects(None, rdflib.DCTERMS.title)}
    assert "x" * 10_000 in titles and '<script>alert(\'x\')</script> > < &amp;' in titles
    assert any("\u202e" in t and "\u200f" in t for t in titles) and any("👩\u200d💻" in t for t in titles)


def test_turtle_export_passes_strict_parsers(hostile_build, tmp_path):
    _, d = hostile_build
    out = export_rdf(d, "turtle", tmp_path / "g.ttl")
    text = out.read_text(encoding="utf-8")
    assert "\x00" not in text and "\ud800" not in text
    assert text.startswith("@prefix") and "mlkg:" in text
    # pyoxigraph's parser is strict (it rejects invalid Turtle that rdflib accepts)
    pyoxigraph.parse(input=out.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)


def test_jsonld_export_is_json_with_every_node(hostile_build, tmp_path):
    g, d = hostile_build
    out = export_rdf(d, "jsonld", tmp_path / "g.jsonld")
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = {n["@id"] for n in (data if isinstance(data, list) else data.get("@graph", []))}
    assert len([i for i in ids if "/paper/" in i]) == len(g.papers)


def test_rdfxml_export_is_well_formed_xml(hostile_build, tmp_path):
    import xml.dom.minidom

    _, d = hostile_build
    out = export_rdf(d, "rdfxml", tmp_path / "g.rdf")
    xml.dom.minidom.parse(str(out))  # expat: strict XML 1.0


def test_exports_are_byte_identical_on_rebuild(tmp_path):
    files = {}
    for run in ("a", "b"):
        g = synthetic_graph(12, hostile=True, seed=9)
        d = tmp_path / run / "build"
        save_graph(g, d)
        write_store(g, d)
        for fmt in RDF_EXPORT_FORMATS:
            files.setdefault(fmt, []).append(export_rdf(d, fmt, tmp_path / run / f"g.{fmt}").read_bytes())
    for fmt, (a, b) in files.items():
        assert a == b, fmt


def test_export_from_graph_object_and_default_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = export_rdf(synthetic_graph(3), "ntriples")
    assert out == tmp_path / "exports" / "graph.nt" or out.resolve() == (tmp_path / "exports" / "graph.nt").resolve()
    assert out.read_text(encoding="utf-8").count("\n") > 20


def test_unknown_format_lists_valid_ones(tmp_path):
    with pytest.raises(KGError, match="turtle, ntriples, nquads, jsonld, rdfxml"):
        export_rdf(synthetic_graph(2), "n3", tmp_path / "x")


def test_kg_export_dispatches_rdf_formats(hostile_build, tmp_path):
    from kg.exporting import export_graph

    _, d = hostile_build
    out = export_graph(d, "turtle", tmp_path / "via-kg-export.ttl")
    assert _oxigraph_triples(out, "turtle") == {q.triple for q in open_store(d).quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
