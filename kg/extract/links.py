"""``kg_links``: URLs (code, data, project pages) found in the text."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.spans import doc_text


_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`{}|\\^]+|(?<![\w./])(?:github\.com|huggingface\.co|gitlab\.com)/[^\s<>\"'`{}|\\^]+",
    re.I,
)


def find_links(text: str) -> list[tuple[int, int]]:
    """Character spans of URLs in ``text`` (trailing punctuation and unbalanced brackets excluded)."""
    out = []
    for m in _URL.finditer(text):
        s, e = m.start(), m.end()
        url = text[s:e]
        while url and (url[-1] in ".,;:!?'\"" or (url[-1] == ")" and url.count(")") > url.count("("))
                       or (url[-1] == "]" and url.count("]") > url.count("["))):
            url = url[:-1]
        if len(url) > 10:
            out.append((s, s + len(url)))
    return out


@Language.factory("kg_links", default_config={})
def make_links(nlp: Language, name: str):
    """URLs (code, data, project pages) into ``doc.user_data["kg_links"]``."""

    def links(doc: Doc) -> Doc:
        doc.user_data["kg_links"] = find_links(doc_text(doc))
        return doc

    return links
