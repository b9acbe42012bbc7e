"""The persistent SPARQL store of a build directory: a pyoxigraph (RocksDB) store in ``DIR/rdf/``.

Oxigraph is the store because it answers the named queries one to two orders of magnitude faster than rdflib's
engine at the sizes ``kg`` builds (``benchmarks/bench_sparql.py``, ``docs/rdf.md``); rdflib stays for SHACL and
for reading files back in tests.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.graph.model import KnowledgeGraph
from kg.rdf.mapping import NTriplesStream, iter_ntriples_text

log = logging.getLogger(__name__)

RDF_SUBDIR = "rdf"


def store_path(build_dir: str | os.PathLike[str]) -> Path:
    """Where the SPARQL store of ``build_dir`` lives."""
    return Path(build_dir) / RDF_SUBDIR


def write_store(graph: KnowledgeGraph, build_dir: str | os.PathLike[str], base_iri: str | None = None) -> Path:
    """Write the RDF face of ``graph`` into a fresh pyoxigraph store ``build_dir/rdf/`` with the bulk loader.

    The store is built in a temporary folder next to it and renamed into place, so readers never see a half-written
    store and a failed build leaves the previous store untouched.

    Args:
        graph: the graph to load.
        build_dir: the build directory.
        base_iri: base of minted IRIs (default ``graph.meta["base_iri"]`` or ``https://w3id.org/mlkg/``).

    Returns:
        The store directory.

    Raises:
        StoreError: the store cannot be written (disk, permissions, bad base IRI).
    """
    from pyoxigraph import RdfFormat, Store

    build_dir = Path(build_dir)
    final = store_path(build_dir)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".rdf.tmp-", dir=build_dir))
    except OSError as exc:
        raise StoreError(f"Cannot create the SPARQL store under {build_dir}: {exc}. Check that it is writable.") from exc
    try:
        store = Store(str(tmp / "store"))
        # N-Triples text streamed and parsed in Rust; the loader's own cost (about 8 us a triple, half of it
        # RocksDB) dominates. lenient skips re-validating IRIs and literals: every IRI is minted from a
        # percent-encoded id or a vocabulary constant and every literal is escaped and typed by the mapping itself
        # (tests/test_rdf_mapping.py checks the text and the store against the mapping's rdflib terms, hostile
        # text included).
        # the lines are counted on the way in: len(store) would scan every quad of the store again (0.4 s per
        # million triples); the mapping yields no duplicates, so the two counts agree (tests/test_rdf_mapping.py)
        counted = [0]

        def lines():
            for line in iter_ntriples_text(graph, base_iri):
                counted[0] += 1
                yield line

        store.bulk_load(io.BufferedReader(NTriplesStream(lines()), 1 << 16), RdfFormat.N_TRIPLES, lenient=True)
        store.flush()
        n = counted[0]
        del store  # closes RocksDB before the folder moves
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".rdf.old-", dir=build_dir))
            os.replace(final, old / "store")
        os.replace(tmp / "store", final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise StoreError(f"Cannot write the SPARQL store {final}: {exc}.") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("SPARQL store %s: %d triples", final, n)
    return final


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
