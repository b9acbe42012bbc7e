"""Public extraction API: load the shipped pipeline, run it over papers, turn docs into PaperExtraction.

Title and abstract are processed as one text (``title + "\\n\\n" + abstract``) so that the consistency pass and
abbreviations see the whole paper; offsets are mapped back to each field. The model sees a length-preserving
normalisation of the text (:mod:`kg.extract.textnorm`) and every mention's text is sliced from the original field,
so ``getattr(paper, field)[start:end] == mention.text`` holds whatever the input holds.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import hashlib
import logging
import gc
import itertools
import multiprocessing as mp
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import components as _components  # registers the factories
from kg.extract import tokenizer as _tokenizer  # noqa: F401  (registers the tokenizer)
from kg.extract.blas import hold_one_blas_thread, single_blas_thread, use_numpy_gemm
from kg.extract.components import SOURCE_CONFIDENCE
from kg.extract.spans import doc_text, sentence_spans
from kg.extract.links import find_links
from kg.extract.document import Abbreviation, PaperExtraction, ResultCandidate
from kg.extract.textnorm import normalize
from kg.graph.model import Mention, Paper

log = logging.getLogger(__name__)
T = TypeVar("T")

MODEL_DIR = Path(__file__).with_name("model")
SEP = "\n\n"
#: texts longer than this are processed in pieces cut at sentence ends (bounded memory and time per call)
CHUNK_CHARS = 20_000


#: modules of kg/extract that do not change what extraction outputs (training, evaluation, CLI glue)
_NOT_EXTRACTION_CODE = {"__init__.py", "assemble.py", "cli_commands.py", "data.py", "detok.py", "evaluate.py",
                        "spacy_build.py", "training.py"}


def _pipeline_version(model_dir: Path = MODEL_DIR) -> str:
    h = hashlib.sha1()
    h.update(_components.RULES_VERSION.encode())
    for p in sorted(model_dir.glob("*.json")) + sorted(model_dir.glob("*.cfg")) + sorted(model_dir.glob("*/*.json")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    # every module of the package shapes the output, except these tools around it: a new module cannot be forgotten
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name not in _NOT_EXTRACTION_CODE:
            h.update(path.read_bytes())
    ner_model = model_dir / "ner" / "model"
    if ner_model.is_file():
        h.update(hashlib.sha1(ner_model.read_bytes()).digest())
    return "kg-extract-" + h.hexdigest()[:12]


try:
    PIPELINE_VERSION = _pipeline_version()
except OSError:  # pragma: no cover - model directory missing in a broken install
    PIPELINE_VERSION = "kg-extract-missing-model"


def load_pipeline(path: str | Path | None = None) -> Language:
    """Load the extraction pipeline shipped in ``kg/extract/model`` (or ``path``); never downloads anything."""
    path = Path(path) if path else MODEL_DIR
    if not (path / "config.cfg").is_file():
        from kg.errors import KGError

        raise KGError(
            f"The extraction model directory {path} has no config.cfg; reinstall the package or rebuild the model "
            "with `kg train --output kg/extract/model`."
        )
    nlp = spacy.load(path)
    nlp.max_length = 10_000_000
    return use_numpy_gemm(nlp)


# ----------------------------------------------------------------------------------------- per paper
class _Job:
    """One paper's joint text and how to map its offsets back to fields."""

    __slots__ = ("paper", "parts", "text")

    def __init__(self, paper: Paper):
        self.paper = paper
        parts: list[tuple[str, int, str]] = []  # (field, offset in joint text, original field text)
        pieces = []
        pos = 0
        for field in ("title", "abstract", "text"):
            value = getattr(paper, field, None) or ""
            if not isinstance(value, str) or not value:
                continue
            if pieces:
                pieces.append(SEP)
                pos += len(SEP)
            parts.append((field, pos, value))
            pieces.append(value)
            pos += len(value)
        self.parts = parts
        self.text = "".join(pieces)

    def field_of(self, start: int, end: int) -> tuple[str, int, str] | None:
        for field, off, value in self.parts:
            if off <= start and end <= off + len(value):
                return field, off, value
        return None


