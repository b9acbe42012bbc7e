"""A build directory of a synthetic graph (graph files, SPARQL store, Cypher store), made once and reused.

The query benchmarks (``bench_sparql.py``, ``bench_cypher.py``) measure latency on the same 100k-paper graph. Loading
it takes minutes (the SPARQL store of ~21M triples far longer on a busy machine), so the directory is kept in
``benchmarks/out/synthetic-N/`` and each store is built only when it is missing (``--rebuild`` forces both).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def synthetic_build_dir(papers: int, out: Path | None = None, *, stores: tuple[str, ...] = ("sparql", "cypher"),
                        rebuild: bool = False) -> tuple[Path, dict[str, float]]:
    """The build directory of ``kg.rdf.synthetic.synthetic_graph(papers, seed=0)`` with the requested stores.

    Returns:
        (directory, seconds spent per step that had to run: "generate", "save", "sparql", "cypher").
    """
    from kg.cypher.store import db_path
    from kg.graph.io import load_graph, save_graph
    from kg.rdf.store import store_path

    d = out or OUT / f"synthetic-{papers}"
    if rebuild and d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True, exist_ok=True)
    spent: dict[str, float] = {}
    graph = None
    if not (d / "graph").exists():
        from kg.rdf.synthetic import synthetic_graph

        print(f"generating the synthetic graph of {papers:,} papers into {d} ...", file=sys.stderr)
        t = time.perf_counter()
        graph = synthetic_graph(papers, seed=0)
        spent["generate"] = time.perf_counter() - t
        t = time.perf_counter()
        save_graph(graph, d)
        spent["save"] = time.perf_counter() - t
    need = [s for s in stores if not (store_path(d).is_dir() if s == "sparql" else db_path(d).is_file())]
    if need and graph is None:
        graph = load_graph(d)
    for s in need:
        print(f"loading the {s} store of {d} ...", file=sys.stderr)
        t = time.perf_counter()
        if s == "sparql":
            from kg.rdf.store import write_store
        else:
            from kg.cypher.store import write_store  # type: ignore[no-redef]
        write_store(graph, d)
        spent[s] = time.perf_counter() - t
    return d, spent
