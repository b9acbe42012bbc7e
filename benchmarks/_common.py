"""Helpers shared by the benchmark scripts: the machine description and replicated corpora."""

from __future__ import annotations

import json
import os
import platform
import random
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
        f"{platform.system()}, load average {load:.1f}, {spacy_build()}"
    )


def spacy_build() -> str:
    """spaCy's version and whether it carries Cython's profiling hooks (they cost the NER about 2.5x its time)."""
    import spacy

    from kg.extract.spacy_build import has_profiling_hooks

    hooks = "with Cython profiling hooks (PyPI wheel)" if has_profiling_hooks() else "without profiling hooks"
    return f"spaCy {spacy.__version__} {hooks}"


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


def distinct_texts() -> list[dict]:
    """Every distinct abstract-sized text of ``../shared``, as paper records.

    The shared corpus's papers, the SciERC abstracts, the SciREX titles and abstracts, and the SciREX bodies cut
    into passages of eight sentences. Unlike a replicated corpus, its vocabulary (entity names, descriptive terms)
    grows with its size, as a real corpus's does: what corpus-wide linking steps cost per paper is measured on it.
    """
    from kg.extract.data import default_datasets_dir, read_scierc, read_scirex
    from kg.ingest import IngestReport, read_papers

    require_corpus()
    data = default_datasets_dir()
    recs = [{"id": p.id, "title": p.title, "abstract": p.abstract} for p in read_papers([CORPUS], report=IngestReport())]
    for name in ("train.json", "dev.json"):
        for doc in read_scierc(data / "scierc" / name):
            recs.append({"id": f"scierc-{doc.doc_id}", "title": "", "abstract": doc.abstract.text})
    for doc, body in read_scirex(data / "scirex" / "train.jsonl", split="all"):
        if doc.abstract.text.strip():
            recs.append({"id": f"scirex-{doc.doc_id}", "title": doc.title.text, "abstract": doc.abstract.text})
        for k in range(0, len(body), 8):
            text = " ".join(p.text for p in body[k : k + 8])
            if len(text.split()) >= 40:
                recs.append({"id": f"scirex-{doc.doc_id}-{k // 8:03d}", "title": "", "abstract": text})
    # a seeded shuffle: the first n records are a sample of all sources, not the shared corpus then SciERC then SciREX
    random.Random(0).shuffle(recs)
    return recs


def distinct_corpus(n: int | None = None, path: Path | None = None) -> Path:
    """A JSONL file of the first ``n`` records of :func:`distinct_texts` (all when ``n`` is None)."""
    recs = distinct_texts()
    if n is not None and n > len(recs):
        sys.exit(f"Only {len(recs)} distinct texts are in {SHARED}; ask for at most that many.")
    recs = recs[:n] if n is not None else recs
    path = path or OUT / f"distinct-{len(recs)}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r) + "\n")
    return path
