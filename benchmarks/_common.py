"""Helpers shared by the benchmark scripts: the machine description and replicated corpora."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "hf-daily-papers"
OUT = ROOT / "benchmarks" / "out"


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{platform.system()}, load average {load:.1f}"
    )


def peak_rss_mib(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def require_corpus() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"The shared corpus {CORPUS} is absent (set KG_SHARED_DIR); this benchmark needs it.")


def replicated_corpus(n: int, path: Path | None = None) -> Path:
    """A JSONL file of ``n`` abstracts: the shared corpus's distinct papers repeated with distinct ids and titles."""
    from kg.ingest import IngestReport, read_papers

    require_corpus()
    path = path or OUT / f"corpus-{n}.jsonl"
    if path.exists():
        return path
    papers = list(read_papers([CORPUS], report=IngestReport()))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            p = papers[i % len(papers)]
            rep = i // len(papers)
            title = p.title if rep == 0 else f"{p.title} (replica {rep})"
            fh.write(json.dumps({"id": f"bench-{i:07d}", "title": title, "abstract": p.abstract}) + "\n")
    return path
