"""The property-graph view of a :class:`~kg.graph.model.KnowledgeGraph`: typed node and relationship rows.

Every property-graph face (embedded store, Neo4j push, neo4j-admin CSV, cypher-shell script, GraphML, GEXF) is built
from this one view, so they cannot disagree. Rows hold exactly the properties declared in :mod:`kg.cypher.schema`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kg.errors import StoreError
from kg.graph.model import ENTITY_TYPES, KnowledgeGraph, mention_record_counts
from kg.cypher.schema import EVIDENCE, NODE_TABLES, REL_TABLES, RESULT_LINKS

log = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD.

    Property-graph engines store UTF-8, which cannot hold a lone surrogate; everything else (NUL, control characters,
    RTL marks, quotes) is kept as is.
    """
    if value.isascii():  # the common case, and much cheaper than the regex
        return value
    return _SURROGATE.sub("\ufffd", value)


def _s(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        value = str(value)
    return value if value.isascii() else _SURROGATE.sub("\ufffd", value)


def _sl(values: Any) -> list[str]:
    out = [v for v in values if v is not None] if values else []
    try:
        if "".join(out).isascii():  # one C-level check for the whole list: the common case
            return out
    except TypeError:  # not all strings
        pass
    return [_s(v) for v in out]  # type: ignore[misc]


class EvidenceRecord(NamedTuple):
    """One evidence record of a relationship or result row, its fields those of ``EVIDENCE_FIELDS`` in order.

    A tuple rather than a dict: the view holds one per evidence record of the graph (millions at 100k abstracts),
    and a tuple takes a third of a dict's memory. Arrow reads it as its struct positionally.
    """

    paper: str | None
    field: str | None
    start_offset: int
    end_offset: int
    sentence: str | None
    extractor: str | None
    confidence: float


def _evidence(items: Any) -> list[EvidenceRecord]:
    return [
        EvidenceRecord(_s(ev.paper), _s(ev.field), int(ev.start), int(ev.end), _s(ev.sentence), _s(ev.extractor),
                       float(ev.confidence))
        for ev in items
    ]


def lookup_keys(*names: str | None) -> list[str]:
    """The lookup keys of a node: its non-empty names lower-cased, distinct and sorted.

    Named queries match a name parameter with ``list_contains(n.keys, lower($name))``: one list test per node
    instead of lower-casing the name, the id and every alias of every node (the RDF face's ``mlkg:lookupKey``).
    """
    return sorted({k for k in (_s(n).lower() for n in names if n) if k})  # type: ignore[union-attr]


def _json(value: Any) -> str:
    return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True))


