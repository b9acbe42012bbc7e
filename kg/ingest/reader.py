""":func:`read_papers`: every input file -> records -> papers, de-duplicated, with a report of what happened."""

from __future__ import annotations

import logging
import os
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from kg.errors import FormatError
from kg.graph.model import Paper
from kg.ingest.dedup import Deduplicator, refresh_id
from kg.ingest.files import FileProblem, check_format, detect_format, iter_files, read_head
from kg.ingest.mapping import MAPPERS, RecordRejected, check_text
from kg.ingest.readers import Bad, Event, read_delimited, read_hf_daily, read_json
from kg.ingest.report import REPAIR_REASONS, FileSummary, IngestReport, Problem
from kg.ingest.text import find_links, repair_value

log = logging.getLogger(__name__)

_PAPER_FIELDS = {f.name for f in fields(Paper)}


def _reader(fmt: str) -> Callable[[Path, str], Iterator[Event]]:
    if fmt == "hf-daily":
        return lambda p, head: read_hf_daily(p)
    if fmt == "csv":
        return lambda p, head: read_delimited(p, ",")
    if fmt == "tsv":
        return lambda p, head: read_delimited(p, "\t")
    # jsonl, json, arxiv, s2, openalex: JSON Lines or one JSON document, whichever the file is (a .jsonl/.ndjson
    # name always means lines), so "--format jsonl" on a JSON array still reads it record by record.
    return read_json


def _repair_message(repairs: list[tuple[str, str]], reason: str) -> str:
    where = sorted({path for r, path in repairs if r == reason})
    shown = ", ".join(repr(w) for w in where[:5]) + (" ..." if len(where) > 5 else "")
    if reason == "lone-surrogate":
        return (f"Lone UTF-16 surrogates (e.g. \"\\ud800\") in {shown} were each replaced by U+FFFD (offsets "
                "unchanged); the record was kept.")
    return f"NaN/Infinity in {shown} (not valid JSON numbers) was replaced by null; the record was kept."


def make_paper(fmt: str, data: dict[str, Any], source: str) -> Paper:
    """Build a :class:`Paper` from one decoded record of format ``fmt``.

    Raises:
        RecordRejected: the record cannot be a paper (no abstract, too long, bad field types).
    """
    f = MAPPERS[fmt](data)
    check_text(f)
    kwargs = {k: v for k, v in f.items() if k in _PAPER_FIELDS}
    p = Paper(id="", **kwargs)
    p.links = find_links(p.abstract, p.text)
    p.sources = [source]
    refresh_id(p)
    return p


def read_papers(
    paths: Sequence[str | os.PathLike[str]],
    format: str | None = None,
    strict: bool = False,
    report: IngestReport | None = None,
    *,
    dedup: bool = True,
) -> Iterator[Paper]:
    """Read papers from files and directories, de-duplicated, in first-seen order.

    Files are read one record at a time (streaming; directories in sorted order, hidden files skipped, ``.gz``
    decompressed on the fly). Duplicates are merged as they come, so memory is O(distinct papers); the merged
    papers are yielded once every input has been read (a paper's fields can still change until the last record),
    so ``report`` is complete when the first paper comes out.

    With ``dedup=False`` every valid record is yielded as its own paper as soon as it is read (constant memory;
    ``report.duplicates`` stays 0 and the report is complete once the iterator is exhausted): for tools such as
    ``kg extract`` that answer per input record.

    Args:
        paths: input files and directories.
        format: one of :data:`kg.ingest.FORMATS` for every file, or ``None`` to detect each file's format.
        strict: raise :class:`~kg.errors.InputError` at the first problem (a skip or a repair) instead of
            skipping and counting.
        report: receives counts, problems and conflicts (a fresh one is used when omitted).
        dedup: merge records of the same paper (default); ``False`` yields one paper per record, streaming.

    Yields:
        :class:`~kg.graph.model.Paper` objects.

    Raises:
        FormatError: ``format`` is not a known format, or (strict) a file's format is unknown.
        InputError: (strict) a record or file is bad.
    """
    check_format(format)
    rep = report if report is not None else IngestReport()
    rep.strict = strict
    return _read(paths, format, rep) if dedup else _read_all(paths, format, rep)


def _done(rep: IngestReport) -> None:
    rep.check()
    log.info("ingest: %d records read, %d papers kept, %d duplicates merged, %d skipped",
             rep.read, rep.kept, rep.duplicates, rep.skipped_total)


def _read(paths: Sequence[str | os.PathLike[str]], format: str | None, rep: IngestReport) -> Iterator[Paper]:
    dedup = Deduplicator(rep)
    for path in iter_files(paths):
        for paper in _read_file(Path(path), format, rep):
            dedup.add(paper)
    papers = dedup.result()
    rep.kept = len(papers)
    _done(rep)
    yield from papers


def _read_all(paths: Sequence[str | os.PathLike[str]], format: str | None, rep: IngestReport) -> Iterator[Paper]:
    for path in iter_files(paths):
        for paper in _read_file(Path(path), format, rep):
            rep.kept += 1
            yield paper
    _done(rep)


def _file_problem(rep: IngestReport, name: str, reason: str, message: str, line: int | None = None,
                  byte_offset: int | None = None) -> None:
    rep.read += 1
    if rep.files:
        rep.files[-1].records += 1
    rep.add_problem(Problem(name, line, reason, byte_offset, message))


def _read_file(path: Path, fmt: str | None, rep: IngestReport) -> Iterator[Paper]:
    """Yield the papers of one file's valid records, recording its problems in ``rep``."""
    name = str(path)
    summary = FileSummary(name, fmt)
    rep.files.append(summary)
    try:
        head = read_head(path)
        if fmt is None:
            fmt = detect_format(path, head)
    except FileProblem as e:
        _file_problem(rep, name, e.reason, e.message, e.line, e.byte_offset)
        return
    except FormatError as e:
        if rep.strict:
            raise
        _file_problem(rep, name, "unknown-format", str(e))
        return
    summary.format = fmt
    log.debug("reading %s as %s", name, fmt)
    head_text = head.decode("utf-8", "replace")
    try:
        for ev in _reader(fmt)(path, head_text):
            rep.read += 1
            summary.records += 1
            if isinstance(ev, Bad):
                rep.add_problem(Problem(name, ev.line, ev.reason, ev.byte_offset, ev.message))
                continue
            data = ev.data
            repairs: list[tuple[str, str]] = []
            if ev.from_json:
                data = repair_value(data, "", repairs)
            source = f"{name}:{ev.line}"
            try:
                paper = make_paper(fmt, data, source)
            except RecordRejected as r:
                rep.add_problem(Problem(name, ev.line, r.reason, None, r.message))
                continue
            for reason in REPAIR_REASONS:
                if any(r == reason for r, _ in repairs):
                    rep.add_problem(Problem(name, ev.line, reason, None, _repair_message(repairs, reason), "repaired"))
            yield paper
    except FileProblem as e:
        _file_problem(rep, name, e.reason, e.message, e.line, e.byte_offset)
