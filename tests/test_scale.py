"""Parallel and distributed builds give the same graph as a single-process build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline import build


@pytest.fixture(scope="module")
def single(tmp_path_factory, sample_corpus) -> Path:
    out = tmp_path_factory.mktemp("single")
    build([sample_corpus], out, stores=False)
    return out


def test_two_workers_give_identical_graph(tmp_path, sample_corpus, single, graph_files_of):
    out = tmp_path / "w2"
    rep = build([sample_corpus], out, workers=2, stores=False, return_report=True)
    assert rep.extracted == 40
    assert graph_files_of(out) == graph_files_of(single)


@pytest.mark.slow
def test_local_dask_cluster_gives_identical_graph(tmp_path, sample_corpus, single, graph_files_of):
    pytest.importorskip("dask.distributed", reason="the dask extra is not installed")
    out = tmp_path / "dask"
    # small partitions so that several tasks run on both workers
    rep = build([sample_corpus], out, dask="local", partition_size=8, stores=False, return_report=True)
    assert rep.extracted == 40
    assert len(list((out / "partitions").glob("part-*.jsonl"))) == 5
    assert graph_files_of(out) == graph_files_of(single)


def test_parallel_store_loading_writes_both_stores(tmp_path, sample_corpus, monkeypatch):
    """With --workers 2 the Cypher store is loaded in a second process (started during linking) beside the SPARQL
    store, whose bulk loads run two at a time: both stores hold what a one-worker build's stores hold."""
    from kg.cypher import cypher
    from kg.rdf.store import open_store

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the same build time in both VoID descriptions
    out = tmp_path / "w2-stores"
    rep = build([sample_corpus], out, workers=2, return_report=True)
    assert rep.stores_side_by_side is True
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


def test_stores_one_after_the_other_when_memory_is_short(tmp_path, sample_corpus, monkeypatch, caplog):
    """Where both stores at once would not fit in the available memory, a --workers 2 build loads them one after
    the other, says so, and writes the same stores."""
    import json
    import logging

    import kg.pipeline
    from kg.cypher import cypher
    from kg.rdf.store import open_store

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert kg.pipeline._available_memory() > 0
    # a per-paper need no machine has: 40 papers would need a petabyte
    monkeypatch.setattr(kg.pipeline, "STORES_SIDE_BY_SIDE_KIB_PER_PAPER", 2**35)
    out = tmp_path / "w2-sequential"
    with caplog.at_level(logging.WARNING, logger="kg.pipeline"):
        rep = build([sample_corpus], out, workers=2, return_report=True)
    assert rep.stores_side_by_side is False
    assert any("one after the other" in r.getMessage() and "GiB is available" in r.getMessage() for r in caplog.records)
    assert json.loads((out / "build-report.json").read_text())["stores_side_by_side"] is False
    one = tmp_path / "w1"
    rep1 = build([sample_corpus], one, workers=1, return_report=True)
    assert rep1.stores_side_by_side is False  # one worker: one after the other, always
    assert {q.triple for q in open_store(out)} == {q.triple for q in open_store(one)}
    count = "MATCH ()-[r]->() RETURN label(r) AS label, count(r) AS n ORDER BY label"
    assert cypher(out, count) == cypher(one, count)


def test_a_build_removes_what_an_interrupted_one_left(tmp_path, sample_corpus):
    """A store process killed mid-load (the forked Cypher loader when the driver fails) leaves its temporary
    folder; the next build into the directory removes it and keeps the stores."""
    out = tmp_path / "b"
    build([sample_corpus], out, workers=2)
    debris = [out / ".rdf.tmp-abc123", out / ".rdf.old-def456", out / "cypher" / ".build-0a1b2c"]
    for d in debris:
        (d / "store").mkdir(parents=True)
    keep = out / "notes"  # not ours: left alone
    keep.mkdir()
    build([sample_corpus], out, workers=2)
    assert not any(d.exists() for d in debris)
    assert keep.is_dir() and (out / "rdf").is_dir() and (out / "cypher").is_dir()
