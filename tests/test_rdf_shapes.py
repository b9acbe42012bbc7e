"""Vocabulary and SHACL: the ontology describes every project term, shapes cover every class, built graphs conform
(pyshacl, real engine) and broken graphs do not."""

from __future__ import annotations

import pyshacl
import pytest
import rdflib

from kg.graph.io import load_graph
from kg.named_queries import list_named_queries
from kg.rdf import iter_triples, run_named_query
from kg.rdf.shacl import ontology_path, shapes_path, validate_graph
from kg.rdf.synthetic import synthetic_graph
from kg.rdf.vocab import LPWCC, LPWCP, MLKG, PREFIXES

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def test_ontology_describes_every_term_with_label_and_comment():
    onto = rdflib.Graph().parse(ontology_path())
    ns = str(MLKG._NS)
    described = {str(s) for s in onto.subjects() if str(s).startswith(ns)}
    declared = {ns + n for n in MLKG.__annotations__}
    assert described == declared
    for term in declared:
        t = rdflib.URIRef(term)
        assert (t, rdflib.RDFS.label, None) in onto and (t, rdflib.RDFS.comment, None) in onto, term


def test_ontology_aligns_to_the_listed_vocabularies():
    onto = rdflib.Graph().parse(ontology_path())
    text = ontology_path().read_text(encoding="utf-8")
    for cls in ("paper", "model", "method", "dataset", "task", "evaluationresult", "repository"):
        assert (None, None, LPWCC[cls]) in onto, cls
    for prop in ("hasTask", "usesDataset", "introducedBy", "hasRepository", "metricName", "metricValue"):
        assert (None, None, LPWCP[prop]) in onto, prop
    for curie in ("schema:ScholarlyArticle", "schema:Dataset", "schema:SoftwareSourceCode", "schema:DefinedTerm",
                  "schema:mentions", "dcterms:title", "dcterms:abstract", "dcterms:identifier", "dcterms:issued",
                  "fabio:ResearchPaper", "fabio:hasArXivId", "skos:prefLabel", "skos:altLabel", "prov:wasDerivedFrom",
                  "prov:wasGeneratedBy", "nif:beginIndex", "nif:endIndex", "nif:anchorOf", "mls:Model", "mls:Dataset",
                  "mls:Task", "mls:EvaluationMeasure"):
        assert curie in text, curie


def test_every_class_in_built_data_has_a_shape():
    shapes = rdflib.Graph().parse(shapes_path())
    targets = set(shapes.objects(None, SH.targetClass))
    g = synthetic_graph(10)
    used = {o for s, p, o in iter_triples(g, engine="rdflib") if p == rdflib.RDF.type and str(o).startswith(str(MLKG._NS))}
    assert used <= targets


def test_hostile_synthetic_graph_conforms():
    report = validate_graph(synthetic_graph(12, hostile=True, seed=2))
    assert report.conforms, report.text


@pytest.mark.parametrize("mutation", ["two_titles", "bad_offsets", "unknown_relation", "no_label", "bad_confidence"])
def test_broken_graphs_do_not_conform(mutation):
    data = rdflib.Graph()
    for t in iter_triples(synthetic_graph(6, seed=1), engine="rdflib"):
        data.add(t)
    paper = next(data.subjects(rdflib.RDF.type, MLKG.Paper))
    ev = next(data.subjects(rdflib.RDF.type, MLKG.Evidence))
    st = next(data.subjects(rdflib.RDF.type, MLKG.Statement))
    ent = next(data.subjects(rdflib.RDF.type, MLKG.Dataset))
    nif_begin = rdflib.URIRef(PREFIXES["nif"] + "beginIndex")
    if mutation == "two_titles":
        data.add((paper, rdflib.DCTERMS.title, rdflib.Literal("another title")))
    elif mutation == "bad_offsets":
        data.set((ev, nif_begin, rdflib.Literal(10**7)))
    elif mutation == "unknown_relation":
        data.set((st, MLKG.relationType, rdflib.Literal("LIKES")))
    elif mutation == "no_label":
        data.remove((ent, rdflib.SKOS.prefLabel, None))
    elif mutation == "bad_confidence":
        data.set((st, MLKG.confidence, rdflib.Literal("1.5", datatype=rdflib.XSD.decimal)))
    conforms, _, _ = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(shapes_path()))
    assert not conforms


def test_sample_build_conforms(sample_graph_dir):
    # pyshacl is slow (~1 s per 1k triples): a deterministic sample of every class here, the whole graph in the slow test
    report = validate_graph(load_graph(sample_graph_dir), per_class=15)
    assert report.focus_nodes > 50
    assert report.conforms, report.text


@pytest.mark.slow
def test_whole_sample_build_conforms(sample_graph_dir):
    report = validate_graph(load_graph(sample_graph_dir))
    assert report.conforms, report.text


def _model_counts(graph) -> dict[tuple[str, str], int]:
    s = graph.stats()
    out = {("papers", "Paper"): s["papers"], ("results", "Result"): s["results"],
           ("repositories", "Repository"): s["repositories"], ("mentions", "Mention"): len(
               {(m.paper, m.field, m.start, m.end, m.type, m.source) for m in graph.mentions})}
    out.update({("entities", t): n for t, n in s["entities"].items() if n})
    out.update({("relations", t): n for t, n in s["relations"].items() if n})
    return {k: v for k, v in out.items() if v or k[0] == "papers"}


def _check_build(build_dir):
    graph = load_graph(build_dir)
    got = {(k, t): n for k, t, n in run_named_query(build_dir, "graph_counts", timeout=120).rows}
    assert got == _model_counts(graph)
    void = dict(run_named_query(build_dir, "void_summary", timeout=120).rows)
    assert int(void["class Paper"]) == len(graph.papers)
    for q in list_named_queries("sparql"):
        res = run_named_query(build_dir, q.name, timeout=120)
        assert res.vars == q.columns


def test_sample_build_queries_agree_with_model(sample_graph_dir):
    _check_build(sample_graph_dir)


@pytest.mark.slow
def test_shared_build_queries_agree_with_model_and_defaults_answer(shared_graph_dir):
    _check_build(shared_graph_dir)
    for q in list_named_queries("sparql"):
        assert len(run_named_query(shared_graph_dir, q.name, timeout=120)) > 0, f"{q.name}: defaults give no rows"


def test_schema_files_pass_the_strict_turtle_parser():
    import pyoxigraph

    for path in (ontology_path(), shapes_path()):
        assert len(list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))) > 100