def _make_docs(nlp: Language, job: _Job) -> list[Doc]:
    """The joint text as one or more Docs (long texts cut at sentence-like boundaries), normalised."""
    norm = normalize(job.text)
    title_end = len(job.paper.title or "") if job.parts and job.parts[0][0] == "title" else 0
    pieces = []
    if len(norm) <= CHUNK_CHARS:
        pieces.append((0, norm))
    else:
        start = 0
        while start < len(norm):
            end = min(len(norm), start + CHUNK_CHARS)
            if end < len(norm):
                cut = max(norm.rfind(". ", start, end), norm.rfind("\n", start, end))
                if cut <= start + CHUNK_CHARS // 2:
                    cut = norm.rfind(" ", start, end)
                if cut > start:
                    end = cut + 1
            pieces.append((start, norm[start:end]))
            start = end
    docs = []
    for off, piece in pieces:
        doc = nlp.make_doc(piece)
        doc.user_data["kg_text"] = piece  # the tokenizer preserves the text exactly
        doc.user_data["kg_offset"] = off
        if off == 0 and title_end:
            doc.user_data["kg_title_end"] = title_end
        docs.append(doc)
    return docs


def _to_extraction(job: _Job, docs: list[Doc], version: str) -> PaperExtraction:
    paper = job.paper
    ex = PaperExtraction(paper=paper.id, pipeline_version=version)
    sentences: dict[str, list[tuple[int, int]]] = {}
    for doc in docs:
        off = doc.user_data.get("kg_offset", 0)
        dtext = doc_text(doc)
        for ta, tb in sentence_spans(doc):
            if tb <= ta:
                continue
            # the sentence's characters sliced from the cached text: Span.text would build a Token per word
            last = doc[tb - 1]
            start_char = doc[ta].idx
            st = dtext[start_char : last.idx + len(last)]
            lstrip = len(st) - len(st.lstrip())
            a, b = off + start_char + lstrip, off + start_char + len(st.rstrip())
            if b <= a:
                continue
            loc = job.field_of(a, b)
            if loc is None:
                # a sentence spanning the title/abstract joint: split it at the fields' ends
                for field, foff, value in job.parts:
                    lo, hi = max(a, foff), min(b, foff + len(value))
                    if hi > lo and value[lo - foff : hi - foff].strip():
                        seg = value[lo - foff : hi - foff]
                        l2 = len(seg) - len(seg.lstrip())
                        sentences.setdefault(field, []).append((lo - foff + l2, hi - foff - (len(seg) - len(seg.rstrip()))))
                continue
            field, foff, _v = loc
            sentences.setdefault(field, []).append((a - foff, b - foff))
    ex.sentences = {f: [list(x) for x in sorted(set(v))] for f, v in sentences.items()}

    sent_starts = {f: [a for a, _b in v] for f, v in ex.sentences.items()}

    def sent_of(field: str, start: int) -> tuple[int, int]:
        i = bisect.bisect_right(sent_starts.get(field, []), start) - 1
        if i >= 0:
            a, b = ex.sentences[field][i]
            if a <= start < b:
                return a, b
        return 0, 0

    for doc in docs:
        off = doc.user_data.get("kg_offset", 0)
        src = doc.user_data.get("kg_sources", {})
        for e in doc.ents:
            a, b = off + e.start_char, off + e.end_char
            loc = job.field_of(a, b)
            if loc is None:
                continue
            field, foff, value = loc
            s, t = a - foff, b - foff
            text = value[s:t]
            # the original may hold characters the normalised text blanked: keep the span tight
            stripped = text.strip()
            if not stripped:
                continue
            s += len(text) - len(text.lstrip())
            t = s + len(stripped)
            source = src.get((e.start_char, e.end_char), "ner")
            ss, se = sent_of(field, s)
            ex.mentions.append(
                Mention(
                    paper=paper.id,
                    field=field,
                    start=s,
                    end=t,
                    text=value[s:t],
                    type=e.label_,
                    sent_start=ss,
                    sent_end=se,
                    source=source,
                    confidence=SOURCE_CONFIDENCE.get(source, 0.8),
                )
            )
        for ss_, se_, ls, le in doc.user_data.get("kg_abbrevs", []):
            loc = job.field_of(off + ls, off + se_)
            if loc is None:
                continue
            field, foff, value = loc
            s1, e1, s2, e2 = off + ss_ - foff, off + se_ - foff, off + ls - foff, off + le - foff
            ex.abbreviations.append(
                Abbreviation(paper.id, field, value[s1:e1], value[s2:e2], s1, e1, s2, e2)
            )
        for r in doc.user_data.get("kg_results", []):
            a, b = off + r["sent"][0], off + r["sent"][1]
            loc = job.field_of(a, b) or job.field_of(off + r["value_span"][0], off + r["value_span"][1])
            if loc is None:
                continue
            field, foff, value = loc
            spans = {}
            strings = {}
            for role, (rs, re_) in r["roles"].items():
                rs2, re2 = off + rs - foff, off + re_ - foff
                if 0 <= rs2 <= re2 <= len(value):
                    spans[role] = [rs2, re2]
                    strings[role] = value[rs2:re2]
            vs, ve = off + r["value_span"][0] - foff, off + r["value_span"][1] - foff
            ss2, se2 = max(0, a - foff), min(len(value), b - foff)
            ex.results.append(
                ResultCandidate(
                    paper=paper.id,
                    field=field,
                    sent_start=ss2,
                    sent_end=se2,
                    value=r["value"],
                    value_text=value[vs:ve],
                    unit=r["unit"],
                    value_start=vs,
                    value_end=ve,
                    method=strings.get("method"),
                    dataset=strings.get("dataset"),
                    metric=strings.get("metric"),
                    task=strings.get("task"),
                    spans=spans,
                )
            )
    links: list[str] = []
    for _field, _off, value in job.parts:
        for s, t in find_links(value):
            if value[s:t] not in links:
                links.append(value[s:t])
    for url in paper.links or []:
        if url not in links:
            links.append(url)
    ex.links = links
    ex.mentions.sort(key=lambda m: (("title", "abstract", "text").index(m.field), m.start, m.end))
    return ex


