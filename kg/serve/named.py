"""The named queries of ``queries/`` over HTTP: ``/queries`` lists them, ``/queries/NAME`` runs one with parameters
(``NAME=value`` or ``param=NAME=value`` in the URL), as JSON, CSV or an HTML table."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KGError
from kg.serve.lookup import node_label
from kg.serve.render import fmt_number, error_page, render_page, service_of, wants_json
from kg.serve.responses import SafeJSONResponse as JSONResponse
from kg.serve.responses import clean, rows_response, status_of
from kg.serve.service import GraphIndex


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
                from kg.errors import QueryError

                raise QueryError(f"param takes NAME=VALUE (e.g. param=dataset=ImageNet), got {v!r}.")
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

    svc = service_of(request)
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

                from kg.rdf.query import named_query_text

                text, bound = named_query_text(svc.build_dir, nq, values)
                form, doc = result_payload(svc.sparql_sync(text, bound))
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
    return {"text": "" if value is None else fmt_number(value), "url": None, "title": ""}
