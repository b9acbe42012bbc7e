"""Input files: checking and expanding paths, opening (``.gz`` transparently), decoding lines, detecting formats."""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

from kg.errors import FormatError, InputError

FORMATS: tuple[str, ...] = ("hf-daily", "jsonl", "json", "csv", "tsv", "arxiv", "s2", "openalex")
_FORMATS_TEXT = ", ".join(FORMATS)

#: A physical line longer than this is skipped unread (reason ``too-long``): no record needs it.
MAX_LINE_BYTES = 16 * 1024 * 1024
#: Bytes read to detect a format or a binary file.
SNIFF_BYTES = 64 * 1024

_BOM = codecs.BOM_UTF8
_JSONL_EXT = {".jsonl", ".ndjson", ".jsonlines"}
_TEXT_EXT = {".txt", ".text"}
_HF_MARKERS = ("Get trending papers", "byAK and the research community", "Daily Papers")
GZ_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


class FileProblem(Exception):
    """A whole file cannot be read; carries the report fields."""

    def __init__(self, reason: str, message: str, line: int | None = None, byte_offset: int | None = None):
        super().__init__(message)
        self.reason, self.message, self.line, self.byte_offset = reason, message, line, byte_offset


def check_inputs(paths: Sequence[str | os.PathLike[str]]) -> None:
    """Fail before any work when an input path is missing, unreadable or an empty directory.

    Args:
        paths: the files and directories to ingest.

    Raises:
        InputError: naming the first bad path and what to do about it.
    """
    if not paths:
        raise InputError("No input was given. Pass one or more files or directories of papers.")
    for p in map(Path, paths):
        if not p.exists():
            raise InputError(
                f"The input path {str(p)!r} does not exist. Check the spelling, or pass an existing file or "
                f"directory (formats read: {_FORMATS_TEXT}, optionally .gz)."
            )
        if not os.access(p, os.R_OK) or (p.is_dir() and not os.access(p, os.X_OK)):
            raise InputError(f"The input path {str(p)!r} is not readable. Fix its permissions or pass another path.")
        if p.is_dir() and next(iter_files([p]), None) is None:
            raise InputError(
                f"The input directory {str(p)!r} holds no (non-hidden) files. Pass a directory with paper files "
                f"({_FORMATS_TEXT}) or the files themselves."
            )


def iter_files(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Path]:
    """Expand ``paths``: files as given, directories recursed in sorted order, hidden entries skipped."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield p


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressing ``.gz`` (by name or by magic number)."""
    fh = open(path, "rb")
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def _inner_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_head(path: Path) -> bytes:
    """The first :data:`SNIFF_BYTES` bytes of the (decompressed) file, BOM removed.

    Raises:
        FileProblem: ``empty-file``, ``binary-file``, ``bad-gzip`` or ``unreadable``.
    """
    try:
        with open_binary(path) as fh:
            head = fh.read(SNIFF_BYTES)
    except GZ_ERRORS as e:
        raise FileProblem("bad-gzip", f"The gzip data is corrupt ({e}); recompress the file or pass it uncompressed.")
    except OSError as e:
        raise FileProblem("unreadable", f"The file cannot be read ({e.strerror or e}).")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem("not-utf8", "The file is UTF-16 text; kg reads UTF-8. Re-encode it as UTF-8.", 1, 0)
    nul = head.find(b"\x00")
    if nul >= 0:
        raise FileProblem(
            "binary-file",
            f"The file holds a NUL byte at offset {nul}, so it is binary, not a text file of papers. Pass JSON, "
            "JSON Lines, CSV/TSV or a daily-papers text dump (optionally .gz).",
            head.count(b"\n", 0, nul) + 1,
            nul,
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        # Mostly undecodable bytes mean a binary file (per-line "not-utf8" problems would flood the report);
        # a few mean a text file in another encoding, reported record by record.
        text = head.decode("utf-8", "replace")
        if e.start < len(head) - 4 and text.count("\ufffd") > 0.1 * len(text):
            raise FileProblem(
                "binary-file",
                f"The file is mostly not UTF-8 text (first bad byte at offset {e.start}), so it is binary, not a file "
                "of papers. Pass JSON, JSON Lines, CSV/TSV or a daily-papers text dump (optionally .gz).",
                head.count(b"\n", 0, e.start) + 1,
                e.start,
            ) from None
    head = head[len(_BOM):] if head.startswith(_BOM) else head
    if not head.strip():
        raise FileProblem("empty-file", "The file is empty (or holds only whitespace); there is nothing to read.")
    return head


def _first_lines(text: str, n: int) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()][:n]


