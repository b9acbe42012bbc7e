"""What the HTTP layer serves: one build directory, its graph, its stores and its limits.

The graph (JSON Lines) is loaded once and reloaded when a new build swaps the ``graph`` symlink; queries run in worker
threads, a few at a time, so a slow query never blocks the event loop and two cores are not oversubscribed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from kg.errors import BuildDirError, QueryTimeoutError
from kg.graph.io import GRAPH_SUBDIR, load_graph
from kg.graph.model import KnowledgeGraph

log = logging.getLogger(__name__)

DEFAULT_BASE_IRI = "https://w3id.org/mlkg/"


@dataclass
class ServeConfig:
    """Limits and settings of one server.

    Attributes:
        build_dir: the build directory served.
        base_iri: base of the build's IRIs (default: the one recorded in the build, ``graph/meta.json``).
        timeout: seconds after which a SPARQL or Cypher query is stopped.
        max_rows: at most this many rows (solutions, triples) are returned by one query.
        max_request_bytes: larger request bodies and query strings are refused with 413.
        max_concurrent_queries: queries running at once; more wait their turn.
        cors_origins: origins allowed to call the endpoints from a browser (``*`` = any).
        cache_dir: where exports are generated on demand (default ``BUILD_DIR/cache/exports``).
    """

    build_dir: Path
    base_iri: str | None = None
    timeout: float = 30.0
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000
    max_concurrent_queries: int = 2
    cors_origins: list[str] = field(default_factory=lambda: ["*"])
    cache_dir: Path | None = None


def _minter(base_iri: str):
    """kg.rdf's IRI minter when available; else the same scheme (``<base>paper/{id}``, ``<base>entity/{id}``)."""
    try:
        from kg.rdf.mapping import IriMinter

        return IriMinter(base_iri)
    except ImportError:  # pragma: no cover - kg.rdf is part of the package
        class _Fallback:
            def __init__(self, base: str) -> None:
                self.base = base

            def _mk(self, kind: str, ident: str) -> str:
                return f"{self.base}{kind}/{quote(ident.encode('utf-8', 'surrogatepass'), safe='')}"

            def paper(self, i: str) -> str:
                return self._mk("paper", i)

            def entity(self, i: str) -> str:
                return self._mk("entity", i)

            def result(self, i: str) -> str:
                return self._mk("result", i)

            def repository(self, i: str) -> str:
                return self._mk("repository", i)

            def statement(self, i: str) -> str:
                return self._mk("statement", i)

        return _Fallback(base_iri)


