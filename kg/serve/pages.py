"""The HTML pages of ``kg serve`` (home, search, entity, paper, SPARQL and Cypher help) and small JSON APIs.

Every page comes from our own Jinja templates with autoescaping: text from the graph is data, never markup.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KGError
from kg.graph.model import ENTITY_TYPES, Mention
from kg.serve.conneg import best_match
from kg.serve.lookup import (
    PAPER_RELATIONS,
    RELATION_LABELS,
    MAX_LIST,
    highlight,
    node_link,
    relation_rows,
    result_rows,
    search_nodes,
    term_view,
)
from kg.serve.render import rdf_links, render_page, service_of, wants_json
from kg.serve.responses import SafeJSONResponse as JSONResponse
from kg.serve.service import GraphIndex
from kg.serve.views import view_fragment

log = logging.getLogger(__name__)


async def home(request: Request) -> Response:
    idx = service_of(request).index()
    g = idx.graph
    cached = idx.cache.get("home")
    if cached is None:  # computed once per graph version
        top: dict[str, list[dict[str, Any]]] = {}
        for t in ENTITY_TYPES:
            ents = heapq.nsmallest(10, (e for e in g.entities.values() if e.type == t),
                                   key=lambda e: (-len(e.papers), e.name.casefold(), e.id))
            top[t] = [{**node_link(idx, e.id), "papers": len(e.papers)} for e in ents]
        papers = heapq.nlargest(15, g.papers.values(), key=lambda p: (p.date or str(p.year or ""), p.id))
        cached = idx.cache["home"] = {
            "stats": g.stats(), "top": top, "papers": [node_link(idx, p.id) | {"year": p.year} for p in papers],
        }
    return render_page(request, "home.html", title="Knowledge graph", meta=g.meta, **cached)


async def search(request: Request) -> Response:
    idx = service_of(request).index()
    q = request.query_params.get("q", "")[:500]
    found = await asyncio.to_thread(search_nodes, idx, q)
    if wants_json(request):
        return JSONResponse({"query": q, **found})
    # one exact hit: straight to its page, like a look-up should
    exact = [e for e in found["entities"] if e["match"] == "exact"]
    if len(exact) == 1 and request.query_params.get("go") == "1" and exact[0]["url"]:
        return Response(status_code=303, headers={"Location": exact[0]["url"]})
    return render_page(request, "search.html", title=f"Search: {q}" if q else "Search", q=q, **found)


async def api_search(request: Request) -> Response:
    idx = service_of(request).index()
    q = request.query_params.get("q", "")[:500]
    try:
        limit = max(1, min(50, int(request.query_params.get("limit", "10"))))
    except ValueError:
        limit = 10
    return JSONResponse({"query": q, **await asyncio.to_thread(search_nodes, idx, q, limit)})


async def api_stats(request: Request) -> Response:
    g = service_of(request).index().graph
    return JSONResponse({**g.stats(), "meta": {k: g.meta.get(k) for k in ("base_iri", "created", "modified", "kg_version")}})


async def favicon(request: Request) -> Response:
    return Response(status_code=204)


@lru_cache(maxsize=1)
def _types_css() -> str:
    try:
        from kg.viz.styles import NODE_KINDS, style_of

        styles = {k: (style_of(k).color, style_of(k).border) for k in NODE_KINDS}
    except ImportError:  # pragma: no cover
        styles = {}
    lines = []
    for kind, (fill, border) in sorted(styles.items()):
        lines.append(f".t-{kind} {{ --type-color: {fill}; --type-border: {border}; }}")
    return "\n".join(lines) + "\n"


async def types_css(request: Request) -> Response:
    return Response(_types_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


def entity_page(request: Request, idx: GraphIndex, eid: str) -> Response:
    g = idx.graph
    e = g.entities[eid]
    papers = [node_link(idx, pid) for pid in e.papers[:MAX_LIST] if pid in g.papers]
    return render_page(
        request, "entity.html", title=f"{e.name} ({e.type})", e=e, iri=idx.public_iri(idx.node_to_iri.get(eid, "")),
        papers=papers, more_papers=max(0, len(e.papers) - MAX_LIST), relations=relation_rows(idx, eid),
        n_relations=len(idx.relations_by_node.get(eid, [])),
        results=result_rows(idx, eid), n_results=len(idx.results_by_node.get(eid, [])),
        view=view_fragment(idx, "entity", eid), rdf_links=rdf_links(request),
    )


def paper_page(request: Request, idx: GraphIndex, pid: str) -> Response:
    g = idx.graph
    p = g.papers[pid]
    by_field: dict[str, list[Mention]] = {}
    for i in idx.mentions_by_paper.get(pid, []):
        m = g.mentions[i]
        by_field.setdefault(m.field, []).append(m)
    fields = []
    for name in ("title", "abstract", "text"):
        text = p.field_text(name)
        if text:
            fields.append({"name": name, "segments": highlight(text, by_field.get(name, []), idx)})
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in relation_rows(idx, pid):
        if row["other"] and row["label"] == RELATION_LABELS.get(row["type"], ("",))[0]:
            groups.setdefault(row["type"], []).append(row)
    ordered = [(t, RELATION_LABELS.get(t, (t.lower(),))[0], groups[t]) for t in (*PAPER_RELATIONS, *sorted(groups)) if t in groups]
    seen: set[str] = set()
    contributions = []
    for t, label, rows in ordered:
        if t not in seen:
            seen.add(t)
            contributions.append({"type": t, "label": label, "rows": rows})
    types_present = sorted({m.type for ms in by_field.values() for m in ms})
    return render_page(
        request, "paper.html", title=p.title or pid, p=p, iri=idx.public_iri(idx.node_to_iri.get(pid, "")), fields=fields,
        contributions=contributions, results=result_rows(idx, pid), types_present=types_present,
        repositories=[g.repositories[r] for r in sorted(g.repositories) if pid in g.repositories[r].papers],
        view=view_fragment(idx, "paper", pid), rdf_links=rdf_links(request),
    )


def sparql_form(request: Request) -> Response:
    examples = []
    try:
        from kg.named_queries import list_named_queries

        examples = [{"name": q.name, "title": q.title, "text": q.text} for q in list_named_queries("sparql")]
    except (KGError, OSError) as exc:
        log.info("no named queries for the form: %s", exc)
    default = "SELECT ?type (COUNT(?s) AS ?n)\nWHERE { ?s a ?type }\nGROUP BY ?type\nORDER BY DESC(?n)\nLIMIT 20"
    return render_page(request, "sparql.html", title="SPARQL", examples=examples, default_query=default,
                       query=request.query_params.get("q", ""))


def sparql_results(request: Request, query: str, rendered: Any) -> Response:
    idx = service_of(request).index()
    head: list[str] = []
    rows: list[list[dict[str, Any] | None]] = []
    boolean = None
    if rendered.form == "graph":
        head = ["subject", "predicate", "object"]
        rows = [[term_view(idx, t.subject), term_view(idx, t.predicate), term_view(idx, t.object)] for t in rendered.data]
    elif rendered.form == "boolean":
        boolean = bool(rendered.data.get("boolean"))
    else:
        head = list(rendered.data.get("head", {}).get("vars", []))
        for b in rendered.data.get("results", {}).get("bindings", []):
            rows.append([term_view(idx, b[v]) if v in b else None for v in head])
    return render_page(request, "sparql_results.html", title="SPARQL results", query=query, head=head, rows=rows,
                       boolean=boolean, truncated=rendered.truncated, max_rows=service_of(request).config.max_rows)


def cypher_help(request: Request) -> Response:
    if best_match(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return JSONResponse({"error": 'POST {"query": "...", "parameters": {...}} as application/json.'}, status_code=405)
    return render_page(request, "cypher.html", title="Cypher")
