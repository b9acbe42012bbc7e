"""Span helpers shared by the extraction components: cached text and sentences, entity assignment that keeps the
producing component of each entity (``doc.user_data["kg_sources"]``)."""

from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached: spaCy rebuilds the string from every token on each access."""
    t = doc.user_data.get("kg_text")
    if t is None:
        t = doc.text
        doc.user_data["kg_text"] = t
    return t


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` of the sentences, cached by ``kg_sentencizer`` (``doc.sents`` rescans the
    whole doc on every call, which made sentence lookups quadratic)."""
    cached = doc.user_data.get("kg_sents")
    if cached is None:
        if doc.has_annotation("SENT_START"):
            cached = [(s.start, s.end) for s in doc.sents]
        else:
            cached = [(0, len(doc))] if len(doc) else []
        doc.user_data["kg_sents"] = cached
    return cached


def sent_start_chars(doc: Doc) -> set[int]:
    return {doc[s].idx for s, _e in sentence_spans(doc)}


def ent_sources(doc: Doc) -> dict:
    return doc.user_data.setdefault("kg_sources", {})


def set_ents(doc: Doc, spans: Iterable[Span], sources: dict | None = None) -> None:
    """Assign non-overlapping ``spans`` as ``doc.ents`` and prune the source map accordingly."""
    spans = filter_spans(list(spans))
    doc.ents = spans
    src = ent_sources(doc)
    if sources:
        src.update(sources)
    keep = {(s.start_char, s.end_char) for s in spans}  # not doc.ents: each read rescans the doc
    for k in list(src):
        if k not in keep:
            del src[k]
    for k in keep:
        src.setdefault(k, "ner")


def make_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """A token-aligned span for characters ``start:end``, or None when the tokens do not line up."""
    sp = doc.char_span(start, end, label=label, alignment_mode="strict")
    if sp is None:
        sp = doc.char_span(start, end, label=label, alignment_mode="contract")
        if sp is None or not sp.text.strip() or sp.end_char - sp.start_char < (end - start) * 0.6:
            return None
    return sp


def add_ents(doc: Doc, new: list[tuple[Span, str]], override: bool) -> None:
    """Add ``(span, source)`` pairs; ``override`` removes overlapping existing entities, else they win."""
    if not new:
        return
    src = ent_sources(doc)
    owner: dict[int, Span] = {}  # token index -> entity covering it
    current = list(doc.ents)
    for e in current:
        for i in range(e.start, e.end):
            owner[i] = e
    removed: set[tuple[int, int]] = set()
    added: dict = {}
    kept: list[Span] = []
    for sp, source in new:
        hits = {(owner[i].start, owner[i].end): owner[i] for i in range(sp.start, sp.end) if i in owner}
        if hits and not override:
            continue
        for e in hits.values():
            removed.add((e.start, e.end))
            for i in range(e.start, e.end):
                owner.pop(i, None)
        for i in range(sp.start, sp.end):
            owner[i] = sp
        kept.append(sp)
        added[(sp.start_char, sp.end_char)] = source
    live = {id(v) for v in owner.values()}
    ents = [e for e in current if id(e) in live] + [sp for sp in kept if id(sp) in live]
    src.update(added)
    set_ents(doc, ents)


def relabel(doc: Doc, changes: dict[tuple[int, int], str]) -> None:
    if not changes:
        return
    ents = []
    for e in doc.ents:
        lab = changes.get((e.start, e.end))
        ents.append(Span(doc, e.start, e.end, label=lab) if lab and lab != e.label_ else e)
    set_ents(doc, ents)
