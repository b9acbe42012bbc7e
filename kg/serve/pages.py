"""HTML pages and small JSON APIs of ``kg serve``: home, search, entity, paper, named queries, downloads, views, and
the resolution of the build's IRIs (HTML for browsers, RDF for RDF clients).

Every page is rendered from our own Jinja templates with autoescaping; text from the graph is data, never markup.
"""

from __future__ import annotations

import asyncio
import csv
import heapq
import io
import json
import logging
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kg.errors import KGError
from kg.graph.model import ENTITY_TYPES, Entity, KnowledgeGraph, Mention
from kg.serve.conneg import best_match
from kg.serve.responses import SafeHTMLResponse as HTMLResponse
from kg.serve.responses import SafeJSONResponse as JSONResponse
from kg.serve.responses import clean, rdf_prefixes, rows_response, status_of
from kg.serve.service import GraphIndex, GraphService

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
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
_IRI_OK = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')
_TYPE_CLASS = re.compile(r"[^A-Za-z0-9_-]")


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["tclass"] = lambda t: "t-" + _TYPE_CLASS.sub("", str(t or "none"))
    e.filters["q"] = lambda s: quote(str(s), safe="")
    e.filters["num"] = _num
    e.filters["web_url"] = web_url
    return e


def web_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL, else None: a link from graph text never runs code (``javascript:``)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"']+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _num(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:g}"
    return "" if x is None else str(x)


def _svc(request: Request) -> GraphService:
    return request.app.state.service


def render_page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    svc = _svc(request)
    idx = svc.index()
    html = env().get_template(template).render(
        build_name=svc.build_dir.resolve().name, base_iri=idx.base_iri, request_path=request.url.path, **ctx
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    if best_match(request.headers.get("accept"), ["text/html", "application/json", "text/plain"]) == "text/html":
        return render_page(request, "error.html", status=status, title=title, message=message)
    return Response(clean(message) + "\n", status_code=status, media_type="text/plain; charset=utf-8")


def wants_json(request: Request) -> bool:
    fmt = request.query_params.get("format", "").lower()
    if fmt:
        return fmt == "json"
    return best_match(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json"


# ---------------------------------------------------------------------------------------------------------------
# look-ups the pages share
# ---------------------------------------------------------------------------------------------------------------
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
            "metric": cell("metric"), "task": cell("task"), "value": res.value_text or _num(res.value),
            "unit": "" if not res.unit or (res.value_text or "").rstrip().endswith(res.unit) else res.unit, "sentence": res.evidence[0].sentence if res.evidence else "",
        })
    rows.sort(key=lambda r: (r["dataset"]["label"] if r["dataset"] else "", r["metric"]["label"] if r["metric"] else "", r["id"]))
    return rows[:limit]


# ---------------------------------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    idx = _svc(request).index()
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
    idx = _svc(request).index()
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
    idx = _svc(request).index()
    q = request.query_params.get("q", "")[:500]
    try:
        limit = max(1, min(50, int(request.query_params.get("limit", "10"))))
    except ValueError:
        limit = 10
    return JSONResponse({"query": q, **await asyncio.to_thread(search_nodes, idx, q, limit)})


async def api_stats(request: Request) -> Response:
    g = _svc(request).index().graph
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
        view=_view_fragment(idx, "entity", eid), rdf_links=_rdf_links(request),
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
        view=_view_fragment(idx, "paper", pid), rdf_links=_rdf_links(request),
    )


def _rdf_links(request: Request) -> list[tuple[str, str]]:
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path, safe="/")
    return [("Turtle", f"{path}?format=ttl"), ("JSON-LD", f"{path}?format=jsonld"), ("N-Triples", f"{path}?format=nt")]


# -- embedded interactive views (kg.viz) --------------------------------------------------------------------------
VIEW_ASSETS = {"vis-network.min.js", "kg-view.js", "vis-network.min.css", "kg-view.css"}


