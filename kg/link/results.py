"""Result nodes (leaderboard rows) from extraction's result candidates, resolved to canonical entities."""

from __future__ import annotations

import re

from kg.extract.document import ResultCandidate
from kg.graph.model import Entity, Mention, Result, stable_hash
from kg.link.context import PaperContext
from kg.link.normalize import is_generic, match_key
from kg.link.relations import RelationBuilder

ROLE_TYPES: dict[str, tuple[str, ...]] = {
    "method": ("Model", "Method"),
    "dataset": ("Dataset",),
    "metric": ("Metric",),
    "task": ("Task",),
}


def _mention_at(ctx: PaperContext, fld: str, span, types) -> Mention | None:
    s, e = int(span[0]), int(span[1])
    best = None
    for m in ctx.in_range(fld, max(0, s - _MAX_SPAN), e):
        if m.entity and m.type in types and m.start < e and s < m.end:
            if best is None or abs((m.end - m.start) - (e - s)) < abs((best.end - best.start) - (e - s)):
                best = m
    return best


_MAX_SPAN = 300  #: longest mention considered when looking for one overlapping a span
#: sentences longer than this are not prose (tables, run-on dumps): no fallback result search in them
MAX_SENTENCE_CHARS = 3000


def _paper_keys(ctx: PaperContext) -> dict[tuple[str, str], str]:
    """(type, key) -> entity id over the paper's mentions (first mention wins), cached on the context."""
    cached = getattr(ctx, "_paper_keys", None)
    if cached is None or cached[0] != (id(ctx.mentions), len(ctx.mentions)):
        d: dict[tuple[str, str], str] = {}
        for m in ctx.mentions:
            if m.entity:
                d.setdefault((m.type, match_key(m.text, m.type)), m.entity)
        cached = ((id(ctx.mentions), len(ctx.mentions)), d)
        ctx._paper_keys = cached  # type: ignore[attr-defined]
    return cached[1]


def _resolve(ctx: PaperContext, rc: ResultCandidate, role: str, corpus_index: dict[tuple[str, str], str]):
    """(entity id, surface) for one role of a candidate."""
    types = ROLE_TYPES[role]
    surface = getattr(rc, role)
    span = rc.spans.get(role)
    if span:
        m = _mention_at(ctx, rc.field, span, types)
        if m is not None:
            return m.entity, surface or m.text
    if surface:
        keys = {match_key(surface, t) for t in types}
        in_sentence = [m for m in ctx.in_range(rc.field, rc.sent_start, rc.sent_end) if m.entity]
        for m in in_sentence:
            if m.type in types and match_key(m.text, m.type) in keys:
                return m.entity, surface
        for t in types:
            for k in keys:
                hit = _paper_keys(ctx).get((t, k))
                if hit:
                    return hit, surface
        for t in types:
            hit = corpus_index.get((t, match_key(surface, t)))
            if hit:
                return hit, surface
        return None, surface
    # not stated in the candidate: the nearest mention of that role in the sentence, before the value first
    in_sentence = [m for m in ctx.in_range(rc.field, rc.sent_start, rc.sent_end) if m.entity and m.end <= rc.sent_end and m.type in types]
    if in_sentence:
        before = [m for m in in_sentence if m.end <= rc.value_start]
        m = before[-1] if before and role in ("method", "metric") else min(in_sentence, key=lambda m: abs(m.start - rc.value_start))
        return m.entity, m.text
    return None, None


_BASELINE_CUE = re.compile(
    r"(?:over|than|compared (?:to|with)|surpass\w*|outperform\w*|beat\w*|including|vs\.?|versus|against|baselines?|previous|prior|existing)"
    r"\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$",
    re.I,
)
_IMPROVED_TO = re.compile(r"\bfrom\s+[\d.,]+\s*%?\s+to\s+$", re.I)
_OURS_CUE = re.compile(r"\b(?:we|our|ours|proposed|this (?:model|method|approach|work|paper))\b", re.I)


