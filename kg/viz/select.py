"""Which part of the graph a view shows: plain functions from a :class:`KnowledgeGraph` to a :class:`Subgraph`.

Every function here is deterministic (ties are broken by id) so that the same graph and the same arguments select the
same nodes in the same order, which keeps generated pages byte-identical.
"""

from __future__ import annotations

import difflib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from kg.errors import InputError
from kg.graph.model import KnowledgeGraph, Relation
from kg.viz.styles import NODE_KINDS

log = logging.getLogger(__name__)

#: Relation types that link a paper to what it contributes or relies on, in the order a paper view lists them.
PAPER_RELATIONS = ("PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "HAS_CODE")


@dataclass(frozen=True)
class ExtraEdge:
    """An edge that is not a :class:`Relation` of the graph (a result's links, a pair from a query row)."""

    source: str
    target: str
    label: str
    kind: str = "query"  #: ``query`` (pair in a query row) or ``result`` (a result's model/dataset/metric)


@dataclass
class Subgraph:
    """The nodes and edges one view shows.

    Attributes:
        nodes: node ids (papers, entities, repositories, results), in display order.
        relations: ids of graph relations whose two ends are both in ``nodes``.
        extra_edges: edges that are not graph relations.
        focus: nodes the view is about (ego centre, the paper); drawn larger and never filtered out.
        title: a human title of the view.
        notes: node id -> extra lines for its tooltip (e.g. the literal values of the query row that named it).
    """

    nodes: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    extra_edges: list[ExtraEdge] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    title: str = ""
    notes: dict[str, list[str]] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------------------------
def has_node(graph: KnowledgeGraph, node_id: str) -> bool:
    return node_id in graph.papers or node_id in graph.entities or node_id in graph.repositories or node_id in graph.results


def node_kind(graph: KnowledgeGraph, node_id: str) -> str:
    try:
        return graph.node_type(node_id)
    except KeyError:
        return "Unknown"


def degrees(graph: KnowledgeGraph) -> dict[str, int]:
    """Number of relations touching each node (both directions)."""
    deg: dict[str, int] = defaultdict(int)
    for r in graph.relations.values():
        deg[r.source] += 1
        deg[r.target] += 1
    return deg


def support_of(graph: KnowledgeGraph, node_id: str) -> int:
    """How many papers back a node: papers mentioning an entity or linking a repository; 1 for a paper."""
    if node_id in graph.entities:
        return len(graph.entities[node_id].papers)
    if node_id in graph.repositories:
        return len(graph.repositories[node_id].papers)
    return 1


def _adjacency(graph: KnowledgeGraph) -> dict[str, list[Relation]]:
    adj: dict[str, list[Relation]] = defaultdict(list)
    for rid in sorted(graph.relations):
        r = graph.relations[rid]
        adj[r.source].append(r)
        if r.target != r.source:
            adj[r.target].append(r)
    return adj


def relations_among(graph: KnowledgeGraph, nodes: Iterable[str], *, types: Iterable[str] | None = None) -> list[str]:
    """Ids of graph relations with both ends in ``nodes`` (optionally of the given relation ``types``), sorted."""
    keep = set(nodes)
    allowed = set(types) if types is not None else None
    return sorted(
        rid
        for rid, r in graph.relations.items()
        if r.source in keep and r.target in keep and (allowed is None or r.type in allowed)
    )


def parse_types(types: str | Iterable[str] | None) -> list[str] | None:
    """``"Dataset,model"`` or ``["Dataset", "Model"]`` -> ``["Dataset", "Model"]`` (canonical spelling).

    Raises:
        InputError: a name is not a node kind (the message lists the valid ones).
    """
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    canon = {k.casefold(): k for k in NODE_KINDS}
    out: list[str] = []
    for raw in items:
        name = str(raw).strip()
        if not name:
            continue
        kind = canon.get(name.casefold())
        if kind is None:
            raise InputError(
                f"Unknown node type {name!r} in the type filter. Valid types are: {', '.join(NODE_KINDS)} "
                f"(comma-separated, e.g. --type Dataset,Model)."
            )
        if kind not in out:
            out.append(kind)
    if not out:
        raise InputError(f"The type filter is empty. Give one or more of: {', '.join(NODE_KINDS)}.")
    return out


def filter_types(graph: KnowledgeGraph, sub: Subgraph, types: str | Iterable[str] | None) -> Subgraph:
    """``sub`` without the nodes whose kind is not in ``types`` (focus nodes are kept), and without their edges."""
    kinds = parse_types(types)
    if kinds is None:
        return sub
    allowed = set(kinds)
    focus = set(sub.focus)
    nodes = [n for n in sub.nodes if n in focus or node_kind(graph, n) in allowed]
    keep = set(nodes)
    rels = [rid for rid in sub.relations if graph.relations[rid].source in keep and graph.relations[rid].target in keep]
    extra = [e for e in sub.extra_edges if e.source in keep and e.target in keep]
    notes = {k: v for k, v in sub.notes.items() if k in keep}
    return Subgraph(nodes, rels, extra, [f for f in sub.focus if f in keep], sub.title, notes)


def _suggest(graph: KnowledgeGraph, name: str, limit: int = 5) -> str:
    names = sorted({e.name for e in graph.entities.values()} | {a for e in graph.entities.values() for a in e.aliases})
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.6)
    return f" Close names: {', '.join(repr(c) for c in close)}." if close else ""