def _view_payload(idx: GraphIndex, kind: str, node_id: str) -> dict[str, Any]:
    from kg.viz import select
    from kg.viz.payload import view_payload

    if kind == "entity":
        sub = select.ego(idx.graph, node_id, 1, top=80)
        # the id names exactly one entity; an alias shared with others would add centres the page is not about
        if sub.focus != [node_id]:
            sub.focus = [node_id]
    elif kind == "paper":
        sub = select.paper_view(idx.graph, node_id)
    else:
        raise KGError(f"No view of kind {kind!r}; views are of 'entity' or 'paper'.")
    return view_payload(idx.graph, sub)


def _view_fragment(idx: GraphIndex, kind: str, node_id: str) -> dict[str, Any] | None:
    """The markup of an embedded kg.viz view and the asset URLs it needs; None when kg.viz cannot draw it."""
    try:
        from kg.viz.page import CSS_ASSETS, JS_ASSETS, render_fragment

        payload = _view_payload(idx, kind, node_id)
        if not payload.get("nodes"):
            return None
        html = render_fragment(payload, dom_id="kg-view", height="560px")
    except (ImportError, KGError, ValueError, KeyError) as exc:
        log.info("no embedded view for %s %s: %s", kind, node_id, exc)
        return None
    return {
        "html": html,
        "css": [f"/view-assets/{n}" for n in CSS_ASSETS],
        "js": [f"/view-assets/{n}" for n in JS_ASSETS],
    }


async def view_asset(request: Request) -> Response:
    name = request.path_params["name"]
    try:
        from kg.viz.page import CSS_ASSETS, JS_ASSETS, asset_path

        if name not in CSS_ASSETS + JS_ASSETS:
            raise ValueError(name)
        path = asset_path(name)
    except (ImportError, ValueError):
        return Response("No such asset.\n", status_code=404, media_type="text/plain")
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(path, media_type=media, headers={"Cache-Control": "max-age=3600"})


async def view_page(request: Request) -> Response:
    """A whole-page view (``/view/entity/ID``, ``/view/paper/ID``), or its payload as JSON (``?format=json``)."""
    idx = _svc(request).index()
    kind, node_id = request.path_params["kind"], request.path_params["node_id"]
    coll = {"entity": idx.graph.entities, "paper": idx.graph.papers}.get(kind)
    if coll is None or node_id not in coll:
        return error_page(request, 404, "Not found", f"There is no {kind} {node_id!r} in this graph.")
    if wants_json(request):
        try:
            return JSONResponse(_view_payload(idx, kind, node_id))
        except (ImportError, KGError) as exc:
            return error_page(request, 503, "View unavailable", f"The interactive view cannot be built: {exc}")
    view = _view_fragment(idx, kind, node_id)
    if view is None:
        return error_page(request, 503, "View unavailable", "The interactive view cannot be built for this node.")
    link = node_link(idx, node_id)
    return render_page(request, "view.html", title=f"View: {link['label']}", view=view, node=link)


# -- IRIs of the build ---------------------------------------------------------------------------------------------
RDF_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


async def resolve_iri(request: Request) -> Response:
    """``/P`` is the IRI ``<base>P``: its page for browsers, its triples for RDF clients."""
    svc = _svc(request)
    idx = svc.index()
    raw = request.scope.get("raw_path") or request.url.path.encode()
    raw_path = raw.decode("latin-1")
    node = idx.node_of_path(raw_path)
    # the IRI as the store holds it (the build's base), whatever base the server presents
    iri = idx.node_to_iri[node[1]] if node is not None else idx.store_base + raw_path.lstrip("/")
    fmt = request.query_params.get("format", "").lower()
    accept = request.headers.get("accept")
    want = "text/html" if fmt == "html" else None
    if not want and not fmt:
        want = best_match(accept, ["text/html", *RDF_TYPES, "application/json", "text/plain"])
    if want == "text/html":
        if node is None:  # statements' evidence, mentions, extractors, the VoID description: their triples
            return await _describe_page(request, svc, iri, None)
        kind, node_id = node
        # graph walks (views, relations) take a while on big graphs: off the event loop
        if kind == "entity":
            page = await asyncio.to_thread(entity_page, request, idx, node_id)
        elif kind == "paper":
            page = await asyncio.to_thread(paper_page, request, idx, node_id)
        else:
            page = await _describe_page(request, svc, iri, node)
        page.headers["Vary"] = "Accept"
        page.headers["Link"] = ", ".join(
            f'<{href}>; rel="alternate"; type="{media}"' for (_, href), media in
            zip(_rdf_links(request), ("text/turtle", "application/ld+json", "application/n-triples"))
        )
        return page
    if not _IRI_OK.match(iri):
        return Response("Not a valid IRI of this graph.\n", status_code=404, media_type="text/plain")
    from kg.serve.sparql_protocol import SparqlRequest, render

    query = _describe_query(iri, svc.config.max_rows)
    req = SparqlRequest(query=query, default_graphs=[], named_graphs=[], formats=[fmt] if fmt else [])
    accept_rdf = accept if not fmt else None
    try:
        rendered = await svc.run_blocking(
            lambda: render(svc.sparql_sync(query), req, accept_rdf, svc.config.max_rows, rdf_prefixes(),
                           rebase=(idx.store_base, idx.base_iri))
        )
    except KGError as exc:
        return Response(f"{exc}\n", status_code=503, media_type="text/plain; charset=utf-8")
    if not rendered.data and node is None:
        return Response(f"Nothing in this graph has the IRI {iri}.\n", status_code=404, media_type="text/plain; charset=utf-8")
    if rendered.media_type == "text/html":  # ?format=html-ish values land here
        return await _describe_page(request, svc, iri, node)
    return Response(rendered.body, media_type=rendered.media_type, headers={"Vary": "Accept"})


