"""Named Cypher queries are twins of the named SPARQL queries: same parameters, defaults, columns and answers.

Answers are compared as multisets of normalised rows (numbers rounded, text made RDF-representable the way the RDF
face stores it) on a synthetic graph with hostile text, the bundled sample build and the shared-corpus build.
Also checks that the graph model, the SPARQL store and the embedded Cypher store agree on the counts.
"""

from __future__ import annotations

import decimal
from collections import Counter
from pathlib import Path

import pytest

from kg.cypher import cypher, run_named, write_store
from kg.cypher.synthetic import synthetic_graph
from kg.graph.io import load_graph, save_graph
from kg.graph.model import KnowledgeGraph
from kg.named_queries import list_named_queries

RQ = {q.name: q for q in list_named_queries("sparql")}
CY = {q.name: q for q in list_named_queries("cypher")}
#: Named queries that page their rows (``limit`` and ``offset`` parameters).
PAGED = sorted(n for n, q in RQ.items() if "limit" in q.params)
#: A page size larger than any answer of the test graphs: the whole answer.
ALL = 10**9
#: Items of void_summary the property graph can answer (the rest is RDF-only: triples, URI space, times, sources).
VOID_COMMON = ("class ", "linkset ")


def _norm_value(v):
    from kg.rdf.mapping import clean_text

    if isinstance(v, bool):
        return v
    if isinstance(v, (float, decimal.Decimal)):
        return round(float(v), 6)
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        return clean_text(v)
    return v


def _rows(rows: list[dict], columns: list[str]) -> Counter:
    return Counter(tuple(_norm_value(r.get(c)) for c in columns) for r in rows)


def _sparql_rows(build_dir: Path, name: str, params: dict | None = None) -> tuple[list[str], list[dict]]:
    from kg.rdf import run_named_query

    res = run_named_query(build_dir, name, params, timeout=None)
    return list(res.vars), res.dicts()


def _compare(build_dir: Path, name: str, params: dict | None = None) -> int:
    sp_cols, sp = _sparql_rows(build_dir, name, params)
    cy_cols, cy = run_named(build_dir, name, params)
    assert cy_cols == CY[name].columns == sp_cols, name
    if name == "void_summary":
        sp = [r for r in sp if str(r["item"]).startswith(VOID_COMMON)]
    got, want = _rows(cy, cy_cols), _rows(sp, sp_cols)
    assert got == want, f"{name} {params}: only Cypher {list((got - want).items())[:5]}, only SPARQL {list((want - got).items())[:5]}"
    return sum(want.values())


def _build(graph: KnowledgeGraph, out: Path) -> Path:
    from kg.rdf import write_store as write_rdf

    save_graph(graph, out)
    write_rdf(graph, out)
    write_store(graph, out)
    return out


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    g = synthetic_graph(90, seed=7, hostile=True)
    # give some entities names worth searching for, and an alias equal to the name
    model = g.entities["model:model-1"]
    model.name, model.aliases = "BERT", ["bert", "BERT", "Bidirectional Encoder"]
    ds = g.entities["dataset:dataset-2"]
    ds.name, ds.aliases = "ImageNet", ["ImageNet-1k", "ILSVRC"]
    return _build(g, tmp_path_factory.mktemp("twins"))


def test_every_sparql_query_has_a_cypher_twin_with_the_same_header():
    assert sorted(CY) == sorted(RQ)
    for name, q in CY.items():
        assert (q.title, q.description, q.params, q.columns) == (RQ[name].title, RQ[name].description,
                                                                RQ[name].params, RQ[name].columns), name


@pytest.mark.parametrize("name", sorted(RQ))
def test_twins_agree_on_a_hostile_synthetic_graph(synthetic_dir, name):
    _compare(synthetic_dir, name)


@pytest.mark.parametrize("name", PAGED)
def test_twins_agree_on_whole_answers_and_on_a_middle_page(synthetic_dir, name):
    # pages are cut from one deterministic order: the twins must agree on the order, not only on the row set
    _compare(synthetic_dir, name, {"limit": ALL})
    _compare(synthetic_dir, name, {"limit": 7, "offset": 5})


def test_paged_queries_default_to_pages_of_100():
    assert len(PAGED) >= 11
    for name in PAGED:
        assert (RQ[name].params["limit"], RQ[name].params["offset"]) == (100, 0), name


def _ordered(rows: list[dict], columns: list[str]) -> list[tuple]:
    return [tuple(_norm_value(r.get(c)) for c in columns) for r in rows]


