"""What the pages show, looked up in the graph index: node labels and links, search, highlighted mentions, relations
with their evidence, result rows, RDF terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.graph.model import Entity, KnowledgeGraph, Mention
from kg.serve.render import fmt_number
from kg.serve.service import GraphIndex

PAPER_RELATIONS = ("PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "HAS_CODE")
RELATION_LABELS = {
    "PROPOSES": ("proposes", "proposed by"),
    "EVALUATES_ON": ("evaluates on", "evaluated in"),
    "USES": ("uses", "used by"),
    "ADDRESSES": ("addresses", "addressed by"),
    "REPORTS": ("reports", "reported by"),
    "EVALUATED_ON": ("evaluated on", "has evaluated"),
    "OUTPERFORMS": ("outperforms", "outperformed by"),
    "COMPARED_WITH": ("compared with", "compared with"),
    "USED_FOR": ("used for", "solved with"),
    "VARIANT_OF": ("variant of", "has variant"),
    "CO_MENTIONED": ("co-mentioned with", "co-mentioned with"),
    "HAS_CODE": ("has code", "code of"),
}
MAX_EVIDENCE = 5
MAX_LIST = 300


def node_label(g: KnowledgeGraph, node_id: str) -> str:
    if node_id in g.entities:
        return g.entities[node_id].name
    if node_id in g.papers:
        return g.papers[node_id].title or node_id
    if node_id in g.repositories:
        return g.repositories[node_id].url
    return node_id


def node_kind(g: KnowledgeGraph, node_id: str) -> str:
    try:
        return g.node_type(node_id)
    except KeyError:
        return "Unknown"


def node_link(idx: GraphIndex, node_id: str | None) -> dict[str, Any] | None:
    """What a template needs to show a link to a node (label, type, local URL)."""
    if not node_id:
        return None
    g = idx.graph
    return {"id": node_id, "label": node_label(g, node_id), "type": node_kind(g, node_id), "url": idx.local_path(node_id)}


def search_nodes(idx: GraphIndex, q: str, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """Entities matching ``q`` (exact id/name/alias first, then prefix, then substring) and papers by title."""
    g = idx.graph
    key = " ".join(q.split()).casefold()
    if not key:
        return {"entities": [], "papers": []}
    exact = g.find_entities(q)
    seen = {e.id for e in exact}
    prefix: list[tuple[Entity, str]] = []
    inside: list[tuple[Entity, str]] = []
    for e in g.entities.values():
        if e.id in seen:
            continue
        names = [e.name, *e.aliases]
        hit = next((n for n in names if n.casefold().startswith(key)), None)
        if hit is not None:
            prefix.append((e, hit))
            continue
        hit = next((n for n in names if key in n.casefold()), None)
        if hit is not None:
            inside.append((e, hit))

    def rank(pair: tuple[Entity, str]) -> tuple:
        e, _ = pair
        return (-len(e.papers), e.name.casefold(), e.id)

    ordered = [(e, "exact") for e in sorted(exact, key=lambda e: (-len(e.papers), e.id))]
    ordered += [(e, "prefix") for e, _ in sorted(prefix, key=rank)]
    ordered += [(e, "substring") for e, _ in sorted(inside, key=rank)]
    ents = []
    for e, how in ordered[:limit]:
        matched = next((n for n in [e.name, *e.aliases] if key in n.casefold()), e.name)
        ents.append({
            "id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases[:10], "matched": matched,
            "match": how, "papers": len(e.papers), "url": idx.local_path(e.id),
        })
    papers = []
    for p in g.papers.values():
        if key in (p.title or "").casefold() or key == p.id.casefold() or key == (p.arxiv_id or "").casefold():
            papers.append({"id": p.id, "title": p.title, "year": p.year, "url": idx.local_path(p.id)})
            if len(papers) >= limit:
                break
    return {"entities": ents, "papers": papers}


@dataclass
class Segment:
    text: str
    mention: Mention | None = None
    url: str | None = None


def highlight(text: str, mentions: list[Mention], idx: GraphIndex) -> list[Segment]:
    """``text`` cut into plain and mention segments by the mentions' character offsets (overlaps: first wins)."""
    out: list[Segment] = []
    pos = 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos or m.end > len(text) or m.start >= m.end:
            continue
        if m.start > pos:
            out.append(Segment(text[pos:m.start]))
        out.append(Segment(text[m.start:m.end], m, idx.local_path(m.entity) if m.entity else None))
        pos = m.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def relation_rows(idx: GraphIndex, node_id: str, limit: int = MAX_LIST) -> list[dict[str, Any]]:
    g = idx.graph
    rows = []
    for rid in idx.relations_by_node.get(node_id, []):
        r = g.relations[rid]
        outgoing = r.source == node_id
        other = r.target if outgoing else r.source
        labels = RELATION_LABELS.get(r.type, (r.type.lower(), f"{r.type.lower()} (inverse)"))
        evidence = []
        for ev in r.evidence[:MAX_EVIDENCE]:
            evidence.append({
                "sentence": ev.sentence, "paper": node_link(idx, ev.paper), "extractor": ev.extractor,
                "confidence": ev.confidence,
            })
        rows.append({
            "id": r.id, "type": r.type, "label": labels[0] if outgoing else labels[1], "other": node_link(idx, other),
            "support": r.support, "confidence": r.confidence, "evidence": evidence,
            "more_evidence": max(0, len(r.evidence) - MAX_EVIDENCE), "iri": idx.node_to_iri.get(r.id),
        })
    # co-mentions are the most numerous and the least telling: after the typed relations
    rows.sort(key=lambda x: (x["type"] == "CO_MENTIONED", x["type"], -x["support"],
                             x["other"]["label"].casefold() if x["other"] else ""))
    return rows[:limit]