def json_flavour(head: str) -> str | None:
    """``"s2"``, ``"openalex"`` or ``"arxiv"`` when the head of a JSON input shows their keys, else ``None``."""
    if re.search(r'"paperId"\s*:', head) or re.search(r'"externalIds"\s*:', head):
        return "s2"
    if re.search(r'"abstract_inverted_index"\s*:', head) or re.search(r'"id"\s*:\s*"https://openalex\.org/W', head):
        return "openalex"
    if re.search(r'"update_date"\s*:', head) or (
        re.search(r'"categories"\s*:\s*"', head) and re.search(r'"(?:versions|submitter|authors_parsed)"\s*:', head)
    ):
        return "arxiv"
    return None


def json_container(head: str, path: Path) -> str:
    """``"lines"`` (one JSON value per line) or ``"document"`` (one JSON document) for a JSON input."""
    if head.lstrip().startswith("["):
        return "document"  # an array, even in a file misnamed .jsonl
    if _inner_suffix(path) in _JSONL_EXT:
        return "lines"
    lines = _first_lines(head, 2)
    if len(lines) < 2 and len(head) >= SNIFF_BYTES // 2:
        # The first record may be longer than the sniffed head (OpenAlex works can be): look at whole lines.
        lines = []
        for ln in iter_lines(path):
            if ln.text.strip():
                lines.append(ln.text)
                if len(lines) == 2:
                    break
    if not lines or not lines[0].lstrip().startswith("{"):
        return "document"
    if len(lines) == 1:
        return "document"
    return "lines" if lines[1].lstrip().startswith("{") and lines[0].rstrip().endswith("}") else "document"


def _csv_header(line: str) -> str | None:
    sep = "\t" if "\t" in line else ","
    cells = {c.strip().strip('"').strip().lower() for c in line.split(sep)}
    if cells & {"title", "abstract", "text", "summary", "paperabstract", "abstracttext"} and len(cells) >= 2:
        return "tsv" if sep == "\t" else "csv"
    return None


def detect_format(path: str | os.PathLike[str], head: bytes | None = None) -> str:
    """Detect the format of one input file from its extension and its first bytes.

    ``.gz`` is looked through. JSON inputs are told apart by their keys: ``paperId``/``externalIds`` (s2),
    ``abstract_inverted_index`` or an openalex.org id (openalex), ``update_date``/``categories`` (arxiv),
    otherwise ``jsonl`` (one object a line) or ``json`` (one document).

    Args:
        path: the file.
        head: its first bytes if already read (see :func:`read_head`).

    Returns:
        One of :data:`FORMATS`.

    Raises:
        FormatError: the format cannot be recognised (the message names the file and the valid formats).
        InputError: the file is empty, binary or unreadable.
    """
    p = Path(path)
    if head is None:
        try:
            head = read_head(p)
        except FileProblem as e:
            raise InputError(f"{p}: {e.message}") from None
    text = head.decode("utf-8", "replace")
    ext = _inner_suffix(p)
    stripped = text.lstrip()
    if ext == ".csv":
        return "csv"
    if ext in (".tsv", ".tab"):
        return "tsv"
    if stripped.startswith(("{", "[")) or ext in _JSONL_EXT or ext == ".json":
        if not stripped.startswith(("{", "[")):
            raise FormatError(
                f"{p}: the file is named like JSON but does not start with '{{' or '['. Fix the file, or pass "
                f"format= explicitly (valid formats: {_FORMATS_TEXT})."
            )
        flavour = json_flavour(text)
        if flavour:
            return flavour
        return "jsonl" if json_container(text, p) == "lines" else "json"
    first = _first_lines(text, 1)
    if first:
        sv = _csv_header(first[0])
        if sv:
            return sv
    if ext in _TEXT_EXT or any(m in text for m in _HF_MARKERS):
        return "hf-daily"
    raise FormatError(
        f"{p}: the format cannot be recognised (extension {ext or 'none'!r}, content not JSON, CSV/TSV with a "
        f"title/abstract header, or a daily-papers dump). Valid formats: {_FORMATS_TEXT} (optionally .gz); "
        "rename the file or pass the format explicitly."
    )


