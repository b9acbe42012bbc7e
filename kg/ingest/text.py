"""Text helpers of ingestion: title normalisation, repairs of decoded JSON, link finding.

Nothing here changes the length of a field except :func:`clean_whitespace` (used only by the readers that
normalise on purpose: arXiv snapshot and HF daily dumps), so offsets into fields stay valid for generic inputs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_title(title: str) -> str:
    """Return the key under which two titles count as the same paper.

    NFKC, casefold, every punctuation character replaced by a space, whitespace collapsed.
    ``"SVTRv2: CTC Beats  Encoder-Decoder"`` and ``"svtrv2 ctc beats encoder decoder"`` share a key.

    Args:
        title: a title as read.

    Returns:
        The normalised key ("" for an empty title).
    """
    t = unicodedata.normalize("NFKC", title or "").casefold()
    # Punctuation becomes a space (not nothing) so "Text-to-Image" and "Text to Image" meet.
    return " ".join(t.translate(_PUNCT_TO_SPACE).split())


class _PunctToSpace(dict):
    """A ``str.translate`` table mapping every Unicode punctuation character to a space, built lazily."""

    def __missing__(self, cp: int) -> int | str:
        v: int | str = " " if unicodedata.category(chr(cp)).startswith("P") else cp
        self[cp] = v
        return v


_PUNCT_TO_SPACE = _PunctToSpace()


def clean_whitespace(text: str) -> str:
    """Collapse every whitespace run (hard line breaks included) into one space and strip the ends."""
    return _WS.sub(" ", text or "").strip()


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate code point (only JSON ``\\ud800`` escapes produce them)."""
    return bool(_SURROGATE.search(text))


def repair_value(value: Any, path: str, repairs: list[tuple[str, str]]) -> Any:
    """Walk a decoded JSON value and repair what would break serialisers later.

    * each lone surrogate in a string becomes U+FFFD (one code point for one, so offsets hold);
    * a non-finite float (``NaN``, ``Infinity``) becomes ``None``.

    Args:
        value: the decoded value (dict, list, str, number, ...).
        path: where ``value`` sits in the record (for messages), e.g. ``"title"``.
        repairs: receives ``(reason, path)`` for every repair made.

    Returns:
        The repaired value (``value`` itself when nothing needed repair).
    """
    if isinstance(value, str):
        if not value.isascii() and _SURROGATE.search(value):
            repairs.append(("lone-surrogate", path))
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            repairs.append(("nan-value", path))
            return None
        return value
    if isinstance(value, dict):
        out = None
        for k, v in value.items():
            r = repair_value(v, f"{path}.{k}" if path else str(k), repairs)
            if r is not v:
                if out is None:
                    out = dict(value)
                out[k] = r
        return value if out is None else out
    if isinstance(value, list):
        outl = None
        for i, v in enumerate(value):
            r = repair_value(v, f"{path}[{i}]", repairs)
            if r is not v:
                if outl is None:
                    outl = list(value)
                outl[i] = r
        return value if outl is None else outl
    return value


# -- links ---------------------------------------------------------------------------------------
# A URL ends at whitespace, at a brace (LaTeX \href{..}{..} and \url{..} remnants), at quotes or angle brackets,
# or at a backslash (``flan\_nas`` inside the second brace group is LaTeX, not URL).
_URL = re.compile(r"""(?:https?://|(?<![\w/.@])(?:www\.|github\.com/|gitlab\.com/|huggingface\.co/))[^\s{}<>"'\\`|^]+""", re.I)
_URL_HINTS = ("://", "www.", "github.com/", "gitlab.com/", "huggingface.co/")
_TRAIL = ".,;:!?'\"*"
_LATEX_ESC = re.compile(r"\\([_%&#~])")
_PAIRS = {")": "(", "]": "["}


def _strip_trailing(url: str) -> str:
    while url:
        c = url[-1]
        if c in _TRAIL:
            url = url[:-1]
        elif c in _PAIRS and url.count(c) > url.count(_PAIRS[c]):
            url = url[:-1]
        else:
            break
    return url


def find_links(*texts: str | None) -> list[str]:
    """URLs written in ``texts``, cleaned of trailing punctuation, deduplicated, in order of appearance.

    Bare ``github.com/...``, ``gitlab.com/...``, ``huggingface.co/...`` and ``www....`` get ``https://``.

    Args:
        *texts: fields to scan (``None`` is skipped).

    Returns:
        The list of URLs.
    """
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        low = text.lower()
        if not any(h in low for h in _URL_HINTS):
            continue
        if "\\" in text:  # LaTeX escapes inside URLs (\href{..flan\_nas}) are not part of the address
            text = _LATEX_ESC.sub(r"\1", text)
        for m in _URL.finditer(text):
            url = _strip_trailing(m.group(0))
            if not url.lower().startswith(("http://", "https://")):
                url = "https://" + url
            host = url.split("://", 1)[1].split("/", 1)[0]
            if "." not in host or len(url) <= len(url.split("://", 1)[0]) + 4:
                continue
            key = url.lower().rstrip("/")
            if key not in seen:
                seen.add(key)
                out.append(url)
    return out
