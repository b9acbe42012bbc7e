"""Paper identity: recognising arXiv ids, DOIs, Semantic Scholar and OpenAlex ids, and choosing ``Paper.id``.

The id ladder (strongest first): ``arxiv:<id without version>``, ``doi:<lowercased doi>``, ``s2:<paperId>``,
``openalex:<W...>``, then ``title:<stable_hash(normalised title)>``; a record with text but no title gets
``text:<stable_hash(normalised text)>``.
"""

from __future__ import annotations

import re
from typing import Any

from kg.graph.model import stable_hash
from kg.ingest.text import normalise_title

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"(?:arxiv:\s*)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.I)
_ARXIV_URL = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|10\.48550/arxiv\.)({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?",
    re.I,
)
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)
_S2 = re.compile(r"^(?:s2:)?([0-9a-f]{40})$", re.I)
_OPENALEX = re.compile(r"^(?:https?://openalex\.org/|openalex:)?(W\d+)$", re.I)

ID_KINDS = ("arxiv", "doi", "s2", "openalex")


def arxiv_id(value: Any) -> str | None:
    """The arXiv id (without version) in ``value``: a bare id, ``arXiv:...``, an arXiv/HF-papers URL or an arXiv DOI.

    Args:
        value: any field value.

    Returns:
        ``"2411.15858"`` or ``"hep-th/9901001"``, or ``None``.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    m = _ARXIV_ID.fullmatch(v)
    if m:
        return m.group(1).lower() if "/" in m.group(1) else m.group(1)
    m = _ARXIV_URL.search(v)
    if m:
        return m.group(1).lower() if "/" in m.group(1) else m.group(1)
    return None


def doi(value: Any) -> str | None:
    """The lowercased DOI in ``value`` (bare, ``doi:...`` or a doi.org URL), or ``None``."""
    if not isinstance(value, str):
        return None
    m = _DOI.match(value.strip())
    return m.group(1).lower().rstrip(".") if m else None


def s2_id(value: Any) -> str | None:
    """The Semantic Scholar paperId (40 hex digits, lowercased) in ``value``, or ``None``."""
    if not isinstance(value, str):
        return None
    m = _S2.match(value.strip())
    return m.group(1).lower() if m else None


def openalex_id(value: Any) -> str | None:
    """The OpenAlex work id (``W123``) in ``value`` (bare or https://openalex.org/W123), or ``None``."""
    if not isinstance(value, str):
        return None
    m = _OPENALEX.match(value.strip())
    return m.group(1).upper() if m else None


def recognise_id(value: Any) -> tuple[str, str] | None:
    """Classify a free ``id`` field: ``("arxiv", "2411.15858")``, ``("doi", ...)``, ``("s2", ...)``, ``("openalex", ...)``.

    Accepts the prefixed forms ``Paper.id`` uses (``arxiv:``, ``doi:``, ``s2:``, ``openalex:``) too.

    Args:
        value: the record's ``id`` (any type).

    Returns:
        ``(kind, id)`` or ``None`` when the value is not a recognisable paper id.
    """
    if isinstance(value, int) or not isinstance(value, str):
        return None
    for kind, fn in (("arxiv", arxiv_id), ("doi", doi), ("s2", s2_id), ("openalex", openalex_id)):
        r = fn(value)
        if r:
            return kind, r
    return None


def paper_id(*, arxiv: str | None, doi_: str | None, s2: str | None, openalex: str | None, title: str,
             text: str = "") -> str:
    """``Paper.id`` from the strongest id known (see the module docstring)."""
    if arxiv:
        return f"arxiv:{arxiv}"
    if doi_ and not arxiv:
        return f"doi:{doi_}"
    if s2:
        return f"s2:{s2}"
    if openalex:
        return f"openalex:{openalex}"
    key = normalise_title(title)
    if key:
        return f"title:{stable_hash(key)}"
    return f"text:{stable_hash(normalise_title(text))}"
