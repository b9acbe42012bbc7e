"""Canonical entities: mentions of one real thing, within one type, collapse into one :class:`Entity`.

Steps, each recorded in ``Entity.merges`` so that ``kg explain-entity`` can say why surfaces merged:

1. every mention gets a key (:func:`kg.link.normalize.match_key`);
2. short forms are resolved through the paper's own abbreviation definitions ("masked image modeling (MIM)"), or,
   when the paper defines nothing, through the corpus when every definition of that short form agrees;
3. Model/Method typing is settled per key by majority (the extractor may call BERT a Method once);
4. descriptive Method/Task/Metric terms (lower-case phrases, not names) whose keys differ by a spelling slip are
   fuzzy-merged (rapidfuzz ratio >= :data:`FUZZY_THRESHOLD`, same first letter, same digits, key length >= 10):
   names (``EfficientNet``/``EfficientDet``) are never fuzzy-merged;
5. ids: kept from the previous build where a surface matches, else ``<type>:<slug>`` of the main key, with a hash
   suffix on collision; the preferred name is the most frequent surface (long forms first for Method and Task).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import fuzz, process

from kg.extract.document import Abbreviation
from kg.graph.model import Entity, KnowledgeGraph, Mention, stable_hash
from kg.link.normalize import NON_ENTITY_KEYS, _singular_word, clean_surface, digits_of, is_named, match_key, normal_form, slug

#: rapidfuzz ``ratio`` (0-100) from which two descriptive keys of one type merge; measured by benchmarks/eval_link.py
FUZZY_THRESHOLD = 94.0
FUZZY_MIN_LEN = 10
FUZZY_TYPES = ("Method", "Task", "Metric")
FUZZY_CHUNK = 2048  #: rows per rapidfuzz cdist call (bounds memory to FUZZY_CHUNK x block size bytes)
#: ratio from which two definitions of one short form are the same thing ("automated"/"automatic machine learning")
ABBR_AGREE = 85.0
_ABBR_PAREN = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[^()]{1,15})\)$")


@dataclass
class _Node:
    """One (type, key): the unit that clustering unions."""

    type: str
    key: str
    surfaces: Counter = field(default_factory=Counter)  #: surface as written (cleaned) -> mentions
    forms: Counter = field(default_factory=Counter)  #: normal form -> weight (for the id slug)
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)  #: surface -> (rule, detail)
    papers: set[str] = field(default_factory=set)
    long_forms: set[str] = field(default_factory=set)
    short_forms: set[str] = field(default_factory=set)

    @property
    def mentions(self) -> int:
        return sum(self.surfaces.values())


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller root wins so that the result does not depend on the order of unions
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def looks_like_abbreviation(short: str, long: str) -> bool:
    """Schwartz-Hearst check: the short form's letters occur in order in the long form, the first one starting it.

    A digit before a letter may count that letter ("I3D" = Input-Dependent Dynamic Depth, "W2V" stays literal).
    """
    s = re.sub(r"[^a-z0-9]", "", short.lower().rstrip("s") if short.endswith("s") and short[:-1].isupper() else short.lower())
    lo = long.lower()
    if not s or len(s) > len(lo) or not s[0].isalnum():
        return False
    words = re.findall(r"[a-z0-9]+", lo)
    # the long form starts with the short form's first letter ("decoder-only large language models (LLMs)" defines
    # LLMs as "large language models", not as the whole phrase)
    if not words or s[0] != words[0][0]:
        return False
    if _letters_in_order(s, lo):
        return True
    expanded = re.sub(r"([2-9])([a-z])", lambda m: m.group(2) * int(m.group(1)), s)
    return expanded != s and _letters_in_order(expanded, lo)


def _letters_in_order(s: str, lo: str) -> bool:
    i = len(lo) - 1
    for c in reversed(s):
        while i >= 0 and lo[i] != c:
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True


_looks_like_abbreviation = looks_like_abbreviation


def abbreviations_from_mentions(paper: str, mentions: list[Mention], texts: dict[str, str]) -> list[Abbreviation]:
    """Pairs "long form (SHORT)" between adjacent mentions, for extractions that did not report them.

    Args:
        paper: paper id.
        mentions: the paper's mentions, sorted by field and start.
        texts: field name -> text.
    """
    out = []
    by_field: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_field[m.field].append(m)
    for fld, ms in by_field.items():
        text = texts.get(fld, "")
        for a, b in zip(ms, ms[1:]):
            gap = text[a.end : b.start]
            if gap.strip() == "(" and text[b.end : b.end + 1] == ")" and len(b.text) <= 12 and " " not in b.text.strip():
                if len(a.text) > len(b.text) and _looks_like_abbreviation(b.text, a.text):
                    out.append(Abbreviation(paper, fld, b.text, a.text, b.start, b.end, a.start, a.end))
    return out


def _length_window(n: int, threshold: float = FUZZY_THRESHOLD) -> int:
    """The longest key length whose ``fuzz.ratio`` with a key of length ``n`` can reach ``threshold``.

    ``ratio`` is ``100 * (1 - indel / (la + lb))`` and ``indel >= |la - lb|``, so a pair can only score
    ``threshold`` when ``100 * (lb - la) <= (100 - threshold) * (la + lb)``.
    """
    m = n
    while 100 * (m + 1 - n) <= (100 - threshold) * (n + m + 1) + 1e-9:
        m += 1
    return m


def _fuzzy_pairs(keys: list[str], threshold: float = FUZZY_THRESHOLD) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, score)`` with ``i < j`` and ``fuzz.ratio(keys[i], keys[j]) >= threshold``, sorted.

    Each key is scored only against keys whose length lets the pair reach the threshold (see
    :func:`_length_window`), not against the whole list: the same pairs as an all-against-all ``cdist``, with a
    fraction of the comparisons (the block of a large corpus holds keys of every length).
    """
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        by_len[len(k)].append(i)
    lengths = sorted(by_len)
    found: list[tuple[int, int, float]] = []
    for li, n in enumerate(lengths):
        top = _length_window(n, threshold)
        queries = by_len[n]
        choices = [i for m in lengths[li:] if m <= top for i in by_len[m]]
        if len(choices) < 2:
            continue
        choice_keys = [keys[i] for i in choices]
        for lo in range(0, len(queries), FUZZY_CHUNK):
            rows = queries[lo : lo + FUZZY_CHUNK]
            scores = process.cdist([keys[i] for i in rows], choice_keys, scorer=fuzz.ratio, score_cutoff=threshold, workers=1)
            for r, c in zip(*scores.nonzero()):
                a, b = rows[r], choices[c]
                # keys of one length meet twice (as query and as choice): keep one of the two
                if a == b or (len(keys[b]) == n and b < a):
                    continue
                found.append((min(a, b), max(a, b), float(scores[r, c])))
    found.sort()
    return found


