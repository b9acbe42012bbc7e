"""The data of a view: vis-network nodes, edges and options built with pyvis, plus structured tooltip data.

Tooltips are *not* HTML here: every node and edge carries a ``kg`` object of plain fields (name, aliases, evidence
sentences, ...) that the page script turns into DOM nodes with ``textContent``. The payload is a plain JSON-able dict,
so a server can also hand it out as JSON (``view_payload`` -> ``json.dumps``) and mount it with ``kg-view.js``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from typing import Any

from pyvis.network import Network

from kg.graph.model import KnowledgeGraph
from kg.viz.layout import layout
from kg.viz.select import Subgraph, node_kind
from kg.viz.styles import NODE_KINDS, style_of

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")
LABEL_CHARS = 36  #: longer labels are cut (the full text is in the tooltip)
MAX_ALIASES = 15
MAX_EVIDENCE = 3
SENTENCE_CHARS = 400
TEXT_CHARS = 300  #: names, titles and aliases in tooltips are cut here (a 10k-character name stays readable)
EDGE_LABELS_UP_TO = 150  #: draw relation names on edges only in views with at most this many edges
LARGE_VIEW = 500  #: from this many nodes on, trade looks for speed (straight edges, hide edges while dragging)
EDGES_PER_NODE = 5
MIN_EDGE_CAP = 2000


def clean(text: Any) -> str:
    """``text`` as a string that any UTF-8 page can hold (lone surrogates become U+FFFD; all else is kept)."""
    s = "" if text is None else str(text)
    return _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s


def _num(x: Any) -> float | None:
    """A finite number rounded for display, else None (JSON has no NaN or infinity)."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return round(f, 3) if math.isfinite(f) else None


