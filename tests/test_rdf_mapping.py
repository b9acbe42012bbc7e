"""The RDF mapping: IRIs from any id, literal datatypes and escaping, VoID counts, the store (real pyoxigraph)."""

from __future__ import annotations

import random
import re

import pyoxigraph
import pytest
import rdflib

from kg.errors import StoreError
from kg.graph.model import Entity, Evidence, KnowledgeGraph, Paper, Relation, Result
from kg.rdf import iter_raw_triples, iter_triples, open_store, write_store
from kg.rdf.mapping import IriMinter, clean_text, date_literal, decimal_lexical, quote_id
from kg.rdf.synthetic import HOSTILE_TEXTS, synthetic_graph
from kg.rdf.vocab import MLKG

XSD = "http://www.w3.org/2001/XMLSchema#"
# RFC 3987 forbids these in IRIs; N-Triples IRIREF forbids them too.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]|[^\x00-\x7f]')


def hostile_ids() -> list[str]:
    rnd = random.Random(7)
    ids = list(HOSTILE_TEXTS) + ["", " ", "arxiv:2411.15858", "a/b/../c", "?q=1#frag", "%41%", "\ud800", "\U0001f600"]
    for _ in range(200):
        ids.append("".join(chr(rnd.choice([rnd.randint(0, 0x7f), rnd.randint(0x80, 0xffff), rnd.randint(0x10000, 0x10ffff)]))
                           for _ in range(rnd.randint(1, 30))))
    return ids


@pytest.mark.parametrize("base", ["https://w3id.org/mlkg/", "http://localhost:8080/kg#", "urn:x-kg:"])
def test_iris_valid_for_any_id(base):
    mint = IriMinter(base)
    seen = set()
    for i in hostile_ids():
        iri = mint.entity(i)
        assert iri.startswith(base + "entity/")
        assert not IRI_FORBIDDEN.search(iri), (i, iri)
        assert "/" not in iri[len(base + "entity/"):], "an id must stay one path segment"
        pyoxigraph.NamedNode(iri)  # Oxigraph validates IRIs strictly
        seen.add(iri)
    assert len(seen) == len(set(hostile_ids())), "distinct ids must give distinct IRIs"


def test_quote_id_is_stable_and_reversible_for_valid_text():
    from urllib.parse import unquote

    for s in ["arxiv:2411.15858", "model:gpt-4o", "dataset:ms coco", "ü€😀"]:
        assert unquote(quote_id(s)) == s
        assert quote_id(s) == quote_id(s)


@pytest.mark.parametrize("bad", ["relative/", "https://x/no-slash", "https://x y/", "https://x/<a>/", "https://x/\n/", 'http://x/"/'])
def test_bad_base_iri_is_refused(bad):
    with pytest.raises(StoreError, match="base IRI"):
        IriMinter(bad)


