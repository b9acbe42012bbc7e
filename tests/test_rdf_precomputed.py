"""Named SPARQL queries answered from precomputed rows give the answers the queries give as written.

Both paths run on the same real Oxigraph store: ``run_named_query(..., precomputed=False)`` runs ``queries/NAME.rq``
as written, the default path reads the rows :mod:`kg.rdf.precomputed` stored. Compared page by page, in order, on a
graph with hostile text, on one with popular entities (long runs of equal leading sort keys) and on the sample build.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from kg.graph.io import save_graph
from kg.named_queries import get_named_query
from kg.rdf import run_named_query, write_store
from kg.rdf.precomputed import MAX_PAGE, SPECS, manifest_path, pages_path, plan

#: Per query, the parameter values tried besides the defaults (names of the test graphs, aliases, case variants,
#: names of nothing, hostile text).
PROBES: dict[str, list[dict]] = {
    "graph_counts": [{}],
    "entity_aliases": [{"name": ""}, {"name": "BERT"}, {"name": "bert"}, {"name": "ILSVRC"}, {"name": "nothing"},
                       {"entity_type": "Model"}, {"entity_type": "task"}, {"entity_type": "Nothing"},
                       {"name": "", "entity_type": "Dataset"}],
    "leaderboard": [{"dataset": "ImageNet"}, {"dataset": "imagenet-1k"}, {"metric": "Accuracy"},
                    {"metric": "metric-1"}, {"dataset": "<script>"}],
    "methods_for_task": [{"task": "Task 1"}, {"task": "TASK 2"}, {"task": "task:task-1"}, {"task": "\"; DROP"}],
    "metrics_per_task": [{"task": "Task 1"}, {"task": "task:task-3"}, {"task": "none"}],
    "model_dataset_cooccurrence": [{"min_papers": 2}, {"min_papers": 3}, {"min_papers": 0}, {"min_papers": 1000}],
    "most_used_datasets": [{"task": "Task 1"}, {"task": "task:task-2"}, {"task": "none"}],
    "models_on_dataset": [{"dataset": ""}, {"dataset": "ILSVRC"}, {"dataset": "dataset:dataset-3"}],
    "papers_proposing_models": [{"entity_type": ""}, {"entity_type": "Method"}, {"entity_type": "DATASET"},
                                {"entity_type": "x"}],
    "papers_with_code": [{"code_host": "github.com"}, {"code_host": "GitHub.com"}, {"code_host": "huggingface.co"},
                         {"code_host": "nowhere"}],
    "model_neighbourhood": [{"model": ""}, {"model": "bert"}, {"model": "Bidirectional Encoder"},
                            {"model": "model:model-2"}, {"model": "nothing"}],
    "statement_evidence": [{"target": ""}, {"target": "imagenet"}, {"target": "BERT"}, {"target": "dataset:dataset-5"}],
}
#: Pages tried for each probe: (limit, offset); MAX_PAGE is the whole answer of these graphs.
PAGES = [(MAX_PAGE, 0), (7, 0), (7, 7), (7, 21), (100, 0)]


def _store(graph, out: Path, *, every_scope: bool = True) -> Path:
    """Build the store; with ``every_scope``, rows for every filter value (the thresholds that leave small and
    unfiltered answers of two queries to the live query would leave the small test graphs nearly without rows)."""
    from kg.rdf import precomputed

    save_graph(graph, out)
    with pytest.MonkeyPatch.context() as mp:
        if every_scope:
            mp.setattr(precomputed, "MIN_SCOPE_ROWS", {})
            mp.setattr(precomputed, "UNSCOPED_LIVE", frozenset())
        write_store(graph, out)
    return out


def _hostile(tmp_path_factory, every_scope: bool = True):
    from kg.cypher.synthetic import synthetic_graph

    g = synthetic_graph(90, seed=7, hostile=True)
    model = g.entities["model:model-1"]
    model.name, model.aliases = "BERT", ["bert", "BERT", "Bidirectional Encoder"]
    ds = g.entities["dataset:dataset-2"]
    ds.name, ds.aliases = "ImageNet", ["ImageNet-1k", "ILSVRC"]
    return _store(g, tmp_path_factory.mktemp("precomputed-hostile"), every_scope=every_scope)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    return _hostile(tmp_path_factory)


@pytest.fixture(scope="module")
def popular_dir(tmp_path_factory) -> Path:
    from kg.rdf.synthetic import synthetic_graph

    return _store(synthetic_graph(300, seed=1), tmp_path_factory.mktemp("precomputed-popular"))


def _both(build_dir: Path, name: str, params: dict) -> tuple[list, list]:
    fast = run_named_query(build_dir, name, params, timeout=None)
    live = run_named_query(build_dir, name, params, timeout=None, precomputed=False)
    assert list(fast.vars) == list(live.vars) == get_named_query(name, "sparql").columns
    return fast.rows, live.rows


def _check(build_dir: Path, name: str) -> int:
    """Compare every page of every probe with the slice of the live answer (one live run per probe: the live
    statement_evidence sorts every evidence row of the graph)."""
    q = get_named_query(name, "sparql")
    paged = "limit" in q.params
    compared = 0
    for probe in [{}] + PROBES[name]:
        whole = {**probe, "limit": MAX_PAGE, "offset": 0} if paged else dict(probe)
        live = run_named_query(build_dir, name, whole, timeout=None, precomputed=False)
        assert list(live.vars) == q.columns
        for limit, offset in PAGES if paged else [(None, 0)]:
            params = whole if limit is None else {**probe, "limit": limit, "offset": offset}
            # a filter value of no row has no rows to read: the live query answers (with nothing)
            assert plan(build_dir, q, q.bind(params)) is not None or not live.rows, f"{name} {params}: not read"
            fast = run_named_query(build_dir, name, params, timeout=None)
            assert list(fast.vars) == q.columns
            want = live.rows if limit is None else live.rows[offset:offset + limit]
            assert fast.rows == want, f"{name} {params}"
            compared += len(want)
    return compared


@pytest.mark.parametrize("name", sorted(SPECS))
def test_precomputed_pages_are_the_live_pages_on_a_hostile_graph(hostile_dir, name):
    assert _check(hostile_dir, name) > 0 or name == "models_on_dataset"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_precomputed_pages_are_the_live_pages_with_popular_entities(popular_dir, name):
    assert _check(popular_dir, name) > 0


def test_precomputed_pages_are_the_live_pages_on_the_sample_build(sample_graph_dir):
    for name in sorted(SPECS):
        q = get_named_query(name, "sparql")
        params = {"limit": MAX_PAGE} if "limit" in q.params else {}
        fast, live = _both(sample_graph_dir, name, params)
        assert fast == live, name
    assert run_named_query(sample_graph_dir, "graph_counts", timeout=None).rows


def test_every_ranked_named_query_is_precomputed():
    from kg.named_queries import list_named_queries

    # void_summary reads one node's few triples: nothing to precompute
    assert sorted(SPECS) == sorted(q.name for q in list_named_queries("sparql") if q.name != "void_summary")


def test_filters_the_rows_are_not_scoped_by_and_large_pages_run_the_query_as_written(hostile_dir):
    def planned(name, params):
        q = get_named_query(name, "sparql")
        return plan(hostile_dir, q, q.bind(params))

    assert planned("leaderboard", {"dataset": "ImageNet", "metric": "Accuracy"}) is None
    assert planned("entity_aliases", {"name": "BERT", "entity_type": "Model"}) is None
    assert planned("statement_evidence", {"source": "BERT"}) is None
    assert planned("statement_evidence", {"relation": "USES"}) is None
    assert planned("methods_for_task", {"limit": MAX_PAGE + 1}) is None
    assert planned("methods_for_task", {"limit": MAX_PAGE}) is not None
    # the answers are still right: the live query ran
    for name, params in [("leaderboard", {"dataset": "ImageNet", "metric": "Accuracy"}),
                         ("statement_evidence", {"source": "BERT", "target": ""})]:
        fast, live = _both(hostile_dir, name, params)
        assert fast == live


def test_rows_of_another_query_text_are_not_used(tmp_path_factory, monkeypatch):
    d = _hostile(tmp_path_factory)
    q, other = get_named_query("methods_for_task", "sparql"), get_named_query("metrics_per_task", "sparql")
    assert plan(d, q, q.bind({})) is not None
    edited = dataclasses.replace(q, text=q.text.replace("DESC(?papers)", "?papers"))  # an edited .rq
    assert edited.text != q.text and plan(d, edited, edited.bind({})) is None
    data = json.loads(manifest_path(d).read_text())
    data["queries"]["methods_for_task"]["digest"] = "0" * 64  # rows written for another text of the query
    manifest_path(d).write_text(json.dumps(data))
    assert plan(d, q, q.bind({})) is None
    assert plan(d, other, other.bind({})) is not None
    manifest_path(d).unlink()
    assert plan(d, other, other.bind({})) is None
    fast, live = _both(d, "methods_for_task", {})
    assert fast == live and live


def test_precomputed_rows_stay_out_of_the_store(hostile_dir):
    from kg.graph.io import load_graph
    from kg.rdf import sparql
    from kg.rdf.mapping import iter_ntriples_text

    res = sparql(hostile_dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", timeout=None)
    assert res.rows[0][0] == 0
    res = sparql(hostile_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=None)
    assert res.rows[0][0] == sum(1 for _ in iter_ntriples_text(load_graph(hostile_dir)))
    with sqlite3.connect(pages_path(hostile_dir)) as con:
        stored = dict(con.execute("SELECT query, COUNT(*) FROM pages GROUP BY query"))
    assert set(stored) == set(SPECS) and all(stored.values())


def test_without_a_readable_page_file_the_queries_run_as_written(tmp_path_factory, caplog):
    d = _hostile(tmp_path_factory)
    q = get_named_query("methods_for_task", "sparql")
    before = run_named_query(d, "methods_for_task", {}, timeout=None)
    assert plan(d, q, q.bind({})) is not None and before.rows
    pages_path(d).write_bytes(b"not a database")
    assert plan(d, q, q.bind({})) is None
    assert "runs without its precomputed rows" in caplog.text
    assert run_named_query(d, "methods_for_task", {}, timeout=None).rows == before.rows
    pages_path(d).unlink()
    assert plan(d, q, q.bind({})) is None
    assert run_named_query(d, "methods_for_task", {}, timeout=None).rows == before.rows


def test_pages_past_the_end_and_bad_bounds(hostile_dir):
    q = get_named_query("entity_aliases", "sparql")
    n = len(run_named_query(hostile_dir, "entity_aliases", {"limit": MAX_PAGE}, timeout=None, precomputed=False).rows)
    assert 0 < n < MAX_PAGE
    for limit, offset in [(10, n - 3), (10, n), (10, n + 50), (0, 0)]:
        params = {"limit": limit, "offset": offset}
        assert plan(hostile_dir, q, q.bind(params)) is not None
        fast, live = _both(hostile_dir, "entity_aliases", params)
        assert fast == live and len(fast) == max(0, min(limit, n - offset))
    assert plan(hostile_dir, q, {**q.bind({}), "offset": -1}) is None
    assert plan(hostile_dir, q, {**q.bind({}), "limit": -1}) is None


def test_with_the_shipped_thresholds_small_and_unfiltered_answers_of_two_queries_run_as_written(tmp_path_factory):
    from kg.rdf.precomputed import MIN_SCOPE_ROWS, UNSCOPED_LIVE, _manifest

    d = _hostile(tmp_path_factory, every_scope=False)
    stored = _manifest(d)
    for name in sorted(SPECS):
        q = get_named_query(name, "sparql")
        assert (("" in stored[name][1]) != (name in UNSCOPED_LIVE)), name
        for probe in [{}] + PROBES[name]:
            params = {**probe, "limit": MAX_PAGE} if "limit" in q.params else dict(probe)
            fast, live = _both(d, name, params)
            assert fast == live, f"{name} {params}"
            if name in MIN_SCOPE_ROWS and len(live) <= MIN_SCOPE_ROWS[name]:
                assert plan(d, q, q.bind(params)) is None, f"{name} {params}"
