"""Speed of the whole ``kg extract`` command (process start, model loading, ingest, extraction, JSON output).

Input: the shared HF daily-papers corpus replicated 3x as one JSONL file of title + abstract records with distinct
ids (3 x 339 distinct papers = 1,017 records; the 398 raw records hold 59 duplicates that ingest would merge).
Runs ``kg extract FILE -o OUT --workers N`` for N = 1 and 2 and prints abstracts/s and words/s per run, plus a
pathological-input timing (``"word" + "!" * 20000`` and ``"(" * 20000``) through the library call.

Usage: .venv/bin/python benchmarks/bench_extract.py [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))

sys.path.insert(0, str(ROOT / "benchmarks"))
from eval_extract import machine  # noqa: E402


def make_input(path: Path, copies: int = 3) -> tuple[int, int]:
    from kg.ingest import read_papers

    papers = list(read_papers([SHARED / "corpus" / "hf-daily-papers"]))
    n = words = 0
    with open(path, "w", encoding="utf-8") as fh:
        for c in range(copies):
            for p in papers:
                # ingest merges records with the same normalised title: mark the copies in the title
                title = p.title if c == 0 else f"{p.title} (copy {c + 1})"
                fh.write(json.dumps({"id": f"copy{c}-{p.id}", "title": title, "abstract": p.abstract}) + "\n")
                n += 1
                words += len(p.title.split()) + len(p.abstract.split())
    return n, words


def run(inp: Path, workers: int) -> float:
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    kg = ROOT / ".venv" / "bin" / "kg"
    cmd = [str(kg) if kg.exists() else "kg", "-q", "extract", str(inp), "-o", str(out), "--workers", str(workers)]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = out.read_text(encoding="utf-8").count("\n")
    return dt, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    inp = tmp / "hf-x3.jsonl"
    n, words = make_input(inp)
    print("machine:", machine())
    from kg.extract import PIPELINE_VERSION

    print("pipeline:", PIPELINE_VERSION)
    print(f"input: {n} title+abstract records, {words} words")
    for w in args.workers:
        for _ in range(args.repeat):
            # other jobs on the machine slow the wall figure: the 1-minute load average before each run says how much
            load = os.getloadavg()[0]
            dt, lines = run(inp, w)
            print(
                f"kg extract --workers {w}: {lines} records out, {dt:6.2f} s wall  {n / dt:7.1f} abstracts/s  "
                f"{words / dt:9.0f} words/s  (CPU {run.cpu:.1f} s: {n / run.cpu:.1f} abstracts per CPU-second; "
                f"load average {load:.2f})"
            )
    from kg.extract import extract_paper, load_pipeline
    from kg.graph.model import Paper

    nlp = load_pipeline()
    for name, text in (("'word' + '!' * 20000", "word" + "!" * 20000), ("'(' * 20000", "(" * 20000)):
        t = time.perf_counter()
        extract_paper(nlp, Paper(id="p", title="", abstract=text))
        print(f"pathological {name}: {time.perf_counter() - t:.2f} s")
    print("load average:", os.getloadavg())


if __name__ == "__main__":
    main()
