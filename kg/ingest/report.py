"""What ingestion read, kept, merged, skipped and repaired: :class:`IngestReport` and its parts."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.errors import InputError

log = logging.getLogger(__name__)

#: Problems kept in :attr:`IngestReport.problems`; beyond it they are still counted (``problems_not_listed``).
MAX_LISTED_PROBLEMS = 10_000
#: Problems logged one by one at WARNING level; the rest go to DEBUG (the counts stay exact).
MAX_LOGGED_PROBLEMS = 50

#: The reasons a record (or a whole file, counted as one record) is skipped.
SKIP_REASONS = {
    "invalid-json": "the line or document is not valid JSON",
    "not-an-object": "the JSON value is not an object (a paper record)",
    "no-abstract": "the record has neither an abstract nor a text",
    "no-title": "an hf-daily abstract paragraph has no title line before it",
    "too-long": "the record holds more than 1 MB of text (or a line longer than 16 MiB)",
    "not-utf8": "the bytes are not valid UTF-8",
    "binary-file": "the file holds NUL bytes: it is binary, not text",
    "empty-file": "the file holds no data",
    "bad-gzip": "the .gz file is corrupt or truncated",
    "bad-csv": "the CSV/TSV row cannot be parsed",
    "bad-field": "a title/abstract/text field holds a list or object, not text",
    "unknown-format": "the file's format is not one kg reads",
    "unreadable": "the file cannot be read (permissions, I/O error)",
}
#: The reasons a record is kept after a repair.
REPAIR_REASONS = {
    "nan-value": "a NaN/Infinity number was replaced by null",
    "lone-surrogate": "each lone UTF-16 surrogate was replaced by U+FFFD",
}


@dataclass
class Problem:
    """One bad record (or bad file), where it is and why.

    Attributes:
        file: the input file.
        line: 1-based line of the record (for JSON documents: the 1-based record index); ``None`` for a file.
        reason: a key of :data:`SKIP_REASONS` or :data:`REPAIR_REASONS`.
        byte_offset: offset of the offending byte in the (decompressed) file, where it applies.
        message: a full sentence for people.
        action: ``"skipped"`` (the record is not kept) or ``"repaired"`` (kept after a repair).
    """

    file: str
    line: int | None
    reason: str
    byte_offset: int | None = None
    message: str = ""
    action: str = "skipped"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.byte_offset is not None:
            where += f" (byte {self.byte_offset})"
        return f"{where}: {self.reason}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Conflict:
    """Two records of one paper disagree on a field; the first value is kept, the other is reported here."""

    paper: str
    field: str
    kept: Any
    other: Any
    kept_source: str
    other_source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FileSummary:
    """Per input file: its detected format and how many records it gave."""

    path: str
    format: str | None
    records: int = 0
    skipped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    """Counts and details of one :func:`kg.ingest.read_papers` run.

    ``read == kept + duplicates + sum(skipped.values())`` always holds: a file that cannot be read at all
    (empty, binary, unknown format, ...) counts as one record read and skipped.

    Attributes:
        read: records read (paper records, plus one per unreadable file).
        kept: distinct papers yielded.
        duplicates: records merged into a paper seen before.
        skipped: reason -> number of records skipped.
        repaired: reason -> number of records kept after a repair (lone surrogate, NaN).
        problems: every skip and repair (up to :data:`MAX_LISTED_PROBLEMS`).
        problems_not_listed: problems beyond that limit (counted, not listed).
        conflicts: fields on which merged records disagreed.
        files: one :class:`FileSummary` per input file, in reading order.
    """

    read: int = 0
    kept: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    strict: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def add_problem(self, problem: Problem) -> None:
        """Record ``problem`` (raises :class:`~kg.errors.InputError` in strict mode)."""
        if self.strict:
            raise InputError(
                f"{problem} (strict mode stops at the first bad record; fix the input or build without --strict "
                "to skip and count such records)"
            )
        book = self.skipped if problem.action == "skipped" else self.repaired
        book[problem.reason] = book.get(problem.reason, 0) + 1
        if problem.action == "skipped" and self.files:
            self.files[-1].skipped += 1
        n = len(self.problems) + self.problems_not_listed
        if n < MAX_LOGGED_PROBLEMS:
            log.warning("%s", problem)
        else:
            if n == MAX_LOGGED_PROBLEMS:
                log.warning("more input problems follow; they are counted in the report (DEBUG logs each)")
            log.debug("%s", problem)
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_not_listed += 1

    def add_conflict(self, conflict: Conflict) -> None:
        """Record a conflict between two records of one paper (logged as a warning)."""
        self.conflicts.append(conflict)
        kept, other = _diff(conflict.kept, conflict.other)
        log.warning(
            "paper %s: field %r differs between %s and %s; kept %s, not %s",
            conflict.paper, conflict.field, conflict.kept_source, conflict.other_source, kept, other,
        )

    def check(self) -> None:
        """Assert the bookkeeping invariant (``read == kept + duplicates + skipped``)."""
        if self.read != self.kept + self.duplicates + self.skipped_total:
            raise AssertionError(f"ingest counts do not add up: {self.to_dict()}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (every problem and conflict included)."""
        return {
            "read": self.read,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "skipped": dict(sorted(self.skipped.items())),
            "repaired": dict(sorted(self.repaired.items())),
            "problems": [p.to_dict() for p in self.problems],
            "problems_not_listed": self.problems_not_listed,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "files": [f.to_dict() for f in self.files],
        }


def _short(v: Any, n: int = 120) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 3] + "..."


def _diff(a: Any, b: Any, ctx: int = 30) -> tuple[str, str]:
    """Short forms of two differing values; long strings are cut around where they first differ."""
    if not (isinstance(a, str) and isinstance(b, str)) or max(len(a), len(b)) <= 120:
        return _short(a), _short(b)
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, i - ctx)
    return tuple(("..." if lo else "") + repr(s[lo: i + ctx]) + "..." for s in (a, b))  # type: ignore[return-value]
