"""Forked shares and forked calls (kg.forking), and linking spread over processes with the same graph as one."""

from __future__ import annotations

import os

import pytest

import kg.forking
from kg.forking import forked_call, map_shares, share_bounds
from kg.pipeline import build


def test_share_bounds_cover_the_input_in_order():
    assert share_bounds(10, 1, min_items=1) == [(0, 10)]
    assert share_bounds(10, 3, min_items=1) == [(0, 3), (3, 7), (7, 10)]
    # never a share under the minimum: small inputs stay in one share
    assert share_bounds(10, 4, min_items=4) == [(0, 5), (5, 10)]
    assert share_bounds(3, 4, min_items=4) == [(0, 3)]
    assert share_bounds(0, 2, min_items=1) == [(0, 0)]
    for n in (1, 7, 100, 1001):
        for w in (1, 2, 3, 8):
            b = share_bounds(n, w, min_items=1)
            assert b[0][0] == 0 and b[-1][1] == n
            assert all(x[1] == y[0] for x, y in zip(b, b[1:]))


def test_map_shares_runs_later_shares_in_child_processes(monkeypatch):
    monkeypatch.setattr(kg.forking, "MIN_ITEMS_PER_SHARE", 2)
    offset = 1000  # a closure's variable: the children read it from their copy of memory

    def share(part):
        return os.getpid(), [x + offset for x in part]

    out = map_shares(share, list(range(9)), workers=3)
    assert [xs for _, xs in out] == [[1000, 1001, 1002], [1003, 1004, 1005], [1006, 1007, 1008]]
    pids = [pid for pid, _ in out]
    # the first share here, the others in the forked processes (either of which may take both)
    assert pids[0] == os.getpid() and os.getpid() not in pids[1:]
    # one worker, or too few items: one share, here
    assert map_shares(share, list(range(9)), workers=1) == [(os.getpid(), list(range(1000, 1009)))]
    monkeypatch.setattr(kg.forking, "MIN_ITEMS_PER_SHARE", 100)
    assert map_shares(share, list(range(9)), workers=3) == [(os.getpid(), list(range(1000, 1009)))]


def test_map_shares_raises_a_childs_error(monkeypatch):
    monkeypatch.setattr(kg.forking, "MIN_ITEMS_PER_SHARE", 1)

    def share(part):
        if 3 in part:
            raise ValueError(f"bad item in {part}")
        return part

    with pytest.raises(ValueError, match="bad item"):
        map_shares(share, [0, 1, 2, 3], workers=2)
    assert kg.forking._JOB is None  # the next map starts clean


def test_forked_call_sees_a_snapshot_and_returns_its_result():
    state = {"n": 1}

    def job():
        state["n"] += 10  # the child's copy only
        return os.getpid(), state["n"]

    with forked_call(job) as handle:
        state["n"] = 5  # after the fork: the child does not see it
        pid, n = handle.result()
    assert pid != os.getpid()
    assert n == 11 and state["n"] == 5


def _gone(pid: int) -> bool:
    """The process has exited (reaped, or a zombie waiting to be)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except FileNotFoundError:
        return True


def test_forked_call_child_exits_once_its_function_returns():
    """The child does not idle, holding what its function took, until the caller leaves the block."""
    import time

    with forked_call(os.getpid) as handle:
        pid = handle.result()
        deadline = time.monotonic() + 10
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(pid), "the forked child is still running after returning its result"


def test_forked_call_raises_the_childs_error():
    def job():
        raise RuntimeError("the store could not be written")

    with forked_call(job) as handle:
        with pytest.raises(RuntimeError, match="could not be written"):
            handle.result()


def test_linking_in_shares_gives_the_graph_of_one_process(tmp_path, sample_corpus, monkeypatch, graph_files_of):
    """Propagation, relation rules and results over several forked shares: byte-identical graph files."""
    one = tmp_path / "one"
    build([sample_corpus], one, stores=False)
    monkeypatch.setattr(kg.forking, "MIN_ITEMS_PER_SHARE", 4)
    calls = []
    real = kg.forking.share_bounds
    monkeypatch.setattr(kg.forking, "share_bounds", lambda *a, **k: calls.append(real(*a, **k)) or calls[-1])
    for workers in (2, 3):
        out = tmp_path / f"w{workers}"
        build([sample_corpus], out, workers=workers, stores=False)
        assert graph_files_of(out) == graph_files_of(one)
    # both linking steps (the propagation pass, the relation rules) ran in shares: 2 each with two workers, 3 with three
    assert [len(b) for b in calls] == [2, 2, 3, 3]


@pytest.mark.slow
def test_linking_the_shared_corpus_in_two_shares(shared_graph_dir):
    """The shared corpus (339 papers, above the share minimum) linked in two processes equals the one-process link."""
    from kg.extract import PIPELINE_VERSION
    from kg.extract.document import PaperExtraction
    from kg.graph.io import load_graph
    from kg.link import link
    from kg.pipeline import CACHE_FILE, _cache_key, _load_cache

    graph = load_graph(shared_graph_dir)
    cache = _load_cache(shared_graph_dir / CACHE_FILE, PIPELINE_VERSION)
    extractions = {pid: PaperExtraction.from_dict(cache[_cache_key(p)]) for pid, p in graph.papers.items()}
    assert len(share_bounds(len(graph.papers), 2)) == 2
    one = link(dict(graph.papers), extractions)
    two = link(dict(graph.papers), extractions, workers=2)
    assert two.relations and two.relations == one.relations
    assert two.results and two.results == one.results
    assert two.mentions == one.mentions
    assert two.entities == one.entities