def result_rows(idx: GraphIndex, node_id: str, limit: int = MAX_LIST) -> list[dict[str, Any]]:
    """The results naming ``node_id`` (at most ``limit``, best supported datasets and metrics first)."""
    g = idx.graph
    rows = []
    for rid in sorted(idx.results_by_node.get(node_id, []))[: limit * 4]:
        res = g.results[rid]
        surf = res.surface or {}

        def cell(role: str) -> dict[str, Any] | None:
            ent = getattr(res, role)
            if ent and ent in g.entities:
                return node_link(idx, ent)
            text = surf.get(role) or ent
            return {"label": text, "url": None, "type": role.capitalize(), "id": ent} if text else None

        rows.append({
            "id": rid, "paper": node_link(idx, res.paper), "model": cell("model"), "dataset": cell("dataset"),
            "metric": cell("metric"), "task": cell("task"), "value": res.value_text or fmt_number(res.value),
            "unit": "" if not res.unit or (res.value_text or "").rstrip().endswith(res.unit) else res.unit, "sentence": res.evidence[0].sentence if res.evidence else "",
        })
    rows.sort(key=lambda r: (r["dataset"]["label"] if r["dataset"] else "", r["metric"]["label"] if r["metric"] else "", r["id"]))
    return rows[:limit]


def term_view(idx: GraphIndex, term: Any) -> dict[str, Any]:
    """How a template shows an RDF term (Oxigraph term or W3C JSON term): text, kind, a local link if any."""
    if isinstance(term, dict):
        kind = {"uri": "iri", "bnode": "bnode"}.get(term.get("type", ""), "literal")
        value = term.get("value", "")
        extra = term.get("xml:lang") or term.get("datatype") or ""
    else:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            kind, value, extra = "iri", term.value, ""
        elif isinstance(term, ox.BlankNode):
            kind, value, extra = "bnode", term.value, ""
        else:
            kind, value = "literal", term.value
            extra = term.language or (term.datatype.value if term.datatype else "")
    url = None
    if kind == "iri":
        node = idx.iri_to_node.get(value)
        if node is not None:
            url = idx.local_path(node[1])
        elif value.startswith(idx.store_base):
            url = "/" + value[len(idx.store_base):]
    return {"kind": kind, "value": value, "extra": extra, "url": url}
