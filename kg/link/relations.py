"""Relation rules over linked mentions: every edge carries the sentences (evidence) and the rule that produced it.

Rule names (``Evidence.extractor``) are stable strings: ``rule:title_prefix``, ``rule:we_propose``,
``rule:mention``, ``rule:outperforms``, ``rule:compared_with``, ``rule:used_for``, ``rule:evaluated_on``,
``rule:result``, ``rule:version_suffix``, ``rule:co_mention``, ``rule:link``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.graph.model import RELATION_TYPES, Entity, Evidence, Mention, Relation
from kg.link.context import PaperContext
from kg.link.normalize import clean_surface, is_generic, is_named, is_proper_name, match_key, variant_bases

#: evidence kept per relation (support still counts every paper)
MAX_EVIDENCE = 10
MAX_EVIDENCE_CO_MENTION = 3
#: distinct entities per sentence considered for co-mention pairs (bounds the pairs to 66 a sentence)
MAX_CO_MENTION_ENTITIES = 12
#: sentences with more mentions or characters are not prose: only co-mentions and paper-level relations there
MAX_RULE_MENTIONS = 64
MAX_RULE_CHARS = 3000

_PROPOSE = re.compile(
    r"\b(?:we|this (?:paper|work|study|report)|the (?:present|proposed) (?:paper|work))\b[^.;:]{0,40}?"
    r"\b(?:propos|introduc|present|develop|releas|design|construct|curat|creat|buil[dt]|contribut|establish|offer|unveil|open-sourc)\w*",
    re.I,
)
_NAMING = re.compile(r"(?:called|named|dubbed|termed|coined|namely|denoted(?: as)?|abbreviated as|i\.e\.,?)\s*[\"'“]?\s*$|[,:(]\s*(?:the\s+|a\s+|an\s+)?[\"'“]?$", re.I)
_NAMING_WORD = re.compile(r"(?:called|named|dubbed|termed|coined)\s*[\"'“]?\s*$", re.I)
_TITLE_NAME_NEXT = re.compile(r"\s+(?:for|in|:|-|–|—|via|towards?)\s", re.I)
_OURS_NOUN = r"\bour\s+(?:(?:own|new|proposed|final|best|resulting)\s+)?(?:model|method|approach|system|framework|network|architecture|technique|algorithm)"
#: "Our model, ByteFormer, ..." (the name closed by a comma), "our method FooNet reaches ..."
_OURS_APPOSITION_OPEN = re.compile(_OURS_NOUN + r"\s*,\s*$", re.I)
_OURS_APPOSITION_BARE = re.compile(_OURS_NOUN + r",?\s+(?:called\s+|named\s+|dubbed\s+)$|" + _OURS_NOUN + r"\s+$", re.I)
_NOVEL = re.compile(r"\b(?:a|an|the first|novel|new)\b", re.I)
_OUTPERFORM = re.compile(
    r"\b(?:outperform\w*|surpass\w*|beat(?:s|ing)?|exceed\w*|improv\w* (?:over|upon)|(?:is|are|being|performs?) (?:\w+ )?(?:better|superior|faster|stronger) (?:than|to)|better than|superior to)\b",
    re.I,
)
_COMPARE = re.compile(r"\b(?:compared (?:to|with|against)|in comparison (?:to|with)|comparable (?:to|with)|versus|vs\.?|on par with|competitive with|relative to|against)", re.I)
_OURS = re.compile(r"\b(?:we|our|ours|it|this|proposed|the resulting|the new)\b", re.I)
_EVAL_CUE = re.compile(r"\b(?:experiment\w*|evaluat\w*|benchmark\w*|achiev\w*|outperform\w*|state-of-the-art|sota|results?|accuracy|score\w*|tested|test set)\b", re.I)
_FOR_GAP = re.compile(r"^[\s\w\-]{0,40}?\b(?:for|to|towards|in)\s+(?:the\s+|a\s+|an\s+)?(?:task\s+of\s+|problem\s+of\s+)?$", re.I)
_BY_GAP = re.compile(r"^[\s\w\-]{0,25}?\b(?:using|with|via|by|based on|leveraging|through|employing)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_SETTING = re.compile(r"\b(?:on|in|at|with|using|under|for|across|of)\s+(?:the\s+|a\s+|an\s+|only\s+)?(?:[\w.%\-]+\s+){0,2}$", re.I)
_ON_GAP = re.compile(r"\b(?:on|over|across|using)\b", re.I)


class RelationBuilder:
    """Accumulates evidence per (type, source, target) and emits :class:`Relation` objects."""

    def __init__(self) -> None:
        self._ev: dict[tuple[str, str, str], dict[tuple, Evidence]] = defaultdict(dict)

    def add(self, type_: str, source: str, target: str, ev: Evidence) -> None:
        if source == target:
            return
        assert type_ in RELATION_TYPES, type_
        k = (ev.paper, ev.field, ev.start, ev.end, ev.extractor)
        cur = self._ev[(type_, source, target)].get(k)
        if cur is None or ev.confidence > cur.confidence:
            self._ev[(type_, source, target)][k] = ev

    def merge(self, other: "RelationBuilder") -> None:
        """Take in ``other``'s evidence as if its ``add`` calls had been made here, after this builder's own."""
        for key, evs in other._ev.items():
            mine = self._ev[key]
            for k, ev in evs.items():
                cur = mine.get(k)
                if cur is None or ev.confidence > cur.confidence:
                    mine[k] = ev

    def relations(self) -> dict[str, Relation]:
        out: dict[str, Relation] = {}
        for (type_, src, tgt), evs in self._ev.items():
            ev = sorted(evs.values(), key=lambda e: (e.paper, e.field, e.start, e.end, e.extractor))
            papers = sorted({e.paper for e in ev})
            # noisy-or over the best evidence of each paper: more independent papers, more confidence
            best: dict[str, float] = {}
            for e in ev:
                best[e.paper] = max(best.get(e.paper, 0.0), e.confidence)
            miss = 1.0
            for c in best.values():
                miss *= 1.0 - min(c, 0.99)
            cap = MAX_EVIDENCE_CO_MENTION if type_ == "CO_MENTIONED" else MAX_EVIDENCE
            # keep evidence spread over papers: first the first sentence of each paper, then the rest
            firsts, rest, seen = [], [], set()
            for e in ev:
                (rest if e.paper in seen else firsts).append(e)
                seen.add(e.paper)
            kept = (firsts + rest)[:cap]
            kept.sort(key=lambda e: (e.paper, e.field, e.start, e.end, e.extractor))
            rid = Relation.make_id(type_, src, tgt)
            out[rid] = Relation(rid, type_, src, tgt, kept, round(1.0 - miss, 4), len(papers))
        return out


def _types_ok(type_: str, src_type: str, tgt_type: str) -> bool:
    srcs, tgts = RELATION_TYPES[type_]
    return src_type in srcs and tgt_type in tgts


# -- proposals ------------------------------------------------------------------------------------
_TITLE_PREFIX = re.compile(r"^\s*(?P<p>[^:\n]{1,48}?)\s*:\s+\S")
_NOT_A_NAME = re.compile(r"^(?:survey|review|tutorial|position|perspective|overview|benchmarking|a survey|part \w+|chapter \w+|technical report|report)\b", re.I)
_DATASETISH = re.compile(r"\b(?:dataset|benchmark|corpus|suite|collection|leaderboard|arena)\b", re.I)


def title_prefix(title: str) -> tuple[int, int] | None:
    """Span of a name before the title colon ("SVTRv2: CTC beats ..." -> (0, 6)), if it looks like a name."""
    m = _TITLE_PREFIX.match(title or "")
    if not m:
        return None
    p = m.group("p")
    words = p.split()
    if not (1 <= len(words) <= 4) or _NOT_A_NAME.match(p) or not is_named(p):
        return None
    return m.start("p"), m.end("p")


def title_prefix_mentions(ctx: PaperContext, known_types: dict[str, str]) -> list[Mention]:
    """Mentions for a title-prefix name that extraction did not tag (in the title and its abstract repeats).

    Args:
        ctx: the paper.
        known_types: match key -> the type extraction gives that name elsewhere in the corpus.
    """
    title = ctx.texts.get("title", "")
    span = title_prefix(title)
    if span is None:
        return []
    s, e = span
    if any(m.field == "title" and m.start < e and s < m.end for m in ctx.mentions):
        return []
    text = title[s:e]
    key = match_key(text)
    type_ = known_types.get(key) or ("Dataset" if _DATASETISH.search(title[e:]) else "Model")
    out = [Mention(ctx.id, "title", s, e, text, type_, *ctx.sentence_of("title", s), source="link:title_prefix", confidence=0.8)]
    for fld in ("abstract", "text"):
        t = ctx.texts.get(fld, "")
        if not t:
            continue
        covered = bytearray(len(t))
        for m in ctx.mentions:
            if m.field == fld:
                covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        for mm in re.finditer(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])", t):
            if covered.find(1, mm.start(), mm.end()) < 0:
                out.append(Mention(ctx.id, fld, mm.start(), mm.end(), text, type_, *ctx.sentence_of(fld, mm.start()),
                                   source="link:title_prefix", confidence=0.8))
    return out


def find_proposals(ctx: PaperContext, entities: dict[str, Entity]) -> list[tuple[str, Evidence]]:
    """(entity id, evidence) of what the paper introduces: its title-prefix name and "we propose X" objects."""
    out: list[tuple[str, Evidence]] = []
    span = title_prefix(ctx.texts.get("title", ""))
    if span:
        for m in ctx.mentions:
            if m.entity and m.field == "title" and m.start < span[1] and span[0] < m.end:
                if match_key(m.text) == match_key(ctx.texts["title"][span[0] : span[1]]):
                    out.append((m.entity, ctx.evidence("title", (0, len(ctx.texts["title"])), "rule:title_prefix", 0.9)))
    else:
        # "SVDNet for Pedestrian Retrieval", "UNet++ - a nested U-Net": a name opening the title
        title = ctx.texts.get("title", "")
        for m in ctx.mentions:
            if m.entity and m.field == "title" and m.start == len(title) - len(title.lstrip()) and is_proper_name(m.text):
                if entities[m.entity].type in ("Model", "Method", "Dataset") and _TITLE_NAME_NEXT.match(title, m.end):
                    out.append((m.entity, ctx.evidence("title", (0, len(title)), "rule:title_prefix", 0.85)))
    for (fld, s, e), ms in ctx.by_sentence().items():
        if fld == "title":
            continue
        text = ctx.texts[fld]
        for m in ms:
            # "Our model, ByteFormer, achieves ...", "our method FooNet reaches ...": our system named in apposition
            if m.entity and entities[m.entity].type in ("Model", "Method") and (is_named(m.text) or m.text[:1].isupper()):
                before = text[max(s, m.start - 80) : m.start]
                if _OURS_APPOSITION_OPEN.search(before) and text.startswith(",", m.end) or _OURS_APPOSITION_BARE.search(before):
                    out.append((m.entity, ctx.evidence(fld, (s, e), "rule:we_propose", 0.8)))
        for pm in _PROPOSE.finditer(text, s, e):
            verb_end = pm.end()
            best: tuple[float, Mention] | None = None
            for m in ms:
                if m.start < verb_end:
                    continue
                gap = text[verb_end : m.start]
                if ";" in gap or len(gap) > 150:
                    break
                etype = entities[m.entity].type
                # mid-sentence, a capitalised word is a name ("a new simple network architecture, the Transformer")
                named = is_named(m.text) or m.text[:1].isupper()
                if _NAMING.search(gap) and named and len(gap) <= 120 and (etype in ("Model", "Method", "Dataset") or _NAMING_WORD.search(gap)):
                    best = (0.9, m)
                    break
                if named and etype in ("Model", "Method", "Dataset") and len(gap) <= 100 and (best is None or best[0] < 0.8):
                    best = (0.8, m)
                elif best is None and etype in ("Model", "Method", "Dataset") and len(gap) <= 40 and _NOVEL.search(gap):
                    best = (0.6, m)
            if best:
                out.append((best[1].entity, ctx.evidence(fld, (s, e), "rule:we_propose", best[0])))
    return out


def rank_proposals(proposals: list[tuple[str, Evidence]]) -> list[str]:
    """Distinct proposed entity ids, strongest first; the name in the title leads, since it is what the paper is
    about ("SVDNet for Pedestrian Retrieval")."""
    conf: dict[str, float] = {}
    for eid, ev in proposals:
        conf[eid] = max(conf.get(eid, 0.0), ev.confidence)
    in_title = {eid for eid, ev in proposals if ev.extractor == "rule:title_prefix"}
    return sorted(conf, key=lambda k: (k not in in_title, -conf[k], k))


# -- per-paper rules ------------------------------------------------------------------------------
def paper_rules(ctx: PaperContext, entities: dict[str, Entity], rb: RelationBuilder) -> list[str]:
    """Add every relation found in one paper; return the ids of the entities it proposes (strongest first)."""
    proposals = find_proposals(ctx, entities)
    for eid, ev in proposals:
        rb.add("PROPOSES", ctx.id, eid, ev)
    proposed = rank_proposals(proposals)
    proposed_set = set(proposed)

    paper_rel = {"Dataset": "EVALUATES_ON", "Task": "ADDRESSES", "Metric": "REPORTS", "Model": "USES", "Method": "USES"}
    sentences = ctx.by_sentence()
    for (fld, s, e), ms in sentences.items():
        for m in ms:
            ent = entities[m.entity]
            rel = paper_rel[ent.type]
            if rel == "USES" and m.entity in proposed_set:
                continue
            rb.add(rel, ctx.id, m.entity, ctx.evidence(fld, (s, e), "rule:mention", min(m.confidence, 0.9)))

    mm_types = ("Model", "Method")
    ours = [p for p in proposed if entities[p].type in mm_types]
    for (fld, s, e), ms in sentences.items():
        text = ctx.texts[fld]
        typed = [(m, entities[m.entity].type) for m in ms]
        if len(ms) > MAX_RULE_MENTIONS or e - s > MAX_RULE_CHARS:
            # not a sentence of prose (a table, a run-on dump): pairwise rules would be quadratic and meaningless
            _co_mentions(ctx, fld, s, e, ms, rb)
            continue
        # X outperforms Y / X compared with Y
        for pattern, rel, base_conf in ((_OUTPERFORM, "OUTPERFORMS", 0.7), (_COMPARE, "COMPARED_WITH", 0.6)):
            for vm in pattern.finditer(text, s, e):
                clause_start = max(text.rfind(";", s, vm.start()) + 1, s)
                clause_end = min([i for i in (text.find(";", vm.end(), e), text.find(" while ", vm.end(), e), text.find(" whereas ", vm.end(), e)) if i >= 0] or [e])
                subj = [m for m, t in typed if t in mm_types and clause_start <= m.start and m.end <= vm.start() and not is_generic(m.text)]
                # objects are compared systems, not the setting of the comparison ("... on ADE20K", "with 55% TFLOPs")
                objs = [
                    m for m, t in typed
                    if t in mm_types and vm.end() <= m.start and m.end <= clause_end and not is_generic(m.text)
                    and not _SETTING.search(text, max(vm.end(), m.start - 30), m.start)
                ]
                comma = text.find(",", vm.end(), clause_end)
                if not subj and vm.start() - clause_start <= 15 and comma > 0:
                    # "Compared with Y, X is faster" / "Compared to Y, our model ...": objects before the comma
                    after = [m for m in objs if m.start > comma]
                    objs = [m for m in objs if m.end <= comma]
                    if after:
                        subj = after[:1]
                    elif ours and _OURS.search(text, comma, clause_end):
                        subj = []
                        if objs:
                            for o in objs:
                                if o.entity != ours[0]:
                                    rb.add(rel, ours[0], o.entity, ctx.evidence(fld, (s, e), "rule:" + rel.lower(), base_conf - 0.2))
                        continue
                    else:
                        continue
                    if objs:
                        for o in objs:
                            rb.add(rel, subj[0].entity, o.entity, ctx.evidence(fld, (s, e), "rule:" + rel.lower(), base_conf))
                    continue
                if not objs:
                    continue
                if subj and vm.start() - subj[-1].end <= 80:
                    sources, c = [subj[-1].entity], base_conf
                elif ours and _OURS.search(text, clause_start, vm.start()):
                    sources, c = ours[:1], base_conf - 0.2
                else:
                    continue
                for src in sources:
                    for o in objs:
                        if o.entity != src:
                            rb.add(rel, src, o.entity, ctx.evidence(fld, (s, e), "rule:" + rel.lower(), c))
        # Method USED_FOR Task
        for i, (a, ta) in enumerate(typed):
            for b, tb in typed[i + 1 :]:
                gap = text[a.end : b.start]
                if len(gap) > 45 or "," in gap or ";" in gap:
                    break
                if ta in mm_types and tb == "Task" and _FOR_GAP.match(gap):
                    rb.add("USED_FOR", a.entity, b.entity, ctx.evidence(fld, (s, e), "rule:used_for", 0.6))
                elif ta == "Task" and tb in mm_types and _BY_GAP.match(gap):
                    rb.add("USED_FOR", b.entity, a.entity, ctx.evidence(fld, (s, e), "rule:used_for", 0.6))
        # Model/Method EVALUATED_ON Dataset in evaluation sentences
        if fld != "title" and _EVAL_CUE.search(text, s, e):
            datasets = [m for m, t in typed if t == "Dataset"]
            for m, t in typed:
                if t not in mm_types:
                    continue
                for d in datasets:
                    gap = text[m.end : d.start]
                    if 0 <= len(gap) <= 120 and ";" not in gap and _ON_GAP.search(gap) and is_named(m.text):
                        rb.add("EVALUATED_ON", m.entity, d.entity, ctx.evidence(fld, (s, e), "rule:evaluated_on", 0.6))
            for p in ours[:1]:
                for d in datasets:
                    rb.add("EVALUATED_ON", p, d.entity, ctx.evidence(fld, (s, e), "rule:evaluated_on", 0.5))
        # what the paper proposes is used for the tasks its title / proposal sentence names
        if fld == "title" or any(ev.field == fld and ev.start == s for _, ev in proposals):
            for p in ours[:1]:
                for m, t in typed:
                    if t == "Task":
                        rb.add("USED_FOR", p, m.entity, ctx.evidence(fld, (s, e), "rule:used_for", 0.6))
        _co_mentions(ctx, fld, s, e, ms, rb)
    return proposed


def _co_mentions(ctx: PaperContext, fld: str, s: int, e: int, ms: list[Mention], rb: RelationBuilder) -> None:
    """Co-mention pairs of one sentence, over its first :data:`MAX_CO_MENTION_ENTITIES` distinct entities."""
    seen: list[str] = []
    for m in ms:
        if m.entity not in seen:
            seen.append(m.entity)
            if len(seen) >= MAX_CO_MENTION_ENTITIES:
                break
    for i, a in enumerate(seen):
        for b in seen[i + 1 :]:
            x, y = sorted((a, b))
            rb.add("CO_MENTIONED", x, y, ctx.evidence(fld, (s, e), "rule:co_mention", 0.5))


# -- corpus-level rules ---------------------------------------------------------------------------
def variant_relations(entities: dict[str, Entity], first_mentions: dict[str, list[tuple[PaperContext, Mention]]], rb: RelationBuilder) -> None:
    """``X VARIANT_OF Y`` where stripping a version/size suffix from a surface of X gives a surface of Y."""
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in sorted(entities.values(), key=lambda e: (-e.mentions, e.id)):
        for s in [e.name, *e.aliases]:
            k = match_key(s, e.type)
            if k and e.id not in index[(e.type, k)]:
                index[(e.type, k)].append(e.id)
    family = {"Model": ("Model", "Method"), "Method": ("Method", "Model")}
    for e in sorted(entities.values(), key=lambda e: e.id):
        target = None
        for s in [e.name, *e.aliases]:
            for base in variant_bases(clean_surface(s)):
                for t in family.get(e.type, (e.type,)):
                    hits = [i for i in index.get((t, match_key(base, t)), []) if i != e.id]
                    if hits:
                        target = hits[0]
                        break
                if target:
                    break
            if target:
                break
        if not target:
            continue
        for ctx, m in first_mentions.get(e.id, [])[:MAX_EVIDENCE]:
            rb.add("VARIANT_OF", e.id, target, ctx.evidence(m.field, ctx.mention_sentence(m), "rule:version_suffix", 0.9))