def check_format(fmt: str | None) -> None:
    """Raise :class:`FormatError` unless ``fmt`` is ``None`` or one of :data:`FORMATS`."""
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"Unknown input format {fmt!r}. Valid formats: {_FORMATS_TEXT}.")


@dataclass
class Line:
    """One physical line: number (1-based), byte offset of its start, text, and the first bad byte if any."""

    number: int
    offset: int
    text: str
    bad_byte: int | None = None  #: absolute offset of the first byte that is not UTF-8
    too_long: bool = False


def iter_lines(path: Path, keepends: bool = False) -> Iterator[Line]:
    """Decode ``path`` line by line (streaming, bounded memory), reporting bad bytes instead of failing.

    A line that is not valid UTF-8 comes back decoded with U+FFFD and ``bad_byte`` set; a line longer than
    :data:`MAX_LINE_BYTES` comes back empty with ``too_long`` set. A UTF-8 BOM at the start is dropped.

    Raises:
        FileProblem: ``bad-gzip`` when the compressed stream breaks (lines before it were yielded).
    """
    offset = 0
    number = 0
    try:
        with open_binary(path) as fh:
            while True:
                raw = fh.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                start = offset
                offset += len(raw)
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    while True:  # skip the rest of the monster line without holding it
                        more = fh.readline(MAX_LINE_BYTES)
                        offset += len(more)
                        if not more or more.endswith(b"\n"):
                            break
                    yield Line(number, start, "", None, True)
                    continue
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM):]
                    start += len(_BOM)
                try:
                    text = raw.decode("utf-8")
                    bad = None
                except UnicodeDecodeError as e:
                    text = raw.decode("utf-8", "replace")
                    bad = start + e.start
                if not keepends:
                    text = text.rstrip("\r\n")
                yield Line(number, start, text, bad)
    except GZ_ERRORS as e:
        raise FileProblem(
            "bad-gzip",
            f"The gzip data breaks after line {number} ({e}); records before it were read. Recompress the file.",
            number + 1,
        ) from None


def read_text(path: Path) -> tuple[str, list[tuple[int, int]]]:
    """The whole (decompressed) file decoded; bad UTF-8 sequences become U+FFFD.

    Returns:
        ``(text, bad)`` where ``bad`` lists ``(character index, byte offset)`` of every replaced sequence
        (the first 1000 of them).

    Raises:
        FileProblem: ``bad-gzip`` or ``unreadable``.
    """
    try:
        with open_binary(path) as fh:
            data = fh.read()
    except GZ_ERRORS as e:
        raise FileProblem("bad-gzip", f"The gzip data is corrupt ({e}); recompress the file or pass it uncompressed.")
    except OSError as e:
        raise FileProblem("unreadable", f"The file cannot be read ({e.strerror or e}).")
    skip = len(_BOM) if data.startswith(_BOM) else 0
    view = memoryview(data)
    parts: list[str] = []
    bad: list[tuple[int, int]] = []
    pos, chars = skip, 0
    while True:
        try:
            s, _ = codecs.utf_8_decode(view[pos:], "strict", True)
            parts.append(s)
            break
        except UnicodeDecodeError as e:
            good, _ = codecs.utf_8_decode(view[pos: pos + e.start], "strict", True)
            parts.append(good)
            chars += len(good)
            bad.append((chars, pos + e.start))
            parts.append("\ufffd")
            chars += 1
            pos += e.end
            if len(bad) >= 1000:
                parts.append(codecs.utf_8_decode(view[pos:], "replace", True)[0])
                break
    return "".join(parts), bad
