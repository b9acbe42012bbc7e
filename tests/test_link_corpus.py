"""Linking on real extraction output: the bundled sample (fast) and the shared corpus build (slow)."""

from __future__ import annotations

import json

import pytest

from kg.graph.io import load_graph
from kg.graph.model import RELATION_TYPES
from kg.link import link
from kg.link.explain import find_duplicates


@pytest.fixture(scope="module")
def sample_extracted(sample_corpus):
    from kg.extract import extract_papers
    from kg.ingest import read_papers

    papers = {p.id: p for p in read_papers([sample_corpus])}
    exs = {ex.paper: ex for ex in extract_papers(list(papers.values()))}
    return papers, exs


def _check_graph(g) -> None:
    """Invariants every linked graph must hold."""
    for m in g.mentions:
        assert g.papers[m.paper].field_text(m.field)[m.start : m.end] == m.text
        e = g.entities[m.entity]
        assert e.type == m.type and m.paper in e.papers
    counted: dict[str, int] = {}
    for m in g.mentions:
        if m.entity:
            counted[m.entity] = counted.get(m.entity, 0) + 1
    for e in g.entities.values():
        assert counted.get(e.id, 0) == e.mentions, e.id
        assert e.id.split(":", 1)[0] == e.type.lower()
    for r in g.relations.values():
        src, tgt = RELATION_TYPES[r.type]
        assert g.node_type(r.source) in src and g.node_type(r.target) in tgt, r.id
        assert r.evidence and r.support >= len({ev.paper for ev in r.evidence})
        for ev in r.evidence:
            assert g.papers[ev.paper].field_text(ev.field)[ev.start : ev.end] == ev.sentence
    for res in g.results.values():
        assert res.paper in g.papers and res.evidence
        for eid in (res.model, res.dataset, res.metric, res.task):
            assert eid is None or eid in g.entities
    assert find_duplicates(g) == []


def _dump(g) -> str:
    return json.dumps(
        [[e.to_dict() for e in g.entities.values()], [m.to_dict() for m in g.mentions], [r.to_dict() for r in g.relations.values()],
         [r.to_dict() for r in g.results.values()], [r.to_dict() for r in g.repositories.values()]],
        sort_keys=True,
    )


def test_sample_links_cleanly_and_deterministically(sample_extracted):
    papers, exs = sample_extracted
    g = link(papers, exs)
    assert len(g.entities) > 50 and g.results and g.repositories
    assert {r.type for r in g.relations.values()} >= {"PROPOSES", "USES", "ADDRESSES", "CO_MENTIONED", "HAS_CODE"}
    _check_graph(g)
    rev = link(dict(reversed(list(papers.items()))), dict(reversed(list(exs.items()))))
    assert _dump(rev) == _dump(g)


def test_sample_ids_survive_an_incremental_add(sample_extracted):
    papers, exs = sample_extracted
    ids = sorted(papers)
    half = ids[: len(ids) // 2]
    g1 = link({i: papers[i] for i in half}, {i: exs[i] for i in half})
    g2 = link(papers, exs, previous=g1)
    assert g2.meta["link"]["previous_ids_kept"] > 0
    # a mention keeps its entity id unless new papers changed what it means (an abbreviation defined otherwise)
    spans = {(m.paper, m.field, m.start, m.end): m.entity for m in g2.mentions}
    old = [(m, spans.get((m.paper, m.field, m.start, m.end))) for m in g1.mentions if m.entity]
    assert all(new is not None for _, new in old)
    same = sum(1 for m, new in old if new == m.entity)
    assert same / len(old) >= 0.98, [(m.text, m.entity, new) for m, new in old if new != m.entity][:10]
    kept = sum(1 for e in g1.entities if e in g2.entities)
    assert kept / len(g1.entities) >= 0.98


@pytest.mark.slow
def test_shared_corpus_graph_has_no_duplicates(shared_graph_dir):
    g = load_graph(shared_graph_dir)
    assert len(g.papers) == 339
    _check_graph(g)


def test_relinking_with_its_own_graph_changes_nothing(sample_extracted):
    papers, exs = sample_extracted
    g = link(papers, exs)
    again = link(papers, exs, previous=g)
    assert _dump(again) == _dump(g)


def test_kg_extract_ids_match_a_build_of_the_same_paper(sample_extracted):
    from kg.link.output import link_one_paper

    papers, exs = sample_extracted
    same = total = 0
    for pid in sorted(papers)[:15]:
        full = {(m.field, m.start, m.end): m.entity for m in link({pid: papers[pid]}, {pid: exs[pid]}).mentions}
        light = link_one_paper(papers[pid], exs[pid])
        for m in light.mentions:
            if m.source.startswith("link:"):
                continue
            total += 1
            same += full.get((m.field, m.start, m.end)) == m.entity
    assert total > 100 and same / total >= 0.97
