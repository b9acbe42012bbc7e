"""Schwartz–Hearst abbreviation detection ("generative adversarial networks (GANs)") over plain text.

Schwartz & Hearst (PSB 2003): a short form in brackets after its long form; every character of the short form
must appear, in order, in the long form, the first one at the start of a word; the long form has at most
``min(|A| + 5, 2 |A|)`` words.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PAREN = re.compile(r"\(([^()\n]{1,12})\)")
_WORD = re.compile(r"\S+")
_STOP_LEFT = re.compile(r"[.;:!?()\[\]]\s|[()\[\];\n]")


class AbbrevSpan(NamedTuple):
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def _valid_short(s: str) -> bool:
    if not 2 <= len(s) <= 10 or len(s.split()) > 2:
        return False
    if not s[0].isalnum() or not any(c.isalpha() for c in s):
        return False
    if any(c in s for c in ",;=:"):
        return False
    low = s.lower()
    if low.startswith(("e.g", "i.e", "see", "fig", "eq", "sec", "tab")):
        return False
    # a single lowercase dictionary-like word ("see", "ours") is not an abbreviation
    return not (s.islower() and len(s) > 4 and s.isalpha())


def _best_long(short: str, long: str) -> int | None:
    """Start index in ``long`` of the shortest matching long form, or None (the SH algorithm)."""
    s_i = len(short) - 1
    l_i = len(long) - 1
    while s_i >= 0:
        c = short[s_i].lower()
        if not c.isalnum():
            s_i -= 1
            continue
        while (l_i >= 0 and long[l_i].lower() != c) or (s_i == 0 and l_i > 0 and long[l_i - 1].isalnum()):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    return max(long.rfind(ws, 0, l_i + 1) for ws in " \n\t") + 1


def find_abbreviations(text: str) -> list[AbbrevSpan]:
    """All (short, long) pairs in ``text`` as character spans (short form without brackets)."""
    out: list[AbbrevSpan] = []
    for m in _PAREN.finditer(text):
        short = m.group(1).strip()
        if not _valid_short(short):
            continue
        s_start = m.start(1) + m.group(1).index(short)
        s_end = s_start + len(short)
        left_end = m.start()
        while left_end > 0 and text[left_end - 1] == " ":
            left_end -= 1
        # the long form stays within the clause: stop at the previous sentence/bracket boundary
        window_start = max(0, left_end - 200)
        left = text[window_start:left_end]
        stops = list(_STOP_LEFT.finditer(left))
        if stops:
            window_start += stops[-1].end()
            left = text[window_start:left_end]
        words = list(_WORD.finditer(left))
        n_chars = sum(c.isalnum() for c in short)
        max_words = min(n_chars + 5, 2 * n_chars)
        words = words[-max_words:]
        if not words:
            continue
        cand_start = words[0].start()
        cand = left[cand_start:]
        rel = _best_long(short, cand)
        if rel is None:
            continue
        long = cand[rel:]
        if len(long) <= len(short) or short.lower() in long.lower().split():
            continue
        if len(long.split()) < 2 and not any(c in long for c in "-/"):
            # a one-word long form must at least be longer than the short form by a margin
            if len(long) < len(short) + 3:
                continue
        l_start = window_start + cand_start + rel
        out.append(AbbrevSpan(s_start, s_end, l_start, left_end))
    return out