@pytest.mark.parametrize("name", ["entity_aliases", "leaderboard", "papers_with_code", "statement_evidence"])
def test_pages_follow_each_other_without_overlap_in_both_engines(synthetic_dir, name):
    params = {"target": ""} if name == "statement_evidence" else {}
    cols = CY[name].columns
    whole_cy = _ordered(run_named(synthetic_dir, name, {**params, "limit": ALL})[1], cols)
    whole_sp = _ordered(_sparql_rows(synthetic_dir, name, {**params, "limit": ALL})[1], cols)
    assert len(whole_cy) > 12, "the case must span several pages"
    size = len(whole_cy) // 4 + 1
    pages_cy, pages_sp = [], []
    for offset in range(0, len(whole_cy) + size, size):
        page = {**params, "limit": size, "offset": offset}
        pages_cy.append(_ordered(run_named(synthetic_dir, name, page)[1], cols))
        pages_sp.append(_ordered(_sparql_rows(synthetic_dir, name, page)[1], cols))
    assert all(len(p) == size for p in pages_cy[:-2]) and pages_cy[-1] == [] == pages_sp[-1]
    assert [r for p in pages_cy for r in p] == whole_cy, "Cypher pages must tile the whole answer in order"
    assert [r for p in pages_sp for r in p] == whole_sp, "SPARQL pages must tile the whole answer in order"
    assert len(set(whole_cy)) == len(whole_cy), "rows must be distinct for pages not to overlap"


@pytest.mark.parametrize(
    "name, params",
    [
        ("entity_aliases", {"name": "bidirectional encoder"}),
        ("entity_aliases", {"entity_type": "dataset"}),
        ("leaderboard", {"dataset": "ilsvrc"}),
        ("models_on_dataset", {"dataset": ""}),
        ("model_neighbourhood", {"model": "model:model-1"}),
        ("papers_proposing_models", {"entity_type": ""}),
        ("papers_with_code", {"code_host": "GitHub.com"}),
        ("statement_evidence", {"target": "", "relation": "proposes"}),
        ("statement_evidence", {"target": "", "source": "BERT"}),
        ("statement_evidence", {"target": "", "source": "PAPER 1 ON LEARNING"}),  # a paper by its title
        ("model_dataset_cooccurrence", {"min_papers": 2}),
        ("most_used_datasets", {"task": "task:task-18"}),
        ("methods_for_task", {"task": "TA14"}),
    ],
)
def test_twins_agree_with_parameters(synthetic_dir, name, params):
    assert _compare(synthetic_dir, name, params) > 0, "each parameter case is chosen to have answers"


def test_named_queries_find_what_the_defaults_ask_for(synthetic_dir):
    assert run_named(synthetic_dir, "model_neighbourhood")[1], "BERT has statements in the synthetic graph"
    assert run_named(synthetic_dir, "statement_evidence")[1], "ImageNet is the target of statements"
    assert run_named(synthetic_dir, "entity_aliases", {"name": "bert"})[1] == [
        {"id": "model:model-1", "type": "Model", "label": "BERT", "alias": a}
        for a in ("BERT", "Bidirectional Encoder", "bert")
    ]


def test_entity_aliases_come_in_the_documented_order(synthetic_dir):
    # the Cypher twin sorts on a precomputed integer rank: it must give the (type, label, id, alias) order
    rows = run_named(synthetic_dir, "entity_aliases", {"limit": ALL})[1]
    keys = [(r["type"], r["label"], r["id"], r["alias"]) for r in rows]
    assert len(keys) > 100 and keys == sorted(keys)


def _model_counts(g: KnowledgeGraph) -> dict[tuple[str, str], int]:
    s = g.stats()
    out = {("papers", "Paper"): s["papers"], ("results", "Result"): s["results"],
           ("repositories", "Repository"): s["repositories"]}
    out.update({("entities", t): n for t, n in s["entities"].items() if n})
    out.update({("relations", t): n for t, n in s["relations"].items() if n})
    return out


def _check_counts(build_dir: Path) -> None:
    g = load_graph(build_dir)
    want = _model_counts(g)
    cy = {(r["kind"], r["type"]): r["count"] for r in run_named(build_dir, "graph_counts")[1]}
    sp = {(r["kind"], r["type"]): r["count"] for r in _sparql_rows(build_dir, "graph_counts")[1]}
    assert {k: v for k, v in cy.items() if k[0] != "mentions"} == want
    assert {k: v for k, v in sp.items() if k[0] != "mentions"} == want
    assert cy[("mentions", "Mention")] == sp[("mentions", "Mention")]


def test_counts_agree_model_sparql_cypher_synthetic(synthetic_dir):
    _check_counts(synthetic_dir)


@pytest.mark.slow
def test_twins_agree_on_the_sample_build(sample_graph_dir):
    _check_counts(sample_graph_dir)
    for name in sorted(RQ):
        _compare(sample_graph_dir, name)


@pytest.mark.slow
def test_twins_agree_on_the_shared_corpus_build(shared_graph_dir):
    _check_counts(shared_graph_dir)
    total = 0
    for name in sorted(RQ):
        total += _compare(shared_graph_dir, name)
    assert total > 0
    for name, params in [("leaderboard", {"dataset": "imagenet", "metric": "accuracy"}),
                         ("most_used_datasets", {"task": "image classification"}),
                         ("models_on_dataset", {"dataset": "COCO"}),
                         ("model_neighbourhood", {"model": "GPT-4"}),
                         ("entity_aliases", {"entity_type": "Dataset"})]:
        _compare(shared_graph_dir, name, params)
