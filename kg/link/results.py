"""Result nodes (leaderboard rows) from extraction's result candidates, resolved to canonical entities."""

from __future__ import annotations

from kg.extract.document import ResultCandidate
from kg.graph.model import Entity, Mention, Result, stable_hash
from kg.link.context import PaperContext
from kg.link.normalize import match_key
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
    for m in ctx.mentions:
        if m.entity and m.field == fld and m.type in types and m.start < e and s < m.end:
            if best is None or abs((m.end - m.start) - (e - s)) < abs((best.end - best.start) - (e - s)):
                best = m
    return best


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
        in_sentence = [m for m in ctx.mentions if m.entity and m.field == rc.field and rc.sent_start <= m.start < rc.sent_end]
        for pool in (in_sentence, ctx.mentions):
            for m in pool:
                if m.entity and m.type in types and match_key(m.text, m.type) in keys:
                    return m.entity, surface
        for t in types:
            hit = corpus_index.get((t, match_key(surface, t)))
            if hit:
                return hit, surface
        return None, surface
    # not stated in the candidate: the nearest mention of that role in the sentence, before the value first
    in_sentence = [m for m in ctx.mentions if m.entity and m.field == rc.field and rc.sent_start <= m.start and m.end <= rc.sent_end and m.type in types]
    if in_sentence:
        before = [m for m in in_sentence if m.end <= rc.value_start]
        m = before[-1] if before and role in ("method", "metric") else min(in_sentence, key=lambda m: abs(m.start - rc.value_start))
        return m.entity, m.text
    return None, None


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
    for rc in sorted(ctx.extraction.results, key=lambda r: (r.field, r.sent_start, r.value_start, r.value_text)):
        ids: dict[str, str | None] = {}
        surf: dict[str, str | None] = {}
        for role in ROLE_TYPES:
            ids[role], surf[role] = _resolve(ctx, rc, role, corpus_index)
        if ids["method"] is None and surf["method"] is None:
            ours = [p for p in proposed if entities[p].type in ("Model", "Method")]
            if ours:
                ids["method"] = ours[0]
                named = [m.text for m in ctx.mentions if m.entity == ours[0]]
                surf["method"] = named[0] if named else entities[ours[0]].name
        if ids["dataset"] is None and surf["dataset"] is None and len(paper_datasets) == 1:
            ids["dataset"] = paper_datasets[0]
            surf["dataset"] = next(m.text for m in ctx.mentions if m.entity == paper_datasets[0])
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
