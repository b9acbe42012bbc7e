"""Plain functions behind ``kg extract``, ``kg evaluate`` and ``kg train`` (the CLI only wraps these)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO, Callable, Iterable

from kg.extract.document import PaperExtraction
from kg.graph.model import Paper

log = logging.getLogger(__name__)

#: Hooks that enrich each JSON object of ``kg extract`` (the linking step registers one to add ``"entity"`` per
#: mention and per-paper ``"results"``). Each is called as ``hook(obj, extraction, paper)`` and edits ``obj``.
EXTRACT_JSON_HOOKS: list[Callable[[dict, PaperExtraction, Paper], None]] = []


def extraction_to_json(ex: PaperExtraction, paper: Paper) -> dict:
    """The ``kg extract`` JSON object of one paper.

    Shape: ``{"id" (the input record's own id, else the paper id), "paper" (the graph's paper id), "mentions": [{"field", "start", "end", "text", "type", "source", "confidence"[, "entity"]}],
    "abbreviations": [...], "results": [...], "links": [...], "sentences": {...}, "pipeline_version"}``;
    offsets index the input fields exactly as given. Hooks in :data:`EXTRACT_JSON_HOOKS` run last.
    """
    mentions = []
    for m in ex.mentions:
        d = {"field": m.field, "start": m.start, "end": m.end, "text": m.text, "type": m.type,
             "source": m.source, "confidence": m.confidence}
        if m.entity is not None:
            d["entity"] = m.entity
        mentions.append(d)
    obj = {
        # the record's own id as given, so that output lines can be joined back to the input records; the graph's
        # paper id (arxiv:..., doi:..., title:<hash>) is under "paper"
        "id": paper.record_id if paper.record_id is not None else paper.id,
        "paper": paper.id,
        "mentions": mentions,
        "abbreviations": [
            {"field": a.field, "short": a.short, "long": a.long, "short_start": a.short_start,
             "short_end": a.short_end, "long_start": a.long_start, "long_end": a.long_end}
            for a in ex.abbreviations
        ],
        "results": [
            {"field": r.field, "method": r.method, "dataset": r.dataset, "metric": r.metric, "task": r.task,
             "value": r.value, "value_text": r.value_text, "unit": r.unit, "spans": r.spans,
             "sentence": [r.sent_start, r.sent_end]}
            for r in ex.results
        ],
        "links": list(ex.links),
        "sentences": ex.sentences,
        "pipeline_version": ex.pipeline_version,
    }
    for hook in EXTRACT_JSON_HOOKS:
        hook(obj, ex, paper)
    return obj


def _json_line(ex: PaperExtraction, paper: Paper) -> tuple[str, int]:
    """One ``kg extract`` output line and its number of mentions (module-level: worker processes run it)."""
    return json.dumps(extraction_to_json(ex, paper), ensure_ascii=False) + "\n", len(ex.mentions)


def run_extract(
    inputs: Iterable[str | Path],
    format: str | None = None,
    output: str | Path | None = None,
    workers: int = 1,
    batch_size: int = 64,
    out: IO[str] | None = None,
) -> dict:
    """Read papers from ``inputs`` (any :mod:`kg.ingest` format), extract them and write JSONL.

    Args:
        inputs: files or directories.
        format: input format for every file (None: detected per file).
        output: JSONL file to write (None: ``out`` or stdout).
        workers: processes (0: all cores).
        batch_size: docs per spaCy batch.
        out: stream to write to when ``output`` is None.

    Returns:
        ``{"papers": n, "mentions": m, "ingest": report dict}``.
    """
    from kg.extract.pipeline import map_extractions
    from kg.extract.spacy_build import note_profiling_hooks
    from kg.ingest import IngestReport, check_inputs, read_papers
    from kg.link.output import register_extract_hook

    register_extract_hook()  # linking adds "entity" per mention and linked "results" per paper
    paths = [str(p) for p in inputs]
    check_inputs(paths)
    report = IngestReport()
    papers = list(read_papers(paths, format=format, report=report))
    note_profiling_hooks()
    n = m = 0
    fh = open(output, "w", encoding="utf-8") if output else None
    stream = fh or out or sys.stdout
    try:
        # the JSON line (linking hooks included) is made where the extraction is made: with workers > 1 that is
        # in the worker processes, and the parent only writes
        for line, n_mentions in map_extractions(papers, _json_line, workers=workers, batch_size=batch_size):
            stream.write(line)
            n += 1
            m += n_mentions
    finally:
        if fh:
            fh.close()
    return {"papers": n, "mentions": m, "ingest": report.to_dict()}


def run_evaluate(gold: str | Path, format: str, split: str = "all", workers: int = 1) -> dict:
    """Score the shipped pipeline on annotated documents (see :func:`kg.extract.evaluate.evaluate`)."""
    from kg.extract.evaluate import evaluate

    return evaluate(Path(gold), format, split=split, workers=workers)


def run_train(output: str | Path | None = None, config: str | Path | None = None, datasets: str | Path | None = None,
              max_steps: int | None = None) -> Path:
    """Rebuild the pipeline from the shared datasets (see :func:`kg.extract.training.train`)."""
    from kg.extract.training import CONFIG_PATH, MODEL_DIR, train

    overrides = {"training.max_steps": max_steps} if max_steps else None
    return train(Path(output) if output else MODEL_DIR, Path(config) if config else CONFIG_PATH,
                 Path(datasets) if datasets else None, overrides=overrides)
