"""Mention repair before canonicalisation: types fixed by context, and names tagged once found everywhere.

Extraction sees one paper at a time; linking sees the corpus. Two repairs use that:

* **type by context** (``link:type_context``): a Model/Method mention written as a dataset ("VOT-2018", "the
  CNN/DailyMail cloze test", "BRATS 2015 dataset") is retyped Dataset;
* **one type per surface across the corpus** (``link:type_corpus``, :func:`consolidate_types`): a surface that most
  papers give one type ("RoBERTa" a Model in four papers, a Dataset in one; "natural language processing" a Task
  in twenty, a Method in one) takes that type in the other papers too, so the graph holds one node for it rather
  than one per type;
* **propagation** (``link:propagated``): a surface tagged in a paper is tagged at its other, untagged occurrences
  in that paper (names and multi-word terms), and a *name* (digits or inner capitals: ``ImageNet``, ``GPT-4``)
  tagged anywhere in the corpus with a clear type, or a lower-case task of several words tagged Task in two papers
  or more ("question answering"), is tagged where it occurs untagged in other papers.

Propagated mentions exist only in the graph: ``kg extract`` output keeps the extractor's own mentions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from kg.forking import map_shares
from kg.graph.model import FIELDS, Mention
from kg.link.canonical import abbreviations_from_mentions
from kg.link.context import PaperContext
from kg.link.normalize import is_named, is_proper_name, match_key

MAX_NGRAM = 6
_TOKEN = re.compile(r"\S+")
_EDGE = "\"'.,;:!?()[]{}"
_DATASET_AFTER = re.compile(
    r"^(?:\s*(?:(?:test|training|train|validation|evaluation)\s+)?(?:dataset|data set|benchmark|corpus|corpora|test set|test-dev|"
    r"testbed|challenge|database|cloze test|leaderboard)\b|[\s\-](?:19[5-9]\d|20[0-4]\d)\b)",
    re.I,
)
_DERIVED_PREFIX = re.compile(r"(?:mini|tiny|super|sub|small)[\-_]?", re.I)
_DERIVED_SUFFIX = re.compile(r"[\-_](?:\d+[kKmM]?|C|LT|R|A|O|v\d+|V\d+|Sketch|Lite|Full|Extended)$")
_METRIC_HEAD = re.compile(
    r"(?:^|[\s\-])(?:scores?|accuracy|errors?|error rates?|precision|recall|F1|IoU|mIoU|BLEU|ROUGE(?:-\w+)?|perplexity|AUC)$", re.I
)
_METRIC_AFTER = re.compile(r"[\s\-](?:rates?|accuracy|scores?)\b", re.I)
_YEAR_NAME = re.compile(r"^[A-Z][A-Za-z\-\s]*[A-Za-z][\s\-]?(?:19|20)\d\d$")
_NAME_YEAR = re.compile(r"(?<![\w\-])(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:\s[A-Z]{2,})?[\s\-'’]{1,2}(?:19[5-9]\d|20[0-4]\d)(?![\w\-])")
_VENUE = re.compile(
    r"(?:ICLR|NeurIPS|NIPS|ICML|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|EACL|AAAI|IJCAI|KDD|SIGIR|WWW|COLING|LREC|ICASSP|WACV|"
    r"BMVC|MICCAI|TPAMI|IEEE|ACM|SIGGRAPH|CoRL|RSS|ICRA|IROS|UAI|AISTATS|COLT|MLSys|OSDI|USENIX|arXiv|GPT|COVID)\b"
)
_SHARED_TASK = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*[\s\-](?:19[5-9]\d|20[0-4]\d)\s+[A-Z]{2,6}$")
_TERM_TYPES = ("Task",)
_TERM = re.compile(r"[a-z][a-z\-]+(?: [a-z][a-z\-]+){1,4}")
_NOT_PROPAGATED = re.compile(r"^(?:\d+[A-Za-z]?|[A-Z]{1,2}s?|[a-z]+)$")


def dataset_names(ctxs: list[PaperContext]) -> frozenset[str]:
    """Names (digits or inner capitals, 4+ characters) tagged Dataset somewhere in the corpus."""
    return frozenset(m.text for ctx in ctxs for m in ctx.mentions if m.type == "Dataset" and len(m.text) >= 4 and is_proper_name(m.text))


def _derived_from(text: str, datasets: frozenset[str]) -> bool:
    """``miniImageNet``/``Tiny-ImageNet`` (a size prefix) or ``ImageNet-1k``/``CIFAR-10-C`` (a split suffix) of a
    dataset name of the corpus."""
    if " " in text or not datasets:
        return False
    p = _DERIVED_PREFIX.match(text)
    if p and p.end() < len(text) and text[p.end() :] in datasets:
        return True
    m = _DERIVED_SUFFIX.search(text)
    return bool(m and m.start() > 0 and text[: m.start()] in datasets)


def retype_by_context(ctx: PaperContext, datasets: frozenset[str] = frozenset()) -> None:
    """Mentions whose wording or context says what they are get that type (in place).

    * Dataset: Model/Method mentions followed by "dataset"/"benchmark"/a year, named with a year ("VOT-2018"), one
      word built on a dataset name of the corpus ("miniImageNet", "ImageNet-1k") or ending with one ("image-based
      Market1501"); Task mentions naming a shared task ("CoNLL-2005 SRL").
    * Metric: Model/Method/Task mentions headed by a score or an error ("intersection-over-union score", "BLEU",
      "2D and 3D errors"), or written just before "rate"/"accuracy"/"score" ("rank-1 identification rates").
    """
    for m in ctx.mentions:
        text = ctx.texts.get(m.field, "")
        if m.type == "Task" and _SHARED_TASK.match(m.text) and not _VENUE.match(m.text):
            # "CoNLL-2005 SRL", "SemEval-2014 ABSA": a shared task's name is its benchmark
            _retype(m, "Dataset")
            continue
        if m.type not in ("Model", "Method", "Task"):
            continue
        if m.type != "Task":
            derived = _derived_from(m.text, datasets)
            last = m.text.rsplit(None, 1)[-1] if " " in m.text.strip() else ""
            ends_with_dataset = bool(last) and last in datasets and m.text.split()[0][:1].islower()
            cue = is_named(m.text) and _DATASET_AFTER.match(text[m.end : m.end + 30])
            if cue or _YEAR_NAME.match(m.text) or derived or ends_with_dataset:
                _retype(m, "Dataset")
                continue
        if _METRIC_HEAD.search(m.text) or (" " in m.text.strip() and _METRIC_AFTER.match(text, m.end)):
            # "an intersection-over-union score of 71.8%": a score, not a method
            _retype(m, "Metric")


def _retype(m: Mention, type_: str) -> None:
    m.type = type_
    m.source = f"{m.source}+link:type_context"


def _candidates(text: str, first_words: set[str], more_first_words: set[str] = frozenset()):
    """(start, end, surface) of the word n-grams (up to :data:`MAX_NGRAM` words, edge punctuation trimmed) that
    start with a word some known surface starts with (a word of ``first_words`` or of ``more_first_words``)."""
    toks = [(t.start(), t.end()) for t in _TOKEN.finditer(text)]
    for i in range(len(toks)):
        s0, e0 = toks[i]
        w, lw = text[s0:e0].strip(_EDGE), text[s0:e0].lstrip(_EDGE)
        if w not in first_words and lw not in first_words and w not in more_first_words and lw not in more_first_words:
            continue
        for n in range(min(MAX_NGRAM, len(toks) - i), 0, -1):
            s, e = s0, toks[i + n - 1][1]
            while s < e and text[s] in _EDGE:
                s += 1
            while e > s and text[e - 1] in _EDGE:
                e -= 1
            if e > s:
                yield s, e, text[s:e]


#: sources whose type comes from a cue written next to the mention ("the X dataset", "X: ..." as the title): the
#: paper says what the thing is, whatever other papers do
_CUE_TYPED = ("rule:dataset_pattern", "rule:title_prefix", "link:title_prefix", "link:type_context")


#: Model and Method are one family here: which of the two a name is, canonicalisation decides for the whole corpus
_FAMILY = {"Model": "Model|Method", "Method": "Model|Method"}


def consolidate_types(ctxs: list[PaperContext], min_papers: int = 2, majority: float = 2.0) -> int:
    """Give each surface key the type most papers give it (in place); return how many mentions were retyped.

    Surfaces are grouped by their type-free key (:func:`kg.link.normalize.match_key` without a type: case,
    hyphens, plurals); Model and Method count as one family, since canonicalisation settles which of the two a key
    is. A key whose leading family is given by at least ``min_papers`` papers and by ``majority`` times as many
    papers as all its other types together retypes the other papers' mentions of it (to the family's most common
    type). A mention keeps its type where the paper itself says what the thing is: a short form the paper defines
    ("MIM" for masked image modeling here, for a model's name there: abbreviations resolve by the paper's own
    definition), or a type read from a cue next to it (``_CUE_TYPED``). Ties and near-ties change nothing:
    "fine-tuning" as a Method in twelve papers and a Task in seven stays both.
    """
    papers_by_type: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for ctx in ctxs:
        for m in ctx.mentions:
            k = match_key(m.text)
            if k:
                papers_by_type[k][m.type].add(ctx.id)
    winner: dict[str, tuple[str, str]] = {}  #: key -> (family, type to give)
    for k, by_type in papers_by_type.items():
        families: dict[str, set[str]] = defaultdict(set)
        for t, ps in by_type.items():
            families[_FAMILY.get(t, t)] |= ps
        if len(families) < 2:
            continue
        (fam, ps), *rest = sorted(families.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ps) >= min_papers and len(ps) >= majority * sum(len(p) for _, p in rest):
            members = sorted((t for t in by_type if _FAMILY.get(t, t) == fam), key=lambda t: (-len(by_type[t]), t))
            winner[k] = (fam, members[0])
    if not winner:
        return 0
    changed = 0
    for ctx in ctxs:
        defined = {a.short for a in ctx.extraction.abbreviations}
        defined |= {a.short for a in abbreviations_from_mentions(ctx.id, ctx.mentions, ctx.texts)}
        for m in ctx.mentions:
            w = winner.get(match_key(m.text))
            if w is None or _FAMILY.get(m.type, m.type) == w[0] or m.text in defined or m.source.startswith(_CUE_TYPED):
                continue
            m.type = w[1]
            m.source = f"{m.source}+link:type_corpus"
            changed += 1
    return changed


def propagate(ctxs: list[PaperContext], workers: int = 1) -> int:
    """Add propagated mentions to every paper (in place); return how many were added.

    The corpus lexicon is built here; the papers are then read against it in ``workers`` shares at once
    (:func:`kg.forking.map_shares`), with the same result as one share.
    """
    corpus = _corpus_lexicon(ctxs)
    corpus_first = {w.split()[0] for w in corpus}

    def share(part: Sequence[PaperContext]) -> list[list[Mention]]:
        return [_propagated_mentions(ctx, corpus, corpus_first) for ctx in part]

    added = 0
    news = (new for part in map_shares(share, ctxs, workers) for new in part)
    for ctx, new in zip(ctxs, news, strict=True):
        if new:
            added += len(new)
            ctx.mentions = sorted(ctx.mentions + new, key=lambda m: (FIELDS.index(m.field), m.start, m.end, m.type))
    return added


def _corpus_lexicon(ctxs: list[PaperContext]) -> dict[str, str]:
    """Surface -> type of the names and terms that propagate to other papers (see the module docstring)."""
    corpus_votes: dict[str, Counter] = defaultdict(Counter)
    term_papers: dict[str, set[str]] = defaultdict(set)
    for ctx in ctxs:
        for m in ctx.mentions:
            if len(m.text) >= 3 and is_proper_name(m.text) and not _NOT_PROPAGATED.match(m.text):
                corpus_votes[m.text][m.type] += 1
            elif m.type in _TERM_TYPES and _TERM.fullmatch(m.text):
                # a lower-case term of several words ("question answering") counts when several papers tag it
                corpus_votes[m.text][m.type] += 1
                term_papers[m.text].add(ctx.id)
    corpus: dict[str, str] = {}
    for surface, votes in corpus_votes.items():
        (t, n), *rest = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        if surface in term_papers and (len(term_papers[surface]) < 2 or t not in _TERM_TYPES):
            continue
        if n >= 2 * sum(c for _, c in rest):
            corpus[surface] = t
    return corpus


def _propagated_mentions(ctx: PaperContext, corpus: dict[str, str], corpus_first: set[str]) -> list[Mention]:
    """The mentions propagation adds to one paper: its own surfaces and the corpus lexicon's, where untagged."""
    local_votes: dict[str, Counter] = defaultdict(Counter)
    for m in ctx.mentions:
        if (is_named(m.text) or " " in m.text.strip()) and len(m.text) >= 3 and not _NOT_PROPAGATED.match(m.text):
            local_votes[m.text][m.type] += 1
    local = {s: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for s, v in local_votes.items()}
    # two sets, not their union: the corpus's set grows with the corpus, and copying it for every paper made
    # propagation quadratic in corpus size
    local_first = {w.split()[0] for w in local}
    new: list[Mention] = []
    for fld in FIELDS:
        text = ctx.texts.get(fld)
        if not text:
            continue
        covered = bytearray(len(text))
        for m in ctx.mentions:
            if m.field == fld:
                covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        for s, e, surface in _candidates(text, corpus_first, local_first):
            type_ = local.get(surface) or corpus.get(surface)
            if type_ is None or covered.find(1, s, e) >= 0:
                continue
            covered[s:e] = b"\x01" * (e - s)
            ss, se = ctx.sentence_of(fld, s)
            new.append(Mention(ctx.id, fld, s, e, surface, type_, ss, se, source="link:propagated", confidence=0.7))
        # "BRATS 2015", "WMT 2014", "CoNLL-2003": a name in capitals with a year is a dataset or a shared task
        for ym in _NAME_YEAR.finditer(text):
            s, e = ym.span()
            if covered.find(1, s, e) >= 0 or _VENUE.match(ym.group()):
                continue
            covered[s:e] = b"\x01" * (e - s)
            ss, se = ctx.sentence_of(fld, s)
            new.append(Mention(ctx.id, fld, s, e, ym.group(), "Dataset", ss, se, source="link:name_year", confidence=0.6))
    return new
