"""Parallel and distributed builds give the same graph as a single-process build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline import build


def _graph_files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((d / "graph").iterdir()) if p.name != "meta.json"}


@pytest.fixture(scope="module")
def single(tmp_path_factory, sample_corpus) -> Path:
    out = tmp_path_factory.mktemp("single")
    build([sample_corpus], out, stores=False)
    return out


def test_two_workers_give_identical_graph(tmp_path, sample_corpus, single):
    out = tmp_path / "w2"
    rep = build([sample_corpus], out, workers=2, stores=False, return_report=True)
    assert rep.extracted == 40
    assert _graph_files(out) == _graph_files(single)


@pytest.mark.slow
def test_local_dask_cluster_gives_identical_graph(tmp_path, sample_corpus, single):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    out = tmp_path / "dask"
    # small partitions so that several tasks run on both workers
    rep = build([sample_corpus], out, dask="local", partition_size=8, stores=False, return_report=True)
    assert rep.extracted == 40
    assert len(list((out / "partitions").glob("part-*.jsonl"))) == 5
    assert _graph_files(out) == _graph_files(single)


def test_parallel_store_loading_writes_both_stores(tmp_path, sample_corpus, monkeypatch):
    """With --workers 2 the Cypher store is loaded in a second process (started during linking) beside the SPARQL
    store, whose bulk loads run two at a time: both stores hold what a one-worker build's stores hold."""
    from kg.cypher import cypher
    from kg.rdf.store import open_store

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the same build time in both VoID descriptions
    out = tmp_path / "w2-stores"
    rep = build([sample_corpus], out, workers=2, return_report=True)
    assert set(rep.outputs) >= {"graph", "sparql store", "cypher store"}
    one = tmp_path / "w1-stores"
    build([sample_corpus], one, workers=1)
    triples = {q.triple for q in open_store(out)}
    assert triples and triples == {q.triple for q in open_store(one)}
    n_papers = len(rep.graph.papers)
    count = "MATCH (n) RETURN label(n) AS label, count(n) AS n ORDER BY label"
    assert cypher(out, count) == cypher(one, count)
    assert cypher(out, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == n_papers
    rels = "MATCH ()-[r]->() RETURN label(r) AS label, count(r) AS n ORDER BY label"
    assert cypher(out, rels) == cypher(one, rels)
