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
