"""Read the shared annotated corpora (SciREX, SciERC) as detokenised passages with character-offset entities.

Splits: SciERC has its own ``dev.json``. SciREX ships one ``train.jsonl``; its dev split is every document whose
``stable_hash(doc_id)`` ends in a hex digit in ``SCIREX_DEV_DIGITS`` (deterministic, about 1/8 of the documents;
:func:`scirex_dev_ids` lists them). Dev documents are never used for training, rule tuning or gazetteers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kg.extract.detok import char_span, detokenize
from kg.graph.model import stable_hash

#: Corpus label -> pipeline label (``Model`` is assigned later by the typing component).
SCIREX_LABELS = {"Method": "Method", "Material": "Dataset", "Metric": "Metric", "Task": "Task"}
SCIERC_LABELS = {"Method": "Method", "Material": "Dataset", "Metric": "Metric", "Task": "Task"}
SCIREX_DEV_DIGITS = ("0", "8")
MAX_ABSTRACT_TOKENS = 400


@dataclass
class Passage:
    """One detokenised passage (a title, an abstract or a body sentence group) with gold entities."""

    doc_id: str
    kind: str  #: title | abstract | body
    text: str
    ents: list[tuple[int, int, str]] = field(default_factory=list)  #: char spans, pipeline labels


@dataclass
class GoldDoc:
    """A title + abstract with gold entities, the unit of evaluation."""

    doc_id: str
    title: Passage
    abstract: Passage


def default_datasets_dir() -> Path:
    """``../shared/datasets`` relative to the repository root (or ``$KG_SHARED_DIR/datasets``)."""
    import os

    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("KG_SHARED_DIR", root.parent / "shared")) / "datasets"


def is_scirex_dev(doc_id: str) -> bool:
    """Whether a SciREX document belongs to the held-out dev split."""
    return stable_hash(doc_id)[-1] in SCIREX_DEV_DIGITS


def scirex_dev_ids(path: Path) -> list[str]:
    """Ids of the SciREX dev documents in ``path``."""
    with open(path, encoding="utf-8") as fh:
        return sorted(i for i in (json.loads(line)["doc_id"] for line in fh if line.strip()) if is_scirex_dev(i))


def _passage(doc_id: str, kind: str, words: list[str], start: int, end: int, ner, labels) -> Passage:
    text, spans = detokenize(words[start:end])
    ents = []
    for s, e, lab in ner:
        if s >= start and e <= end and lab in labels and e > s:
            cs, ce = char_span(spans, s - start, e - start)
            if ce > cs:
                ents.append((cs, ce, labels[lab]))
    return Passage(doc_id, kind, text, _non_overlapping(ents))


def _non_overlapping(ents: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest of overlapping spans (spaCy's NER cannot represent nesting)."""
    out: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for s, e, lab in sorted(set(ents), key=lambda x: (-(x[1] - x[0]), x[0])):
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e, lab))
    return sorted(out)


def _scirex_regions(doc: dict) -> tuple[tuple[int, int], tuple[int, int]]:
    """Token regions (title, abstract) of a SciREX document, header words excluded."""
    words, sections, sents = doc["words"], doc["sections"], doc["sentences"]
    s0 = sections[0]
    if words[0] == "document" and len(words) > 1 and words[1] == ":":
        first = sents[0]
        title = (2, first[1])
        a_start = first[1]
        a_end = s0[1]
        sent_ends = [s[1] for s in sents if a_start < s[1] <= a_end]
        if a_end - a_start > MAX_ABSTRACT_TOKENS:
            ok = [e for e in sent_ends if e - a_start <= MAX_ABSTRACT_TOKENS]
            a_end = ok[-1] if ok else a_start + MAX_ABSTRACT_TOKENS
        return title, (a_start, a_end)
    title = (s0[0], s0[1])
    if len(sections) > 1:
        s1 = sections[1]
        a_start = s1[0]
        if words[a_start : a_start + 3] == ["section", ":", "Abstract"]:
            a_start += 3
        a_end = min(s1[1], a_start + MAX_ABSTRACT_TOKENS)
        return title, (a_start, a_end)
    return title, (s0[1], s0[1])


def read_scirex(path: Path, split: str = "train") -> Iterator[tuple[GoldDoc, list[Passage]]]:
    """Yield ``(title+abstract gold doc, body passages)`` of the SciREX documents in ``split``.

    Args:
        path: ``scirex/train.jsonl``.
        split: ``train`` (non-dev documents), ``dev`` or ``all``.
    """
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            dev = is_scirex_dev(doc["doc_id"])
            if (split == "train" and dev) or (split == "dev" and not dev):
                continue
            words, ner = doc["words"], doc["ner"]
            (ts, te), (as_, ae) = _scirex_regions(doc)
            title = _passage(doc["doc_id"], "title", words, ts, te, ner, SCIREX_LABELS)
            abstract = _passage(doc["doc_id"], "abstract", words, as_, ae, ner, SCIREX_LABELS)
            body = []
            for s, e in doc["sentences"]:
                if s >= ae and e - s <= 120:
                    sw = words[s:e]
                    if len(sw) >= 2 and sw[1] == ":" and sw[0] in {"section", "subsection", "paragraph", "bibliography", "subsubsection"}:
                        continue
                    body.append(_passage(doc["doc_id"], "body", words, s, e, ner, SCIREX_LABELS))
            yield GoldDoc(doc["doc_id"], title, abstract), body


def read_scierc(path: Path) -> Iterator[GoldDoc]:
    """Yield SciERC abstracts as gold docs (the first sentence is taken as the abstract too; no title)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            words = [w for sent in doc["sentences"] for w in sent]
            ner = [(s, e + 1, lab) for sent in doc["ner"] for s, e, lab in sent]
            ab = _passage(doc["doc_key"], "abstract", words, 0, len(words), ner, SCIERC_LABELS)
            yield GoldDoc(doc["doc_key"], Passage(doc["doc_key"], "title", ""), ab)