def flat(row: dict[str, Any], props: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """``row`` for engines and formats that store no structs (Neo4j, CSV, GraphML): evidence lists become JSON."""
    out = dict(row)
    for name, t in props:
        if t == EVIDENCE and out.get(name) is not None:
            out[name] = _json([ev._asdict() for ev in out[name]])
    return out


@dataclass
class PropertyGraph:
    """Node rows per label and relationship rows per (type, from label, to label).

    Relationship rows hold ``from`` and ``to`` (node ids) followed by the type's properties.
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def node_counts(self) -> dict[str, int]:
        return {label: len(rows) for label, rows in self.nodes.items()}

    def edge_counts(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for (rtype, _, _), rows in self.edges.items():
            out[rtype] += len(rows)
        return dict(out)


def load(build_dir_or_graph: KnowledgeGraph | str | os.PathLike[str]) -> KnowledgeGraph:
    """The graph itself, or the graph saved in a build directory."""
    if isinstance(build_dir_or_graph, KnowledgeGraph):
        return build_dir_or_graph
    from kg.graph.io import load_graph

    return load_graph(build_dir_or_graph)


def property_graph(graph: KnowledgeGraph, strict: bool = False) -> PropertyGraph:
    """Build the property-graph view of ``graph``.

    Args:
        graph: the graph.
        strict: raise on a relation whose ends are missing or of types its relation type does not allow; otherwise
            such relations are left out with a warning naming them (the RDF face leaves them out too).

    Raises:
        StoreError: an entity or relation type outside the model, or (``strict``) a relation that cannot be placed.
    """
    pg = PropertyGraph(nodes={label: [] for label in NODE_TABLES})
    label_of: dict[str, str] = {}
    # Distinct mention records per paper (the key the RDF face mints mention IRIs from).
    mention_records = mention_record_counts(graph.mentions)

    for p in graph.papers.values():
        label_of[p.id] = "Paper"
        pg.nodes["Paper"].append(
            {
                "id": _s(p.id),
                "title": _s(p.title),
                "abstract": _s(p.abstract),
                "text": _s(p.text),
                "year": p.year,
                "date": _s(p.date),
                "authors": _sl(p.authors),
                "url": _s(p.url),
                "doi": _s(p.doi),
                "arxiv_id": _s(p.arxiv_id),
                "s2_id": _s(p.s2_id),
                "openalex_id": _s(p.openalex_id),
                "categories": _sl(p.categories),
                "links": _sl(p.links),
                "sources": _sl(p.sources),
                "mention_count": mention_records.get(p.id, 0),
                "keys": lookup_keys(p.id, p.title),
            }
        )
    for e in graph.entities.values():
        if e.type not in ENTITY_TYPES:
            raise StoreError(
                f"Entity {e.id!r} has type {e.type!r}, which is not an entity type; valid types: {', '.join(ENTITY_TYPES)}."
            )
        label_of[e.id] = e.type
        pg.nodes[e.type].append(
            {
                "id": _s(e.id),
                "name": _s(e.name),
                "aliases": _sl(e.aliases),
                "mentions": int(e.mentions),
                "paper_count": len(set(e.papers)),
                "merges": _json(e.merges),
                "keys": lookup_keys(e.id, e.name, *e.aliases),
                "names": [_s(e.name)] + sorted({a for a in _sl(e.aliases) if a != _s(e.name)}),
            }
        )
    # Sorting 250k rows on three strings takes the engine seconds; on one integer, a fraction of that.
    ranked = sorted(((t, row["name"] is None, row["name"] or "", row["id"], row) for t in ENTITY_TYPES
                     for row in pg.nodes[t]), key=lambda x: x[:4])
    for i, x in enumerate(ranked):
        x[4]["rank"] = i
    for r in graph.results.values():
        label_of[r.id] = "Result"
        pg.nodes["Result"].append(
            {
                "id": _s(r.id),
                "paper": _s(r.paper),
                "model": _s(r.model),
                "dataset": _s(r.dataset),
                "metric": _s(r.metric),
                "task": _s(r.task),
                "value": None if r.value is None else float(r.value),
                "unit": _s(r.unit),
                "value_text": _s(r.value_text),
                "surface": _json(r.surface),
                "sentence": _s(r.evidence[0].sentence) if r.evidence else None,
                "evidence_count": len(r.evidence),
                "evidence": _evidence(r.evidence),
            }
        )
    for repo in graph.repositories.values():
        label_of[repo.id] = "Repository"
        pg.nodes["Repository"].append(
            {
                "id": _s(repo.id),
                "url": _s(repo.url),
                "host": _s(repo.host),
                "kind": _s(repo.kind),
                "paper_count": len(set(repo.papers)),
                "papers": _sl(sorted(set(repo.papers))),
                "keys": lookup_keys(repo.id, repo.url),
            }
        )

    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    allowed = {name: set(t.pairs) for name, t in REL_TABLES.items()}

    skipped: list[str] = []
    for rel in graph.relations.values():
        if rel.type not in allowed or not REL_TABLES[rel.type].from_model:
            raise StoreError(
                f"Relation {rel.id!r} has type {rel.type!r}, which is not a relation type of kg.graph.model; "
                f"valid types: {', '.join(t for t, r in REL_TABLES.items() if r.from_model)}."
            )
        missing = [x for x in (rel.source, rel.target) if x not in label_of]
        if missing:
            msg = (f"Relation {rel.id!r} ({rel.type}) points at {', '.join(map(repr, missing))}, which is not a node "
                   "of the graph")
            if strict:
                raise StoreError(msg + "; rebuild the graph so that every relation joins existing nodes.")
            skipped.append(msg)
            continue
        pair = (label_of[rel.source], label_of[rel.target])
        if pair not in allowed[rel.type]:
            msg = (f"Relation {rel.id!r} ({rel.type}) joins a {pair[0]} to a {pair[1]}, which {rel.type} does not allow "
                   f"(allowed: {', '.join(f'{a}->{b}' for a, b in sorted(allowed[rel.type]))})")
            if strict:
                raise StoreError(msg + ".")
            skipped.append(msg)
            continue
        edges[(rel.type, *pair)].append(
            {
                "from": _s(rel.source),
                "to": _s(rel.target),
                "id": _s(rel.id),
                "evidence_count": len(rel.evidence),
                "confidence": float(rel.confidence),
                "support": int(rel.support),
                "papers": _sl(sorted({ev.paper for ev in rel.evidence})),
                "sentences": _sl(ev.sentence for ev in rel.evidence),
                "extractors": _sl(sorted({ev.extractor for ev in rel.evidence})),
                "evidence": _evidence(rel.evidence),
            }
        )

    if skipped:
        log.warning("%d relations are left out of the property graph: %s%s", len(skipped), "; ".join(skipped[:5]),
                    "; ..." if len(skipped) > 5 else "")

    # MENTIONS: one edge per (paper, entity) of Entity.papers (the model's list of papers mentioning the entity, as
    # in the RDF face), with the number of mention records of that pair and the surface forms they use.
    mention_counts: Counter[tuple[str, str]] = Counter()
    surfaces: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in graph.mentions:
        if m.entity is not None:
            mention_counts[(m.paper, m.entity)] += 1
            surfaces[(m.paper, m.entity)].add(m.text)
    absent = 0
    for e in graph.entities.values():
        for paper in sorted(set(e.papers)):
            if paper not in graph.papers:
                absent += 1
                continue
            key = (paper, e.id)
            edges[("MENTIONS", "Paper", e.type)].append(
                {"from": _s(paper), "to": _s(e.id), "count": mention_counts.get(key, 0),
                 "surfaces": _sl(sorted(surfaces.get(key, ())))}
            )
    if absent:
        log.warning("%d (entity, paper) pairs of Entity.papers name papers absent from the graph; no MENTIONS edge.", absent)

    dangling = 0
    for r in graph.results.values():
        if r.paper in graph.papers:
            edges[("HAS_RESULT", "Paper", "Result")].append({"from": _s(r.paper), "to": _s(r.id)})
        else:
            dangling += 1
        for rtype, attr in RESULT_LINKS.items():
            target = getattr(r, attr)
            if target is None:
                continue
            pair = ("Result", label_of.get(target, ""))
            if pair not in allowed[rtype]:
                dangling += 1  # the id stays in the Result's property; only the edge is missing
                continue
            edges[(rtype, *pair)].append({"from": _s(r.id), "to": _s(target)})
    if dangling:
        log.warning("%d result links point at absent or mistyped nodes; their ids stay on the Result nodes.", dangling)

    pg.edges = dict(edges)
    return pg
