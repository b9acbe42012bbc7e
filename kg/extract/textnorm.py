"""Length-preserving normalisation: what the model sees, with offsets identical to the original text.

Every replacement maps one code point to one code point, so a character offset into the normalised text is the
same offset into the original: mentions are always sliced from the original text. What gets replaced:

* control characters, NUL, lone surrogates and other unassigned/private code points -> space;
* runs of more than ``MAX_RUN`` identical non-alphanumeric characters (``"!" * 20000``, ``"(" * 20000``) -> the
  first ``MAX_RUN`` kept, the rest spaces: spaCy's tokenizer is quadratic on such runs (issues #1768, #4362);
* whitespace-free chunks longer than ``MAX_CHUNK`` characters get a space every ``MAX_CHUNK`` characters (the
  prefix/suffix loop is slow on them and no real name is that long).
"""

from __future__ import annotations

import re
import unicodedata

MAX_RUN = 4
MAX_CHUNK = 120

_BAD_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}
_RUN = re.compile(r"([^\w\s])\1{%d,}" % MAX_RUN)
_LONG = re.compile(r"\S{%d,}" % (MAX_CHUNK + 1))
_SAFE = re.compile(r"[\w\s.,;:!?()\[\]{}'\"%/+=<>@#&*^~`|\\$-]*")


def _clean_char(c: str) -> str:
    if c in "\n\t":
        return c
    cat = unicodedata.category(c)
    if cat in _BAD_CATEGORIES:
        return " "
    if cat == "Zs":
        return " "
    return c


def normalize(text: str) -> str:
    """Return ``text`` with the replacements above; ``len(result) == len(text)`` always holds."""
    if not text:
        return text
    if not _SAFE.fullmatch(text) or not text.isascii():
        text = "".join(_clean_char(c) for c in text)
    else:
        text = text.replace("\r", " ").replace("\x0b", " ").replace("\x0c", " ")
    text = _RUN.sub(lambda m: m.group(0)[:MAX_RUN] + " " * (len(m.group(0)) - MAX_RUN), text)
    if len(text) > MAX_CHUNK:
        text = _LONG.sub(_break_chunk, text)
    return text


def _break_chunk(m: re.Match) -> str:
    s = m.group(0)
    return "".join(" " if i and i % MAX_CHUNK == 0 else c for i, c in enumerate(s))
