"""``render_view``: one call from a build directory (or a graph) and view arguments to an HTML page (and a picture)."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from kg.errors import InputError
from kg.graph.io import load_graph
from kg.graph.model import KnowledgeGraph, stable_hash
from kg.viz.page import render_html
from kg.viz.payload import view_payload
from kg.viz.query import query_view
from kg.viz.select import Subgraph, ego, filter_types, overview, paper_view

log = logging.getLogger(__name__)

#: Largest view: the layout holds a few n x n float32 matrices, and vis-network pages beyond this stop being usable.
MAX_VIEW_NODES = 5000


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed into place (permissions follow the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@dataclass
class ViewResult:
    """What :func:`render_view` produced."""

    path: Path | None  #: the HTML file written (None when no ``out_html`` was given)
    nodes: int
    edges: int
    title: str
    html: str  #: the page itself
    png: Path | None = None  #: the static picture, when asked for
    payload: dict[str, Any] | None = None  #: the JSON-able view data (see :func:`kg.viz.payload.view_payload`)


def select_view(
    graph: KnowledgeGraph,
    build_dir: str | os.PathLike[str] | None = None,
    *,
    top: int = 200,
    entity: str | None = None,
    depth: int = 1,
    paper: str | None = None,
    types: str | Iterable[str] | None = None,
    sparql: str | None = None,
    cypher: str | None = None,
    name: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Subgraph:
    """The :class:`Subgraph` that the view arguments describe (same arguments as :func:`render_view`).

    Raises:
        InputError: conflicting arguments, unknown entity/paper/type, or a query view without a build directory.
        QueryError: the query fails or names no node.
    """
    modes = [k for k, v in (("entity", entity), ("paper", paper), ("sparql", sparql), ("cypher", cypher), ("name", name)) if v]
    if len(modes) > 1:
        raise InputError(
            f"Give at most one of --entity, --paper, --sparql, --cypher or --name (got {', '.join('--' + m for m in modes)})."
        )
    mode = modes[0] if modes else "overview"
    if top > MAX_VIEW_NODES:
        raise InputError(
            f"--top {top} is more than a browser view can handle ({MAX_VIEW_NODES:,} nodes at most). For the whole "
            f"graph, export it for Gephi or Cytoscape with `kg export DIR --format gexf` (or graphml)."
        )
    if mode == "entity":
        return ego(graph, entity, depth, top=top, types=types)  # type: ignore[arg-type]
    if mode == "paper":
        return paper_view(graph, paper, types=types)  # type: ignore[arg-type]
    if mode in ("sparql", "cypher", "name"):
        if build_dir is None:
            raise InputError("Query views (--sparql, --cypher, --name) need a build directory, not a graph object.")
        sub = query_view(graph, build_dir, sparql=sparql, cypher=cypher, name=name, params=params, max_nodes=top)
        sub = filter_types(graph, sub, types)
    else:
        sub = overview(graph, top, types=types)
    if not sub.nodes:
        where = f" in {build_dir}" if build_dir is not None else ""
        raise InputError(
            f"The view is empty: the graph{where} holds no nodes of the requested types "
            f"({types or 'entities'}). Build the graph from papers first (`kg build`), or choose other --type values."
        )
    return sub


def render_view(
    build_dir_or_graph: str | os.PathLike[str] | KnowledgeGraph,
    out_html: str | os.PathLike[str] | None = None,
    *,
    top: int = 200,
    entity: str | None = None,
    depth: int = 1,
    paper: str | None = None,
    types: str | Iterable[str] | None = None,
    sparql: str | None = None,
    cypher: str | None = None,
    name: str | None = None,
    png: str | os.PathLike[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> ViewResult:
    """Render an interactive view of a build directory (or a graph) as a self-contained HTML page.

    With no selector the page is an overview of the ``top`` most connected entities. ``entity`` (any alias) gives its
    ego network to ``depth`` 1 or 2; ``paper`` a paper with what it proposes, uses, evaluates on and reports;
    ``sparql``/``cypher``/``name`` the subgraph named by a query's rows (see :mod:`kg.viz.query`; ``params`` are its
    parameters). ``types`` (``"Dataset,Model"``) keeps only nodes of those kinds. ``top`` caps the node count of every
    view. The same graph and arguments give a byte-identical page.

    Args:
        build_dir_or_graph: a build directory or a :class:`KnowledgeGraph` (query views need a directory).
        out_html: where to write the page; ``None`` only returns it.
        png: also draw a static picture there (``.png``, ``.svg`` or ``.pdf``).

    Raises:
        BuildDirError: not a build directory.
        InputError: bad arguments (the message names the valid options).
        QueryError: the query fails or names no node.
    """
    if isinstance(build_dir_or_graph, KnowledgeGraph):
        graph, build_dir = build_dir_or_graph, None
    else:
        build_dir = Path(build_dir_or_graph)
        graph = load_graph(build_dir)
    sub = select_view(
        graph, build_dir, top=top, entity=entity, depth=depth, paper=paper, types=types,
        sparql=sparql, cypher=cypher, name=name, params=params,
    )
    payload = view_payload(graph, sub)
    html = render_html(payload)
    path = None
    if out_html is not None:
        try:
            path = write_text_atomic(Path(out_html), html)
        except OSError as exc:
            raise InputError(f"Cannot write the view to {out_html}: {exc.strerror or exc}. Choose another file with -o.") from exc
        log.info("wrote %s (%d nodes, %d edges)", path, payload["stats"]["nodes"], payload["stats"]["edges"])
    pic = None
    if png is not None:
        from kg.viz.static import write_picture

        try:
            pic = write_picture(payload, png)
        except OSError as exc:
            raise InputError(f"Cannot write the picture to {png}: {exc.strerror or exc}. Choose another file.") from exc
    return ViewResult(
        path=path,
        nodes=payload["stats"]["nodes"],
        edges=payload["stats"]["edges"],
        title=payload["title"],
        html=html,
        png=pic,
        payload=payload,
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]
    return slug or "x"


def default_view_path(
    build_dir: str | os.PathLike[str],
    *,
    entity: str | None = None,
    paper: str | None = None,
    sparql: str | None = None,
    cypher: str | None = None,
    name: str | None = None,
) -> Path:
    """Where ``kg view`` writes when no ``-o`` is given: ``DIR/views/<overview|entity-…|paper-…|query-…>.html``."""
    if entity:
        stem = f"entity-{_slug(entity)}"
    elif paper:
        stem = f"paper-{_slug(paper)}"
    elif name:
        stem = f"query-{_slug(name)}"
    elif sparql or cypher:
        stem = "query-" + stable_hash(sparql or "", cypher or "", length=10)
    else:
        stem = "overview"
    return Path(build_dir) / "views" / f"{stem}.html"
