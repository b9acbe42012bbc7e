"""``kg evaluate``: typed mention precision / recall / F1 against SciREX- or SciERC-annotated documents.

Documents are detokenised (:mod:`kg.extract.detok`) and run through the pipeline as title + abstract (SciREX) or
abstract (SciERC). Types are compared in the gold scheme: Model and Method -> Method, Dataset -> Material, Metric,
Task. Two matchings are reported: exact (same field, start, end and type) and overlap (a prediction is correct if
it overlaps a gold mention of the same type; a gold mention is found if a prediction of its type overlaps it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable

from kg.extract.data import GoldDoc, read_scierc, read_scirex
from kg.graph.model import Paper

GOLD_TYPES = ("Method", "Material", "Metric", "Task")
TO_GOLD = {"Model": "Method", "Method": "Method", "Dataset": "Material", "Metric": "Metric", "Task": "Task"}
FORMATS = ("scirex", "scierc")


def read_gold(path: Path, format: str, split: str = "all") -> list[GoldDoc]:
    """Gold documents of ``path`` in ``format`` (``scirex``: ``split`` all, dev or train)."""
    from kg.errors import InputError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"The gold file {path} does not exist; pass a SciREX .jsonl or SciERC .json file.")
    if format == "scirex":
        return [g for g, _ in read_scirex(path, split)]
    if format == "scierc":
        return list(read_scierc(path))
    raise InputError(f"Unknown gold format {format!r}; valid formats are: {', '.join(FORMATS)}.")


def _prf(tp: int, n_pred: int, n_gold: int, tp_gold: int | None = None) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = (tp if tp_gold is None else tp_gold) / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "pred": n_pred, "gold": n_gold}


def score(golds: Iterable[GoldDoc], extractions: Iterable) -> dict:
    """Scores of ``extractions`` (PaperExtraction, same order as ``golds``) against ``golds``."""
    c: dict[str, Counter] = {t: Counter() for t in GOLD_TYPES}
    for gold, ex in zip(golds, extractions):
        g = set()
        for fld, passage in (("title", gold.title), ("abstract", gold.abstract)):
            for s, e, lab in passage.ents:
                g.add((fld, s, e, TO_GOLD[lab]))
        p = {(m.field, m.start, m.end, TO_GOLD[m.type]) for m in ex.mentions}
        for t in GOLD_TYPES:
            gt = {x for x in g if x[3] == t}
            pt = {x for x in p if x[3] == t}
            c[t]["gold"] += len(gt)
            c[t]["pred"] += len(pt)
            c[t]["tp"] += len(gt & pt)
            c[t]["tp_overlap_pred"] += sum(1 for x in pt if any(_ov(x, y) for y in gt))
            c[t]["tp_overlap_gold"] += sum(1 for y in gt if any(_ov(x, y) for x in pt))
    out: dict = {"exact": {}, "overlap": {}}
    tot = Counter()
    for t in GOLD_TYPES:
        tot.update(c[t])
        out["exact"][t] = _prf(c[t]["tp"], c[t]["pred"], c[t]["gold"])
        out["overlap"][t] = _prf(c[t]["tp_overlap_pred"], c[t]["pred"], c[t]["gold"], c[t]["tp_overlap_gold"])
    out["exact"]["micro"] = _prf(tot["tp"], tot["pred"], tot["gold"])
    out["overlap"]["micro"] = _prf(tot["tp_overlap_pred"], tot["pred"], tot["gold"], tot["tp_overlap_gold"])
    return out


def _ov(a, b) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def gold_papers(golds: list[GoldDoc]) -> list[Paper]:
    return [Paper(id=g.doc_id, title=g.title.text, abstract=g.abstract.text) for g in golds]


def evaluate(gold: Path, format: str, split: str = "all", nlp=None, workers: int = 1) -> dict:
    """Run the pipeline over the gold documents and score it (see the module docstring).

    Args:
        gold: a SciREX ``.jsonl`` or SciERC ``.json`` file.
        format: ``scirex`` or ``scierc``.
        split: for SciREX, ``all`` documents of the file, or only the ``dev`` / ``train`` split.
        nlp: a loaded pipeline (default: the shipped one).
        workers: processes.

    Returns:
        ``{"exact": {type: {p, r, f1, pred, gold}, "micro": ...}, "overlap": {...}, "documents": n}``.
    """
    from kg.extract.pipeline import extract_papers, load_pipeline

    golds = read_gold(gold, format, split)
    nlp = nlp or load_pipeline()
    exs = list(extract_papers(gold_papers(golds), nlp=nlp, workers=workers))
    out = score(golds, exs)
    out["documents"] = len(golds)
    return out


def format_table(result: dict) -> str:
    """Plain-text table of an :func:`evaluate` result."""
    lines = [f"documents: {result.get('documents', '?')}", f"{'type':<10}{'match':<9}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]
    for t in (*GOLD_TYPES, "micro"):
        for kind in ("exact", "overlap"):
            r = result[kind][t]
            lines.append(f"{t:<10}{kind:<9}{r['p']:>7.3f}{r['r']:>7.3f}{r['f1']:>7.3f}{r['pred']:>7}{r['gold']:>7}")
    return "\n".join(lines)
