"""Merging records of the same paper: same id (arXiv, DOI, S2, OpenAlex) or same normalised title.

The first record of a paper is the base; later records fill its empty fields and add their sources. Where
two records hold different non-empty values the first is kept and a :class:`~kg.ingest.report.Conflict` is
reported. Two records sharing a title but holding different ids of the same kind (two arXiv ids, say) are
different papers with the same title and are kept apart.
"""

from __future__ import annotations

import logging
from typing import Any

from kg.graph.model import Paper, stable_hash
from kg.ingest import identity
from kg.ingest.report import Conflict, IngestReport
from kg.ingest.text import find_links, normalise_title

log = logging.getLogger(__name__)

_ID_FIELDS = (("arxiv", "arxiv_id"), ("doi", "doi"), ("s2", "s2_id"), ("openalex", "openalex_id"))
_SCALARS = ("title", "abstract", "text", "year", "date", "url", "doi", "arxiv_id", "s2_id", "openalex_id")
_LISTS = ("authors",)  # categories are unioned: sources use different taxonomies (cs.CL vs Computer Science)


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or (isinstance(v, str) and not v.strip())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b


def _is_arxiv_doi(d: str | None) -> bool:
    return bool(d) and d.startswith("10.48550/")  # type: ignore[union-attr]


def refresh_id(p: Paper) -> None:
    """Set ``p.id`` from the strongest id ``p`` holds (see :mod:`kg.ingest.identity`)."""
    p.id = identity.paper_id(arxiv=p.arxiv_id, doi_=p.doi, s2=p.s2_id, openalex=p.openalex_id, title=p.title,
                             text=(p.abstract or "") + "\n" + (p.text or ""))


class Deduplicator:
    """Collects papers in first-seen order, merging records of the same paper (memory O(papers))."""

    def __init__(self, report: IngestReport):
        self.report = report
        self.papers: list[Paper] = []
        self._index: dict[tuple[str, str], int] = {}
        self._origin: dict[int, dict[str, str]] = {}  # paper index -> field -> source of the record that set it
        self._conflicts: list[tuple[Paper, Conflict]] = []  # to name each conflict's paper by its final id

    @staticmethod
    def _keys(p: Paper) -> list[tuple[str, str]]:
        keys = [(kind, getattr(p, attr)) for kind, attr in _ID_FIELDS if getattr(p, attr)]
        t = normalise_title(p.title)
        if t:
            keys.append(("title", t))
        else:
            keys.append(("text", stable_hash(normalise_title((p.abstract or "") + "\n" + (p.text or "")))))
        return keys

    @staticmethod
    def _contradicts(a: Paper, b: Paper) -> bool:
        for kind, attr in _ID_FIELDS:
            va, vb = getattr(a, attr), getattr(b, attr)
            if kind == "doi" and (_is_arxiv_doi(va) or _is_arxiv_doi(vb)):
                continue
            if va and vb and va != vb:
                return True
        return False

    def add(self, p: Paper) -> bool:
        """Add one record's paper; return ``True`` when it is a new paper, ``False`` when merged."""
        keys = self._keys(p)
        target = next((self._index[k] for k in keys if k[0] != "title" and k in self._index), None)
        if target is None:
            tk = next((k for k in keys if k[0] == "title"), None)
            cand = self._index.get(tk) if tk else None
            if cand is not None:
                if self._contradicts(self.papers[cand], p):
                    log.info("%s and %s share the title %r but not their ids: kept as two papers",
                             self.papers[cand].sources[0], p.sources[0], p.title)
                else:
                    target = cand
        if target is None:
            idx = len(self.papers)
            self.papers.append(p)
            for k in keys:
                self._index.setdefault(k, idx)
            return True
        self._merge(target, p)
        self._register(target)
        self.report.duplicates += 1
        return False

    def _register(self, idx: int) -> None:
        for k in self._keys(self.papers[idx]):
            self._index.setdefault(k, idx)

    def _merge(self, idx: int, new: Paper) -> None:
        old = self.papers[idx]
        origin = self._origin.setdefault(idx, {})
        src = new.sources[0] if new.sources else "?"
        for name in _SCALARS + _LISTS:
            ov, nv = getattr(old, name), getattr(new, name)
            if _empty(nv):
                continue
            if _empty(ov):
                setattr(old, name, nv)
                origin[name] = src
            elif not _same(ov, nv):
                conflict = Conflict(
                    paper=old.id, field=name, kept=ov, other=nv,
                    kept_source=origin.get(name, old.sources[0] if old.sources else "?"), other_source=src,
                )
                self.report.add_conflict(conflict)
                self._conflicts.append((old, conflict))
        for c in new.categories:
            if c not in old.categories:
                old.categories.append(c)
        for s in new.sources:
            if s not in old.sources:
                old.sources.append(s)
        old.links = find_links(old.abstract, old.text)
        refresh_id(old)

    def result(self) -> list[Paper]:
        """The papers in first-seen order, with unique ids (a late id clash merges the two papers)."""
        out: list[Paper] = []
        by_id: dict[str, int] = {}
        for p in self.papers:
            j = by_id.get(p.id)
            if j is None:
                by_id[p.id] = len(out)
                out.append(p)
                continue
            # Two papers met only after both gained the same id (e.g. a DOI learnt from a later record).
            self._origin_merge(out[j], p)
            self.report.duplicates += 1
        for paper, conflict in self._conflicts:
            conflict.paper = paper.id  # the id may have been upgraded (title: -> arxiv:) after the conflict
        return out

    def _origin_merge(self, keep: Paper, other: Paper) -> None:
        tmp = Deduplicator(self.report)
        tmp.papers = [keep]
        tmp._merge(0, other)
        self._conflicts += tmp._conflicts
