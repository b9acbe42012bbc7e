"""Interactive graph views (vis-network pages built with pyvis, offline and safe) and static pictures.

Entry point: :func:`render_view`. Reusable pieces for other pages (``kg serve``):

* selection: :func:`overview`, :func:`ego`, :func:`paper_view`, :func:`filter_types`, :func:`query_view`,
  :func:`rows_to_subgraph` -> :class:`Subgraph`; :func:`select_view` dispatches on the ``kg view`` arguments;
* data: :func:`view_payload` -> JSON-able ``{"nodes", "edges", "options", "legend", ...}``;
* HTML: :func:`render_html` (whole page), :func:`render_fragment` (embeddable markup, no inline code),
  :func:`asset_tags` / :func:`asset_path` / :data:`CSS_ASSETS` / :data:`JS_ASSETS` (the shipped JS and CSS);
* pictures: :func:`write_picture`.
"""

from kg.viz.page import CSS_ASSETS, JS_ASSETS, asset_path, asset_tags, asset_text, json_for_script, render_fragment, render_html
from kg.viz.payload import view_payload
from kg.viz.query import normalize_rows, query_view, rows_to_subgraph, run_query
from kg.viz.render import ViewResult, render_view, select_view
from kg.viz.select import ExtraEdge, Subgraph, ego, filter_types, overview, paper_view, parse_types
from kg.viz.static import write_picture

__all__ = [
    "CSS_ASSETS",
    "JS_ASSETS",
    "ExtraEdge",
    "Subgraph",
    "ViewResult",
    "asset_path",
    "asset_tags",
    "asset_text",
    "ego",
    "filter_types",
    "json_for_script",
    "normalize_rows",
    "overview",
    "paper_view",
    "parse_types",
    "query_view",
    "render_fragment",
    "render_html",
    "render_view",
    "rows_to_subgraph",
    "run_query",
    "select_view",
    "view_payload",
    "write_picture",
]
