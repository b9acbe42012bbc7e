"""The build's IRIs resolved here: ``/P`` is the IRI ``<base>P`` (``/paper/{id}``, ``/entity/{id}``, ``/void``, ...).

Browsers get the HTML page, RDF clients the triples about the IRI (Turtle, JSON-LD, N-Triples, RDF/XML), negotiated
on ``Accept`` or chosen with ``?format=``; answers are direct (200 with ``Vary: Accept``), like Linked Papers With Code.
"""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KGError
from kg.serve.conneg import best_match
from kg.serve.lookup import term_view
from kg.serve.pages import entity_page, paper_page
from kg.serve.render import error_page, rdf_links, render_page, service_of
from kg.serve.responses import rdf_prefixes
from kg.serve.service import GraphService

_IRI_OK = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')


RDF_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


async def resolve_iri(request: Request) -> Response:
    """``/P`` is the IRI ``<base>P``: its page for browsers, its triples for RDF clients."""
    svc = service_of(request)
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
            return await describe_page(request, svc, iri, None)
        kind, node_id = node
        # graph walks (views, relations) take a while on big graphs: off the event loop
        if kind == "entity":
            page = await asyncio.to_thread(entity_page, request, idx, node_id)
        elif kind == "paper":
            page = await asyncio.to_thread(paper_page, request, idx, node_id)
        else:
            page = await describe_page(request, svc, iri, node)
        page.headers["Vary"] = "Accept"
        page.headers["Link"] = ", ".join(
            f'<{href}>; rel="alternate"; type="{media}"' for (_, href), media in
            zip(rdf_links(request), ("text/turtle", "application/ld+json", "application/n-triples"))
        )
        return page
    if not _IRI_OK.match(iri):
        return Response("Not a valid IRI of this graph.\n", status_code=404, media_type="text/plain")
    from kg.serve.sparql_protocol import SparqlRequest, render

    query = describe_query(iri, svc.config.max_rows)
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
        return await describe_page(request, svc, iri, node)
    return Response(rendered.body, media_type=rendered.media_type, headers={"Vary": "Accept"})


def describe_query(iri: str, limit: int) -> str:
    # The IRI is either minted by kg.rdf or checked against _IRI_OK: it cannot break out of <...>.
    return (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ "
        f"{{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }} LIMIT {int(limit)}"
    )


async def describe_page(request: Request, svc: GraphService, iri: str, node: tuple[str, str] | None) -> Response:
    """A plain page of an IRI's triples (results, repositories, statements, evidence, VoID)."""
    from kg.serve.sparql_protocol import SparqlRequest, render

    if not _IRI_OK.match(iri):
        return error_page(request, 404, "Not found", "Not a valid IRI of this graph.")
    query = describe_query(iri, svc.config.max_rows)
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
                       rdf_links=rdf_links(request))
