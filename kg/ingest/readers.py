"""Format readers: each turns one file into a stream of :class:`Raw` records and :class:`Bad` entries.

Readers only split and decode; :mod:`kg.ingest.mapping` turns a raw record into paper fields. Whole-file
failures are raised as :class:`~kg.ingest.files.FileProblem` (records yielded before stay valid).
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Union

from kg.ingest.files import MAX_LINE_BYTES, FileProblem, iter_lines, json_container, read_text


@dataclass
class Raw:
    """A decoded record: its line (record index for JSON documents) and its data."""

    line: int
    data: dict[str, Any]
    from_json: bool = False  #: decoded from JSON and its text shows NaN/Infinity or a surrogate escape to repair


@dataclass
class Bad:
    """A record that could not be decoded."""

    line: int | None
    reason: str
    message: str
    byte_offset: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Event = Union[Raw, Bad]
_WRAPPER_KEYS = ("data", "results")  # S2 search/batch pages, OpenAlex result pages


def _not_utf8(line: int | None, offset: int) -> Bad:
    return Bad(line, "not-utf8", f"Byte {offset} is not valid UTF-8 (is the file in another encoding, such as "
               "Latin-1 or UTF-16?); this record was skipped. Re-encode the file as UTF-8.", offset)


def _too_long_line(line: int) -> Bad:
    return Bad(line, "too-long", f"The line is longer than {MAX_LINE_BYTES:,} bytes; no paper record is that long, "
               "so it was skipped unread.")


def _unwrap(obj: Any) -> list[Any] | None:
    """The records of an API page (``{"data": [...]}`` / ``{"results": [...]}``), or ``None`` for a plain record."""
    if isinstance(obj, dict) and "title" not in obj and "abstract" not in obj:
        for k in _WRAPPER_KEYS:
            if isinstance(obj.get(k), list):
                return obj[k]
    return None


# Only JSON text holding these can decode to NaN/Infinity or a lone surrogate; others skip the repair walk.
_MAY_NEED_REPAIR = re.compile(r"\\u[dD][89a-fA-F]|NaN|Infinity")


def _as_record(line: int, value: Any, what: str, repair: bool = True) -> Event:
    if isinstance(value, dict):
        return Raw(line, value, repair)
    return Bad(line, "not-an-object", f"The {what} is a JSON {type(value).__name__}, not an object with paper fields.")


# -- JSON Lines ----------------------------------------------------------------------------------
def read_json_lines(path: Path) -> Iterator[Event]:
    """One JSON object per line (blank lines ignored); an API page on one line yields its records."""
    for ln in iter_lines(path):
        if ln.too_long:
            yield _too_long_line(ln.number)
            continue
        if not ln.text.strip():
            continue
        if ln.bad_byte is not None:
            yield _not_utf8(ln.number, ln.bad_byte)
            continue
        try:
            value = json.loads(ln.text)
        except json.JSONDecodeError as e:
            yield Bad(ln.number, "invalid-json", f"The line is not valid JSON ({e.msg} at column {e.colno}).",
                      ln.offset + len(ln.text[: e.pos].encode("utf-8")))
            continue
        repair = _MAY_NEED_REPAIR.search(ln.text) is not None
        items = _unwrap(value)
        if items is None:
            yield _as_record(ln.number, value, "line", repair)
        else:
            for item in items:
                yield _as_record(ln.number, item, "record", repair)


# -- JSON documents ------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _at(text: str, i: int) -> str:
    return text[i] if i < len(text) else ""


def _iter_array(text: str, i: int, counter: list[int]) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(start, end, value)`` of each element of the array at ``text[i] == '['``; ``counter[0]`` = last end."""
    j = _ws(text, i + 1)
    if _at(text, j) == "]":
        counter[0] = j + 1
        return
    while True:
        start = j
        value, j = _DECODER.raw_decode(text, j)
        yield start, j, value
        j = _ws(text, j)
        c = _at(text, j)
        if c == ",":
            j = _ws(text, j + 1)
        elif c == "]":
            counter[0] = j + 1
            return
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, j)


