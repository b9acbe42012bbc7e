"""The persistent SPARQL store of a build directory: a pyoxigraph (RocksDB) store in ``DIR/rdf/``.

Oxigraph is the store because it answers the named queries one to two orders of magnitude faster than rdflib's
engine at the sizes ``kg`` builds (``benchmarks/bench_sparql.py``, ``docs/rdf.md``); rdflib stays for SHACL and
for reading files back in tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from kg.errors import StoreError
from kg.graph.model import KnowledgeGraph
from kg.rdf.mapping import iter_ntriples_text

log = logging.getLogger(__name__)

T = TypeVar("T")

RDF_SUBDIR = "rdf"


def store_path(build_dir: str | os.PathLike[str]) -> Path:
    """Where the SPARQL store of ``build_dir`` lives."""
    return Path(build_dir) / RDF_SUBDIR


def write_store(
    graph: KnowledgeGraph, build_dir: str | os.PathLike[str], base_iri: str | None = None, *, threads: int = 1,
    compact: bool = False,
) -> Path:
    """Write the RDF face of ``graph`` into a fresh pyoxigraph store ``build_dir/rdf/`` with the bulk loader.

    The store is built in a temporary folder next to it and renamed into place, so readers never see a half-written
    store and a failed build leaves the previous store untouched. The precomputed pages of the named queries
    (``build_dir/rdf.precomputed.sqlite``, :mod:`kg.rdf.precomputed`) are written beside it the same way.

    Args:
        graph: the graph to load.
        build_dir: the build directory.
        base_iri: base of minted IRIs (default ``graph.meta["base_iri"]`` or ``https://w3id.org/mlkg/``).
        threads: bulk loads running at once (``kg build --workers N`` passes N); the text of the triples is made
            in this thread meanwhile.
        compact: compact the store once loaded (``Store.optimize()``, about 1 s per million triples, one thread).
            The bulk loads leave their files side by side in RocksDB's first level and a store opened read-only
            never compacts, so every read looks into each of them. Measured on the 100k-paper synthetic store
            (22M triples, 2026-12-03): the named queries answer as fast either way (their pages are lookups), a
            SPARQL query that scans much of the graph (statement_evidence for one source, as written) took 4.6 s
            uncompacted and 3.8 s compacted; the load took 142 s against 167 s.

    Returns:
        The store directory.

    Raises:
        StoreError: the store cannot be written (disk, permissions, bad base IRI).
    """
    from pyoxigraph import Store

    build_dir = Path(build_dir)
    final = store_path(build_dir)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".rdf.tmp-", dir=build_dir))
    except OSError as exc:
        raise StoreError(f"Cannot create the SPARQL store under {build_dir}: {exc}. Check that it is writable.") from exc
    try:
        from kg.rdf import precomputed

        store = Store(str(tmp / "store"))
        pages = tmp / precomputed.PAGES
        # the named queries' ranked answers go to a page file beside the store (kg/rdf/precomputed.py), made by a
        # thread of their own: it takes the GIL whenever this thread waits for a free load
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-rdf-pages") as side:
            paged = side.submit(precomputed.write_pages, graph, pages, base_iri)
            n, (rows, written) = _bulk_load(store, iter_ntriples_text(graph, base_iri), threads,
                                            meanwhile=paged.result)
        store.flush()
        if compact:
            store.optimize()
        del store  # closes RocksDB before the folder moves
        # the old manifest goes first: a reader between the steps runs the named queries as written
        precomputed.remove_manifest(build_dir)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".rdf.old-", dir=build_dir))
            os.replace(final, old / "store")
        os.replace(tmp / "store", final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        os.replace(pages, precomputed.pages_path(build_dir))
        precomputed.write_manifest(build_dir, written)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"Cannot write the SPARQL store {final}: {exc}.") from exc
    except SyntaxError as exc:
        raise StoreError(
            f"The RDF mapping wrote a triple the store cannot parse ({exc}); nothing was stored in {final}. "
            "This is a bug in kg: please report it with the input that caused it."
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("SPARQL store %s: %d triples; %d precomputed query rows in %s", final, n, rows,
             precomputed.pages_path(build_dir))
    return final


# triples per bulk_load call: the loader's own batch is a million quads, so chunks of this size add few files to
# RocksDB, and two of them already fill two cores on a graph of a thousand abstracts
CHUNK_TRIPLES = 250_000


def _bulk_load(store: Any, lines: Iterable[str], threads: int, chunk: int = CHUNK_TRIPLES, *,
               meanwhile: Callable[[], T] | None = None) -> tuple[int, T | None]:
    """Bulk-load N-Triples ``lines`` into ``store`` in chunks, ``threads`` loads at once; return the line count and
    what ``meanwhile()``, called once the last chunk is handed to a load, returns.

    pyoxigraph releases the GIL while it loads a ``bytes`` chunk, so the loads run beside each other and beside
    this thread, which makes the text of the next chunk (Python work), then runs ``meanwhile`` while the last loads
    finish. At most ``threads + 1`` chunks are held at once (one per load, one being made), so memory stays bounded
    whatever the size of the graph. Loads of disjoint chunks into one store are independent (each writes its own
    sorted files and RocksDB ingests them), and the mapping yields no duplicate triple, so the result is the store a
    single load makes (tests/test_rdf_query.py compares them).

    The lines are counted on the way in: ``len(store)`` would scan every quad of the store again (0.4 s per
    million triples); the two counts agree because the mapping yields no duplicates (tests/test_rdf_mapping.py).
    """
    from pyoxigraph import RdfFormat

    def load(data: bytes) -> None:
        # not lenient: the lenient parser drops a malformed line without a word, and checking cost nothing
        # measurable (a million triples on disk: 6.86 s strict, 7.04 s lenient)
        store.bulk_load(data, RdfFormat.N_TRIPLES)

    n = 0
    slots = threading.BoundedSemaphore(max(1, threads))
    pending: list[Future] = []
    with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="kg-rdf-load") as pool:

        def submit(batch: list[str]) -> None:
            slots.acquire()
            fut = pool.submit(load, "".join(batch).encode("utf-8"))
            fut.add_done_callback(lambda _f: slots.release())
            pending.append(fut)

        try:
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) >= chunk:
                    n += len(batch)
                    submit(batch)
                    batch = []
                    # a failed load stops the build at once instead of after the whole text is made
                    for fut in [f for f in pending if f.done()]:
                        pending.remove(fut)
                        fut.result()
            if batch:
                n += len(batch)
                submit(batch)
            result = meanwhile() if meanwhile is not None else None
        finally:
            # the loads end before the store is used or closed, whatever failed here
            for fut in pending:
                fut.exception()
        for fut in pending:
            fut.result()
    return n, result


def open_store(build_dir: str | os.PathLike[str], read_only: bool = True) -> Any:
    """Open the store of ``build_dir`` (read-only by default).

    Raises:
        StoreError: there is no store (the message says how to make one).
    """
    from pyoxigraph import Store

    path = store_path(build_dir)
    if not path.is_dir():
        raise StoreError(
            f"{build_dir} has no SPARQL store ({path} is missing). Build it with `kg build INPUT -o {build_dir}` "
            f"(without --no-stores), or from Python with kg.rdf.write_store(kg.graph.io.load_graph(DIR), DIR)."
        )
    try:
        return Store.read_only(str(path)) if read_only else Store(str(path))
    except OSError as exc:
        raise StoreError(f"Cannot open the SPARQL store {path}: {exc}.") from exc
