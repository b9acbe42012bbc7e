"""The build: ingest -> extract -> link -> graph -> stores, into one build directory.

Build directory layout::

    DIR/
      graph -> graph-<n>/     the canonical graph (JSON Lines, see kg.graph.io), swapped in atomically
      cache/extractions.jsonl extraction results keyed by paper content and pipeline version
      rdf/                    the SPARQL store (pyoxigraph)
      cypher/                 the embedded Cypher store (LadybugDB)
      build-report.json       the summary of the last build (ingest problems included)
      .kg-build.lock          held while a build runs

A build of a directory that already holds a graph adds the new inputs' papers to those already there (``fresh=True``
starts over). Papers whose content and pipeline version are unchanged are not extracted again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from filelock import FileLock, Timeout

from kg.errors import BuildError, BuildLockedError
from kg.forking import ForkedCall, fork_guard, forked_call
from kg.gcpause import gc_paused, release_free_memory
from kg.graph.io import atomic_write, dumps, is_build_dir, load_graph, read_jsonl, save_graph, write_jsonl
from kg.graph.model import KnowledgeGraph, Paper

log = logging.getLogger(__name__)

DEFAULT_BASE_IRI = "https://w3id.org/mlkg/"
LOCK_NAME = ".kg-build.lock"
CACHE_FILE = Path("cache") / "extractions.jsonl"


@dataclass
class BuildReport:
    """What a build did: the counts a person reads in the summary, and where the outputs are."""

    build_dir: Path
    inputs: list[str]
    ingest: dict[str, Any] = field(default_factory=dict)
    papers_before: int = 0
    papers_added: int = 0
    papers_merged_existing: int = 0
    extracted: int = 0
    cached: int = 0
    link: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    #: whether the two stores were loaded at once (``--workers`` > 1 and memory for both); None without stores
    stores_side_by_side: bool | None = None
    graph: KnowledgeGraph | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "build_dir": str(self.build_dir),
            "inputs": self.inputs,
            "ingest": self.ingest,
            "papers_before": self.papers_before,
            "papers_added": self.papers_added,
            "papers_merged_existing": self.papers_merged_existing,
            "extracted": self.extracted,
            "extraction_cache_hits": self.cached,
            "link": self.link,
            "stats": self.stats,
            "stages_seconds": {k: round(v, 3) for k, v in self.stages.items()},
            "outputs": self.outputs,
            "elapsed_seconds": round(self.elapsed, 3),
            "stores_side_by_side": self.stores_side_by_side,
        }


def _check_output_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(f"The output {out} exists and is not a directory. Choose a directory path for -o.")
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise BuildError(f"The output directory {out} cannot be written ({probe} is not writable). Choose another -o.")


class _Progress:
    """A rich progress display on stderr, or nothing."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._p = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self._p = Progress(
                TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TimeRemainingColumn(), console=Console(stderr=True), transient=False,
            )
            self._p.__enter__()
        return self

    def __exit__(self, *exc):
        if self._p is not None:
            self._p.__exit__(*exc)

    def lock(self) -> Any:
        """The lock the display's refresh thread holds while it writes (a no-op lock without a display)."""
        live = getattr(self._p, "live", None)
        return getattr(live, "_lock", None) or contextlib.nullcontext()

    def task(self, description: str, total: float | None = None):
        return self._p.add_task(description, total=total) if self._p else None

    def advance(self, task, n: float = 1) -> None:
        if self._p is not None and task is not None:
            self._p.advance(task, n)

    def done(self, task, total: float | None = None) -> None:
        if self._p is not None and task is not None:
            t = total if total is not None else self._p.tasks[task].completed
            self._p.update(task, total=max(t, 1), completed=max(t, 1))


def _merge_existing(existing: dict[str, Paper], new: Iterable[Paper], title_key) -> tuple[dict[str, Paper], int, int]:
    """Add ``new`` papers to ``existing``; a paper already there (same id or title) gains the new sources."""
    papers = dict(existing)
    by_title = {title_key(p.title): pid for pid, p in papers.items() if p.title}
    added = merged = 0
    for p in new:
        pid = p.id if p.id in papers else by_title.get(title_key(p.title)) if p.title else None
        if pid is None:
            papers[p.id] = p
            if p.title:
                by_title[title_key(p.title)] = p.id
            added += 1
            continue
        old = papers[pid]
        old.sources = sorted(set(old.sources) | set(p.sources))
        old.links = old.links + [u for u in p.links if u not in old.links]
        merged += 1
    return papers, added, merged