def _describe_query(iri: str, limit: int) -> str:
    # The IRI is either minted by kg.rdf or checked against _IRI_OK: it cannot break out of <...>.
    return (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ "
        f"{{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }} LIMIT {int(limit)}"
    )


async def _describe_page(request: Request, svc: GraphService, iri: str, node: tuple[str, str] | None) -> Response:
    """A plain page of an IRI's triples (results, repositories, statements, evidence, VoID)."""
    from kg.serve.sparql_protocol import SparqlRequest, render

    if not _IRI_OK.match(iri):
        return error_page(request, 404, "Not found", "Not a valid IRI of this graph.")
    query = _describe_query(iri, svc.config.max_rows)
    req = SparqlRequest(query=query, default_graphs=[], named_graphs=[], formats=["html"])
    try:
        rendered = await svc.run_blocking(lambda: render(svc.sparql_sync(query), req, None, svc.config.max_rows))
    except KGError as exc:
        return error_page(request, 503, "Store unavailable", str(exc))
    triples = rendered.data or []
    if not triples and node is None:
        return error_page(request, 404, "Not found", f"Nothing in this graph has the IRI {iri}.")
    idx = svc.index()
    rows = [(term_view(idx, t.subject), term_view(idx, t.predicate), term_view(idx, t.object)) for t in triples]
    return render_page(request, "describe.html", title=idx.public_iri(iri), iri=idx.public_iri(iri), rows=rows,
                       rdf_links=_rdf_links(request))


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


# -- SPARQL and Cypher pages ------------------------------------------------------------------------------------
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
    idx = _svc(request).index()
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
                       boolean=boolean, truncated=rendered.truncated, max_rows=_svc(request).config.max_rows)


