"""End-to-end build benchmark: time per stage and peak RSS.

Usage: ``python benchmarks/bench_build.py [--sizes shared,1017,10000,100000,distinct] [--workers 1,2]``

Each build runs in a fresh process (so peak RSS is that build's own) over the shared corpus or a replica of it with
distinct ids (or, for ``distinct``, every distinct abstract-sized text of ``../shared``, whose vocabulary grows with
its size), and prints papers/s per stage, the whole build's rate, and the extrapolated time of a 1M-abstract build.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, OUT, distinct_corpus, machine, replicated_corpus, require_corpus  # noqa: E402

CHILD = r"""
import json, sys, time, resource
from kg.pipeline import build
t = time.perf_counter()
rep = build([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]), stores=sys.argv[4] == "1", return_report=True)
print(json.dumps({"papers": len(rep.graph.papers), "stages": rep.stages, "elapsed": time.perf_counter() - t,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stats": rep.stats, "stores_side_by_side": rep.stores_side_by_side}))
"""


def run(input_path: Path, workers: int, stores: bool = True) -> dict:
    out = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(input_path), str(out), str(workers), "1" if stores else "0"],
            capture_output=True, text=True, check=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="shared,1017,10000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--no-stores", action="store_true")
    args = ap.parse_args()
    require_corpus()
    print(f"machine: {machine()}")
    rates = {}
    for size in args.sizes.split(","):
        if size == "shared":
            path = CORPUS
        elif size.startswith("distinct"):
            # every distinct text of ../shared (about 8,400; "distinct-N": the first N), a growing vocabulary
            path = distinct_corpus(int(size.split("-", 1)[1]) if "-" in size else None)
        else:
            path = replicated_corpus(int(size))
        for w in (int(x) for x in args.workers.split(",")):
            r = run(path, w, stores=not args.no_stores)
            n = r["papers"]
            stages = ", ".join(f"{k} {v:.1f}s ({n / v:.0f}/s)" for k, v in r["stages"].items() if v > 0)
            print(
                f"build {size:>7} abstracts, workers={w}: {n} papers in {r['elapsed']:.1f}s "
                f"({n / r['elapsed']:.1f} papers/s); peak RSS {r['peak_rss_mib']:.0f} MiB "
                f"(largest child process {r['children_peak_rss_mib']:.0f} MiB); stores "
                f"{'side by side' if r.get('stores_side_by_side') else 'one after the other'}; stages: {stages}"
            )
            rates[(size, w)] = r
    for (size, w), r in rates.items():
        if w == 1 and (size, 2) in rates:
            print(f"speed-up workers 2 vs 1 on {size}: {r['elapsed'] / rates[(size, 2)]['elapsed']:.2f}x")
    (size, w), biggest = max(rates.items(), key=lambda kv: (kv[1]["papers"], kv[0][1]))
    per_paper = biggest["elapsed"] / biggest["papers"]
    print(f"extrapolated 1M-abstract build at the largest size's whole-build rate: {per_paper * 1e6 / 3600:.1f} h")
    st = dict(biggest["stages"])
    stores = [st.pop(k) for k in ("rdf store", "cypher store") if k in st]
    # loaded side by side (more than one worker, and memory for both), the longer store is on the critical path
    store_s = (max(stores) if biggest.get("stores_side_by_side") else sum(stores)) if stores else 0.0
    total = (sum(st.values()) + store_s) / biggest["papers"] * 1e6
    rest = total - st.get("extract", 0.0) / biggest["papers"] * 1e6
    print(f"extrapolated 1M-abstract build as the sum over stages (workers={w}): {total / 3600:.1f} h, of which "
          f"{rest / 3600:.1f} h outside extraction ({rest / 1e6 * 1000:.1f} ms a paper; the 4 h target leaves "
          f"{max(0.0, 14400 - 1e4) / 1e6 * 1000:.1f} ms with extraction at 100/s)")


if __name__ == "__main__":
    main()