@dataclass
class GraphIndex:
    """The loaded graph with the look-ups pages need (IRIs both ways, relations by node, results by entity)."""

    graph: KnowledgeGraph
    base_iri: str  #: the public base: IRIs shown and returned by the linked-data pages
    version: str
    store_base: str = ""  #: the base the build minted its IRIs with (what the stores hold)
    iri_to_node: dict[str, tuple[str, str]] = field(default_factory=dict)  #: IRI -> (kind, id)
    node_to_iri: dict[str, str] = field(default_factory=dict)
    relations_by_node: dict[str, list[str]] = field(default_factory=dict)
    results_by_node: dict[str, list[str]] = field(default_factory=dict)
    mentions_by_paper: dict[str, list[int]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  #: page data computed once per graph version

    @classmethod
    def build(cls, graph: KnowledgeGraph, base_iri: str, version: str, store_base: str | None = None) -> "GraphIndex":
        idx = cls(graph=graph, base_iri=base_iri, version=version, store_base=store_base or base_iri)
        mint = _minter(idx.store_base)
        for kind, coll, fn in (
            ("paper", graph.papers, mint.paper),
            ("entity", graph.entities, mint.entity),
            ("result", graph.results, mint.result),
            ("repository", graph.repositories, mint.repository),
            ("statement", graph.relations, mint.statement),
        ):
            for node_id in coll:
                iri = fn(node_id)
                idx.iri_to_node[iri] = (kind, node_id)
                idx.node_to_iri[node_id] = iri
        for r in graph.relations.values():
            idx.relations_by_node.setdefault(r.source, []).append(r.id)
            if r.target != r.source:
                idx.relations_by_node.setdefault(r.target, []).append(r.id)
        for res in graph.results.values():
            for ent in {res.model, res.dataset, res.metric, res.task} - {None}:
                idx.results_by_node.setdefault(ent, []).append(res.id)
            idx.results_by_node.setdefault(res.paper, []).append(res.id)
        for i, m in enumerate(graph.mentions):
            idx.mentions_by_paper.setdefault(m.paper, []).append(i)
        return idx

    def local_path(self, node_id: str) -> str | None:
        """The server path of a node's page: its IRI without the base (``/entity/model%3Abert``)."""
        iri = self.node_to_iri.get(node_id)
        if iri is None or not iri.startswith(self.store_base):
            return None
        return "/" + iri[len(self.store_base):]

    def public_iri(self, iri: str) -> str:
        """``iri`` of the store moved under the public base (unchanged when the two bases agree)."""
        if self.store_base != self.base_iri and iri.startswith(self.store_base):
            return self.base_iri + iri[len(self.store_base):]
        return iri

    def node_of_path(self, raw_path: str) -> tuple[str, str] | None:
        """``(kind, id)`` of the node whose IRI is ``base + raw_path`` (the raw, still percent-encoded path)."""
        hit = self.iri_to_node.get(self.store_base + raw_path.lstrip("/"))
        if hit is not None:
            return hit
        # a hand-typed URL with the id not percent-encoded (/entity/model:bert, /paper/doi:10.1/x)
        from urllib.parse import unquote

        kind, _, ident = unquote(raw_path, errors="replace").lstrip("/").partition("/")
        coll = {"paper": self.graph.papers, "entity": self.graph.entities, "result": self.graph.results,
                "repository": self.graph.repositories, "statement": self.graph.relations}.get(kind)
        if coll is not None and ident in coll:
            return (kind, ident)
        return None


class GraphService:
    """The build directory as the server sees it: graph index, query runners, limits."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.build_dir = Path(config.build_dir)
        if not (self.build_dir / GRAPH_SUBDIR / "meta.json").is_file():
            raise BuildDirError(
                f"{self.build_dir} is not a kg build directory (no {GRAPH_SUBDIR}/meta.json). "
                f"Build one first with `kg build INPUT -o {self.build_dir}`."
            )
        self._lock = threading.Lock()
        self._index: GraphIndex | None = None
        self._loading: str | None = None  #: graph version being loaded in the background
        self._semaphore: asyncio.Semaphore | None = None
        self.index()  # fail at start-up, not on the first request

    # -- graph ---------------------------------------------------------------------------------------------------
    def _graph_version(self) -> str:
        link = self.build_dir / GRAPH_SUBDIR
        try:
            target = os.readlink(link) if link.is_symlink() else str(link)
            st = (link / "meta.json").stat()
        except OSError:
            return ""
        return f"{target}:{st.st_mtime_ns}"

    def index(self) -> GraphIndex:
        """The current graph index.

        When a build swaps in a new graph, the new index is made in a background thread while requests keep being
        answered from the previous one (reading a large graph takes seconds); only the very first load blocks.
        """
        version = self._graph_version()
        idx = self._index
        if idx is not None and idx.version == version:
            return idx
        if idx is None:
            with self._lock:
                if self._index is None:
                    self._index = self._load(version)
                return self._index
        with self._lock:
            if self._loading != version:
                self._loading = version
                threading.Thread(target=self._reload, args=(version,), daemon=True, name="kg-serve-reload").start()
        return idx

    def _reload(self, version: str) -> None:
        try:
            new = self._load(version)
        except Exception as exc:  # a half-written or broken build: keep serving the previous graph
            log.warning("kept serving the previous graph: the new one in %s cannot be read: %s", self.build_dir, exc)
            with self._lock:
                self._loading = None
            return
        with self._lock:
            self._index = new
            self._loading = None

    def _load(self, version: str) -> GraphIndex:
        graph = load_graph(self.build_dir)
        recorded = graph.meta.get("base_iri") or DEFAULT_BASE_IRI
        base = self.config.base_iri or recorded
        if base != recorded:
            log.warning(
                "The build's IRIs use the base %s; the server presents them under %s in its pages and linked-data "
                "documents, but SPARQL and Cypher answers keep the IRIs the build holds. Rebuild with "
                "`kg build ... --base-iri %s` to make them agree.", recorded, base, base,
            )
        idx = GraphIndex.build(graph, base, version, store_base=recorded)
        log.info("serving %s: %d papers, %d entities", self.build_dir, len(graph.papers), len(graph.entities))
        return idx

    @property
    def graph(self) -> KnowledgeGraph:
        return self.index().graph

    # -- queries -------------------------------------------------------------------------------------------------
    def _sem(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(max(1, self.config.max_concurrent_queries))
        return self._semaphore

    async def run_blocking(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` in a worker thread, a few at a time, giving up after the timeout (plus a grace period).

        The engines stop their own queries at ``timeout``; the outer limit only guards against an engine that does
        not, so the client gets its answer even then.
        """
        async with self._sem():
            try:
                return await asyncio.wait_for(asyncio.to_thread(fn, *args, **kwargs), self.config.timeout + 5.0)
            except asyncio.TimeoutError:
                raise QueryTimeoutError(
                    f"The query ran longer than {self.config.timeout:g} s and was stopped. Narrow it (LIMIT, filters) "
                    "or start the server with a larger --timeout."
                ) from None

    def sparql_sync(self, query: str, params: dict[str, Any] | None = None) -> Any:
        from kg.rdf import sparql

        return _call(sparql, self.build_dir, query, params=params, timeout=self.config.timeout,
                     allow_update=False, max_rows=self.config.max_rows + 1)  # one more row tells "cut"

    def cypher_sync(self, query: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        import kg.cypher.store as store

        fn = getattr(store, "cypher_with_columns", None)
        if fn is not None:
            return _call(fn, self.build_dir, query, params, allow_write=False, timeout=self.config.timeout,
                         max_rows=self.config.max_rows + 1)
        rows = _call(store.cypher, self.build_dir, query, params, allow_write=False, timeout=self.config.timeout,
                     max_rows=self.config.max_rows + 1)
        return (list(rows[0]) if rows else []), rows


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments it accepts (the stores' signatures gain options over time)."""
    try:
        accepted = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return fn(*args, **kwargs)
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        kwargs = {k: v for k, v in kwargs.items() if k in accepted}
    return fn(*args, **kwargs)
