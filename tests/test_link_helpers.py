"""Hand-made extraction fixtures for the linking tests: ``[surface|Type]`` markup -> Paper + PaperExtraction."""

from __future__ import annotations

import re

from kg.extract.document import PaperExtraction, ResultCandidate
from kg.graph.model import Mention, Paper

_MARK = re.compile(r"\[([^\[\]|]+)\|(Model|Dataset|Method|Metric|Task)\]")


def _strip(marked: str, pid: str, fld: str) -> tuple[str, list[Mention]]:
    out, ms, pos, last = [], [], 0, 0
    for m in _MARK.finditer(marked):
        out.append(marked[last : m.start()])
        pos += m.start() - last
        surface = m.group(1)
        ms.append(Mention(pid, fld, pos, pos + len(surface), surface, m.group(2)))
        out.append(surface)
        pos += len(surface)
        last = m.end()
    out.append(marked[last:])
    return "".join(out), ms


def paper(pid: str, title: str, abstract: str, results: list[dict] | None = None, links: list[str] | None = None):
    """A (Paper, PaperExtraction) pair; ``results`` are ResultCandidate kwargs with ``value_text`` located in the
    abstract (its first occurrence) and the sentence span filled in."""
    t, tm = _strip(title, pid, "title")
    a, am = _strip(abstract, pid, "abstract")
    p = Paper(id=pid, title=t, abstract=a, links=list(links or re.findall(r"https?://[^\s)]+[^\s).,;]", a)))
    ex = PaperExtraction(paper=pid, mentions=tm + am)
    for r in results or []:
        vs = a.index(r["value_text"])
        s = a.rfind(". ", 0, vs)
        s = 0 if s < 0 else s + 2
        e = a.find(". ", vs)
        e = len(a) if e < 0 else e + 1
        ex.results.append(ResultCandidate(pid, "abstract", s, e, float(r["value_text"].rstrip("%")), r["value_text"],
                                          "%" if r["value_text"].endswith("%") else None, vs, vs + len(r["value_text"]),
                                          r.get("method"), r.get("dataset"), r.get("metric"), r.get("task")))
    return p, ex


def corpus(*pairs):
    return {p.id: p for p, _ in pairs}, {e.paper: e for _, e in pairs}
