"""From one decoded record (a dict) of a given format to the fields of a :class:`~kg.graph.model.Paper`.

Generic records (``jsonl``, ``json``, ``csv``, ``tsv``) keep ``title``, ``abstract`` and ``text`` exactly as given
(no strip, no normalisation) because extraction offsets index those fields as given. The arXiv snapshot mapping
normalises its line breaks and LaTeX remnants; S2 and OpenAlex texts are kept as the APIs gave them.
"""

from __future__ import annotations

import email.utils
import re
from typing import Any, Callable

from kg.ingest import identity
from kg.ingest.latex import clean_latex

MAX_TEXT_BYTES = 1_000_000  #: a record with more text than this (title + abstract + text, UTF-8) is refused


class RecordRejected(Exception):
    """A record cannot become a paper; ``reason`` is a skip reason of :mod:`kg.ingest.report`."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason, self.message = reason, message


ABSTRACT_KEYS = ("abstract", "summary", "paperabstract", "abstracttext")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_RFC2822 = re.compile(r"\b(\d{1,2}) ([A-Za-z]{3}) (\d{4})\b")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), 1)}


def _lower_keys(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = str(k).strip().lower()
        if key not in out or out[key] in (None, ""):
            out[key] = v
    return out


def _text_field(d: dict[str, Any], keys: tuple[str, ...], name: str) -> str:
    for k in keys:
        v = d.get(k)
        if v is None or v == "":
            continue
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        raise RecordRejected("bad-field", f"The field {k!r} ({name}) holds a {type(v).__name__}, not a string.")
    return ""


def _year(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if 1000 <= v <= 2999 else None
    if isinstance(v, float) and v.is_integer():
        return _year(int(v))
    if isinstance(v, str):
        m = _DATE.match(v)
        return _year(int(m.group(1))) if m else None
    return None


def _date(v: Any) -> str | None:
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v) if _year(v) else None
    if not isinstance(v, str) or not v.strip():
        return None
    m = _DATE.match(v)
    if m:
        return "-".join(g for g in m.groups() if g)
    m = _RFC2822.search(v)
    if m and m.group(2).lower() in _MONTHS:  # arXiv version stamps: "Mon, 2 Apr 2007 19:18:42 GMT"
        return f"{m.group(3)}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    try:
        return email.utils.parsedate_to_datetime(v).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _split_names(s: str) -> list[str]:
    s = s.strip()
    if not s:
        return []
    parts = s.split(";") if ";" in s else re.split(r",\s*|\s+and\s+", s)
    return [p.strip() for p in parts if p.strip()]


def _authors(v: Any) -> list[str]:
    if isinstance(v, str):
        return _split_names(v)
    if not isinstance(v, list):
        return []
    out = []
    for a in v:
        if isinstance(a, str) and a.strip():
            out.append(a.strip())
        elif isinstance(a, dict):
            name = a.get("name") or a.get("display_name") or a.get("raw_author_name")
            if not name and isinstance(a.get("author"), dict):
                name = a["author"].get("display_name") or a["author"].get("name")
            if isinstance(name, str) and name.strip():
                out.append(name.strip())
    return out


def _categories(v: Any) -> list[str]:
    if isinstance(v, str):
        return [c for c in re.split(r"[\s;,]+", v) if c]
    if isinstance(v, list):
        return [c.strip() for c in v if isinstance(c, str) and c.strip()]
    return []


def _first(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, "", []):
            return v
    return None


def _str_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def map_generic(d: dict[str, Any]) -> dict[str, Any]:
    """Fields of a generic JSON/JSONL/CSV/TSV record (keys matched case-insensitively)."""
    low = _lower_keys(d)
    f: dict[str, Any] = {
        "title": _text_field(low, ("title",), "title"),
        "abstract": _text_field(low, ABSTRACT_KEYS, "abstract"),
        "text": _text_field(low, ("text",), "text") or None,
    }
    date = _date(_first(low, "date", "published", "publication_date", "publicationdate"))
    f["date"] = date
    f["year"] = _year(low.get("year")) or _year(date)
    f["authors"] = _authors(low.get("authors"))
    f["url"] = _str_or_none(_first(low, "url", "link"))
    f["categories"] = _categories(low.get("categories"))
    f["doi"] = identity.doi(low.get("doi"))
    f["arxiv_id"] = identity.arxiv_id(_first(low, "arxiv_id", "arxivid", "arxiv")) or identity.arxiv_id(
        low.get("doi")
    )
    f["s2_id"] = identity.s2_id(_first(low, "s2_id", "paperid"))
    f["openalex_id"] = identity.openalex_id(low.get("openalex_id"))
    rid = low.get("id")
    if isinstance(rid, (str, int)) and not isinstance(rid, bool):
        f["record_id"] = str(rid)
        known = identity.recognise_id(rid)
        if known:
            key = {"arxiv": "arxiv_id", "doi": "doi", "s2": "s2_id", "openalex": "openalex_id"}[known[0]]
            f[key] = f.get(key) or known[1]
    if not f["arxiv_id"] and f["url"]:
        f["arxiv_id"] = identity.arxiv_id(f["url"])
    return f


def map_arxiv(d: dict[str, Any]) -> dict[str, Any]:
    """Fields of an arXiv metadata snapshot record (title/abstract/authors cleaned of LaTeX and hard breaks)."""
    aid = identity.arxiv_id(str(d.get("id") or ""))
    title = d.get("title")
    abstract = d.get("abstract")
    if not isinstance(title, (str, type(None))) or not isinstance(abstract, (str, type(None))):
        raise RecordRejected("bad-field", "The arXiv record's title or abstract is not a string.")
    parsed = d.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        authors = []
        for a in parsed:
            if isinstance(a, list) and a:
                last, first = (a + ["", ""])[:2]
                name = clean_latex(" ".join(x for x in (first, last) if isinstance(x, str) and x))
                if name:
                    authors.append(name)
    else:
        authors = _split_names(clean_latex(d.get("authors") or "")) if isinstance(d.get("authors"), str) else []
    versions = d.get("versions")
    first_date = None
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        first_date = _date(versions[0].get("created"))
    date = first_date or _date(d.get("update_date"))
    dois = d.get("doi") if isinstance(d.get("doi"), str) else ""
    return {
        "title": clean_latex(title or ""),
        "abstract": clean_latex(abstract or ""),
        "text": None,
        "year": _year(date),
        "date": date,
        "authors": authors,
        "url": f"https://arxiv.org/abs/{aid}" if aid else None,
        "doi": identity.doi(dois.split()[0]) if dois.strip() else None,
        "arxiv_id": aid,
        "s2_id": None,
        "openalex_id": None,
        "categories": _categories(d.get("categories")),
    }


def map_s2(d: dict[str, Any]) -> dict[str, Any]:
    """Fields of a Semantic Scholar Graph API paper record."""
    ext = d.get("externalIds") if isinstance(d.get("externalIds"), dict) else {}
    cats = _categories(d.get("fieldsOfStudy"))
    if not cats and isinstance(d.get("s2FieldsOfStudy"), list):
        cats = list(dict.fromkeys(x["category"] for x in d["s2FieldsOfStudy"]
                                  if isinstance(x, dict) and isinstance(x.get("category"), str)))
    date = _date(d.get("publicationDate"))
    return {
        "title": _text_field(d, ("title",), "title"),
        "abstract": _text_field(d, ("abstract",), "abstract"),
        "text": None,
        "year": _year(d.get("year")) or _year(date),
        "date": date,
        "authors": _authors(d.get("authors")),
        "url": _str_or_none(d.get("url")),
        "doi": identity.doi(ext.get("DOI")),
        "arxiv_id": identity.arxiv_id(ext.get("ArXiv")) or identity.arxiv_id(ext.get("DOI")),
        "s2_id": identity.s2_id(d.get("paperId")),
        "openalex_id": None,
        "categories": cats,
    }


def rebuild_inverted_index(index: Any) -> str:
    """The abstract text of an OpenAlex ``abstract_inverted_index`` (words joined by spaces in position order).

    Raises:
        RecordRejected: ``bad-field`` when the index is not ``{word: [positions]}``.
    """
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise RecordRejected("bad-field", "abstract_inverted_index is not an object of word -> positions.")
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(isinstance(p, int) and p >= 0 for p in positions):
            raise RecordRejected("bad-field", f"abstract_inverted_index[{word!r}] is not a list of positions.")
        for p in positions:
            slots[p] = word
    return " ".join(slots[p] for p in sorted(slots))


def map_openalex(d: dict[str, Any]) -> dict[str, Any]:
    """Fields of an OpenAlex work (abstract rebuilt from its inverted index)."""
    ids = d.get("ids") if isinstance(d.get("ids"), dict) else {}
    doi_ = identity.doi(d.get("doi")) or identity.doi(ids.get("doi"))
    arxiv = identity.arxiv_id(doi_ or "")
    urls: list[str] = []
    for key in ("primary_location", "best_oa_location"):
        loc = d.get(key)
        if isinstance(loc, dict):
            urls += [u for u in (loc.get("landing_page_url"), loc.get("pdf_url")) if isinstance(u, str)]
    for loc in d.get("locations") or []:
        if isinstance(loc, dict):
            urls += [u for u in (loc.get("landing_page_url"), loc.get("pdf_url")) if isinstance(u, str)]
    for u in urls:
        arxiv = arxiv or identity.arxiv_id(u)
    abstract = _text_field(d, ("abstract",), "abstract") or rebuild_inverted_index(d.get("abstract_inverted_index"))
    date = _date(d.get("publication_date"))
    return {
        "title": _text_field(d, ("display_name", "title"), "title"),
        "abstract": abstract,
        "text": None,
        "year": _year(d.get("publication_year")) or _year(date),
        "date": date,
        "authors": _authors(d.get("authorships")),
        "url": urls[0] if urls else (f"https://doi.org/{doi_}" if doi_ else _str_or_none(d.get("id"))),
        "doi": doi_,
        "arxiv_id": arxiv,
        "s2_id": None,
        "openalex_id": identity.openalex_id(d.get("id")) or identity.openalex_id(ids.get("openalex")),
        "categories": [],
    }


def map_hf_daily(d: dict[str, Any]) -> dict[str, Any]:
    """Fields of one HF daily-papers record (title and abstract already stripped of page chrome)."""
    return {"title": d["title"], "abstract": d["abstract"], "text": None, "year": None, "date": None,
            "authors": [], "url": None, "doi": None, "arxiv_id": None, "s2_id": None, "openalex_id": None,
            "categories": []}


MAPPERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "hf-daily": map_hf_daily,
    "jsonl": map_generic,
    "json": map_generic,
    "csv": map_generic,
    "tsv": map_generic,
    "arxiv": map_arxiv,
    "s2": map_s2,
    "openalex": map_openalex,
}


def check_text(f: dict[str, Any]) -> None:
    """Refuse a record without abstract/text, or with more than :data:`MAX_TEXT_BYTES` of text.

    Raises:
        RecordRejected: ``no-abstract`` or ``too-long``.
    """
    title, abstract, text = f.get("title") or "", f.get("abstract") or "", f.get("text") or ""
    if not abstract.strip() and not text.strip():
        what = f"titled {title.strip()[:80]!r}" if title.strip() else "without a title"
        raise RecordRejected(
            "no-abstract", f"The record ({what}) has no abstract or text (fields abstract/summary/paperAbstract/"
            "abstractText/text), so there is nothing to extract from."
        )
    n = len(title) + len(abstract) + len(text)
    if n * 4 > MAX_TEXT_BYTES:
        size = sum(len(s.encode("utf-8", "surrogatepass")) for s in (title, abstract, text))
        if size > MAX_TEXT_BYTES:
            raise RecordRejected(
                "too-long", f"The record holds {size:,} bytes of text, more than the {MAX_TEXT_BYTES:,} bytes a paper "
                "record may hold; it is probably not an abstract (a full text or a concatenation). Split or trim it."
            )
