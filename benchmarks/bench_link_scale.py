"""Linking cost per paper as a corpus's vocabulary grows.

Usage: ``python benchmarks/bench_link_scale.py [--sizes 1000,2000,4000,all] [--workers 2] [--repeat 1]``

A replicated corpus keeps the entities of its 339 distinct papers however many copies it holds, so it cannot show
whether linking's corpus-wide steps (canonicalisation, fuzzy matching, propagation of known names) cost more per
paper as the corpus grows. This benchmark links growing samples of every distinct abstract-sized text in
``../shared`` (the shared corpus, the SciERC abstracts, SciREX titles, abstracts and body passages: about 8,400
texts, whose entity names and terms keep growing with the sample) and prints, per size, the time of ``link()``
and of its corpus-wide steps, the number of entities and of fuzzy-matching candidates, and the growth exponent of
the time over the sizes (a least-squares fit on log-log), with what that exponent predicts for a 1M-abstract corpus.

Extractions are made once (``--workers`` processes) and kept in ``benchmarks/out/`` for the pipeline version.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, distinct_corpus, machine  # noqa: E402


def _extractions(papers, workers: int) -> dict:
    from kg.extract import PIPELINE_VERSION, extract_papers
    from kg.extract.document import PaperExtraction
    from kg.graph.io import read_jsonl, write_jsonl

    path = OUT / f"distinct-extractions-{len(papers)}.jsonl"
    if path.exists():
        rows = list(read_jsonl(path))
        if rows and all(r.get("version") == PIPELINE_VERSION for r in rows) and len(rows) == len(papers):
            return {r["extraction"]["paper"]: PaperExtraction.from_dict(r["extraction"]) for r in rows}
    t = time.perf_counter()
    out = {ex.paper: ex for ex in extract_papers(papers, workers=workers)}
    print(f"extracted {len(out)} texts in {time.perf_counter() - t:.1f} s ({workers} workers); kept in {path}")
    write_jsonl(path, ({"version": PIPELINE_VERSION, "extraction": out[p.id].to_dict()} for p in papers))
    return out


@contextmanager
def _timed(timings: dict, module, name: str, label: str):
    """Time every call of ``module.name`` into ``timings[label]`` (the benchmark's own instrumentation)."""
    orig = getattr(module, name)

    def wrapper(*a, **kw):
        s = time.perf_counter()
        try:
            return orig(*a, **kw)
        finally:
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - s

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, orig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,2000,4000,all")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="links per size; the fastest is reported")
    ap.add_argument("--collector", choices=("paused", "on"), default="paused",
                    help="link with Python's cyclic garbage collector paused, as kg build does, or on")
    args = ap.parse_args()

    from kg.gcpause import gc_paused
    from kg.ingest import IngestReport, read_papers
    from kg.link import canonical, linker
    from kg.link.canonical import FUZZY_MIN_LEN, FUZZY_TYPES

    print(f"machine: {machine()}; cyclic garbage collector {args.collector} while linking")
    corpus = distinct_corpus()
    papers = list(read_papers([corpus], report=IngestReport()))
    extractions = _extractions(papers, args.workers)
    sizes = [len(papers) if s == "all" else int(s) for s in args.sizes.split(",")]
    figures = []
    for n in sizes:
        sub = {p.id: p for p in papers[:n]}
        best = None
        for _ in range(args.repeat):
            timings: dict[str, float] = {}
            with _timed(timings, linker, "propagate", "propagate"), \
                    _timed(timings, canonical.Canonicaliser, "canonicalise", "canonicalise"), \
                    _timed(timings, canonical.Canonicaliser, "_fuzzy_union", "fuzzy"), \
                    _timed(timings, linker, "paper_rules", "paper rules"):
                with gc_paused() if args.collector == "paused" else nullcontext():
                    s = time.perf_counter()
                    graph = linker.link(sub, {k: extractions[k] for k in sub})
                    timings["link"] = time.perf_counter() - s
            if best is None or timings["link"] < best["link"]:
                best = timings
        fuzzy_keys = {
            (m.type, m.text.lower()) for m in graph.mentions
            if m.type in FUZZY_TYPES and m.text == m.text.lower() and len(m.text) >= FUZZY_MIN_LEN
        }
        figures.append((n, best["link"]))
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in best.items() if k != "link")
        print(
            f"link {n:>6} texts: {best['link']:.2f} s ({best['link'] / n * 1e6:.0f} us a text); {len(graph.entities)} entities, "
            f"{len(graph.mentions)} mentions, about {len(fuzzy_keys)} fuzzy-matching candidates; {steps}"
        )
    if len(figures) >= 2:
        # least squares on log-log over every size: two close sizes alone give an exponent that is mostly noise
        xs = [math.log(n) for n, _ in figures]
        ys = [math.log(t) for _, t in figures]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        alpha = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        n2, t2 = figures[-1]
        t_1m = t2 * (1_000_000 / n2) ** alpha
        print(
            f"growth of link time over {figures[0][0]}-{n2} texts: n^{alpha:.2f} (least squares on log-log; 1.00 = a "
            f"constant cost per text); from the largest size at that exponent a 1M-abstract corpus links in "
            f"{t_1m / 3600:.2f} h ({t_1m / 1e6 * 1e3:.1f} ms a text)"
        )

if __name__ == "__main__":
    main()
