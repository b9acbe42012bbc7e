"""Ingestion: paper records from files of many formats, de-duplicated into :class:`~kg.graph.model.Paper` objects.

Usage::

    from kg.ingest import read_papers, IngestReport, FORMATS, check_inputs
    check_inputs(paths)                      # InputError before any work if a path is missing/unreadable
    report = IngestReport()
    papers = list(read_papers(paths, format=None, strict=False, report=report))
    report.to_dict()                         # read / kept / duplicates / skipped{reason} / problems / conflicts

Formats (:data:`FORMATS`, ``.gz`` of each read transparently, directories recursed in sorted order, hidden
files skipped): ``hf-daily`` (daily-papers page dumps), ``jsonl``, ``json`` (array, ``{"data"|"results": [...]}``
page, or one object), ``csv``, ``tsv`` (header row), ``arxiv`` (metadata snapshot), ``s2`` (Semantic Scholar
Graph API), ``openalex`` (works). See :func:`detect_format` for auto-detection.

Paper identity: ``arxiv:<id>`` > ``doi:<doi>`` > ``s2:<paperId>`` > ``openalex:<W..>`` > ``title:<hash>``
(``text:<hash>`` for a record with text but no title). Records of one paper (same id or same normalised title)
are merged; conflicting values are kept from the first record and reported in ``report.conflicts``.

Bad input never stops the run (unless ``strict``): each bad record or file is skipped, counted under a reason
of :data:`SKIP_REASONS` and listed as a :class:`Problem` naming file, line and reason; lone surrogates and NaN
are repaired (:data:`REPAIR_REASONS`) and reported. ``read == kept + duplicates + sum(skipped.values())``.

Choices worth knowing:

* Streaming and memory: files are read record by record (JSON Lines, CSV/TSV, ``.gz`` streams); only the
  de-duplicated papers and an id/title index stay in memory (O(distinct papers)). :func:`read_papers` yields the
  merged papers, in first-seen order, once every input has been read (a later record can still fill or upgrade
  an earlier paper, e.g. give a title-only paper its arXiv id). A JSON *document* (array / API page) is decoded
  whole, then walked record by record; use JSON Lines for inputs of millions of records.
  ``read_papers(..., dedup=False)`` instead yields one paper per valid record as soon as it is read.
* Exact text: generic records (jsonl, json, csv, tsv) keep ``title``/``abstract``/``text`` exactly as given, so
  extraction offsets index the input. Only the arXiv snapshot (line breaks, LaTeX remnants) and hf-daily dumps
  (page chrome, surrounding spaces) are normalised.
* JSON ``NaN``/``Infinity`` become ``null`` (the record is kept, a ``nan-value`` problem is reported); a NaN in
  the abstract therefore means "no abstract". Each lone surrogate (``"\ud800"``) becomes U+FFFD, one code
  point for one, so offsets hold (``lone-surrogate``).
* Lines: ``Problem.line`` and the ``file:line`` of ``Paper.sources`` are 1-based physical lines (a CSV record's
  first line, an hf-daily record's title line), except in JSON documents where they are 1-based record indexes.
  A file that cannot be read at all has ``line=None`` and counts as one record read and skipped.
* Limits: a record with more than 1 MB of text (title + abstract + text, UTF-8) is ``too-long``; a physical
  line over 16 MiB is skipped unread. CSV fields up to 16 MiB are accepted (the csv default of 128 KiB is
  raised process-wide).
"""

from kg.ingest.files import FORMATS, check_inputs, detect_format
from kg.ingest.reader import make_paper, read_papers
from kg.ingest.report import REPAIR_REASONS, SKIP_REASONS, Conflict, FileSummary, IngestReport, Problem
from kg.ingest.text import find_links, normalise_title

__all__ = [
    "FORMATS",
    "REPAIR_REASONS",
    "SKIP_REASONS",
    "Conflict",
    "FileSummary",
    "IngestReport",
    "Problem",
    "check_inputs",
    "detect_format",
    "find_links",
    "make_paper",
    "normalise_title",
    "read_papers",
]