def extract_paper(nlp: Language, paper: Paper) -> PaperExtraction:
    """Run the pipeline over one paper (title, abstract and/or free text)."""
    return next(_extract_serial([paper], nlp, batch_size=1))


def _extract_serial(papers: Iterable[Paper], nlp: Language, batch_size: int = 64) -> Iterator[PaperExtraction]:
    version = PIPELINE_VERSION
    pending: list[tuple[_Job, int]] = []
    all_docs: list[Doc] = []

    def flush():
        outs = list(nlp.pipe(all_docs, batch_size=batch_size))
        i = 0
        for job, n in pending:
            yield _to_extraction(job, outs[i : i + n], version)
            i += n
        pending.clear()
        all_docs.clear()

    for paper in papers:
        job = _Job(paper)
        docs = _make_docs(nlp, job)
        pending.append((job, len(docs)))
        all_docs.extend(docs)
        if len(all_docs) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()


# ------------------------------------------------------------------------------------------ parallel
_ALLOCATOR_TUNED = False


def _tune_allocator() -> None:
    """Keep freed memory in the process instead of handing it back to the kernel after every NER batch.

    glibc serves the NER's large scratch arrays with ``mmap`` and unmaps them on free, so every batch faults its
    pages in again: about 400k page faults and 1.3 CPU-seconds of kernel time over 1,017 abstracts (6 % of the
    work). Fixed thresholds (32 MB per mapping, 256 MB kept before trimming) cut that to about 40k faults; the
    setting is process-wide, inherited by forked workers and changes nothing but memory reuse. No-op off glibc.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc (macOS, musl without mallopt)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 * 1024 * 1024)
    mallopt(m_trim_threshold, 256 * 1024 * 1024)


def _task_sizes(total: int | None, workers: int, batch_size: int) -> Iterator[int]:
    """Papers per task: full NER batches while plenty remain, then shrinking so the workers finish together.

    With an unknown total (a lazy iterable), half batches as before.
    """
    if total is None:
        while True:
            yield max(8, batch_size // 2)
    remaining = total
    while remaining > 0:
        n = min(batch_size, max(8, remaining // (2 * workers)), remaining)
        yield n
        remaining -= n


_WORKER_NLP: Language | None = None


def _worker_init(path: str | None) -> None:
    global _WORKER_NLP
    hold_one_blas_thread()  # a forked worker inherits the parent's limit already; a spawned one starts anew
    if _WORKER_NLP is None:
        _WORKER_NLP = load_pipeline(path)


def _worker_run(args: tuple[list[Paper], int, Callable | None]) -> list:
    papers, batch_size, post = args
    assert _WORKER_NLP is not None
    if post is None:
        return [ex.to_dict() for ex in _extract_serial(papers, _WORKER_NLP, batch_size)]
    return [post(ex, p) for p, ex in zip(papers, _extract_serial(papers, _WORKER_NLP, batch_size))]


def extract_papers(
    papers: Iterable[Paper],
    nlp: Language | None = None,
    workers: int = 1,
    batch_size: int = 64,
    model_path: str | Path | None = None,
) -> Iterator[PaperExtraction]:
    """Extract every paper, in input order.

    Args:
        papers: the papers (any iterable; consumed lazily in chunks).
        nlp: a loaded pipeline (loaded from the shipped model when None).
        workers: processes to use; ``workers > 1`` forks a pool whose workers share the loaded model
            (copy-on-write) and gives output identical to ``workers=1``. ``0`` or negative: all cores.
        batch_size: docs per ``nlp.pipe`` batch, and papers per task sent to a worker.
        model_path: pipeline directory to load when ``nlp`` is None.

    Yields:
        One :class:`PaperExtraction` per paper.
    """
    yield from map_extractions(papers, None, nlp=nlp, workers=workers, batch_size=batch_size, model_path=model_path)


def map_extractions(
    papers: Iterable[Paper],
    post: Callable[[PaperExtraction, Paper], T] | None,
    nlp: Language | None = None,
    workers: int = 1,
    batch_size: int = 64,
    model_path: str | Path | None = None,
) -> Iterator[T]:
    """Like :func:`extract_papers`, but yields ``post(extraction, paper)`` computed where the extraction was made.

    With ``workers > 1`` the post-processing (e.g. building the ``kg extract`` JSON line, linking hooks included)
    then runs in the worker processes too, and only its result travels back: the parent stays a thin writer
    instead of a serial bottleneck. ``post`` must be a module-level function (it is pickled by reference);
    ``None`` yields the :class:`PaperExtraction` itself.
    """
    with single_blas_thread():
        yield from _map_extractions(papers, post, nlp, workers, batch_size, model_path)


def _map_extractions(papers, post, nlp, workers, batch_size, model_path):
    """:func:`map_extractions`'s work, run while BLAS is held at one thread."""
    _tune_allocator()
    if workers <= 0:
        workers = os.cpu_count() or 1
    if workers == 1:
        pipe = nlp or load_pipeline(model_path)
        if post is None:
            yield from _extract_serial(papers, pipe, batch_size)
            return
        papers = list(papers) if not isinstance(papers, list) else papers
        for p, ex in zip(papers, _extract_serial(papers, pipe, batch_size)):
            yield post(ex, p)
        return
    global _WORKER_NLP
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: each worker loads the model itself
        ctx = mp.get_context("spawn")
    if ctx.get_start_method() == "fork":
        # loaded once in the parent; forked workers inherit it without reloading
        _WORKER_NLP = nlp or _WORKER_NLP or load_pipeline(model_path)
        # objects alive now are never collected in the children: their pages stay shared instead of being
        # copied by the collector touching every object's header
        gc.freeze()
    # tasks of a whole NER batch while many papers remain (16 docs per batch cost about 12 % more NER time than
    # 64), shrinking towards the end so that no worker idles while the other finishes a big task
    sizes = _task_sizes(len(papers) if isinstance(papers, (list, tuple)) else None, workers, batch_size)

    def chunks():
        it = iter(papers)
        while True:
            buf = list(itertools.islice(it, next(sizes, 8)))
            if not buf:
                return
            yield (buf, batch_size, post)

    try:
        with ctx.Pool(workers, initializer=_worker_init, initargs=(str(model_path) if model_path else None,)) as pool:
            for out in pool.imap(_worker_run, chunks()):
                for d in out:
                    yield PaperExtraction.from_dict(d) if post is None else d
    finally:
        if ctx.get_start_method() == "fork":
            gc.unfreeze()
