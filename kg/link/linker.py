"""``link()``: extraction output of a whole corpus -> the canonical :class:`KnowledgeGraph`."""

from __future__ import annotations

import logging
import operator
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from kg.extract.document import Abbreviation, PaperExtraction
from kg.forking import map_shares
from kg.graph.model import FIELDS, KnowledgeGraph, Mention, Paper
from kg.link.canonical import FUZZY_THRESHOLD, Canonicaliser, abbreviations_from_mentions
from kg.link.context import PaperContext
from kg.link.normalize import match_key
from kg.link.propagate import consolidate_types, dataset_names, propagate, retype_by_context
from kg.link.relations import RelationBuilder, paper_rules, title_prefix_mentions, variant_relations
from kg.link.repos import build_repositories
from kg.link.results import build_results

log = logging.getLogger(__name__)

LINK_VERSION = "1"

_MENTION_SLOTS = Mention.__slots__
_mention_values = operator.attrgetter(*_MENTION_SLOTS)


def _valid_mentions(paper: Paper, ex: PaperExtraction) -> tuple[list[Mention], int]:
    """Copies of the extraction's mentions whose span matches the paper text; the count of the others."""
    out, bad = [], 0
    for m in ex.mentions:
        if m.field not in FIELDS:
            bad += 1
            continue
        text = paper.field_text(m.field) or ""
        if not (0 <= m.start < m.end <= len(text)) or text[m.start : m.end] != m.text or m.type not in ("Model", "Dataset", "Method", "Metric", "Task"):
            bad += 1
            continue
        # a shallow copy (the caller's extraction, a cache entry, stays untouched); copy.copy's reduce protocol
        # cost as much as the rest of this function
        c = object.__new__(Mention)
        for name, value in zip(_MENTION_SLOTS, _mention_values(m)):
            setattr(c, name, value)
        c.paper, c.entity = paper.id, None
        out.append(c)
    out.sort(key=lambda m: (FIELDS.index(m.field), m.start, m.end, m.type))
    # one mention per span: extraction components may tag the same span twice
    dedup: list[Mention] = []
    for m in out:
        if dedup and (dedup[-1].field, dedup[-1].start, dedup[-1].end) == (m.field, m.start, m.end):
            continue
        dedup.append(m)
    return dedup, bad


def _paper_abbreviations(ctx: PaperContext, canon: Canonicaliser) -> list[Abbreviation]:
    """The paper's definitions, reconciled with its mentions.

    Where a mention ends right before "(SHORT)", the definition and that mention must name one entity: a mention
    covering the extracted long form becomes the long form ("deep convolutional encoder-decoder neural networks
    (DCNN)"), and a mention inside it is resolved to the extracted long form.
    """
    by_short = {(a.field, a.short_start): a for a in ctx.extraction.abbreviations if a.paper in (ctx.id, "")}
    out: dict[tuple[str, int], Abbreviation] = {}
    for pair in abbreviations_from_mentions(ctx.id, ctx.mentions, ctx.texts):
        ext = by_short.get((pair.field, pair.short_start))
        if ext is None or pair.long_start <= ext.long_start:
            out[(pair.field, pair.short_start)] = pair
        else:
            out[(pair.field, pair.short_start)] = replace(ext, paper=ctx.id)
            canon.span_long[(ctx.id, pair.field, pair.long_start, pair.long_end)] = ext.long
    for k, a in by_short.items():
        out.setdefault(k, replace(a, paper=ctx.id))
    return [out[k] for k in sorted(out, key=lambda k: (FIELDS.index(k[0]) if k[0] in FIELDS else 9, k[1]))]


