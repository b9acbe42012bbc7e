"""Rendering shared by the pages: the Jinja environment (autoescaping), page and error responses, negotiation helpers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from kg.serve.conneg import best_match
from kg.serve.responses import SafeHTMLResponse as HTMLResponse
from kg.serve.responses import clean
from kg.serve.service import GraphService

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
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
    e.filters["num"] = fmt_number
    e.filters["web_url"] = web_url
    e.filters["short"] = lambda t, n=120: (t if len(t) <= n else t[: n - 1] + "\u2026") if isinstance(t, str) else t
    return e


def web_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL, else None: a link from graph text never runs code (``javascript:``)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"']+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def fmt_number(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:g}"
    return "" if x is None else str(x)


def service_of(request: Request) -> GraphService:
    return request.app.state.service


def render_page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    svc = service_of(request)
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


def rdf_links(request: Request) -> list[tuple[str, str]]:
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path, safe="/")
    return [("Turtle", f"{path}?format=ttl"), ("JSON-LD", f"{path}?format=jsonld"), ("N-Triples", f"{path}?format=nt")]
