"""Detokenisation: rebuild natural text from tokenised corpora (SciREX, SciERC) with char offsets.

The shared datasets are tokenised PTB-style ("state - of - the - art", "( GANs )", "-LRB-"), while the text the
pipeline sees is natural ("state-of-the-art", "(GANs)"). Training and evaluating on the natural form is what makes
the statistical model transfer to real abstracts.
"""

from __future__ import annotations

import re

_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
    "\uf020": "",
}
#: tokens glued to the previous token (no space before)
_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "!", "?", "%", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m"}
#: tokens glued to the next token (no space after)
_NO_SPACE_AFTER = {"(", "[", "{", "$"}
#: joiners: glued on both sides (inside words: "ResNet-50", "CNN/DailyMail", "state-of-the-art")
_JOINERS = {"-", "/", "–", "_", "@", "^"}
_WORDY = re.compile(r"\w")


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join ``tokens`` into natural text.

    Args:
        tokens: the tokens of one passage.

    Returns:
        The text and, for every token, its ``(start, end)`` character span in the text (empty tokens get an empty
        span at their position).
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    prev = ""
    quote_open = False
    for i, raw in enumerate(tokens):
        tok = _PTB.get(raw, raw)
        if tok == "":
            spans.append((pos, pos))
            continue
        space = bool(parts)
        if prev in _NO_SPACE_AFTER or tok in _NO_SPACE_BEFORE:
            space = False
        if (tok in _JOINERS and prev and _WORDY.search(prev[-1:]) is not None) or (
            prev in _JOINERS and _WORDY.search(tok[:1]) is not None
        ):
            space = False
        if tok == '"':
            if quote_open:
                space = False
            quote_open = not quote_open
        elif prev == '"' and quote_open:
            space = False
        if tok.startswith("'") and tok in _NO_SPACE_BEFORE:
            space = False
        if space:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
        prev = tok
    return "".join(parts), spans


def char_span(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Character span of tokens ``start`` .. ``end`` (end exclusive) given :func:`detokenize` spans."""
    s = spans[start][0]
    e = spans[end - 1][1]
    return s, e