def link(
    papers: dict[str, Paper],
    extractions: dict[str, PaperExtraction],
    previous: KnowledgeGraph | None = None,
    workers: int = 1,
) -> KnowledgeGraph:
    """Link a corpus: canonical entities, relations with evidence, results and repositories.

    Args:
        papers: every paper of the build, by id (the whole corpus, not only new papers).
        extractions: extraction output by paper id; papers without one get no mentions.
        previous: the graph of the last build into the same directory; entities that still exist keep its ids.
        workers: processes for the per-paper steps (propagation, relation rules, results): ``workers - 1`` are
            forked, each with a share of the papers (:mod:`kg.forking`); the graph is the same for any number.

    Returns:
        The graph, in canonical order. The same input gives an identical graph whatever the order of the dicts.
    """
    ctxs: list[PaperContext] = []
    skipped = 0
    unknown = sorted(set(extractions) - set(papers))
    if unknown:
        log.warning("%d extraction(s) name papers that are not in the build and are ignored (e.g. %s).", len(unknown), unknown[0])
    for pid in sorted(papers):
        paper = papers[pid]
        ex = extractions.get(pid) or PaperExtraction(paper=pid)
        ms, bad = _valid_mentions(paper, ex)
        if bad:
            log.warning("Paper %s: %d mention(s) whose span does not match the paper text were dropped.", pid, bad)
            skipped += bad
        ctxs.append(PaperContext(paper, ex, ms))

    # titles such as "SVTRv2: ..." name what the paper introduces, even where NER missed it
    type_votes: dict[str, Counter] = defaultdict(Counter)
    for ctx in ctxs:
        for m in ctx.mentions:
            type_votes[match_key(m.text)][m.type] += 1
    known_types = {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in type_votes.items()}
    for ctx in ctxs:
        extra = title_prefix_mentions(ctx, known_types)
        if extra:
            ctx.mentions = sorted(ctx.mentions + extra, key=lambda m: (FIELDS.index(m.field), m.start, m.end, m.type))

    datasets = dataset_names(ctxs)
    for ctx in ctxs:
        retype_by_context(ctx, datasets)
    retyped = consolidate_types(ctxs)
    propagated = propagate(ctxs, workers)

    canon = Canonicaliser(previous)
    for ctx in ctxs:
        canon.add_abbreviations(_paper_abbreviations(ctx, canon))
    all_mentions = [m for ctx in ctxs for m in ctx.mentions]
    entities = canon.canonicalise(all_mentions)
    # mentions left without an entity ("SoTA", "our model", nothing name-like) are words about systems, not
    # systems: the graph keeps only mentions of entities (kg extract output still lists them, with entity null)
    unlinked = 0
    for ctx in ctxs:
        kept = [m for m in ctx.mentions if m.entity]
        unlinked += len(ctx.mentions) - len(kept)
        ctx.mentions = kept
    if unlinked:
        log.info("%d mention(s) name no particular system (e.g. 'SoTA', 'our model') and are not linked.", unlinked)

    corpus_index: dict[tuple[str, str], str] = {}
    for e in sorted(entities.values(), key=lambda e: (-e.mentions, e.id)):
        for s in [e.name, *e.aliases]:
            corpus_index.setdefault((e.type, match_key(s, e.type)), e.id)

    def paper_share(part: Sequence[PaperContext]) -> tuple[RelationBuilder, list]:
        share_rb, share_results = RelationBuilder(), []
        for ctx in part:
            proposed = paper_rules(ctx, entities, share_rb)
            share_results.extend(build_results(ctx, entities, proposed, corpus_index, share_rb))
        return share_rb, share_results

    # merged in corpus order: the same evidence and results as one pass over the papers
    shares = map_shares(paper_share, ctxs, workers)
    rb = shares[0][0]
    for share_rb, _ in shares[1:]:
        rb.merge(share_rb)
    results = {r.id: r for _, share_results in shares for r in share_results}
    first_mentions: dict[str, list] = defaultdict(list)
    for ctx in ctxs:
        seen = set()
        for m in ctx.mentions:
            if m.entity and m.entity not in seen:
                seen.add(m.entity)
                first_mentions[m.entity].append((ctx, m))
    variant_relations(entities, first_mentions, rb)
    repositories = build_repositories(ctxs, rb)

    graph = KnowledgeGraph(
        papers={pid: papers[pid] for pid in sorted(papers)},
        entities=entities,
        mentions=[m for ctx in ctxs for m in ctx.mentions],
        relations=rb.relations(),
        results=results,
        repositories=repositories,
        meta={
            "link": {
                "version": LINK_VERSION,
                "fuzzy_threshold": FUZZY_THRESHOLD,
                "mentions_dropped": skipped,
                "mentions_propagated": propagated,
                "mentions_retyped_by_corpus": retyped,
                "mentions_unlinked": unlinked,
                "previous_ids_kept": sum(1 for e in entities if previous is not None and e in previous.entities),
            }
        },
    )
    return graph.sorted()