def test_clean_text_keeps_hostile_text_but_makes_it_representable():
    assert clean_text('a"b\\c<script>\u200f\u200d😀') == 'a"b\\c<script>\u200f\u200d😀'
    assert clean_text("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert clean_text("x\x00y\ud800z\x1f\ufffe") == "x\ufffdy\ufffdz\ufffd\ufffd"
    assert len(clean_text("x" * 10_000)) == 10_000


@pytest.mark.parametrize(
    "value,expected",
    [(82.1, "82.1"), (12.0, "12"), (0.5, "0.5"), (1e-5, "0.00001"), (-0.0, "0"), (3, "3"), (float("nan"), None),
     (float("inf"), None), (1e30, None), (None, None), (True, None)],
)
def test_decimal_lexical_is_oxigraph_canonical(value, expected):
    assert decimal_lexical(value) == expected
    if expected is not None:  # the store keeps exactly this lexical form
        lit = pyoxigraph.Literal(expected, datatype=pyoxigraph.NamedNode(XSD + "decimal"))
        s = pyoxigraph.Store()
        s.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://x/s"), pyoxigraph.NamedNode("http://x/p"), lit))
        assert next(iter(s)).object.value == expected


@pytest.mark.parametrize(
    "value,dt",
    [("2024-02-29", "date"), ("2023-02-29", "string"), ("2024-05", "gYearMonth"), ("2024-13", "string"),
     ("2024", "gYear"), ("May 2024", "string")],
)
def test_dates_get_datatypes(value, dt):
    assert date_literal(value)[1] == XSD + dt


def _tiny_graph() -> KnowledgeGraph:
    g = KnowledgeGraph(meta={"base_iri": "https://example.org/kg/", "created": "2026-01-01T00:00:00Z", "inputs": ["a.txt"]})
    g.papers["arxiv:1"] = Paper(id="arxiv:1", title='T "1"\n<script>', abstract="We use BERT on ImageNet.", year=2024,
                                date="2024-05-01", arxiv_id="1", authors=["A", "A", "B"])
    g.entities["model:bert"] = Entity(id="model:bert", type="Model", name="BERT", aliases=["BERT", "bert-base"],
                                      papers=["arxiv:1"], mentions=2)
    g.entities["dataset:imagenet"] = Entity(id="dataset:imagenet", type="Dataset", name="ImageNet", papers=["arxiv:1"])
    ev = Evidence(paper="arxiv:1", field="abstract", start=0, end=25, sentence="We use BERT on ImageNet.", extractor="rule:x",
                  confidence=0.75)
    rid = Relation.make_id("EVALUATED_ON", "model:bert", "dataset:imagenet")
    g.relations[rid] = Relation(id=rid, type="EVALUATED_ON", source="model:bert", target="dataset:imagenet",
                                evidence=[ev, ev], confidence=0.75, support=1)
    g.results["res:1"] = Result(id="res:1", paper="arxiv:1", model="model:bert", dataset="dataset:imagenet", metric=None,
                                task=None, value=82.10, unit="%", value_text="82.10%")
    return g


def test_tiny_graph_triples():
    g = _tiny_graph()
    triples = set(iter_triples(g, engine="rdflib"))
    P = rdflib.URIRef("https://example.org/kg/paper/arxiv%3A1")
    BERT = rdflib.URIRef("https://example.org/kg/entity/model%3Abert")
    assert (P, rdflib.RDF.type, rdflib.URIRef(MLKG.Paper)) in triples
    assert (P, rdflib.DCTERMS.title, rdflib.Literal('T "1"\n<script>')) in triples
    assert (P, rdflib.DCTERMS.issued, rdflib.Literal("2024-05-01", datatype=rdflib.XSD.date)) in triples
    assert (P, rdflib.URIRef(MLKG.year), rdflib.Literal("2024", datatype=rdflib.XSD.gYear)) in triples
    assert (BERT, rdflib.SKOS.prefLabel, rdflib.Literal("BERT")) in triples
    assert (BERT, rdflib.SKOS.altLabel, rdflib.Literal("bert-base")) in triples
    assert (BERT, rdflib.SKOS.altLabel, rdflib.Literal("BERT")) not in triples  # prefLabel and altLabel are disjoint
    assert (BERT, rdflib.URIRef(MLKG.evaluatedOn), rdflib.URIRef("https://example.org/kg/entity/dataset%3Aimagenet")) in triples
    authors = {o for s, p, o in triples if p == rdflib.URIRef(MLKG.authorName)}
    assert authors == {rdflib.Literal("A"), rdflib.Literal("B")}
    values = {o for s, p, o in triples if p == rdflib.URIRef(MLKG.value)}
    assert values == {rdflib.Literal("82.1", datatype=rdflib.XSD.decimal)}
    # one evidence node even though the relation lists the same evidence twice
    assert len({s for s, p, o in triples if o == rdflib.URIRef(MLKG.Evidence)}) == 1
    raw = list(iter_raw_triples(g))
    assert len(raw) == len(set(raw)), "the mapping must not emit duplicates (VoID counts rely on it)"


def test_statements_and_results_supported_by_one_sentence_share_its_evidence_node():
    from kg.rdf.shacl import validate_graph

    g = _tiny_graph()
    ev = g.relations[next(iter(g.relations))].evidence[0]
    g.entities["metric:top1"] = Entity(id="metric:top1", type="Metric", name="top-1", papers=["arxiv:1"])
    co = Relation.make_id("CO_MENTIONED", "dataset:imagenet", "model:bert")
    g.relations[co] = Relation(id=co, type="CO_MENTIONED", source="dataset:imagenet", target="model:bert",
                               evidence=[ev], confidence=0.75, support=1)
    # the same sentence and extractor with another confidence is another piece of evidence
    weaker = Evidence(paper=ev.paper, field=ev.field, start=ev.start, end=ev.end, sentence=ev.sentence,
                      extractor=ev.extractor, confidence=0.5)
    rep = Relation.make_id("REPORTS", "model:bert", "metric:top1")
    g.relations[rep] = Relation(id=rep, type="REPORTS", source="model:bert", target="metric:top1", evidence=[weaker],
                                confidence=0.5, support=1)
    g.results["res:1"].evidence = [ev]
    triples = set(iter_triples(g, engine="rdflib"))
    has_ev = rdflib.URIRef(MLKG.evidence)
    links = {(s, o) for s, p, o in triples if p == has_ev}
    nodes = {o for _, o in links}
    assert len(links) == 4 and len(nodes) == 2, links
    conf = {o: next(c for s, p, c in triples if s == o and p == rdflib.URIRef(MLKG.confidence)) for o in nodes}
    assert sorted(c.toPython() for c in conf.values()) == [0.5, 0.75]
    shared = next(o for o, c in conf.items() if c.toPython() == 0.75)
    owners = {s for s, o in links if o == shared}
    assert len(owners) == 3  # EVALUATED_ON, CO_MENTIONED and the result
    raw = list(iter_raw_triples(g))
    assert len(raw) == len(set(raw)), "a shared evidence node must be written once"
    report = validate_graph(g)
    assert report.conforms, report.text


def test_base_iri_argument_overrides_meta():
    g = _tiny_graph()
    subjects = {t[0] for t in iter_raw_triples(g, "urn:kg:")}
    assert all(s.startswith("urn:kg:") for s in subjects)


def test_store_matches_mapping_and_void_counts(tmp_path):
    g = synthetic_graph(80, hostile=True, seed=3)
    path = write_store(g, tmp_path)
    assert path == tmp_path / "rdf" and path.is_dir()
    store = open_store(tmp_path)
    expected = set(iter_triples(g))
    got = {q.triple for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    assert got == expected
    data = set(iter_triples(g, void=False))
    void_triples = int(next(iter(store.query(
        "SELECT ?n WHERE { ?d a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#triples> ?n }")))[0].value)
    assert void_triples == len(data)
    assert not any(name.startswith(".rdf.") for name in (p.name for p in tmp_path.iterdir())), "temp folders left"


def test_write_store_replaces_previous_store(tmp_path):
    write_store(synthetic_graph(30, seed=1), tmp_path)
    g2 = synthetic_graph(10, seed=2)
    write_store(g2, tmp_path)
    store = open_store(tmp_path)
    n = int(next(iter(store.query("SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/mlkg/ontology#Paper> }")))[0].value)
    assert n == 10


def test_open_store_without_store_explains(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        open_store(tmp_path)


# -- the N-Triples text against the same mapping as rdflib terms -------------------------------------------------------
def _fast_graph(g: KnowledgeGraph, **kw) -> rdflib.Graph:
    from kg.rdf.mapping import iter_ntriples_text

    text = "".join(iter_ntriples_text(g, **kw))
    lines = text.split("\n")  # not splitlines(): U+2028, U+0085 and the like stay inside literals
    assert lines.pop() == "", "N-Triples text ends with a line feed"
    assert len(lines) == len(set(lines)), "the mapping must not write a triple twice"
    out = rdflib.Graph()
    out.parse(data=text, format="nt")
    assert len(out) == len(lines)
    return out


def _reference_graph(g: KnowledgeGraph, **kw) -> rdflib.Graph:
    out = rdflib.Graph()
    for t in iter_triples(g, engine="rdflib", **kw):
        out.add(t)
    return out


def _nasty_graph() -> KnowledgeGraph:
    """Hostile text in every text slot, ids with characters IRIs forbid, evidence repeated and shared."""
    g = synthetic_graph(60, hostile=True, seed=11)
    nasty = list(HOSTILE_TEXTS) + ["\ud800", "x\x00\r\n\\\"'\t\x7f\u2028\u2029\U0001f600", "a" * 10_000 + '"']
    for i, p in enumerate(list(g.papers.values())[: len(nasty)]):
        t = nasty[i]
        p.title, p.abstract, p.text = t, t + " abstract", t
        p.authors, p.categories, p.links, p.sources = [t, t, "B"], [t], ["http://x.org/" + t], [t]
        p.doi, p.arxiv_id, p.s2_id, p.openalex_id, p.url, p.date = t, t, t, t, t, t
    for i, e in enumerate(list(g.entities.values())[: len(nasty)]):
        e.name, e.aliases = nasty[i], [nasty[i], nasty[-1 - i], "\r" + nasty[i]]
    for i, r in enumerate(list(g.relations.values())[: len(nasty)]):
        for ev in r.evidence:
            ev.sentence, ev.extractor, ev.field = nasty[i], nasty[-1 - i], nasty[i][:20]
        r.evidence = r.evidence + r.evidence  # the same evidence twice gives one evidence node
    for i, m in enumerate(g.mentions[: len(nasty)]):
        m.text, m.source, m.field = nasty[i], nasty[-1 - i], nasty[i][:5]
    for i, res in enumerate(list(g.results.values())[: len(nasty)]):
        res.value_text, res.unit, res.surface = nasty[i], nasty[i], {"model": nasty[i], "metric": nasty[-1 - i]}
    weird_id = 'id "with" <brackets> {x} \\ \n \ud800 😀 %41 / ?#'
    g.papers[weird_id] = Paper(id=weird_id, title=weird_id, abstract=weird_id, year=1999)
    return g


@pytest.mark.parametrize("void", [True, False])
def test_fast_ntriples_isomorphic_to_reference_on_nasty_graph(void):
    from rdflib.compare import isomorphic

    g = _nasty_graph()
    fast, ref = _fast_graph(g, void=void), _reference_graph(g, void=void)
    assert len(ref) > 1000
    assert isomorphic(fast, ref), sorted(set(fast) ^ set(ref))[:5]


def test_fast_ntriples_isomorphic_to_reference_on_sample_corpus(sample_graph_dir):
    from rdflib.compare import isomorphic

    from kg.graph.io import load_graph

    g = load_graph(sample_graph_dir)
    fast = _fast_graph(g, canonical=True)
    ref = _reference_graph(g)
    assert len(ref) > 10_000
    assert isomorphic(fast, ref), sorted(set(fast) ^ set(ref))[:5]


def test_fast_ntriples_bytes_are_deterministic_and_loaded_as_is(tmp_path):
    from kg.rdf.mapping import iter_ntriples_text

    g = _nasty_graph()
    a = "".join(iter_ntriples_text(g))
    assert a == "".join(iter_ntriples_text(g.sorted(), canonical=True))
    write_store(g, tmp_path)
    got = {q.triple for q in open_store(tmp_path).quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    assert got == {q.triple for q in pyoxigraph.parse(a.encode("utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)}


def test_mentions_spread_over_the_list_map_to_the_same_triples_once():
    """Mention records are deduplicated paper by paper; a paper whose mentions are not next to each other in the
    list (a graph not made by linking) still gets each record once, and the graph's triples do not change."""
    import copy

    from kg.graph.model import mentions_by_paper

    g = synthetic_graph(40, seed=11)
    spread = copy.deepcopy(g)
    rnd = random.Random(2)
    spread.mentions = spread.mentions + [copy.copy(m) for m in rnd.sample(spread.mentions, 30)]  # duplicate records
    rnd.shuffle(spread.mentions)
    groups = list(mentions_by_paper(spread.mentions))
    assert len(groups) == len({m.paper for m in g.mentions}) and all(len({m.paper for m in x}) == 1 for x in groups)
    assert sum(map(len, groups)) == len(spread.mentions)
    raw = list(iter_raw_triples(spread))
    assert len(raw) == len(set(raw))
    assert set(raw) == set(iter_raw_triples(g))


@pytest.mark.parametrize("identifier", [
    "rel:64490919e4666ba2", "method:transformer", "title:6e95ae6c6ec90ddb", "a.b_c~d-e", "", ":", "::x",
    "model:resnet 50", "x/y", "x#y", "x%3Ay", "x?y", "ünïcode", "emoji:😀", "tab\tnl\n", "<script>", "a+b", "a@b",
    "lone\ud800surrogate", "question?", "semi;colon", "[br]", "'quote'", '"dq"', "back\\slash",
])
def test_quote_id_fast_path_is_what_quote_gives(identifier):
    from urllib.parse import quote

    assert quote_id(identifier) == quote(identifier.encode("utf-8", "surrogatepass"), safe="")


def test_stable_hash_is_one_update_per_part_as_before():
    import hashlib

    from kg.graph.model import stable_hash

    def per_part(*parts: str, length: int = 16) -> str:
        h = hashlib.sha1()
        for p in parts:
            h.update(p.encode("utf-8", "surrogatepass"))
            h.update(b"\x1f")
        return h.hexdigest()[:length]

    rnd = random.Random(7)
    alphabet = "ab\x1f\x00é😀\ud800 :"
    for _ in range(300):
        parts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(6))) for _ in range(rnd.randrange(7))]
        assert stable_hash(*parts) == per_part(*parts)
        assert stable_hash(*parts, length=40) == per_part(*parts, length=40)