# ------------------------------------------------------------------------------------------------------------------
# views
# ------------------------------------------------------------------------------------------------------------------
def overview(graph: KnowledgeGraph, top: int = 200, *, types: str | Iterable[str] | None = None) -> Subgraph:
    """The ``top`` most connected entities and the relations among them.

    Entities are ranked by degree (relations touching them, papers included), then by the number of papers that
    mention them, then by id. Papers, repositories and results join the ranking only when ``types`` names them.

    When no ``types`` are given and the chosen entities have fewer relations among them than half their number
    (graphs with few entity-entity relations), the papers linking at least two of them are added as bridges, at most
    ``top // 4`` of them (most linked first), so that the overview shows structure rather than isolated dots.

    Raises:
        InputError: ``top`` is not positive, or ``types`` names an unknown type.
    """
    if top < 1:
        raise InputError(f"--top must be a positive number of nodes, got {top}.")
    kinds = parse_types(types)
    allowed = set(kinds) if kinds else None
    deg = degrees(graph)
    candidates: list[str] = [
        eid for eid, e in graph.entities.items() if allowed is None or e.type in allowed
    ]
    if allowed:
        if "Paper" in allowed:
            candidates += list(graph.papers)
        if "Repository" in allowed:
            candidates += list(graph.repositories)
        if "Result" in allowed:
            candidates += list(graph.results)
    candidates.sort(key=lambda n: (-deg.get(n, 0), -support_of(graph, n), n))
    nodes = candidates[:top]
    what = f"nodes of type {', '.join(kinds)}" if kinds else "entities"
    title = f"Overview: the {len(nodes)} most connected {what}"
    rels = relations_among(graph, nodes)
    if allowed is None and len(rels) < len(nodes) / 2:
        shown = set(nodes)
        links: dict[str, set[str]] = defaultdict(set)
        for r in graph.relations.values():
            if r.source in graph.papers and r.target in shown:
                links[r.source].add(r.target)
        bridges = sorted((p for p, ents in links.items() if len(ents) >= 2), key=lambda p: (-len(links[p]), p))
        bridges = bridges[: top // 4]
        if bridges:
            nodes = nodes + bridges
            rels = relations_among(graph, nodes)
            title += f" and {len(bridges)} papers linking them"
    sub = Subgraph(nodes=nodes, relations=rels, title=title)
    if "Result" in (allowed or ()):
        sub.extra_edges = result_edges(graph, nodes)
    return sub


def resolve_entities(graph: KnowledgeGraph, name: str) -> list[str]:
    """Ids of the entities named ``name`` (id, preferred name or any alias; case-insensitive), sorted.

    Raises:
        InputError: no entity has that name (the message suggests close names).
    """
    found = sorted(e.id for e in graph.find_entities(name))
    if not found:
        raise InputError(
            f"No entity is named {name!r} (by id, name or alias) in this graph.{_suggest(graph, name)} "
            f"List the entities with `kg entities DIR`."
        )
    return found


def ego(
    graph: KnowledgeGraph,
    name: str,
    depth: int = 1,
    *,
    top: int = 200,
    types: str | Iterable[str] | None = None,
) -> Subgraph:
    """The ego network of the entity named ``name`` (any alias resolves) to ``depth`` 1 or 2.

    Neighbours are papers, repositories and entities linked by any relation. When there are more than ``top`` nodes,
    the closest ones are kept: first-degree neighbours before second-degree ones, then by the support of the linking
    relation, the node's degree and its id. If the name matches entities of several types, all of them are centres.

    Raises:
        InputError: unknown name, depth not 1 or 2, ``top`` not positive, or unknown types.
    """
    if depth not in (1, 2):
        raise InputError(f"--depth must be 1 or 2, got {depth}.")
    if top < 1:
        raise InputError(f"--top must be a positive number of nodes, got {top}.")
    centres = resolve_entities(graph, name)
    kinds = parse_types(types)
    allowed = set(kinds) if kinds else None
    adj = _adjacency(graph)
    deg = degrees(graph)
    # best (distance, -support) seen per node; BFS over relations in both directions
    best: dict[str, tuple[int, int]] = {c: (0, 0) for c in centres}
    frontier = list(centres)
    for dist in range(1, depth + 1):
        nxt: list[str] = []
        for node in frontier:
            for r in adj.get(node, ()):
                other = r.target if r.source == node else r.source
                if allowed is not None and node_kind(graph, other) not in allowed:
                    continue
                key = (dist, -r.support)
                if other not in best:
                    best[other] = key
                    nxt.append(other)
                elif key < best[other]:
                    best[other] = key
        frontier = sorted(nxt)
    others = sorted((n for n in best if n not in centres), key=lambda n: (*best[n], -deg.get(n, 0), n))
    nodes = centres + others[: max(0, top - len(centres))]
    if len(others) > top - len(centres):
        log.info("ego view of %r: kept %d of %d nodes (raise --top to see more)", name, len(nodes), len(best))
    label = graph.entities[centres[0]].name
    return Subgraph(
        nodes=nodes,
        relations=relations_among(graph, nodes),
        focus=list(centres),
        title=f"{label}: neighbourhood to depth {depth}",
    )


def resolve_paper(graph: KnowledgeGraph, paper: str) -> str:
    """The id of the paper given by id (``arxiv:2411.15858``), bare arXiv id, DOI or exact title (case-insensitive).

    Raises:
        InputError: no paper matches.
    """
    key = paper.strip()
    if key in graph.papers:
        return key
    for cand in (f"arxiv:{key}", f"doi:{key}", f"doi:{key.lower()}"):
        if cand in graph.papers:
            return cand
    folded = key.casefold()
    for pid in sorted(graph.papers):
        p = graph.papers[pid]
        if folded in {(p.arxiv_id or "").casefold(), (p.doi or "").casefold(), p.title.casefold().strip()}:
            return pid
    raise InputError(
        f"No paper {paper!r} in this graph. Give a paper id (e.g. arxiv:2411.15858), a bare arXiv id, a DOI or the "
        f"exact title; `kg sparql`/`kg cypher` can list paper ids."
    )


def result_edges(graph: KnowledgeGraph, nodes: Iterable[str]) -> list[ExtraEdge]:
    """Edges from each result in ``nodes`` to its paper, model, dataset, metric and task when those are shown."""
    keep = set(nodes)
    out: list[ExtraEdge] = []
    for nid in sorted(keep):
        res = graph.results.get(nid)
        if res is None:
            continue
        if res.paper in keep:
            out.append(ExtraEdge(res.paper, nid, "REPORTS_RESULT", "result"))
        for role in ("model", "dataset", "metric", "task"):
            target = getattr(res, role)
            if target and target in keep:
                out.append(ExtraEdge(nid, target, f"RESULT_{role.upper()}", "result"))
    return out


def paper_view(graph: KnowledgeGraph, paper: str, *, types: str | Iterable[str] | None = None) -> Subgraph:
    """A paper with what it proposes, uses, evaluates on, addresses, reports (metrics and result rows) and its code.

    Relations between the shown entities are included when one of their evidence sentences comes from this paper.

    Raises:
        InputError: unknown paper or types.
    """
    pid = resolve_paper(graph, paper)
    rels = sorted(
        (r for r in graph.relations.values() if r.source == pid and has_node(graph, r.target)),
        key=lambda r: (PAPER_RELATIONS.index(r.type) if r.type in PAPER_RELATIONS else len(PAPER_RELATIONS), r.target),
    )
    nodes: list[str] = [pid]
    for r in rels:
        if r.target not in nodes:
            nodes.append(r.target)
    results = sorted(rid for rid, res in graph.results.items() if res.paper == pid)
    for rid in results:
        res = graph.results[rid]
        for ent in (res.model, res.dataset, res.metric, res.task):
            if ent and ent in graph.entities and ent not in nodes:
                nodes.append(ent)
    nodes += results
    keep = set(nodes)
    rel_ids = [r.id for r in rels]
    for rid in sorted(graph.relations):
        r = graph.relations[rid]
        if r.source != pid and r.source in keep and r.target in keep and any(ev.paper == pid for ev in r.evidence):
            rel_ids.append(rid)
    title = graph.papers[pid].title or pid
    sub = Subgraph(
        nodes=nodes,
        relations=sorted(set(rel_ids)),
        extra_edges=result_edges(graph, nodes),
        focus=[pid],
        title=f"Paper: {title}",
    )
    return filter_types(graph, sub, types)
