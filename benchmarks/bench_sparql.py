"""SPARQL engines for the RDF face of kg: rdflib's in-memory engine vs pyoxigraph's on-disk store.

Measures, per graph, the load time (mapping + loading; pyoxigraph with its bulk loader into a RocksDB store on disk,
rdflib into an in-memory Graph) and the median latency of every named query in ``queries/`` with its default
parameters, and checks that both engines return the same number of rows. Graphs:

* the shared-corpus graph (``../shared/corpus/hf-daily-papers``, built here without stores, or ``--shared-build DIR``);
* a synthetic graph of ``--rdflib-papers`` papers (about 1M triples at 5k papers), where both engines run;
* a synthetic graph of ``--papers`` papers (100k by default, about 21M triples): pyoxigraph only, since rdflib
  holds every triple as Python objects (about 1.5 kB each: ~30 GB here). Its build directory (graph files and store)
  is made once in ``benchmarks/out/synthetic-N/`` and reused by later runs and by ``bench_cypher.py``
  (``--rebuild`` makes it again); every named query runs there through ``kg.rdf.run_named_query`` with its
  defaults (one page of at most 100 rows for the paged ones): one warm-up run, then the median of ``--repeat`` runs,
  both as the caller sees it (wall clock, worker round trip included) and as the engine reports it.

rdflib queries run in a forked child that is killed after ``--rdflib-timeout`` seconds, pyoxigraph queries through
``kg.rdf.sparql`` (its warm worker process, as ``kg sparql`` runs them) stopped after ``--timeout`` seconds; both
are reported as ``>N s``.

Usage::

    .venv/bin/python benchmarks/bench_sparql.py [--papers 100000] [--rdflib-papers 5000] [--repeat 5]
        [--shared-build DIR] [--skip-shared] [--skip-small] [--skip-synthetic] [--rebuild] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import pyoxigraph
    import rdflib

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
        "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def named_queries() -> list[tuple[str, str]]:
    from kg.named_queries import list_named_queries
    from kg.rdf.sparql_text import bind_params

    return [(q.name, bind_params(q.text, q.bind())) for q in list_named_queries("sparql")]


def bench_oxigraph(graph, workdir: Path, repeat: int, timeout: float) -> dict:
    """Load with kg's write_store, then run each named query through kg.rdf.sparql (the worker process kg uses,
    warm), which also stops a query after ``timeout`` seconds."""
    from kg.errors import QueryTimeoutError
    from kg.rdf.query import close_workers, sparql
    from kg.rdf.store import write_store

    t0 = time.perf_counter()
    write_store(graph, workdir)
    load = time.perf_counter() - t0
    n = sparql(workdir, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=600).rows[0][0]
    out = {"load_s": load, "triples": n, "queries": {}}
    for name, text in named_queries():
        times, rows = [], 0
        try:
            for _ in range(repeat):
                res = sparql(workdir, text, timeout=timeout)
                times.append(res.elapsed)
                rows = len(res)
            out["queries"][name] = {"median_ms": statistics.median(times) * 1000, "rows": rows}
        except QueryTimeoutError:
            out["queries"][name] = {"median_ms": None, "rows": None, "timeout_s": timeout}
    close_workers()
    return out


def _rdflib_child(conn, graph_holder, text, repeat):
    g = graph_holder[0]
    times, rows = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = len(list(g.query(text)))
        times.append(time.perf_counter() - t)
    conn.send((times, rows))


def bench_rdflib(graph, repeat: int, timeout: float) -> dict:
    import rdflib

    from kg.rdf.mapping import iter_triples

    t0 = time.perf_counter()
    g = rdflib.Graph()
    for t in iter_triples(graph, engine="rdflib"):
        g.add(t)
    load = time.perf_counter() - t0
    out = {"load_s": load, "triples": len(g), "queries": {}}
    ctx = multiprocessing.get_context("fork")
    holder = [g]
    for name, text in named_queries():
        parent, child = ctx.Pipe()
        p = ctx.Process(target=_rdflib_child, args=(child, holder, text, repeat))
        p.start()
        if parent.poll(timeout * repeat):
            times, rows = parent.recv()
            out["queries"][name] = {"median_ms": statistics.median(times) * 1000, "rows": rows}
        else:
            p.kill()
            out["queries"][name] = {"median_ms": None, "rows": None, "timeout_s": timeout}
        p.join()
    return out


def bench_large(papers: int, repeat: int, timeout: float, rebuild: bool, budget: float) -> dict:
    """Every named query with its defaults on the reused build directory of the large synthetic graph.

    A query stops repeating once its runs took ``budget`` seconds (at least one run after the warm-up): queries of
    tens of seconds would otherwise keep the benchmark busy for an hour. ``runs`` says how many were timed."""
    from benchmarks._synthetic_build import synthetic_build_dir
    from kg.errors import QueryTimeoutError
    from kg.named_queries import list_named_queries
    from kg.rdf.query import close_workers, run_named_query, sparql

    build_dir, spent = synthetic_build_dir(papers, stores=("sparql",), rebuild=rebuild)
    n = sparql(build_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=3600).rows[0][0]
    out = {"build_dir": str(build_dir), "load_s": spent.get("sparql"), "triples": n, "queries": {}}
    for q in list_named_queries("sparql"):
        walls, engine, rows = [], [], 0
        try:
            run_named_query(build_dir, q.name, timeout=timeout)  # warm-up: caches, worker
            for _ in range(repeat):
                t = time.perf_counter()
                res = run_named_query(build_dir, q.name, timeout=timeout)
                walls.append(time.perf_counter() - t)
                engine.append(res.elapsed)
                rows = len(res)
                if sum(walls) > budget:
                    break
            out["queries"][q.name] = {"median_ms": statistics.median(walls) * 1000,
                                      "engine_ms": statistics.median(engine) * 1000, "rows": rows, "runs": len(walls)}
        except QueryTimeoutError:
            out["queries"][q.name] = {"median_ms": None, "rows": None, "timeout_s": timeout}
    close_workers()
    return out


def report_large(title: str, ox: dict) -> None:
    print(f"\n## {title}")
    print(f"build directory: {ox['build_dir']} ({ox['triples']:,} triples; "
          + (f"store loaded in {ox['load_s']:.1f} s)" if ox["load_s"] else "store reused)"))
    print(f"{'query':30} {'rows':>7} {'median ms':>10} {'engine ms':>10} {'runs':>5} {'< 100 ms':>9}")
    for name, q in ox["queries"].items():
        if q["median_ms"] is None:
            print(f"{name:30} {'-':>7} {'>' + format(q['timeout_s'], '.0f') + 's':>10}")
            continue
        ok = "yes" if q["median_ms"] < 100 else "no"
        print(f"{name:30} {q['rows']:>7} {q['median_ms']:>10.1f} {q['engine_ms']:>10.1f} {q['runs']:>5} {ok:>9}")
    print(f"load average now: {os.getloadavg()}")


def report(title: str, ox: dict, rl: dict | None) -> None:
    print(f"\n## {title}")
    print(f"triples: {ox['triples']:,}")
    print(f"load: pyoxigraph {ox['load_s']:.1f} s (mapping + bulk load to disk)"
          + (f", rdflib {rl['load_s']:.1f} s (mapping + in-memory Graph)" if rl else ", rdflib not run"))
    print(f"{'query':30} {'rows':>7} {'pyoxigraph ms':>14} {'rdflib ms':>12} {'speed-up':>9}")
    for name, q in ox["queries"].items():
        r = (rl or {}).get("queries", {}).get(name)
        if q["median_ms"] is None:
            print(f"{name:30} {'-':>7} {'>' + format(q['timeout_s'], '.0f') + 's':>14}")
            continue
        if r is None:
            rcell, speed = "-", ""
        elif r["median_ms"] is None:
            rcell, speed = f">{r['timeout_s']:.0f}s", f">{r['timeout_s'] * 1000 / max(q['median_ms'], 1e-3):.0f}x"
        else:
            rcell = f"{r['median_ms']:.1f}"
            speed = f"{r['median_ms'] / max(q['median_ms'], 1e-3):.0f}x"
            if r["rows"] != q["rows"]:
                speed += f" (rows differ: {r['rows']})"
        print(f"{name:30} {q['rows']:>7} {q['median_ms']:>14.1f} {rcell:>12} {speed:>9}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=100_000, help="papers of the large synthetic graph (pyoxigraph only)")
    ap.add_argument("--rdflib-papers", type=int, default=5_000, help="papers of the synthetic graph both engines run")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (the median is reported)")
    ap.add_argument("--rdflib-timeout", type=float, default=30.0, help="seconds per rdflib query run before giving up")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per pyoxigraph query run before giving up")
    ap.add_argument("--shared-build", type=Path, help="an existing build of the shared corpus")
    ap.add_argument("--skip-shared", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true", help="only the shared-corpus graph")
    ap.add_argument("--skip-small", action="store_true", help="skip the rdflib-vs-pyoxigraph synthetic graph")
    ap.add_argument("--budget", type=float, default=30.0,
                    help="seconds of timed runs per query on the large graph before it stops repeating")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the reused large synthetic build directory")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()

    from kg.graph.io import load_graph
    from kg.rdf.synthetic import synthetic_graph

    info = machine()
    print("# SPARQL engines: rdflib vs pyoxigraph")
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    results: dict = {"machine": info, "graphs": {}}
    tmp = Path(tempfile.mkdtemp(prefix="bench-sparql-"))
    try:
        if not args.skip_shared:
            if args.shared_build:
                graph = load_graph(args.shared_build)
            else:
                from kg.pipeline import build

                shared = ROOT.parent / "shared" / "corpus" / "hf-daily-papers"
                print(f"building the shared-corpus graph from {shared} ...", file=sys.stderr)
                graph = build([shared], tmp / "shared-build", progress=False, stores=False)
            ox = bench_oxigraph(graph, tmp / "ox-shared", args.repeat, args.timeout)
            rl = bench_rdflib(graph, args.repeat, args.rdflib_timeout)
            report(f"shared corpus ({len(graph.papers)} papers)", ox, rl)
            results["graphs"]["shared"] = {"papers": len(graph.papers), "pyoxigraph": ox, "rdflib": rl}
        if args.skip_synthetic:
            return
        if not args.skip_small:
            graph = synthetic_graph(args.rdflib_papers)
            ox = bench_oxigraph(graph, tmp / "ox-small", args.repeat, args.timeout)
            rl = bench_rdflib(graph, max(1, min(args.repeat, 3)), args.rdflib_timeout)
            report(f"synthetic, {args.rdflib_papers:,} papers", ox, rl)
            results["graphs"][f"synthetic-{args.rdflib_papers}"] = {"papers": args.rdflib_papers, "pyoxigraph": ox,
                                                                    "rdflib": rl}
            del graph, rl
        ox = bench_large(args.papers, args.repeat, args.timeout, args.rebuild, args.budget)
        report_large(f"synthetic, {args.papers:,} papers (pyoxigraph; median of {args.repeat} after a warm-up)", ox)
        results["graphs"][f"synthetic-{args.papers}"] = {"papers": args.papers, "pyoxigraph": ox, "rdflib": None}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