def cypher_help(request: Request) -> Response:
    if best_match(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return JSONResponse({"error": 'POST {"query": "...", "parameters": {...}} as application/json.'}, status_code=405)
    return render_page(request, "cypher.html", title="Cypher")


# -- named queries -----------------------------------------------------------------------------------------------
RESERVED = {"lang", "format", "param"}
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def _named_catalogue() -> dict[str, dict[str, Any]]:
    from kg.named_queries import list_named_queries

    out: dict[str, dict[str, Any]] = {}
    for lang in ("sparql", "cypher"):
        for q in list_named_queries(lang):
            entry = out.setdefault(q.name, {"name": q.name, "title": q.title, "description": q.description,
                                            "params": q.params, "columns": q.columns, "langs": []})
            entry["langs"].append(lang)
            entry["title"] = entry["title"] or q.title
            entry["description"] = entry["description"] or q.description
    return dict(sorted(out.items()))


async def queries_list(request: Request) -> Response:
    try:
        cat = _named_catalogue()
    except (KGError, OSError) as exc:
        return error_page(request, 500, "Named queries unavailable", f"The named queries cannot be read: {exc}")
    for entry in cat.values():
        entry["url"] = f"/queries/{quote(entry['name'], safe='')}"
    if wants_json(request):
        return JSONResponse({"queries": list(cat.values())})
    return render_page(request, "queries.html", title="Named queries", queries=list(cat.values()))


def _query_params(request: Request) -> dict[str, str]:
    """Parameters of a named query from the URL: ``NAME=value`` or ``param=NAME=value`` (repeated)."""
    out: dict[str, str] = {}
    for k, v in request.query_params.multi_items():
        if k == "param":
            pk, sep, pv = v.partition("=")
            if not sep or not pk.strip():
                raise KGError(f"param takes NAME=VALUE, got {v!r}.")
            out[pk.strip()] = pv
        elif k not in RESERVED:
            out[k] = v
    return out


def plain_value(term: dict[str, Any] | None) -> Any:
    """A W3C JSON term as a plain JSON value (numbers and booleans typed; IRIs and strings as text)."""
    if term is None:
        return None
    value = term.get("value")
    if term.get("type") == "bnode":
        return f"_:{value}"
    dt = term.get("datatype", "")
    try:
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger", "#positiveInteger", "#short")):
            return int(value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(value)
        if dt.endswith("#boolean"):
            return value in ("true", "1")
    except (TypeError, ValueError):
        pass
    return value


async def run_named_query(request: Request) -> Response:
    from kg.errors import QueryError
    from kg.named_queries import get_named_query, list_named_queries

    svc = _svc(request)
    name = request.path_params["name"]
    lang = request.query_params.get("lang", "")
    try:
        if not _QUERY_NAME.match(name):  # a name, never a path: only queries of the catalogue run
            raise QueryError(f"There is no named query {name!r}. List them at /queries.")
        if lang and lang not in ("sparql", "cypher"):
            raise QueryError(f"lang must be 'sparql' or 'cypher', got {lang!r}.")
        if not lang:
            lang = "sparql" if any(q.name == name for q in list_named_queries("sparql")) else "cypher"
        nq = get_named_query(name, lang)
        values = nq.bind(_query_params(request))
        if lang == "sparql":
            def run() -> tuple[list[str], list[dict[str, Any]]]:
                from kg.serve.sparql_protocol import result_payload

                form, doc = result_payload(svc.sparql_sync(nq.text, values))
                if form == "boolean":
                    return ["boolean"], [{"boolean": bool(doc["boolean"])}]
                if form == "graph":
                    rows = [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                            for _, t in zip(range(svc.config.max_rows + 1), doc)]
                    return ["subject", "predicate", "object"], rows
                head = list(doc.get("head", {}).get("vars", []))
                bindings = doc.get("results", {}).get("bindings", [])[: svc.config.max_rows + 1]
                return head, [{v: plain_value(b.get(v)) for v in head} for b in bindings]

            columns, rows = await svc.run_blocking(run)
        else:
            columns, rows = await svc.run_blocking(svc.cypher_sync, nq.text, values)
    except KGError as exc:
        status = status_of(exc)
        if "there is no named" in str(exc).lower():
            status = 404
        if wants_json(request) or request.query_params.get("format") == "csv":
            return JSONResponse({"error": str(exc)}, status_code=status)
        return error_page(request, status, "Query failed", str(exc))
    fmt = request.query_params.get("format", "").lower()
    max_rows = svc.config.max_rows
    truncated = len(rows) > max_rows
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows[:max_rows]:
            w.writerow(["" if r.get(c) is None else (json.dumps(r[c], ensure_ascii=False, default=str) if isinstance(r.get(c), (list, dict)) else r[c]) for c in columns])
        headers = {"X-KG-Truncated": f"max-rows={max_rows}"} if truncated else {}
        return Response(clean(buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)
    if wants_json(request):
        return rows_response(columns, rows, max_rows, {"name": name, "lang": lang, "params": values})
    idx = svc.index()
    table = [[_cell(idx, r.get(c)) for c in columns] for r in rows[:max_rows]]
    from urllib.parse import urlencode

    here = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    links = {f: "?" + urlencode([*here, ("format", f)]) for f in ("json", "csv")}
    return render_page(request, "query_result.html", title=nq.title or name, nq=nq, lang=lang, values=values,
                       columns=columns, rows=table, truncated=truncated, max_rows=max_rows, links=links)


def _cell(idx: GraphIndex, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        node = idx.iri_to_node.get(value)
        if node is not None:
            return {"text": node_label(idx.graph, node[1]), "url": idx.local_path(node[1]), "title": value}
        if value in idx.node_to_iri:  # an id column: show what it names, keep the id as the tooltip
            return {"text": node_label(idx.graph, value), "url": idx.local_path(value), "title": value}
    if isinstance(value, (list, dict)):
        return {"text": json.dumps(value, ensure_ascii=False, default=str), "url": None, "title": ""}
    return {"text": "" if value is None else _num(value), "url": None, "title": ""}


# -- downloads ----------------------------------------------------------------------------------------------------
DOWNLOAD_MEDIA = {
    "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml", "cypher": "text/plain; charset=utf-8",
    "graphml": "application/graphml+xml", "gexf": "application/gexf+xml", "neo4j-csv": "application/zip",
}
_export_locks: dict[str, asyncio.Lock] = {}


def _formats() -> dict[str, str]:
    from kg.exporting import PG_FORMATS, RDF_FORMATS

    return {**RDF_FORMATS, **PG_FORMATS}


async def downloads(request: Request) -> Response:
    fmts = _formats()
    items = [{"fmt": f, "ext": ("zip" if f == "neo4j-csv" else ext), "url": f"/downloads/{f}",
              "media": DOWNLOAD_MEDIA.get(f, "application/octet-stream")} for f, ext in fmts.items()]
    if wants_json(request):
        return JSONResponse({"downloads": items})
    return render_page(request, "downloads.html", title="Downloads", items=items)


def _cache_dir(svc: GraphService) -> Path:
    want = svc.config.cache_dir or (svc.build_dir / "cache" / "exports")
    try:
        want.mkdir(parents=True, exist_ok=True)
        probe = want / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
        return want
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"kg-serve-exports-{abs(hash(str(svc.build_dir.resolve())))}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


async def download_file(request: Request) -> Response:
    """An export of the build, generated once per graph version into the cache folder, then served as a file."""
    svc = _svc(request)
    fmt = request.path_params["fmt"]
    fmts = _formats()
    if fmt not in fmts:
        return error_page(request, 404, "Unknown format", f"There is no export format {fmt!r}. Formats: {', '.join(fmts)}.")
    idx = svc.index()
    tag = re.sub(r"[^A-Za-z0-9]", "", str(idx.graph.meta.get("content_hash") or ""))[:16] or re.sub(r"[^A-Za-z0-9]", "", idx.version)[-16:]
    name = svc.build_dir.resolve().name
    ext = "zip" if fmt == "neo4j-csv" else fmts[fmt]
    cache = _cache_dir(svc)
    final = cache / f"{name}-{tag}.{ext}"
    lock = _export_locks.setdefault(fmt, asyncio.Lock())
    async with lock:
        if not final.exists():
            try:
                await asyncio.to_thread(_export_to, svc.build_dir, fmt, final)
            except (KGError, OSError, ImportError) as exc:
                log.warning("export %s failed: %s", fmt, exc)
                return error_page(request, 503, "Export unavailable", f"The {fmt} export cannot be made: {exc}")
    return FileResponse(final, media_type=DOWNLOAD_MEDIA.get(fmt, "application/octet-stream"),
                        filename=f"{name}.{ext}")


def _export_to(build_dir: Path, fmt: str, final: Path) -> None:
    from kg.exporting import export_graph

    work = Path(tempfile.mkdtemp(prefix=".export-", dir=final.parent))
    try:
        if fmt == "neo4j-csv":
            folder = export_graph(build_dir, fmt, work / "bundle")
            tmp_zip = work / "bundle.zip"
            with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(folder).rglob("*")):
                    if f.is_file():
                        zf.write(f, f.relative_to(folder).as_posix())
            tmp_zip.replace(final)
        else:
            out = export_graph(build_dir, fmt, work / final.name)
            Path(out).replace(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