def short(text: Any, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line (whitespace runs folded), cut to ``limit`` characters with an ellipsis."""
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _node_info(graph: KnowledgeGraph, nid: str) -> tuple[str, str, dict[str, Any], int]:
    """(kind, label, tooltip fields, support) of one node."""
    kind = node_kind(graph, nid)
    info: dict[str, Any] = {"id": clean(nid), "kind": kind}
    if kind == "Paper":
        p = graph.papers[nid]
        title = short(p.title, TEXT_CHARS) or clean(nid)
        info.update(name=title, year=p.year, authors=[short(a, 80) for a in p.authors[:5]],
                    more_authors=max(0, len(p.authors) - 5))
        if p.url:
            info["url"] = clean(p.url)
        return kind, short(title), info, 1
    if kind == "Repository":
        r = graph.repositories[nid]
        info.update(name=short(r.url, TEXT_CHARS), host=short(r.host, 80), repo_kind=short(r.kind, 40), papers=len(r.papers))
        return kind, short(re.sub(r"^https?://(www\.)?", "", r.url)), info, len(r.papers)
    if kind == "Result":
        res = graph.results[nid]
        surf = res.surface or {}

        def ent(eid: str | None, role: str) -> str:
            if eid and eid in graph.entities:
                return short(graph.entities[eid].name, 120)
            return short(surf.get(role) or eid or "", 120)

        value = clean(res.value_text) or ("" if _num(res.value) is None else f"{res.value:g}")
        metric = ent(res.metric, "metric") or "value"
        info.update(
            name=f"{metric} = {value}{clean(res.unit or '') if res.unit and res.unit not in value else ''}",
            model=ent(res.model, "model"),
            dataset=ent(res.dataset, "dataset"),
            task=ent(res.task, "task"),
            paper_title=short(graph.papers[res.paper].title, TEXT_CHARS) if res.paper in graph.papers else clean(res.paper),
        )
        if res.evidence:
            info["sentence"] = short(res.evidence[0].sentence, SENTENCE_CHARS)
        return kind, short(info["name"]), info, 1
    if kind == "Unknown":
        info.update(name=clean(nid))
        return kind, short(nid), info, 1
    e = graph.entities[nid]
    aliases = [short(a, TEXT_CHARS) for a in e.aliases if a != e.name]
    info.update(
        name=short(e.name, TEXT_CHARS) or clean(nid),
        aliases=aliases[:MAX_ALIASES],
        more_aliases=max(0, len(aliases) - MAX_ALIASES),
        papers=len(e.papers),
        mentions=e.mentions,
    )
    return kind, short(e.name), info, len(e.papers)


def _evidence(graph: KnowledgeGraph, rel, limit: int = MAX_EVIDENCE) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for ev in rel.evidence:
        key = ev.sentence.strip()
        if not key or key in seen:
            continue
        seen.add(key)
        paper = graph.papers.get(ev.paper)
        out.append(
            {
                "sentence": short(ev.sentence, SENTENCE_CHARS),
                "paper": clean(ev.paper),
                "title": short(paper.title, TEXT_CHARS) if paper else clean(ev.paper),
            }
        )
        if len(out) >= limit:
            break
    return out


def _size(kind: str, support: int, degree: int, focus: bool) -> float:
    if kind == "Paper":
        base = 12.0 + 2.0 * math.sqrt(degree)
    else:
        base = 9.0 + 3.2 * math.sqrt(support + degree)
    base = min(base, 60.0)
    return round(base * (1.6 if focus else 1.0), 1)


def max_edges_for(n_nodes: int) -> int:
    """Most edges a view of ``n_nodes`` draws: beyond about five per node a picture is a hairball and pages grow big."""
    return max(MIN_EDGE_CAP, EDGES_PER_NODE * n_nodes)


def view_payload(graph: KnowledgeGraph, sub: Subgraph, *, max_edges: int | None = None) -> dict[str, Any]:
    """The JSON-able data of one view: ``nodes``, ``edges`` and ``options`` for vis-network, and a ``legend``.

    Args:
        graph: the whole graph (for names, evidence and paper titles).
        sub: what to show (see :mod:`kg.viz.select` and :mod:`kg.viz.query`).
        max_edges: keep at most this many edges, the best supported first (default :func:`max_edges_for`); the
            title then says how many were left out.

    Returns:
        ``{"title", "nodes", "edges", "options", "legend", "relation_types", "stats"}``; node and edge dicts are
        vis-network items with a ``kg`` object of tooltip fields. Same inputs give the same dict (positions included).
    """
    node_set = set(sub.nodes)
    focus = set(sub.focus)
    large = len(sub.nodes) >= LARGE_VIEW
    title = clean(sub.title)
    cap = max_edges if max_edges is not None else max_edges_for(len(sub.nodes))
    rels = [graph.relations[rid] for rid in sub.relations]
    rels = [r for r in rels if r.source in node_set and r.target in node_set]
    budget = max(0, cap - len(sub.extra_edges))
    if len(rels) > budget:
        # keep the best supported edges (ties by id), then restore the given order
        kept = {r.id for r in sorted(rels, key=lambda r: (-r.support, -(_num(r.confidence) or 0.0), r.id))[:budget]}
        log.warning("the view has %d relations; drawing the %d best supported", len(rels), len(kept))
        title = f"{title} (the {len(kept)} best supported of {len(rels)} relations)"
        rels = [r for r in rels if r.id in kept]
    n_evidence = 1 if large else MAX_EVIDENCE  # large views: one sentence per edge keeps the page small
    edges_in: list[tuple[str, str, str, dict[str, Any], int]] = []  # (from, to, edge id, kg fields, support)
    for r in rels:
        edges_in.append(
            (r.source, r.target, clean(r.id), {
                "edge": "relation", "type": clean(r.type), "support": r.support,
                "confidence": _num(r.confidence), "evidence": _evidence(graph, r, n_evidence),
            }, r.support)
        )
    for i, e in enumerate(sub.extra_edges):
        if e.source in node_set and e.target in node_set:
            eid = f"{e.kind}:{i}"
            edges_in.append((e.source, e.target, eid, {"edge": e.kind, "type": clean(e.label)}, 1))
    degree: Counter[str] = Counter()
    for a, b, *_ in edges_in:
        degree[a] += 1
        degree[b] += 1
    pos = layout(
        sub.nodes,
        ((a, b, 1.0 + min(math.log1p(s), 3.0)) for a, b, _, _, s in edges_in),
    )

    # pyvis owns the vis-network item and option model; the page template is ours.
    net = Network(directed=True, cdn_resources="in_line")
    if large:
        net.barnes_hut(gravity=-4000, central_gravity=0.1, spring_length=110, spring_strength=0.02, damping=0.6, overlap=0)
    else:
        net.barnes_hut(gravity=-5000, central_gravity=0.15, spring_length=130, spring_strength=0.03, damping=0.5, overlap=0)
    net.set_edge_smooth("continuous" if not large else "dynamic")
    net.toggle_hide_edges_on_drag(large)
    kinds_present: list[str] = []
    for nid in sub.nodes:
        kind, label, info, support = _node_info(graph, nid)
        if kind not in kinds_present:
            kinds_present.append(kind)
        if nid in sub.notes:
            info["notes"] = [clean(x) for x in sub.notes[nid]]
        x, y = pos[nid]
        extra_opts: dict[str, Any] = {}
        if nid in focus:
            extra_opts = {"borderWidth": 4, "font": {"size": 16}}
        net.add_node(
            clean(nid),
            label=label or clean(nid),
            group=kind,
            size=_size(kind, support, degree[nid], nid in focus),
            x=x,
            y=y,
            kg=info,
            **extra_opts,
        )
    show_labels = len(edges_in) <= EDGE_LABELS_UP_TO
    rel_types: list[str] = []
    for a, b, eid, info, support in edges_in:
        label = info["type"]
        if label not in rel_types:
            rel_types.append(label)
        extra_opts = {"dashes": True, "color": {"color": "#a7adb3"}} if info["edge"] != "relation" else {}
        if show_labels:
            extra_opts["label"] = label
        net.add_edge(
            clean(a),
            clean(b),
            id=eid,
            width=round(1.0 + min(math.log2(max(support, 1)), 4.0), 2),
            kg=info,
            **extra_opts,
        )
    # pyvis puts a shape on every node and arrows on every edge; those defaults live in options (groups, edges)
    for node in net.nodes:
        node.pop("shape", None)
    for edge in net.edges:
        edge.pop("arrows", None)

    options = json.loads(net.options.to_json())
    n = len(sub.nodes)
    # positions are precomputed, so a short stabilisation only relaxes overlaps; the page then turns physics off
    options["physics"]["stabilization"] = {
        "enabled": True, "fit": True, "iterations": 150 if n < 300 else 60,
        "onlyDynamicEdges": False, "updateInterval": 25,
    }
    if large:
        # a precomputed layout of this size is final: running the simulation in the page would cost many seconds
        # (vis-network's Barnes-Hut over thousands of bodies) for little gain, so physics starts switched off
        options["physics"]["enabled"] = False
    options["physics"]["minVelocity"] = 0.75
    options["physics"]["solver"] = "barnesHut"
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    # shared styles live in options (vis "groups" per node kind) so that each item only carries its own data
    options["groups"] = {
        k: {
            "shape": style_of(k).shape,
            "color": {"background": style_of(k).color, "border": style_of(k).border,
                      "highlight": {"background": style_of(k).color, "border": "#111111"},
                      "hover": {"background": style_of(k).color, "border": "#111111"}},
        }
        for k in kinds_present
    }
    options["nodes"] = {
        "borderWidth": 1,
        "font": {"size": 13, "color": "#1b1f24", "strokeWidth": 3, "strokeColor": "#ffffff"},
    }
    options["edges"].update(
        {
            "color": {"color": "#7d8791", "highlight": "#111111", "hover": "#333333", "inherit": False},
            "font": {"size": 10, "align": "middle", "color": "#444444", "strokeWidth": 2, "strokeColor": "#ffffff"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        }
    )
    options["interaction"].update(
        {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": {"enabled": True, "bindToWindow": False},
         "multiselect": False}
    )
    if large:
        options["edges"]["smooth"] = False  # straight edges render several times faster
    legend = [
        {"kind": k, "color": style_of(k).color, "border": style_of(k).border, "shape": style_of(k).shape}
        for k in sorted(kinds_present, key=lambda k: (NODE_KINDS.index(k) if k in NODE_KINDS else 99, k))
    ]
    return {
        "title": title,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "legend": legend,
        "relation_types": sorted(rel_types),
        "focus": [clean(f) for f in sub.focus],
        "stats": {"nodes": len(net.nodes), "edges": len(net.edges)},
    }