def _load_cache(path: Path, version: str) -> dict[str, dict]:
    if not path.exists():
        return {}
    cache = {}
    for row in read_jsonl(path):
        if row.get("version") == version:
            cache[row["key"]] = row["extraction"]
    return cache


def _cache_key(p: Paper) -> str:
    return f"{p.id}|{p.content_key()}"


def build(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    format: str | None = None,
    strict: bool = False,
    workers: int = 1,
    base_iri: str | None = None,
    dask: str | None = None,
    partition_size: int = 256,
    stores: bool = True,
    compact_store: bool = False,
    fresh: bool = False,
    progress: bool = False,
    return_report: bool = False,
) -> KnowledgeGraph | BuildReport:
    """Build (or extend) the knowledge graph of ``inputs`` in ``out_dir``.

    Args:
        inputs: files or directories of paper records (formats detected unless ``format`` is given).
        out_dir: the build directory; created if missing; extended if it already holds a graph.
        format: one input format for all inputs (see ``kg.ingest.FORMATS``).
        strict: raise on the first malformed record instead of skipping and counting it.
        workers: extraction processes.
        base_iri: base of the RDF IRIs (kept from the previous build when not given).
        dask: a Dask scheduler address, or ``"local"``, to run extraction on a Dask cluster.
        partition_size: papers per Dask task.
        stores: also write the SPARQL and Cypher stores.
        compact_store: compact the SPARQL store once loaded (see :func:`kg.rdf.write_store`).
        fresh: ignore the graph already in ``out_dir`` (the extraction cache is still used).
        progress: show progress bars on stderr.
        return_report: return the :class:`BuildReport` (its ``graph`` holds the graph) instead of the graph.

    Returns:
        The built :class:`~kg.graph.model.KnowledgeGraph`, or the report.

    Raises:
        InputError: an input does not exist, or (strict) a record is malformed.
        BuildError: the output cannot be written; BuildLockedError: another build runs on it.
    """
    from kg.ingest import IngestReport, check_inputs, normalise_title, read_papers

    t0 = time.perf_counter()
    out = Path(out_dir)
    input_paths = [Path(p) for p in inputs]
    check_inputs(input_paths)
    _check_output_dir(out)
    out.mkdir(parents=True, exist_ok=True)

    lock = FileLock(str(out / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLockedError(
            f"Another kg build is running on {out} (it holds {out / LOCK_NAME}). "
            "Wait for it to finish, or build into another directory."
        ) from None
    try:
        _remove_debris(out)
        report = BuildReport(build_dir=out, inputs=[str(p) for p in input_paths])
        previous = load_graph(out) if is_build_dir(out) and not fresh else None
        with _Progress(progress) as prog, contextlib.ExitStack() as stack:
            stack.enter_context(fork_guard(prog.lock()))
            # with more than one worker the Cypher store is loaded by a process forked once the graph is linked
            parallel = stores and (workers > 1 or bool(dask))
            from kg.extract import PIPELINE_VERSION, extract_papers
            from kg.link import link

            # -- ingest --------------------------------------------------------------------------
            s = time.perf_counter()
            ingest = IngestReport()
            t_read = prog.task("reading")
            new_papers = []
            for p in read_papers(input_paths, format=format, strict=strict, report=ingest):
                new_papers.append(p)
                prog.advance(t_read)
            prog.done(t_read)
            report.ingest = ingest.to_dict()
            existing = dict(previous.papers) if previous else {}
            report.papers_before = len(existing)
            papers, report.papers_added, report.papers_merged_existing = _merge_existing(existing, new_papers, normalise_title)
            report.stages["ingest"] = time.perf_counter() - s

            # -- extract (cached by paper content and pipeline version) ---------------------------
            s = time.perf_counter()
            from kg.extract.document import PaperExtraction

            cache_path = out / CACHE_FILE
            cache = _load_cache(cache_path, PIPELINE_VERSION)
            extractions: dict[str, PaperExtraction] = {}
            todo = []
            for pid in sorted(papers):
                hit = cache.get(_cache_key(papers[pid]))
                if hit is not None:
                    extractions[pid] = PaperExtraction.from_dict(hit)
                else:
                    todo.append(papers[pid])
            report.cached = len(extractions)
            t_ex = prog.task("extracting", total=len(papers))
            prog.advance(t_ex, report.cached)
            if dask:
                from kg.distributed import extract_on_dask

                stream = extract_on_dask(todo, dask, work_dir=out / "partitions", partition_size=partition_size)
            else:
                if todo:
                    from kg.extract.spacy_build import note_profiling_hooks

                    note_profiling_hooks()
                stream = extract_papers(todo, workers=workers)
            for ex in stream:
                extractions[ex.paper] = ex
                report.extracted += 1
                prog.advance(t_ex)
                if parallel and report.extracted == 1:
                    # the workers have the cores; this process, idle until they finish, imports what the Cypher
                    # store's loader needs, so the process forked for it later starts loading at once
                    _import_cypher_loader()
            report.stages["extract"] = time.perf_counter() - s
            write_jsonl(
                cache_path,
                (
                    {"key": _cache_key(papers[pid]), "version": PIPELINE_VERSION, "extraction": extractions[pid].to_dict()}
                    for pid in sorted(extractions)
                ),
            )

            # -- link -----------------------------------------------------------------------------
            # linking, the graph files and the stores build long-lived objects, not garbage: no collector passes
            stack.enter_context(gc_paused())
            s = time.perf_counter()
            t_link = prog.task("linking", total=1)
            graph = link(papers, extractions, previous=previous, workers=workers)
            # the graph holds what the stores need: the extractions, the cache rows and the previous build's graph
            # (all but its metadata) would be a second copy of every mention through the longest stage
            previous_meta = dict(previous.meta) if previous else {}
            del extractions, cache, previous
            release_free_memory()
            prog.done(t_link)
            report.stages["link"] = time.perf_counter() - s

            # -- graph + stores ---------------------------------------------------------------
            if stores:
                report.stores_side_by_side = parallel = parallel and _stores_fit_side_by_side(len(graph.papers))
            if parallel:
                # forked now, the child holds the linked graph without re-reading it and loads the Cypher store
                # while this process writes the graph files and the SPARQL store
                _import_cypher_loader()
                cypher_job = stack.enter_context(forked_call(functools.partial(_write_cypher_store, graph, out)))
            s = time.perf_counter()
            # how many ids a relink kept is about this run, not the graph: it goes to the report only
            link_meta = dict(graph.meta)
            report.link = dict(link_meta.get("link", {}))
            if "link" in link_meta:
                link_meta["link"] = {k: v for k, v in report.link.items() if k != "previous_ids_kept"}
            report.outputs["graph"] = str(
                save_graph(
                    graph, out,
                    meta=lambda content: {**link_meta, **_meta(content, previous_meta, input_paths, base_iri, PIPELINE_VERSION)},
                )
            )
            report.stages["graph"] = time.perf_counter() - s
            if stores:
                _write_stores(graph, out, report, prog, cypher_job=cypher_job if parallel else None, threads=max(1, workers),
                              compact=compact_store)
        report.stats = graph.stats()
        report.elapsed = time.perf_counter() - t0
        report.graph = graph
        report.outputs["report"] = str(out / "build-report.json")
        with atomic_write(out / "build-report.json") as fh:
            fh.write(dumps(report.to_dict()) + "\n")
        log.info("built %s: %d papers in %.1f s", out, len(graph.papers), report.elapsed)
        return report if return_report else graph
    finally:
        lock.release()


#: temporary folders the stores write into before renaming them into place (kg.rdf.store, kg.cypher.store)
_DEBRIS = (".rdf.tmp-*", ".rdf.old-*", "cypher/.build-*")


def _remove_debris(out: Path) -> None:
    """Remove the temporary folders a killed build left (this build holds the lock: no other build writes them)."""
    import shutil

    found = [p for pattern in _DEBRIS for p in out.glob(pattern) if p.is_dir()]
    for p in found:
        shutil.rmtree(p, ignore_errors=True)
    if found:
        log.info("Removed %d temporary folder(s) an interrupted build left in %s.", len(found), out)


#: memory the two store stages take side by side beyond the driver's graph: a fixed part and a part per paper,
#: fitted to what they took at 10k and 100k abstracts (2026-12-07, docs/scaling.md): the SPARQL store's load in the
#: driver (+0.9 and +3.7 GiB) and the Cypher store's process (1.7 and 11.8 GiB with its own graph), i.e. 2.6 GiB
#: and 15.5 GiB. A 100k build side by side outgrew this machine's 24 GiB before the stores' memory was cut.
STORES_SIDE_BY_SIDE_FIXED_MIB = 1200
STORES_SIDE_BY_SIDE_KIB_PER_PAPER = 150


def _available_memory() -> int:
    """Bytes of memory available to new allocations without swapping (Linux: ``MemAvailable``)."""
    import psutil

    return int(psutil.virtual_memory().available)


def _stores_fit_side_by_side(n_papers: int) -> bool:
    """Whether both stores can be loaded at once; if not, say so (they are then loaded one after the other)."""
    need = (STORES_SIDE_BY_SIDE_FIXED_MIB * 1024 + n_papers * STORES_SIDE_BY_SIDE_KIB_PER_PAPER) * 1024
    avail = _available_memory()
    if need <= 0.9 * avail:
        return True
    log.warning(
        "Loading the SPARQL and Cypher stores one after the other: side by side they would need about %.1f GiB of "
        "memory for %d papers, and %.1f GiB is available. The build takes longer but fits.",
        need / 2**30, n_papers, avail / 2**30,
    )
    return False


def _import_cypher_loader() -> None:
    """Import what the Cypher store's loader needs (LadybugDB, pandas, which LadybugDB's COPY imports)."""
    import ladybug  # noqa: F401
    import pandas  # noqa: F401

    import kg.cypher.store  # noqa: F401


def _write_cypher_store(graph: KnowledgeGraph, out: Path) -> tuple[str, float]:
    """Load the Cypher store of ``graph`` (in the process :func:`kg.forking.forked_call` made for it)."""
    from kg.cypher import write_store as write_cypher

    s = time.perf_counter()
    path = write_cypher(graph, out)
    return str(path), time.perf_counter() - s


def _write_stores(
    graph: KnowledgeGraph, out: Path, report: BuildReport, prog: _Progress, cypher_job: ForkedCall | None = None,
    threads: int = 1, compact: bool = False,
) -> None:
    """Load the SPARQL and the Cypher store; side by side when ``cypher_job`` (a :func:`_write_cypher_store` of
    this graph in a forked process) is given.

    Both loaders are mostly Python work that holds the GIL, so in parallel mode the Cypher store is loaded by a
    forked process, which holds the graph as it was when linked, while this process loads the SPARQL store.
    ``threads`` bulk loads of the SPARQL store run at once (Rust work, without the GIL), so its share of the cores
    follows ``--workers`` like extraction's.
    """
    from kg.cypher import write_store as write_cypher
    from kg.rdf import write_store as write_rdf

    t_st = prog.task("stores", total=2)
    if cypher_job is None:
        writers = (("rdf store", "sparql store", lambda g, o: write_rdf(g, o, threads=threads, compact=compact)), ("cypher store", "cypher store", write_cypher))
        for name, output, writer in writers:
            s = time.perf_counter()
            report.outputs[output] = str(writer(graph, out))
            report.stages[name] = time.perf_counter() - s
            prog.advance(t_st)
        return
    s = time.perf_counter()
    rdf_path = str(write_rdf(graph, out, threads=threads, compact=compact))
    report.stages["rdf store"] = time.perf_counter() - s
    prog.advance(t_st)
    cypher_path, report.stages["cypher store"] = cypher_job.result()
    prog.advance(t_st)
    report.outputs["sparql store"] = rdf_path
    report.outputs["cypher store"] = cypher_path


def _meta(content: str, prev: dict, inputs: list[Path], base_iri: str | None, version: str) -> dict:
    """Build metadata from the previous build's (``prev``, empty for a fresh build); timestamps change only when the
    graph's content does, so rebuilds are byte-identical."""
    sources = sorted(set(prev.get("inputs", [])) | {str(p) for p in inputs})
    if prev.get("content_hash") == content and prev.get("inputs") == sources:
        created, modified = prev.get("created"), prev.get("modified")
    else:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch) if epoch else None))
        created, modified = prev.get("created", now), now
    from kg import __version__

    return {
        "base_iri": base_iri or prev.get("base_iri") or DEFAULT_BASE_IRI,
        "content_hash": content,
        "created": created,
        "modified": modified,
        "inputs": sources,
        "kg_version": __version__,
        "pipeline_version": version,
    }
