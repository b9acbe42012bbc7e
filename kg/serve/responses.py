"""Responses shared by the endpoints: error statuses, JSON row sets, the RDF prefixes of serialisations."""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from kg.errors import BuildDirError, QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.serve.sparql_protocol import ProtocolError

log = logging.getLogger(__name__)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` encodable as UTF-8: lone surrogates (which graph text may hold) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def dump_json(obj: Any) -> bytes:
    return clean(json.dumps(obj, ensure_ascii=False, default=str)).encode("utf-8")


class SafeJSONResponse(JSONResponse):
    """JSON that any text of the graph can go into (no error on lone surrogates; odd values as strings)."""

    def render(self, content: Any) -> bytes:
        return dump_json(content)


class SafeHTMLResponse(HTMLResponse):
    def render(self, content: Any) -> bytes:
        return clean(content).encode("utf-8") if isinstance(content, str) else super().render(content)


def status_of(exc: Exception) -> int:
    """HTTP status of an error raised while answering a query: 403 refused, 503 timed out or store unavailable,
    400 malformed, the protocol's own status for :class:`ProtocolError`, else 500."""
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
    if isinstance(exc, ProtocolError):
        return exc.message
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, QueryRefusedError):
        # the engines' hints name the library/CLI switches; over HTTP no switch exists
        return "Refused: this server is read-only and never runs writes, loads or remote calls. " + text
    return text


def text_error(exc: Exception) -> Response:
    """The error as plain text (what SPARQL clients print)."""
    status = status_of(exc)
    if status >= 500:
        log.warning("query failed: %s", exc)
    return Response(clean(error_text(exc)) + "\n", status_code=status, media_type="text/plain; charset=utf-8")


def json_error(status: int, message: str) -> Response:
    return Response(dump_json({"error": message}), status_code=status, media_type="application/json")


def rows_response(columns: list[str], rows: list[dict[str, Any]], max_rows: int, extra: dict[str, Any] | None = None) -> Response:
    """``{..extra, "columns", "rows", "truncated"}`` as JSON; ``rows`` may hold one row past ``max_rows`` (the sign
    that the answer was cut), which is dropped and reported in ``truncated`` and the ``X-KG-Truncated`` header."""
    truncated = len(rows) > max_rows
    doc = {**(extra or {}), "columns": columns, "rows": rows[:max_rows], "truncated": truncated}
    body = dump_json(doc)
    headers = {"X-KG-Truncated": f"max-rows={max_rows}"} if truncated else {}
    return Response(body, media_type="application/json", headers=headers)


@lru_cache(maxsize=1)
def rdf_prefixes() -> dict[str, str]:
    """The project's prefixes, for readable Turtle/JSON-LD/RDF-XML."""
    try:
        from kg.rdf.vocab import PREFIXES
    except ImportError:  # pragma: no cover - kg.rdf ships with kg
        return {}
    return dict(PREFIXES)
