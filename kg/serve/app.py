"""The ASGI application of ``kg serve``: endpoints, pages and linked-data IRIs over one build directory.

Routes:

* ``/sparql``: the SPARQL 1.1 Protocol (:mod:`kg.serve.sparql_protocol`); ``/cypher``: Cypher over JSON;
* ``/queries``, ``/queries/NAME``: the named queries of ``queries/``, runnable with parameters;
* ``/``, ``/search``, ``/api/search``, ``/downloads``, ``/downloads/FORMAT``, ``/view/...``: pages and files;
* every other path ``/P`` is the IRI ``<base IRI>P`` of the build (``/paper/{id}``, ``/entity/{id}``, ...): HTML for
  browsers, Turtle/JSON-LD/N-Triples/RDF-XML for RDF clients (content negotiation on ``Accept`` or ``?format=``).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import KGError
from kg.serve import downloads, linked_data, named, pages, views
from kg.serve.conneg import best_match
from kg.serve.middleware import RequestLimits, SecurityHeaders, read_body
from kg.serve.responses import error_text, json_error, rdf_prefixes, rows_response, status_of, text_error
from kg.serve.service import GraphService, ServeConfig
from kg.serve.sparql_protocol import (
    GraphTriples,
    ProtocolError,
    SparqlRequest,
    check_dataset,
    parse_request,
    render,
    service_description,
)

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


# ---------------------------------------------------------------------------------------------------------------
# /sparql
# ---------------------------------------------------------------------------------------------------------------
async def sparql_endpoint(request: Request) -> Response:
    svc: GraphService = request.app.state.service
    cfg = svc.config
    try:
        body = await read_body(request, cfg.max_request_bytes) if request.method == "POST" else b""
        url_params = list(request.query_params.multi_items())
        if request.method in ("GET", "HEAD") and not any(k in ("query", "update") for k, _ in url_params):
            want = best_match(request.headers.get("accept"), ["text/html", "text/turtle", "application/ld+json",
                                                             "application/n-triples", "application/rdf+xml"])
            if want == "text/html":
                return pages.sparql_form(request)
            if want is not None:
                return _service_description(request, svc)
        req = parse_request(request.method, request.headers.get("content-type"), url_params, body)
        idx = svc.index()
        check_dataset(req, idx.store_base, idx.base_iri)
        prefixes = rdf_prefixes()

        def run() -> Any:
            result = svc.sparql_sync(req.query)
            return render(result, req, request.headers.get("accept"), cfg.max_rows, prefixes)

        rendered = await svc.run_blocking(run)
    except (ProtocolError, KGError) as exc:
        return text_error(exc)
    except Exception as exc:  # an engine error kg did not foresee: say so, keep serving
        log.exception("SPARQL query failed unexpectedly")
        return Response(f"The query failed unexpectedly ({type(exc).__name__}: {exc}). This is a bug in kg; please "
                        "report it with the query.\n", status_code=500, media_type="text/plain; charset=utf-8")
    headers = {"Vary": "Accept"}
    if rendered.truncated:
        headers["X-KG-Truncated"] = f"max-rows={cfg.max_rows}"
    if rendered.media_type == "text/html":
        return pages.sparql_results(request, req.query, rendered)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def _service_description(request: Request, svc: GraphService) -> Response:
    idx = svc.index()
    triples = service_description(str(request.url.replace(query="")), idx.public_iri(idx.store_base + "void"))
    req = SparqlRequest(query="", default_graphs=[], named_graphs=[], formats=[])
    rendered = render(GraphTriples(triples), req, request.headers.get("accept"), len(triples), rdf_prefixes())
    return Response(rendered.body, media_type=rendered.media_type, headers={"Vary": "Accept"})


# ---------------------------------------------------------------------------------------------------------------
# /cypher
# ---------------------------------------------------------------------------------------------------------------
async def cypher_endpoint(request: Request) -> Response:
    svc: GraphService = request.app.state.service
    if request.method in ("GET", "HEAD"):
        return pages.cypher_help(request)
    ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    try:
        if ctype not in ("application/json", ""):
            raise ProtocolError(415, 'POST the query as application/json: {"query": "...", "parameters": {...}}.')
        body = await read_body(request, svc.config.max_request_bytes)
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProtocolError(400, f"The body is not JSON ({exc}). Send {{\"query\": \"...\", \"parameters\": {{...}}}}.") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("query"), str) or not doc["query"].strip():
            raise ProtocolError(400, 'The body must be a JSON object with a non-empty "query" string, e.g. '
                                     '{"query": "MATCH (m:Model) RETURN m.name LIMIT 5", "parameters": {}}.')
        params = doc.get("parameters", doc.get("params")) or {}
        if not isinstance(params, dict):
            raise ProtocolError(400, '"parameters" must be a JSON object mapping names to values.')
        columns, rows = await svc.run_blocking(svc.cypher_sync, doc["query"], params)
    except (ProtocolError, KGError) as exc:
        return json_error(status_of(exc), error_text(exc))
    except (TypeError, ValueError, OverflowError) as exc:  # a parameter value the engine cannot take
        return json_error(400, f"A parameter value cannot be used by the Cypher engine ({type(exc).__name__}: {exc}). "
                               "Use strings, numbers, booleans, null, or lists of one of these.")
    except Exception as exc:
        log.exception("Cypher query failed unexpectedly")
        return json_error(500, f"The query failed unexpectedly ({type(exc).__name__}: {exc}).")
    return rows_response(columns, rows, svc.config.max_rows)


# ---------------------------------------------------------------------------------------------------------------
# the app
# ---------------------------------------------------------------------------------------------------------------
def create_app(
    build_dir: str | os.PathLike[str],
    *,
    base_iri: str | None = None,
    timeout: float = 30.0,
    max_rows: int = 10_000,
    max_request_bytes: int = 1_000_000,
    max_concurrent_queries: int = 2,
    cors_origins: list[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Starlette:
    """The ASGI application serving ``build_dir``.

    Args:
        build_dir: a build directory (``kg build ... -o DIR``).
        base_iri: base of the build's IRIs; paths under it resolve here (default: the build's own, from its meta).
        timeout: seconds after which a query is stopped (503).
        max_rows: at most this many rows or triples per answer (the ``X-KG-Truncated`` header says when cut).
        max_request_bytes: larger URLs and bodies are refused (413).
        max_concurrent_queries: queries running at once.
        cors_origins: browser origins allowed to call the endpoints (default any: the data is read-only).
        cache_dir: where exports are generated on demand (default ``build_dir/cache/exports``).

    Raises:
        BuildDirError: ``build_dir`` holds no graph.
    """
    if timeout <= 0 or max_rows <= 0 or max_request_bytes <= 0:
        raise KGError("timeout, max_rows and max_request_bytes must be positive numbers.")
    config = ServeConfig(
        build_dir=Path(build_dir), base_iri=base_iri, timeout=float(timeout), max_rows=int(max_rows),
        max_request_bytes=int(max_request_bytes), max_concurrent_queries=int(max_concurrent_queries),
        cors_origins=list(cors_origins) if cors_origins is not None else ["*"],
        cache_dir=Path(cache_dir) if cache_dir else None,
    )
    service = GraphService(config)
    routes = [
        Route("/", pages.home, methods=["GET", "HEAD"]),
        Route("/favicon.ico", pages.favicon, methods=["GET", "HEAD"]),
        Route("/types.css", pages.types_css, methods=["GET", "HEAD"]),
        Route("/search", pages.search, methods=["GET", "HEAD"]),
        Route("/api/search", pages.api_search, methods=["GET", "HEAD"]),
        Route("/api/stats", pages.api_stats, methods=["GET", "HEAD"]),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/cypher", cypher_endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/queries", named.queries_list, methods=["GET", "HEAD"]),
        Route("/queries/{name}", named.run_named_query, methods=["GET", "HEAD"]),
        Route("/downloads", downloads.downloads, methods=["GET", "HEAD"]),
        Route("/downloads/{fmt}", downloads.download_file, methods=["GET", "HEAD"]),
        Route("/view/{kind}/{node_id:path}", views.view_page, methods=["GET", "HEAD"]),
        Route("/view-assets/{name}", views.view_asset, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        Route("/{rest:path}", linked_data.resolve_iri, methods=["GET", "HEAD"]),
    ]
    middleware = [
        Middleware(RequestLimits, max_bytes=config.max_request_bytes),
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware, allow_origins=config.cors_origins, allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"], expose_headers=["X-KG-Truncated", "Content-Type"], max_age=600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.service = service
    return app
