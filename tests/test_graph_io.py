"""The graph files of a build directory hold exactly the graph, whatever its text and numbers."""

from __future__ import annotations

import json
import math

from kg.graph.io import load_graph, read_jsonl, save_graph, write_jsonl
from kg.graph.model import Entity, Evidence, KnowledgeGraph, Mention, Paper, Result


def _graph(title: str, value: float) -> KnowledgeGraph:
    ev = Evidence(paper="p1", field="abstract", start=0, end=5, sentence="a \u2028 b \x00", extractor="rule:x",
                  confidence=0.25)
    return KnowledgeGraph(
        papers={"p1": Paper(id="p1", title=title, abstract="NUL \x00, RTL \u202e, emoji \U0001F600", year=2024,
                            authors=["A. \"Quote\" B", "\\back"])},
        entities={"e1": Entity(id="e1", type="Model", name=title, aliases=["x"], papers=["p1"], mentions=1)},
        mentions=[Mention(paper="p1", field="title", start=0, end=len(title), text=title, type="Model")],
        results={"r1": Result(id="r1", paper="p1", model="e1", dataset=None, metric=None, task=None, value=value,
                              value_text="9" * 400, surface={"z": "1", "a": None}, evidence=[ev])},
    )


def _same(a: KnowledgeGraph, b: KnowledgeGraph) -> bool:
    return all(getattr(a, n) == getattr(b, n) for n in ("papers", "entities", "mentions", "relations", "results",
                                                        "repositories"))


def test_records_round_trip_with_hostile_text(tmp_path):
    g = _graph("Odd \ud800 surrogate", 71.8)
    save_graph(g, tmp_path)
    assert _same(load_graph(tmp_path), g)


def test_a_value_that_is_not_finite_is_kept(tmp_path):
    # float("9" * 400) is inf: written as null it would read back as "no value"
    g = _graph("Plain", float("9" * 400))
    save_graph(g, tmp_path)
    back = load_graph(tmp_path).results["r1"]
    assert math.isinf(back.value) and _same(load_graph(tmp_path), g)


def test_rebuilt_files_are_byte_identical_and_keys_of_dicts_sorted(tmp_path):
    g = _graph("Plain", 1.0)
    save_graph(g, tmp_path / "a")
    save_graph(load_graph(tmp_path / "a"), tmp_path / "b")
    for name in ("papers", "entities", "mentions", "results"):
        assert (tmp_path / "a/graph" / f"{name}.jsonl").read_bytes() == (tmp_path / "b/graph" / f"{name}.jsonl").read_bytes()
    line = (tmp_path / "a/graph/results.jsonl").read_text(encoding="utf-8")
    assert line.index('"a":') < line.index('"z":')


def test_plain_dict_rows_and_big_integers(tmp_path):
    rows = [{"b": 1, "a": [1, 2]}, {"n": 2**70}, {"s": "lone \udc00"}]
    assert write_jsonl(tmp_path / "x.jsonl", rows) == 3
    assert list(read_jsonl(tmp_path / "x.jsonl")) == rows
    first = (tmp_path / "x.jsonl").read_text(encoding="utf-8", errors="surrogatepass").splitlines()[0]
    assert json.loads(first) == rows[0] and first.startswith('{"a":')


def test_repeated_strings_are_one_object_once_read(tmp_path):
    from kg.graph.model import Relation

    ev = dict(paper="p1", field="abstract", start=0, end=9, sentence="We use X.", extractor="rule:x", confidence=0.5)
    g = _graph("T", 1.0)
    g.relations = {
        f"rel{i}": Relation(id=f"rel{i}", type="USES", source="p1", target=f"e{i}", evidence=[Evidence(**ev)])
        for i in range(3)
    }
    save_graph(g, tmp_path)
    back = load_graph(tmp_path)
    assert _same(g, back)
    evs = [r.evidence[0] for r in back.relations.values()]
    assert all(e.sentence is evs[0].sentence and e.paper is evs[0].paper for e in evs)
    types = [r.type for r in back.relations.values()]
    assert all(t is types[0] for t in types)