def _baseline_or_generic(ctx: PaperContext, rc: ResultCandidate, surface: str | None) -> bool:
    """Whether the candidate's method is not the one the result belongs to: a generic word ("SoTA",
    "ensembles"), a baseline ("... surpass the state-of-the-art method, Focal Loss"), or a name after the value in
    a sentence whose subject is the paper's own model ("Our model achieves 28.4 BLEU ..., including ensembles")."""
    if not surface:
        return False
    if is_generic(surface):
        return True
    text = ctx.texts.get(rc.field, "")
    # "improved from 73.8% to 82.3% for ResNet-50": the improved value is the paper's own
    if _IMPROVED_TO.search(text, max(rc.sent_start, rc.value_start - 40), rc.value_start):
        return True
    span = rc.spans.get("method")
    if span:
        ms = int(span[0])
    else:
        ms = text.find(surface, rc.sent_start, rc.sent_end or None)
        if ms < 0:
            return False
    if _BASELINE_CUE.search(text[max(rc.sent_start, ms - 60) : ms]):
        return True
    return ms >= rc.value_end and bool(_OURS_CUE.search(text, rc.sent_start, rc.value_start))


_NUMBER = re.compile(r"\d")


def _attached(ctx: PaperContext, rc: ResultCandidate) -> dict[str, Mention]:
    """Metric, dataset and system written right after the value ("80.3% mean IoU on Cityscapes", "34.4% AP at 34ms
    for CornerNet-Squeeze"): they belong to this value whatever the candidate says, since each value of "86.2% mIoU
    on VOC and 80.3% mIoU on Cityscapes" is followed by its own."""
    text = ctx.texts.get(rc.field, "")
    if not rc.value_end or rc.value_end > len(text):
        return {}
    after = sorted(
        (m for m in ctx.in_range(rc.field, rc.value_end, rc.sent_end or len(text)) if m.entity),
        key=lambda m: m.start,
    )
    out: dict[str, Mention] = {}
    pos = rc.value_end
    for m in after:
        gap = text[pos : m.start]
        if "metric" in out and m.type in ("Model", "Method") and "method" not in out and _FOR_SYSTEM.fullmatch(gap):
            # "34.4% AP at 34ms for CornerNet-Squeeze": the system the value is stated for
            out["method"] = m
            pos = m.end
            continue
        if _NUMBER.search(gap) or ";" in gap:
            break
        if m.type == "Metric" and "metric" not in out and "dataset" not in out and len(gap.strip()) <= 2:
            out["metric"] = m
            pos = m.end
        elif m.type == "Dataset" and "dataset" not in out and re.fullmatch(r"\s*(?:on|in|for|over)\s+(?:the\s+)?", gap, re.I):
            out["dataset"] = m
            break
        elif len(gap) > 40:
            break
    return out


_FOR_SYSTEM = re.compile(r"\s*(?:at\s+[\d.,]+\s?[A-Za-z%]*\s+)?(?:for|by|of|with)\s+(?:the\s+|a\s+|an\s+)?", re.I)
_ACHIEVE = re.compile(r"\b(?:achiev\w*|obtain\w*|reach\w*|attain\w*|yield\w*|report\w*|establish\w*|deliver\w*|get|gets)\b", re.I)
_VALUE = re.compile(r"(?<![\w.\-/])(\d{1,3}(?:\.\d+)?)\s?(%)?(?![\w.]*\d)(?![\w\-])")
_METRIC_LINK = re.compile(r"^\s*(?:of|=|:|at|is|was|of about|of up to)?\s*$", re.I)