class Canonicaliser:
    """Turns the mentions of a whole corpus into canonical entities (one instance per build)."""

    def __init__(self, previous: KnowledgeGraph | None = None) -> None:
        self.previous = previous
        #: paper -> short key -> long form
        self.paper_abbr: dict[str, dict[str, str]] = defaultdict(dict)
        #: short key -> long keys (type-free) -> papers defining it
        self.corpus_abbr: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.corpus_abbr_text: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        #: (paper, field, start, end) of a mention -> the long form it is a truncated span of
        self.span_long: dict[tuple[str, str, int, int], str] = {}
        self._agree_cache: dict[str, list[list[str]]] = {}
        self._corpus_long_cache: dict[str, tuple[str, str] | None] = {}

    # -- abbreviations ----------------------------------------------------------------------------
    def add_abbreviations(self, abbrs: Iterable[Abbreviation]) -> None:
        for a in abbrs:
            short_key = match_key(a.short)
            long_key = match_key(a.long)
            if not short_key or not long_key or short_key == long_key:
                continue
            # the first definition in a paper wins (papers define a short form once)
            self.paper_abbr[a.paper].setdefault(short_key, clean_surface(a.long))
            self.corpus_abbr[short_key][long_key].add(a.paper)
            self.corpus_abbr_text[short_key][long_key][clean_surface(a.long)] += 1

    def _resolve(self, m: Mention, type_: str) -> tuple[str, str, str, str | None]:
        """(key, rule, detail, long form) of a mention after abbreviation resolution."""
        text = clean_surface(m.text)
        long = self.span_long.get((m.paper, m.field, m.start, m.end))
        if long:
            return match_key(long, type_), "abbreviation", f"span inside the defined long form {long!r}", long
        paren = _ABBR_PAREN.match(text)
        if paren and _looks_like_abbreviation(paren["short"], paren["long"]):
            # "generative adversarial networks (GANs)" tagged as one span: the long form names it
            long = paren["long"]
            return match_key(long, type_), "abbreviation", f"span holds its own definition {text!r}", long
        short_key = match_key(text)
        defs = self.paper_abbr.get(m.paper, {})
        if short_key in defs:
            long = defs[short_key]
            lk = match_key(long, type_)
            if lk and lk != short_key:
                return lk, "abbreviation", f"defined in {m.paper} as {text} = {long!r}", long
        elif short_key in self.corpus_abbr:
            agreed = self._corpus_long(short_key)
            if agreed is not None:
                long, where = agreed
                lk = match_key(long, type_)
                if lk and lk != short_key:
                    return lk, "abbreviation", f"not defined in {m.paper}; every definition in the corpus agrees ({where}): {text} = {long!r}", long
        key = match_key(text, type_)
        return key, "normalised", f"same key {key!r}", None

    def _corpus_long(self, short_key: str) -> tuple[str, str] | None:
        """(long form, defining papers as a short list) of a short form every definition in the corpus agrees on.

        Cached per short form: a common short form ("CNN") is defined in a share of the corpus's papers and used
        undefined in another share, so gathering its definitions for every mention grew with the square of the
        corpus.
        """
        if short_key in self._corpus_long_cache:
            return self._corpus_long_cache[short_key]
        out = None
        if len(self._agreeing(short_key)) == 1:
            papers = set().union(*self.corpus_abbr[short_key].values())
            texts: Counter = Counter()
            for per_key in self.corpus_abbr_text[short_key].values():
                texts.update(per_key)
            long = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            out = long, ", ".join(sorted(papers)[:3]) + (" ..." if len(papers) > 3 else "")
        self._corpus_long_cache[short_key] = out
        return out

    def _agreeing(self, short_key: str) -> list[list[str]]:
        """The long-form keys of a short form, grouped by agreement (same first letter, rapidfuzz ratio >=
        :data:`ABBR_AGREE`: "automated"/"automatic machine learning" agree, "masked image modeling"/"mutual
        information maximization" do not). One group means the short form is unambiguous in the corpus."""
        cached = self._agree_cache.get(short_key)
        if cached is not None:
            return cached
        longs = self.corpus_abbr.get(short_key, {})
        order = sorted(longs, key=lambda k: (-len(longs[k]), k))
        groups: list[list[str]] = []
        for k in order:
            for g in groups:
                if g[0][:1] == k[:1] and fuzz.ratio(g[0], k) >= ABBR_AGREE:
                    g.append(k)
                    break
            else:
                groups.append([k])
        self._agree_cache[short_key] = groups
        return groups

    # -- clustering -------------------------------------------------------------------------------
    def canonicalise(self, mentions: list[Mention], light: bool = False) -> dict[str, Entity]:
        """Assign ``mention.entity`` (and settle ``mention.type``) for every mention; return the entities by id.

        ``mentions`` are modified in place: pass copies. ``light`` (one paper, for ``kg extract``) skips fuzzy
        matching, preferred names and merge explanations: entities then carry ids, types and mention counts.
        """
        resolved: list[tuple[Mention, str, str, str, str | None]] = []
        for m in mentions:
            key, rule, detail, long = self._resolve(m, m.type)
            if not key or key in NON_ENTITY_KEYS:
                # "SoTA", "baselines", "our model": words about systems, not systems (left unlinked)
                m.entity = None
                continue
            resolved.append((m, key, rule, detail, long))

        # Model/Method: one type per key, by majority (ties: a name is a Model)
        votes: dict[str, Counter] = defaultdict(Counter)
        named_keys: set[str] = set()
        for m, key, *_ in resolved:
            if m.type in ("Model", "Method"):
                votes[key][m.type] += 1
                if is_named(clean_surface(m.text)):
                    named_keys.add(key)
        settled: dict[str, str] = {}
        for key, c in votes.items():
            if len(c) > 1:
                if c["Model"] != c["Method"]:
                    settled[key] = "Model" if c["Model"] > c["Method"] else "Method"
                else:
                    settled[key] = "Model" if key in named_keys else "Method"

        nodes: dict[tuple[str, str], _Node] = {}
        for m, key, rule, detail, long in resolved:
            if m.type in ("Model", "Method") and key in settled and settled[key] != m.type:
                detail = f"{detail}; typed {m.type} here, {settled[key]} by majority ({dict(sorted(votes[key].items()))})"
                m.type = settled[key]
            node = nodes.get((m.type, key))
            if node is None:
                node = nodes[(m.type, key)] = _Node(m.type, key)
            surface = clean_surface(m.text)
            node.surfaces[surface] += 1
            node.papers.add(m.paper)
            node.reasons.setdefault(surface, (rule, detail))
            if long:
                node.long_forms.add(long)
                node.short_forms.add(surface)
                node.forms[normal_form(long, m.type)] += 1
            else:
                node.forms[normal_form(surface, m.type)] += 1

        uf = _UnionFind()
        for n in nodes:
            uf.find(n)
        fuzzy_notes = {} if light else self._fuzzy_union(nodes, uf)
        # long forms that define one short form in agreeing words name one thing
        types = sorted({n[0] for n in nodes})
        for short_key in sorted(self.corpus_abbr):
            for group in self._agreeing(short_key):
                for other in group[1:]:
                    for t in types:
                        if (t, group[0]) in nodes and (t, other) in nodes:
                            uf.union((t, group[0]), (t, other))
                            fuzzy_notes.setdefault(
                                (t, other), f"abbreviation: {other!r} and {group[0]!r} both define the short form {short_key!r}"
                            )

        clusters: dict[tuple[str, str], list[_Node]] = defaultdict(list)
        for nk in sorted(nodes):
            clusters[uf.find(nk)].append(nodes[nk])
        entities = self._make_entities(list(clusters.values()), fuzzy_notes, light)
        by_node: dict[tuple[str, str], str] = {}
        for ent_id, (ent, members) in entities.items():
            for n in members:
                by_node[(n.type, n.key)] = ent_id
        for m, key, *_ in resolved:
            m.entity = by_node[(m.type, key)]
        return {eid: ent for eid, (ent, _) in entities.items()}

    def _fuzzy_union(self, nodes: dict[tuple[str, str], _Node], uf: _UnionFind) -> dict[tuple[str, str], str]:
        notes: dict[tuple[str, str], str] = {}
        # candidates share type and first letter: blocking on both keeps the comparisons near-linear in corpus size
        blocks: dict[tuple[str, str], list[_Node]] = defaultdict(list)
        for nk in sorted(nodes):
            n = nodes[nk]
            if n.type in FUZZY_TYPES and len(n.key) >= FUZZY_MIN_LEN and all(s == s.lower() for s in n.surfaces):
                blocks[(n.type, n.key[0])].append(n)
        for (_type, _first), ns in sorted(blocks.items()):
            if len(ns) < 2:
                continue
            pairs = _fuzzy_pairs([n.key for n in ns])
            for i, j, sc in pairs:
                a, b = ns[i], ns[j]
                if digits_of(a.key) != digits_of(b.key):
                    continue
                uf.union((a.type, a.key), (b.type, b.key))
                notes[(b.type, b.key)] = f"fuzzy: key {b.key!r} ~ {a.key!r} (rapidfuzz ratio {sc:.1f} >= {FUZZY_THRESHOLD})"
                notes.setdefault((a.type, a.key), f"fuzzy: key {a.key!r} ~ {b.key!r} (rapidfuzz ratio {sc:.1f} >= {FUZZY_THRESHOLD})")
        return notes

    # -- naming and ids ---------------------------------------------------------------------------
    def _make_entities(self, clusters: list[list[_Node]], fuzzy_notes, light: bool = False) -> dict[str, tuple[Entity, list[_Node]]]:
        prepared = []
        for members in clusters:
            type_ = members[0].type
            main = sorted(members, key=lambda n: (-n.mentions, n.key))[0]
            form = sorted(main.forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if main.forms else main.key
            surfaces: Counter = Counter()
            longs: set[str] = set()
            shorts: set[str] = set()
            papers: set[str] = set()
            for n in members:
                surfaces.update(n.surfaces)
                longs |= n.long_forms
                shorts |= n.short_forms
                papers |= n.papers
            name = min(main.surfaces) if light else _preferred_name(type_, surfaces, shorts, longs)
            prepared.append((type_, main.key, form, name, surfaces, longs, members, papers))

        ids = self._assign_ids([(t, k, f, members) for t, k, f, _, _, _, members, _ in prepared])
        out: dict[str, tuple[Entity, list[_Node]]] = {}
        for (type_, key, form, name, surfaces, longs, members, papers), ent_id in zip(prepared, ids):
            aliases = sorted((set(surfaces) | longs) - {name})
            merges = []
            for n in members if not light else ():
                for surface, count in sorted(n.surfaces.items()):
                    rule, detail = n.reasons[surface]
                    if (n.type, n.key) in fuzzy_notes and n.key != key:
                        detail = fuzzy_notes[(n.type, n.key)]
                        rule = detail.split(":", 1)[0]
                    merges.append({"surface": surface, "key": n.key, "rule": rule, "detail": detail, "mentions": count})
            for long in sorted(longs - set(surfaces)):
                merges.append({"surface": long, "key": match_key(long, type_), "rule": "abbreviation",
                               "detail": "long form of a defined abbreviation", "mentions": 0})
            merges.sort(key=lambda d: (-d["mentions"], d["surface"]))
            ent = Entity(
                id=ent_id,
                type=type_,
                name=name,
                aliases=aliases,
                papers=sorted(papers),
                mentions=sum(surfaces.values()),
                merges=merges,
            )
            out[ent_id] = (ent, members)
        return out

    def _assign_ids(self, items: list[tuple[str, str, str, list[_Node]]]) -> list[str]:
        """Ids for clusters ``(type, main key, normal form, members)``: previous ids first, then slugs."""
        ids: list[str | None] = [None] * len(items)
        taken: set[str] = set()
        if self.previous is not None and self.previous.entities:
            # keys a previous entity was built from (its merges) are exact evidence; the keys of its names and
            # aliases are weaker ("GANs" may now resolve to the long form's key but still names the old entity)
            by_node: dict[tuple[str, str], set[str]] = defaultdict(set)
            by_surface: dict[tuple[str, str], set[str]] = defaultdict(set)
            for e in self.previous.entities.values():
                for mg in e.merges or []:
                    if mg.get("key"):
                        by_node[(e.type, mg["key"])].add(e.id)
                for s in [e.name, *e.aliases]:
                    k = match_key(s, e.type)
                    if k:
                        by_surface[(e.type, k)].add(e.id)
            claims: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
            for i, (type_, key, _form, members) in enumerate(items):
                exact: Counter = Counter()
                weak: Counter = Counter()
                for n in members:
                    for pid in by_node.get((n.type, n.key), ()):
                        exact[pid] += n.mentions + 1
                    for surface, count in n.surfaces.items():
                        for pid in by_surface.get((n.type, match_key(surface, n.type)), ()):
                            weak[pid] += count
                cands = set(exact) | set(weak)
                if cands:
                    best = sorted(cands, key=lambda pid: (-exact[pid], -weak[pid], pid))[0]
                    claims[best].append((-sum(n.mentions for n in members), key, i))
            for pid, cl in claims.items():
                winner = sorted(cl)[0][2]
                ids[winner] = pid
                taken.add(pid)
            taken |= set(self.previous.entities)
        base: dict[str, list[int]] = defaultdict(list)
        for i, (type_, key, form, _m) in enumerate(items):
            if ids[i] is None:
                s = slug(form)
                base[f"{type_.lower()}:{s}" if s else f"{type_.lower()}:h-{stable_hash(type_, key, length=10)}"].append(i)
        for b, idxs in base.items():
            exact = [i for i in idxs if items[i][1] == re.sub(r"[^a-z0-9]", "", b.split(":", 1)[1])]
            for i in idxs:
                if len(idxs) == 1 and b not in taken:
                    ids[i] = b
                elif len(exact) == 1 and i == exact[0] and b not in taken:
                    ids[i] = b
                else:
                    ids[i] = f"{b}-{stable_hash(items[i][0], items[i][1], length=6)}"
        return [i for i in ids]  # type: ignore[misc]


def _preferred_name(type_: str, surfaces: Counter, shorts: set[str], longs: set[str]) -> str:
    """The most frequent spelling (by key); for Method and Task the most frequent long form; singular first.

    Within one spelling, descriptive types (Method, Task, Metric) prefer the mid-sentence lower-case casing
    ("scene text recognition" over the title's "Scene Text Recognition"); names keep their most frequent casing.
    """
    cands = Counter(surfaces)
    for long in longs:
        cands[long] += 1  # a defined long form counts once more: it is how the paper itself names the thing
    pool = list(cands)
    if type_ in ("Method", "Task"):
        long_pool = [s for s in pool if s not in shorts and (s in longs or not re.fullmatch(r"[A-Z0-9\-]{2,}s?", s))]
        if long_pool and longs:
            pool = long_pool
    groups: dict[str, list[str]] = defaultdict(list)
    for s in pool:
        groups[match_key(s, type_) or s].append(s)

    def plural(s: str) -> bool:
        last = re.split(r"[\s\-]", s)[-1]
        return _singular_word(last) != last

    best = sorted(groups, key=lambda k: (-sum(cands[s] for s in groups[k]), k))[0]
    # within one key: the singular ("ResNet" over "ResNets"), then for descriptive types the mid-sentence casing
    # ("scene text recognition" over the title's "Scene Text Recognition"), then the most frequent writing
    if type_ in ("Method", "Task", "Metric"):
        return sorted(groups[best], key=lambda s: (plural(s), -s[:1].islower(), -cands[s], s))[0]
    return sorted(groups[best], key=lambda s: (plural(s), -cands[s], -sum(c.isupper() for c in s), -s.count("-"), s))[0]
