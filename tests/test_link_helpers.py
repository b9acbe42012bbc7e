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


# -- fuzzy matching by length windows ----------------------------------------------------------------


def test_the_length_window_is_exactly_where_ratio_can_reach_the_threshold():
    from rapidfuzz import fuzz

    from kg.link.canonical import FUZZY_THRESHOLD, _length_window

    for n in range(10, 90):
        top = _length_window(n)
        # "a" * n against "a" * m: indel distance m - n, the best any pair of these lengths can do
        assert fuzz.ratio("a" * n, "a" * top) >= FUZZY_THRESHOLD
        assert fuzz.ratio("a" * n, "a" * (top + 1)) < FUZZY_THRESHOLD


def test_fuzzy_pairs_are_those_of_an_all_against_all_comparison():
    import random

    from rapidfuzz import fuzz

    from kg.link.canonical import FUZZY_THRESHOLD, _fuzzy_pairs

    rng = random.Random(7)
    base = ["".join(rng.choice("abcdeghilmnorstu") for _ in range(rng.randint(10, 60))) for _ in range(150)]
    keys = set(base)
    for k in base:  # near-duplicates: one or two letters dropped, doubled or changed, at any length
        for _ in range(3):
            s = list(k)
            for _ in range(rng.randint(1, 2)):
                i = rng.randrange(len(s))
                op = rng.choice("dic")
                if op == "d":
                    del s[i]
                elif op == "i":
                    s.insert(i, rng.choice("abc"))
                else:
                    s[i] = rng.choice("xyz")
            keys.add("".join(s))
    keys = sorted(keys)
    rng.shuffle(keys)
    brute = [
        (i, j, fuzz.ratio(keys[i], keys[j]))
        for i in range(len(keys)) for j in range(i + 1, len(keys))
        if fuzz.ratio(keys[i], keys[j]) >= FUZZY_THRESHOLD
    ]
    found = _fuzzy_pairs(keys)
    assert [(i, j) for i, j, _ in found] == [(i, j) for i, j, _ in brute]
    assert len(found) > 100  # the test set holds many pairs near the threshold
    assert all(abs(a[2] - b[2]) < 1e-3 for a, b in zip(found, brute))
    assert len({len(keys[j]) - len(keys[i]) for i, j, _ in found}) > 2  # pairs of unequal lengths too
