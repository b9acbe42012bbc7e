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
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import BuildDirError, KGError, QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.serve import pages
from kg.serve.conneg import best_match
from kg.serve.middleware import RequestLimits, SecurityHeaders, read_body
from kg.serve.service import GraphService, ServeConfig
from kg.serve.sparql_protocol import ProtocolError, check_dataset, parse_request, render

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


def status_of(exc: Exception) -> int:
    """HTTP status of an error raised while answering a query."""
    if isinstance(exc, ProtocolError):
        return exc.status
    if isinstance(exc, QueryRefusedError):
        return 403
    if isinstance(exc, QueryTimeoutError):
        return 503
    if isinstance(exc, QueryError):
        return 400
    if isinstance(exc, (StoreError, BuildDirError)):
        return 503
    return 500


def error_text(exc: Exception) -> str:
    return exc.message if isinstance(exc, ProtocolError) else str(exc) or exc.__class__.__name__


def text_error(exc: Exception) -> Response:
    status = status_of(exc)
    if status >= 500:
        log.warning("query failed: %s", exc)
    return Response(error_text(exc) + "\n", status_code=status, media_type="text/plain; charset=utf-8")


# ---------------------------------------------------------------------------------------------------------------
# /sparql
# ---------------------------------------------------------------------------------------------------------------
async def sparql_endpoint(request: Request) -> Response:
    svc: GraphService = request.app.state.service
    cfg = svc.config
    try:
        body = await read_body(request, cfg.max_request_bytes) if request.method == "POST" else b""
        url_params = list(request.query_params.multi_items())
        if request.method == "GET" and not any(k in ("query", "update") for k, _ in url_params):
            if best_match(request.headers.get("accept"), ["text/html", "text/plain"]) == "text/html":
                return pages.sparql_form(request)
        req = parse_request(request.method, request.headers.get("content-type"), url_params, body)
        idx = svc.index()
        check_dataset(req, idx.store_base, idx.base_iri)
        prefixes = _prefixes()

        def run() -> Any:
            result = svc.sparql_sync(req.query)
            return render(result, req, request.headers.get("accept"), cfg.max_rows, prefixes)

        rendered = await svc.run_blocking(run)
    except (ProtocolError, KGError) as exc:
        return text_error(exc)
    headers = {"Vary": "Accept"}
    if rendered.truncated:
        headers["X-KG-Truncated"] = f"max-rows={cfg.max_rows}"
    if rendered.media_type == "text/html":
        return pages.sparql_results(request, req.query, rendered)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


_PREFIXES: dict[str, str] | None = None


def _prefixes() -> dict[str, str]:
    global _PREFIXES
    if _PREFIXES is None:
        try:
            from kg.rdf.vocab import PREFIXES

            _PREFIXES = dict(PREFIXES)
        except ImportError:  # pragma: no cover
            _PREFIXES = {}
    return _PREFIXES


# ---------------------------------------------------------------------------------------------------------------
# /cypher
# ---------------------------------------------------------------------------------------------------------------
def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def cypher_endpoint(request: Request) -> Response:
    svc: GraphService = request.app.state.service
    if request.method == "GET":
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
        return _json_error(status_of(exc), error_text(exc))
    return _rows_response(columns, rows, svc.config.max_rows)


def _rows_response(columns: list[str], rows: list[dict[str, Any]], max_rows: int, extra: dict[str, Any] | None = None) -> Response:
    truncated = len(rows) > max_rows
    doc = {**(extra or {}), "columns": columns, "rows": rows[:max_rows], "truncated": truncated}
    body = json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
    headers = {"X-KG-Truncated": f"max-rows={max_rows}"} if truncated else {}
    return Response(body, media_type="application/json", headers=headers)


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
        Route("/queries", pages.queries_list, methods=["GET", "HEAD"]),
        Route("/queries/{name}", pages.run_named_query, methods=["GET", "HEAD"]),
        Route("/downloads", pages.downloads, methods=["GET", "HEAD"]),
        Route("/downloads/{fmt}", pages.download_file, methods=["GET", "HEAD"]),
        Route("/view/{kind}/{node_id:path}", pages.view_page, methods=["GET", "HEAD"]),
        Route("/view-assets/{name}", pages.view_asset, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        Route("/{rest:path}", pages.resolve_iri, methods=["GET", "HEAD"]),
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