def _iter_document(text: str) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(start, end, record)`` of the records of a JSON document, element by element.

    The document is an array of records, an API page whose ``data``/``results`` array holds them, or one record.
    Elements are decoded one at a time so records before a syntax error are kept.
    """
    i = _ws(text, 0)
    end = [0]
    c = _at(text, i)
    if c == "[":
        yield from _iter_array(text, i, end)
    elif c == "{":
        j = _ws(text, i + 1)
        members: dict[str, Any] = {}
        wrapped = False
        if _at(text, j) == "}":
            j += 1
        else:
            while True:
                if _at(text, j) != '"':
                    raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, j)
                key, j = _DECODER.raw_decode(text, j)
                j = _ws(text, j)
                if _at(text, j) != ":":
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, j)
                j = _ws(text, j + 1)
                if key in _WRAPPER_KEYS and _at(text, j) == "[" and not wrapped and "title" not in members:
                    wrapped = True
                    yield from _iter_array(text, j, end)
                    j = end[0]
                else:
                    members[key], j = _DECODER.raw_decode(text, j)
                j = _ws(text, j)
                c = _at(text, j)
                if c == ",":
                    j = _ws(text, j + 1)
                elif c == "}":
                    j += 1
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, j)
        if not wrapped:
            yield i, j, members
        end[0] = j
    else:
        _DECODER.raw_decode(text, i)  # raises the right error for a scalar or garbage
        raise json.JSONDecodeError("Expecting an array or an object of paper records", text, i)
    k = _ws(text, end[0])
    if k < len(text):
        raise json.JSONDecodeError("Extra data after the JSON document", text, k)


def read_json_document(path: Path) -> Iterator[Event]:
    """A JSON document (array, API page or single object). Line numbers are 1-based record indexes.

    The document is decoded as a whole (memory O(file)); use JSON Lines for very large inputs.
    """
    text, bad = read_text(path)
    bad_chars = [c for c, _ in bad]
    index = 0
    try:
        for start, end, value in _iter_document(text):
            index += 1
            k = bisect.bisect_left(bad_chars, start)
            if k < len(bad_chars) and bad_chars[k] < end:
                yield _not_utf8(index, bad[k][1])
                continue
            yield _as_record(index, value, f"record #{index}", _MAY_NEED_REPAIR.search(text, start, end) is not None)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}"
        hint = f" (byte {bad[0][1]} is not UTF-8)" if bad and bad_chars[0] <= e.pos else ""
        yield Bad(
            index + 1, "invalid-json",
            f"The JSON document breaks at {where}: {e.msg}{hint}. The {index} record(s) before it were read; "
            "nothing after it can be. Fix the file (or write it as JSON Lines).",
        )


def read_json(path: Path, head: str) -> Iterator[Event]:
    """JSON Lines or a JSON document, whichever the file is."""
    if json_container(head, path) == "lines":
        return read_json_lines(path)
    return read_json_document(path)


# -- CSV / TSV -----------------------------------------------------------------------------------
_CSV_LIMIT = MAX_LINE_BYTES


def read_delimited(path: Path, delimiter: str) -> Iterator[Event]:
    """CSV or TSV with a header row; a record may span lines (quoted newlines). Line = its first line."""
    if csv.field_size_limit() < _CSV_LIMIT:
        # The default (128 KiB) refuses long abstracts; records over 1 MB are refused later with a clear reason.
        csv.field_size_limit(_CSV_LIMIT)
    bad_lines: dict[int, int] = {}
    long_lines: set[int] = set()

    def lines() -> Iterator[str]:
        for ln in iter_lines(path, keepends=True):
            if ln.bad_byte is not None:
                bad_lines[ln.number] = ln.bad_byte
            if ln.too_long:
                long_lines.add(ln.number)
                yield "\n"
            else:
                yield ln.text

    reader = csv.reader(lines(), delimiter=delimiter)
    header: list[str] | None = None
    prev = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            start, prev = prev + 1, reader.line_num
            reason = "too-long" if "field larger" in str(e) else "bad-csv"
            yield Bad(start, reason, f"The row cannot be parsed as {'TSV' if delimiter == chr(9) else 'CSV'} ({e}).")
            continue
        start, prev = prev + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        bad = next((bad_lines[n] for n in range(start, prev + 1) if n in bad_lines), None)
        if header is None:
            if bad is not None:
                raise FileProblem("not-utf8", f"The header row holds bytes that are not UTF-8 (byte {bad}). "
                                  "Re-encode the file as UTF-8.", start, bad)
            header = [h.strip() for h in row]
            continue
        if bad is not None:
            yield _not_utf8(start, bad)
            continue
        if any(n in long_lines for n in range(start, prev + 1)):
            yield _too_long_line(start)
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            yield Bad(start, "bad-csv", f"The row has {len(row)} fields but the header has {len(header)}; check the "
                      "quoting of fields that hold the delimiter.")
            continue
        yield Raw(start, dict(zip(header, row + [""] * (len(header) - len(row)))))


# -- HF daily-papers text dumps ------------------------------------------------------------------
_CHROME = {
    "new", "Subscribe", "Daily Papers", "byAK and the research community",
    "Get trending papers in your email inbox!", "Get trending papers in your email inbox once a day!",
}
_DATE_LINE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?")
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z(]")


def _abstractish(s: str) -> bool:
    """Whether a line reads like an abstract paragraph rather than a title: long, or fairly long with sentences.

    Titles run to ~180 characters and may hold a "?" or end with "." ("Attention is All You Need? Good
    Embeddings ... or ...."), so only a line of 200+ characters with two sentence ends, or 400+ characters, counts.
    """
    if len(s) > 400:
        return True
    if len(s) < 200:
        return False
    return len(_SENTENCE_END.findall(s)) + (1 if s.rstrip().endswith((".", "!", "?")) else 0) >= 2


def read_hf_daily(path: Path) -> Iterator[Event]:
    """A daily-papers page dump: chrome lines dropped, then title line + abstract line per paper.

    Works with and without blank lines between lines; "Subscribe" glued to the first title is removed; date
    lines ("Sep 8") are dropped wherever they are. A title with no abstract after it, or an abstract with no
    title before it, is reported and the reader re-synchronises on the next title. Line = the title's line.
    A file is held in memory while paired (these dumps are page-sized).
    """
    items: list[tuple[int, str, int | None]] = []
    started = False
    for ln in iter_lines(path):
        if ln.too_long:
            yield _too_long_line(ln.number)
            continue
        t = ln.text.strip()
        if not t or t in _CHROME or _DATE_LINE.fullmatch(t):
            continue
        if not started and t.startswith("Subscribe") and t[9:10].strip():
            t = t[len("Subscribe"):]  # page chrome glued to the first title: "SubscribeA Survey ..."
        started = True
        items.append((ln.number, t, ln.bad_byte))
    i = 0
    while i < len(items):
        line, title, bad = items[i]
        if _abstractish(title):
            yield Bad(line, "no-title", "This paragraph reads like an abstract but no title line precedes it; it "
                      "was skipped. Each paper needs a title line followed by its abstract.")
            i += 1
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None or (not _abstractish(nxt[1]) and i + 2 < len(items) and _abstractish(items[i + 2][1])):
            yield Bad(line, "no-abstract", f"The title line {title[:80]!r} has no abstract after it; it was skipped.")
            i += 1
            continue
        i += 2
        bad = bad if bad is not None else nxt[2]
        if bad is not None:
            yield _not_utf8(line, bad)
            continue
        yield Raw(line, {"title": title, "abstract": nxt[1]})
