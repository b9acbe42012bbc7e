"""Per-paper view used by the relation rules: texts, sentences and linked mentions, with evidence helpers."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.extract.document import PaperExtraction
from kg.graph.model import FIELDS, Evidence, Mention, Paper

_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[list[int]]:
    """Fallback sentence spans (used only when extraction gave none for a field)."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        spans.append([start, m.start()])
        start = m.end()
    if start < len(text) or not spans:
        spans.append([start, len(text)])
    return [s for s in spans if s[1] > s[0]] or [[0, len(text)]]


@dataclass
class PaperContext:
    """One paper's texts, sentences and (linked) mentions."""

    paper: Paper
    extraction: PaperExtraction
    mentions: list[Mention]
    texts: dict[str, str] = field(default_factory=dict)
    sentences: dict[str, list[list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in FIELDS:
            t = self.paper.field_text(f) or ""
            if not t:
                continue
            self.texts[f] = t
            given = self.extraction.sentences.get(f) if self.extraction else None
            spans = [list(map(int, s)) for s in given if 0 <= s[0] < s[1] <= len(t)] if given else []
            self.sentences[f] = sorted(spans) if spans else split_sentences(t)
        self._starts = {f: [s[0] for s in spans] for f, spans in self.sentences.items()}
        self._sentences: dict[tuple[str, int, int], str] = {}

    @property
    def id(self) -> str:
        return self.paper.id

    def sentence_of(self, fld: str, start: int, end: int | None = None) -> tuple[int, int]:
        """The sentence span holding ``start`` in ``fld`` (the whole field when no sentence does)."""
        spans = self.sentences.get(fld) or [[0, len(self.texts.get(fld, ""))]]
        i = bisect.bisect_right(self._starts.get(fld, [0]), start) - 1
        if 0 <= i < len(spans) and spans[i][0] <= start < max(spans[i][1], spans[i][0] + 1):
            return spans[i][0], spans[i][1]
        return 0, len(self.texts.get(fld, ""))

    def _index(self):
        """Per-field mentions sorted by start, with their starts (rebuilt when ``mentions`` is replaced)."""
        sig = (id(self.mentions), len(self.mentions))
        if getattr(self, "_idx_sig", None) != sig:
            by_field: dict[str, list[Mention]] = defaultdict(list)
            for m in sorted(self.mentions, key=lambda m: (m.start, m.end)):
                by_field[m.field].append(m)
            self._idx = {f: (ms, [m.start for m in ms]) for f, ms in by_field.items()}
            self._idx_first = {}
            for m in self.mentions:
                if m.entity:
                    self._idx_first.setdefault(m.entity, m.text)
            self._idx_sig = sig
        return self._idx

    def in_range(self, fld: str, start: int, end: int) -> list[Mention]:
        """Mentions of ``fld`` starting in ``[start, end)``, in text order (a bisect, not a scan)."""
        ms, starts = self._index().get(fld, ([], []))
        return ms[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def first_text(self, entity: str) -> str | None:
        """The first surface of ``entity`` in this paper."""
        self._index()
        return self._idx_first.get(entity)

    def mention_sentence(self, m: Mention) -> tuple[int, int]:
        if m.sent_end > m.sent_start and m.sent_start <= m.start and m.end <= m.sent_end:
            return m.sent_start, m.sent_end
        return self.sentence_of(m.field, m.start)

    def evidence(self, fld: str, span: tuple[int, int], extractor: str, confidence: float) -> Evidence:
        s, e = span
        # one string per sentence, shared by all its evidence records (a sentence supports tens of statements)
        sentence = self._sentences.get((fld, s, e))
        if sentence is None:
            sentence = self._sentences[(fld, s, e)] = self.texts.get(fld, "")[s:e]
        return Evidence(
            paper=self.paper.id,
            field=fld,
            start=s,
            end=e,
            sentence=sentence,
            extractor=extractor,
            confidence=round(float(confidence), 4),
        )

    def by_sentence(self) -> dict[tuple[str, int, int], list[Mention]]:
        """Linked mentions grouped by (field, sentence span), in text order."""
        out: dict[tuple[str, int, int], list[Mention]] = defaultdict(list)
        for m in self.mentions:
            if m.entity:
                s, e = self.mention_sentence(m)
                out[(m.field, s, e)].append(m)
        for v in out.values():
            v.sort(key=lambda m: (m.start, m.end))
        return dict(sorted(out.items(), key=lambda kv: (FIELDS.index(kv[0][0]), kv[0][1])))
