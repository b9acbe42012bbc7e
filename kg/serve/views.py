"""Interactive graph views of :mod:`kg.viz` embedded in the pages (its assets served as files, so the pages keep a
strict ``script-src 'self'``)."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kg.errors import KGError
from kg.serve.lookup import node_link
from kg.serve.render import error_page, render_page, service_of, wants_json
from kg.serve.responses import SafeJSONResponse as JSONResponse
from kg.serve.service import GraphIndex

log = logging.getLogger(__name__)


def view_payload_of(idx: GraphIndex, kind: str, node_id: str) -> dict[str, Any]:
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


def view_fragment(idx: GraphIndex, kind: str, node_id: str) -> dict[str, Any] | None:
    """The markup of an embedded kg.viz view and the asset URLs it needs; None when kg.viz cannot draw it."""
    try:
        from kg.viz.page import CSS_ASSETS, JS_ASSETS, render_fragment

        payload = view_payload_of(idx, kind, node_id)
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
    idx = service_of(request).index()
    kind, node_id = request.path_params["kind"], request.path_params["node_id"]
    coll = {"entity": idx.graph.entities, "paper": idx.graph.papers}.get(kind)
    if coll is None or node_id not in coll:
        return error_page(request, 404, "Not found", f"There is no {kind} {node_id!r} in this graph.")
    if wants_json(request):
        try:
            return JSONResponse(view_payload_of(idx, kind, node_id))
        except (ImportError, KGError) as exc:
            return error_page(request, 503, "View unavailable", f"The interactive view cannot be built: {exc}")
    view = view_fragment(idx, kind, node_id)
    if view is None:
        return error_page(request, 503, "View unavailable", "The interactive view cannot be built for this node.")
    link = node_link(idx, node_id)
    return render_page(request, "view.html", title=f"View: {link['label']}", view=view, node=link)