def fallback_candidates(ctx: PaperContext) -> list[ResultCandidate]:
    """Result candidates extraction did not state: "<achieve> <metric> of <value>" or "<achieve> <value> <metric>"
    in one sentence, with a Metric mention next to the value (the rest is filled like any candidate)."""
    covered = {(rc.field, rc.value_start) for rc in ctx.extraction.results}
    out = []
    for (fld, s, e), ms in ctx.by_sentence().items():
        if fld == "title":
            continue
        text = ctx.texts[fld]
        if e - s > MAX_SENTENCE_CHARS:
            continue
        verbs = [v.end() for v in _ACHIEVE.finditer(text, s, e)]
        if not verbs:
            continue
        metrics = [m for m in ms if m.type == "Metric"]
        for vm in _VALUE.finditer(text, s, e):
            vs, ve = vm.span()
            if (fld, vs) in covered or not any(v <= vs <= v + 80 for v in verbs):
                continue
            metric = next((m for m in metrics if 0 <= m.start - ve <= 2), None)
            if metric is None:
                metric = next((m for m in reversed(metrics) if m.end <= vs and _METRIC_LINK.match(text[m.end : vs])), None)
            if metric is None:
                continue
            out.append(
                ResultCandidate(
                    ctx.id, fld, s, e, float(vm.group(1)), vm.group(0), "%" if vm.group(2) else None, vs, ve,
                    metric=metric.text, spans={"metric": [metric.start, metric.end]},
                )
            )
    return out


def build_results(
    ctx: PaperContext,
    entities: dict[str, Entity],
    proposed: list[str],
    corpus_index: dict[tuple[str, str], str],
    rb: RelationBuilder,
) -> list[Result]:
    """Results of one paper; a missing method falls back to what the paper proposes, a missing dataset to the
    paper's only dataset. Adds ``EVALUATED_ON`` for every (method, dataset) pair a result states."""
    out = []
    paper_datasets = sorted({m.entity for m in ctx.mentions if m.entity and m.type == "Dataset"})
    cands = [*ctx.extraction.results, *fallback_candidates(ctx)]
    for rc in sorted(cands, key=lambda r: (r.field, r.sent_start, r.value_start, r.value_text)):
        ids: dict[str, str | None] = {}
        surf: dict[str, str | None] = {}
        for role in ROLE_TYPES:
            ids[role], surf[role] = _resolve(ctx, rc, role, corpus_index)
        attached = _attached(ctx, rc)
        for role, m in attached.items():
            ids[role], surf[role] = m.entity, m.text
        ours = [p for p in proposed if entities[p].type in ("Model", "Method")]
        if ours and "method" not in attached and ids["method"] not in (None, ours[0]) and _baseline_or_generic(ctx, rc, surf["method"]):
            ids["method"], surf["method"] = None, None
        if ids["method"] is None and surf["method"] is None:
            if ours:
                ids["method"] = ours[0]
                surf["method"] = ctx.first_text(ours[0]) or entities[ours[0]].name
        if ids["dataset"] is None and surf["dataset"] is None and len(paper_datasets) == 1:
            ids["dataset"] = paper_datasets[0]
            surf["dataset"] = ctx.first_text(paper_datasets[0])
        sent = (rc.sent_start, rc.sent_end) if rc.sent_end > rc.sent_start else ctx.sentence_of(rc.field, rc.value_start)
        ev = ctx.evidence(rc.field, sent, "rule:result", 0.8)
        rid = "res:" + stable_hash(ctx.id, rc.field, str(rc.value_start), str(rc.value_end), rc.value_text, str(ids["metric"]))
        out.append(
            Result(
                id=rid,
                paper=ctx.id,
                model=ids["method"],
                dataset=ids["dataset"],
                metric=ids["metric"],
                task=ids["task"],
                value=rc.value,
                unit=rc.unit,
                value_text=rc.value_text,
                surface={"method": surf["method"], "dataset": surf["dataset"], "metric": surf["metric"], "task": surf["task"]},
                evidence=[ev],
            )
        )
        if ids["method"] and ids["dataset"]:
            rb.add("EVALUATED_ON", ids["method"], ids["dataset"], ev)
    return out
