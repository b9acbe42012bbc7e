"""Result nodes (leaderboard rows) from extraction's result candidates, resolved to canonical entities."""

from __future__ import annotations

import re

from kg.extract.document import ResultCandidate
from kg.graph.model import Entity, Mention, Result, stable_hash
from kg.link.context import PaperContext
from kg.link.metric_aliases import is_metric_name
from kg.link.normalize import is_generic, is_named, match_key
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
#: evidence rule of a result whose system is the paper's own (its title name or proposal) and not named in the sentence
RULE_PAPER_SYSTEM = "rule:result_paper_system"
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
#: "from 73.8% to 82.3%": the value after "from" is the starting point (a baseline's), not the paper's result
_FROM_VALUE = re.compile(r"\bfrom\s+$", re.I)
_TO_VALUE = re.compile(r"^\s*%?\s*to\s+[\d.,]+", re.I)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
#: a title opening with the paper's system: "Full-Resolution Residual Networks for Semantic Segmentation"
_TITLE_SYSTEM_NEXT = re.compile(r"\s*(?::|-\s|–|—|for\b|with\b|\(|$)", re.I)


#: "27.3% better than the previous state-of-the-art of 292.4": a baseline's value
_PREVIOUS_BEST = re.compile(
    r"\b(?:previous|prior|former|earlier|existing)\s+(?:best|state[\s\-]of[\s\-]the[\s\-]art|sota|record|best\s+result)\w*"
    r"\s*(?:\([^)]{0,20}\)\s*)?(?:of|at|with|is|was|:|=)?\s*(?:only\s+)?$",
    re.I,
)


def is_starting_value(text: str, start: int, end: int) -> bool:
    """Whether the value at ``text[start:end]`` is a baseline's: the starting point of "from <value> to <value>",
    or the previous best ("the previous state-of-the-art of 292.4")."""
    return bool(
        (_FROM_VALUE.search(text[max(0, start - 12) : start]) and _TO_VALUE.match(text[end : end + 30]))
        or _PREVIOUS_BEST.search(text[max(0, start - 60) : start])
        or _COMPARED_MEASURE_OF.search(text[max(0, start - 80) : start])
        or _CURRENT_BEST.search(text[max(0, start - 80) : start])
    )


#: "currently the best accuracy for emotion recognition is 93.33%": the standing record, not the paper's result
_CURRENT_BEST = re.compile(
    r"\bcurrent(?:ly)?\s+(?:the\s+)?(?:best|state[\s\-]of[\s\-]the[\s\-]art|sota|record)\b(?:\s+[\w\-]+){0,5}?\s+(?:is|was|of|at|stands\s+at)\s+"
    r"(?:only\s+|about\s+|around\s+)?$",
    re.I,
)


#: "(compared to state-of-the-art accuracy of 98.7%)", "than the baseline's BLEU of 26.1": the value compared against
_COMPARED_MEASURE_OF = re.compile(
    r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|versus|vs\.?|(?<!more )(?<!less )than)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w\-']+\s+){1,4}(?:of|at)\s+(?:only\s+|about\s+|around\s+)?$",
    re.I,
)


def results_system(ctx: PaperContext, entities: dict[str, Entity], proposed: list[str]) -> str | None:
    """The system a result stated by "we/our model/the proposed ..." belongs to: the Model/Method opening the title
    ("Full-Resolution Residual Networks for ...", "X: ...") when it is a named Model or the abstract names it
    too, else the paper's strongest Model/Method proposal."""
    title = ctx.texts.get("title", "")
    lead = len(title) - len(title.lstrip())
    for m in ctx.mentions:
        if (
            m.field == "title" and m.entity and m.start == lead and entities[m.entity].type in ("Model", "Method")
            and not is_generic(m.text) and _TITLE_SYSTEM_NEXT.match(title, m.end)
            and (entities[m.entity].type == "Model" or any(
                o.entity == m.entity and o.field != "title" and not _copies_title(ctx, o, title) for o in ctx.mentions
            ))
        ):
            return m.entity
    ours = [p for p in proposed if entities[p].type in ("Model", "Method")]
    # a paper proposing a named model and describing parts of it ("LLM authorship attribution", "CodeT5-Authorship"):
    # the name is the system (a stable sort keeps the proposals' own order within each group)
    ours.sort(key=lambda p: not _is_system_name(entities[p]))
    return ours[0] if ours else we_use_system(ctx, entities)


_DIMENSION = re.compile(r"^\d+D$")


def _is_system_name(e: Entity) -> bool:
    """Whether an entity is a named system rather than a description: typed Model, or a name with a digit or an inner
    capital in a word other than a dimension and at most one lower-case word ("CodeT5-Authorship", "I2P-MAE",
    "BERT-large"; not "3D representations", "LLM authorship attribution")."""
    if e.type == "Model":
        return True
    words = [w for w in re.split(r"[\s\-_/]+", e.name) if w and not _DIMENSION.match(w)]
    # "LLM authorship attribution", "EEG-based neural networks": an acronym inside a description
    described = sum(w.isalpha() and w.islower() for w in words) >= 2
    return not described and any(re.search(r"\d", w) or re.search(r"[A-Z]", w[1:]) for w in words)


def _copies_title(ctx: PaperContext, m: Mention, title: str) -> bool:
    """Whether a mention opens a copy of the whole title (the paper citing itself in a copyright notice: "... C. Doe,
    'Greedy search for face features,' in Proc. ICASSP"): no sign that the abstract itself names the system."""
    words = title.split()
    return len(words) > 2 and " ".join(ctx.texts.get(m.field, "")[m.start : m.start + 2 * len(title)].split()).casefold().startswith(
        " ".join(words).casefold()
    )


#: "we search for a subset of features using sequential forward selection": the instrument of what "we" do
_WE_USING = re.compile(r"\bwe\b[^.;:]{0,120}?\b(?:using|via|by means of|by applying|based on|by)\s+(?:the\s+|a\s+|an\s+)?$", re.I)


def we_use_system(ctx: PaperContext, entities: dict[str, Entity]) -> str | None:
    """For a paper that proposes nothing the extractor finds, the named Model/Method it says it works with: the
    object of "we <verb> ... using/via/by X" in its abstract (the first one). None when it writes none."""
    text = ctx.texts.get("abstract", "")
    for m in ctx.mentions:
        if m.field != "abstract" or not m.entity or entities[m.entity].type not in ("Model", "Method") or is_generic(m.text):
            continue
        s, _e = ctx.sentence_of("abstract", m.start)
        if _WE_USING.search(text[s : m.start]):
            return m.entity
    return None


#: "delivered 88.7% accuracy without using any appearance-based features": what the result does without
_WITHOUT_CUE = re.compile(
    # "remaining above 90% even after aggressive pruning": what was done to the system, not the system
    r"(?:\bwithout|\bw/o|\b(?:even\s+)?after)\s+(?:(?:using|any|the|a|an|applying|extra|additional)\s+){0,2}$", re.I
)
#: "our model achieves", "we obtain", "the proposed method reaches": our system as the subject of a clause
_OURS_SUBJECT_BETWEEN = re.compile(
    r"\b(?:we|our\s+(?:[\w\-]+\s+){0,2}?(?:model|method|approach|system|framework|network|technique|architecture)s?"
    r"|the\s+proposed\s+(?:[\w\-]+\s+){0,2}?(?:model|method|approach|system|framework|network|technique|architecture)s?"
    # "..., the method achieves >99.4%": an abstract's "the method/approach/framework" is its own
    r"|the\s+(?:method|approach|framework|technique))"
    r"\s*,?\s+(?:[\w\-]+\s+)?(?:achiev\w*|obtain\w*|reach\w*|attain\w*|yield\w*|get|gets|deliver\w*|scor\w*|report\w*)\b",
    re.I,
)
_INSTRUMENT_BEFORE = re.compile(
    r"\b(?:with|using|utiliz\w*|utilis\w*|leverag\w*|based\s+on|built\s+(?:on|upon))\s+(?:a\s+|an\s+|the\s+)?(?:[\w\-]+\s+){0,2}$", re.I
)
#: "a new single-model state-of-the-art BLEU score of 41.8": a rank, not a system
_STATE_OF_THE_ART = re.compile(r"state[\s\-]of[\s\-]the(?:[\s\-]art|[\s\-]*$)|\bsota\b", re.I)
_OURS_CUE = re.compile(r"\b(?:we|our|ours|proposed|this (?:model|method|approach|work|paper))\b", re.I)


def _baseline_or_generic(ctx: PaperContext, rc: ResultCandidate, surface: str | None) -> bool:
    """Whether the candidate's method is not the one the result belongs to: a generic word ("SoTA",
    "ensembles"), a baseline ("... surpass the state-of-the-art method, Focal Loss"), or a name after the value in
    a sentence whose subject is the paper's own model ("Our model achieves 28.4 BLEU ..., including ensembles")."""
    if not surface:
        return False
    if is_generic(surface) or _STATE_OF_THE_ART.search(surface) or is_metric_name(surface):
        # "GFLOPS", "Top-1", "BERTscore" typed as a system: a measure, not whose result it is
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
    if _BASELINE_CUE.search(text[max(rc.sent_start, ms - 60) : ms]) or _WITHOUT_CUE.search(text[max(rc.sent_start, ms - 40) : ms]):
        return True
    if ms < rc.value_start and _OURS_SUBJECT_BETWEEN.search(text, ms + len(surface), rc.value_start):
        # "... including BERT and RoBERTa. In binary classification, our model achieves 97.56%": the clause of the
        # value has our system as its subject, so a name before that subject is someone else's
        return True
    if ms < rc.value_start and _OURS_SUBJECT_BETWEEN.search(text, rc.sent_start, ms) and not _ACHIEVE.search(text, ms + len(surface), rc.value_start):
        # "our model achieves 97.6% on programs generated by models such as GPT-4o, and 95.4% for ...": a name in
        # the object of our system's clause, not the subject of a clause of its own ("..., and BERT gets 70%")
        return True
    if _HARDWARE_AFTER.match(text, ms + len(surface)) or _HARDWARE.search(surface):
        # "runs at 30 FPS on a single A100 GPU": the hardware, not the system
        return True
    # "Our best model, utilizing DINOv2 and a text encoder, achieves 76% accuracy": what our system is built on
    if ms < rc.value_start and _INSTRUMENT_BEFORE.search(text[max(rc.sent_start, ms - 40) : ms]) and _OURS_CUE.search(text, rc.sent_start, ms):
        return True
    return ms >= rc.value_end and bool(_OURS_CUE.search(text, rc.sent_start, rc.value_start))


#: a change rather than a score: "improves BLEU by 2.3 points", "+1.8%", "an improvement of 3%", "± 0.2"
_DELTA_BEFORE = re.compile(
    r"(?:\bby\s+(?:over\s+|about\s+|around\s+|up\s+to\s+|nearly\s+|almost\s+|more\s+than\s+|roughly\s+|"
    r"a\s+margin\s+of\s+|an?\s+average\s+of\s+|approximately\s+)?"
    r"|\b(?:improvements?|gains?|increases?|reductions?|decreases?|margins?|boosts?|speed[\s\-]?ups?|costs?)\s+(?:in\s+(?:[\w\-()]+\s+){1,4}?)?of\s+"
    r"(?:about\s+|over\s+|up\s+to\s+|more\s+than\s+|nearly\s+|almost\s+|around\s+|roughly\s+|approximately\s+|as\s+little\s+as\s+)?"
    # a verb of change with the number as its object: "improves 0.94% accuracy", "saving up to 45% of ..."
    r"|\b(?:improv|boost|increas|reduc|decreas|sav|slash|cut)\w*\s+(?:up\s+to\s+|about\s+|around\s+|over\s+|nearly\s+|almost\s+)?"
    r"|[+±]\s*)[~≈]?\s*$",
    re.I,
)
_DELTA_AFTER = re.compile(
    r"^\s*(?:\\?%\s*)?[})\]*]*\s*(?:points?|pp|p\.p\.)?\s*(?:(?!(?:with|and|or|while|using|on|in|at|for|of|than|but|by|to|the|a|an)\b)[\w\-@]+\s+){0,3}?(?:absolute\s+|relative\s+)?"
    r"(?:improvements?|gains?|increases?|reductions?|decreases?|higher|lower|better|worse|boosts?|margins?"
    r"|fewer|less|more|faster|slower|smaller|larger|drops?|savings?|speed[\- ]?ups?|accelerations?|degradations?)\b",
    re.I,
)
#: the rest of a list of values written together ("35%/52% fewer parameters"): the words after it describe all
_VALUES_AFTER = re.compile(r"^(?:\s?\\?%)?(?:\s*[/–—-]\s*[+\-]?\d+(?:\.\d+)?\s?\\?%?)+")
#: "by 8 and 9.5 absolute percentage points": a difference of shares
_POINTS_AFTER = re.compile(r"^\s*(?:(?:absolute|relative)\s+)?percentage[\s\-]points?\b|^\s*(?:absolute|relative)\s+points?\b", re.I)
#: a ratio to a baseline ("1.7x speedup", "2.91 times faster", "a 20-fold reduction"): a change, not a score
_RATIO = re.compile(r"(?:x|×)$|^\s?(?:x|×|times\b|-?fold\b)", re.I)
#: a count or size, not a score: "85 million parameters", "0.4M parameters", "1,594 distinct segments", "8.7MB",
#: "10 out of 11 benchmarks" (a per-second rate such as "41 images/s" is a score)
_COUNT_AFTER = re.compile(
    r"^\s?(?:[KMBT]\b|thousand\b|million\b|billion\b|trillion\b)?\s?(?:number\s+of\s+)?(?:[x×]?\s?\d+\s)?(?:[a-z\-]+\s)?"
    r"(?:parameters|params|layers|segments|images|samples|examples|videos|frames|tokens|words|sentences|documents|pairs|"
    r"proposals|boxes|anchors|pixels|"
    r"benchmarks|datasets|tasks|languages|classes|categories|GPUs?|TPUs?|hours|days|epochs|steps|iterations|MB|GB|TB|KB|"
    r"users|subjects|participants|queries|questions|baselines|competitors|systems)\b(?!\s?/)",
)
#: "11.3 M sentence pairs": a magnitude written apart from its number is a count
_MAGNITUDE_AFTER = re.compile(r"^\s[KMB]\b(?![\w\-/%])")
#: a share of a baseline's score, not a score: "retaining 95.4% of the original performance"
_SHARE_OF_AFTER = re.compile(
    r"^\s?(?:\\?%)?\s*of\s+(?:the\s+|its\s+|their\s+)?(?:(?:original|baseline|full|teacher|base|uncompressed|dense|unpruned)\b"
    # or of a resource: "using only ~30% of the parameters", "masking 90% of pixel channels", "with 10% of the labels"
    r"|(?:[\w\-]+\s+)?(?:parameters|data|compute|channels|labels|annotations|memory|FLOPs|costs?)\b)",
    re.I,
)
#: "while maintaining 99% and 96% performance": a share of a baseline's (unnamed) performance
_SHARE_PERFORMANCE_AFTER = re.compile(
    r"^\s?(?:\\?%)?(?:\s*(?:,|and|or)\s*[\d.]+\s?\\?%?)*\s+(?:of\s+)?(?:the\s+|its\s+|their\s+)?(?:original\s+|full\s+)?performance\b", re.I
)
#: "10 out of 11 benchmarks" is a count; "19.1% out of 2,604 segments" a score
_OUT_OF_AFTER = re.compile(r"^\s?out\s+of\b", re.I)
#: "11 different VQ-VAE training paradigms", "(e.g., 50+)", "16-frame 128p video", "3s of MEG signals": counts, sizes
_COUNT_SHAPE_AFTER = re.compile(r"^(?:\s?(?:different|distinct|diverse|various|separate|unique|independent)\b|\+|-[A-Za-z])", re.I)
_WORD_AFTER = re.compile(r"\s?([A-Za-z][\w\-]*)")
_WORD_BEFORE = re.compile(r"(?<![\w\-])([A-Za-z][\w\-]*)\s?$")
#: a rate written as the unit of its value: "41 images/s", "1,200 tokens per second"
_OWN_RATE_AFTER = re.compile(r"\s?(?:[A-Za-z]+\s?/\s?(?:s|sec|second)|[A-Za-z]+\s+per\s+(?:second|sec)|it/s)\b", re.I)
_DURATION_OF = re.compile(r"^\s?of\b", re.I)
_OUT_OF_BEFORE = re.compile(r"\bout\s+of\s+$", re.I)
#: a reference to a part of the paper: "in Subsection 2.1", "Table 3", "Eq. (4)"
_REFERENCE_BEFORE = re.compile(
    r"\b(?:sections?|subsections?|sec\.|tables?|tab\.|figures?|fig\.|eqs?\.|equations?|appendix|chapters?|algorithms?|lines?|steps?)\s*\(?$", re.I
)
#: the operating point of the score before it: "34.4% AP at 34ms" (the 34ms is no row of its own)
_CONDITION_BEFORE = re.compile(r"\d\s?%?\s*(?:[A-Za-z][\w\-@]*\s+){0,2}at\s+$")
#: a setting, not a score: "for k > 10", "with n = 5"
_SETTING_BEFORE = re.compile(r"(?<![\w])[A-Za-z]\s*(?:[<>≤≥]=?|=)\s*$")


#: settings a paper chooses, not scores it reaches ("a learning rate of 0.1"), whatever the extractor typed them
_HYPERPARAMETER = re.compile(
    r"\b(?:learning[\s\-]rates?|(?:weight[\s\-])?decay|dropout|momentum|batch[\s\-]sizes?|warm[\s\-]?up|temperature|"
    r"masking[\s\-]ratio|mask[\s\-]ratio|margin|step[\s\-]sizes?)\b",
    re.I,
)


#: a change of a score named as the metric: "accuracy loss (>10%)", "BLEU gains", "mAP drop"
_CHANGE_METRIC = re.compile(
    r"\b(?:accuracy|precision|recall|f1|bleu|m?ap|performance|quality|psnr|ssim|score)\s+"
    r"(?:loss(?:es)?|drops?|degradations?|gains?|improvements?|reductions?|increases?|decreases?)$",
    re.I,
)


#: what a system costs rather than how well it does
_COST_METRIC = re.compile(
    r"\b(?:[GTMK]?FLOPs?|[GTMK]?MACs?|param(?:eter)?s?|memory|latency|(?:inference|training|run|running|wall[\s\-]clock)\s+time|"
    r"compute|energy|model\s+size|storage)\b",
    re.I,
)


def is_hyperparameter(metric_surface: str | None) -> bool:
    """Whether a "metric" is a setting of training rather than a score ("learning rate", "weight decay rate") or
    the change of a score ("accuracy loss", "BLEU gains")."""
    return bool(metric_surface and (_HYPERPARAMETER.search(metric_surface) or _CHANGE_METRIC.search(metric_surface)))


def is_not_score(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is something other than a score: a ratio ("1.7x speedup", "2.9
    times"), a count or size ("85 million parameters", "10 out of 11 benchmarks"), part of a name ("1080Ti") or a
    setting ("k > 10")."""
    before, after = text[max(0, start - 40) : start], text[end : end + 60]
    value = text[start:end]
    return bool(
        _RATIO.search(value) or _RATIO.match(after) or _COUNT_AFTER.match(after) or after[:1].isalpha() or _SHARE_OF_AFTER.match(after)
        or _MAGNITUDE_AFTER.match(after)
        or _SHARE_PERFORMANCE_AFTER.match(after)
        or ("%" not in value and _OUT_OF_AFTER.match(after))
        or _COUNT_SHAPE_AFTER.match(after) is not None
        or (re.search(r"\d\s?m?s$", value) is not None and _DURATION_OF.match(after) is not None)
        or _OUT_OF_BEFORE.search(before) or _SETTING_BEFORE.search(before) or _REFERENCE_BEFORE.search(before)
    )


_TABLE_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:\.\d+)?\s?%?(?![\w.]\d)")


def is_table_like(sentence: str) -> bool:
    """Whether a "sentence" is a table flattened into text ("Method CIFAR-10 CIFAR-100 Maxout 11.68% 38.57%
    Network-in-network 10.41% 35.68% ..."): many numbers and few words between them. Its columns cannot be told
    apart, so its numbers are no Results."""
    numbers = len(_TABLE_NUMBER.findall(sentence))
    words = len(re.findall(r"[A-Za-z]{2,}", sentence))
    return numbers >= 6 and numbers >= 0.6 * words


_NAME_BEFORE = re.compile(r"(?<![\w.\-])[A-Z][A-Za-z]+\s$")
_LIST_JOIN_BEFORE = re.compile(r"(?:,|\band|\bor)\s+$")
_NAME_AFTER = re.compile(r"^(?:\s[A-Z][\w\-]*|\s?[,;)])")


def _version_in_name(ctx: PaperContext, rc: ResultCandidate, text: str) -> bool:
    """"five LLMs (Gemini 2.5 Flash, Claude 3.5 Haiku, Llama 3.3, ...)": a number between a capitalised word
    that is no metric and a capitalised word or a list comma is the version of a name, not a score."""
    if "%" in rc.value_text:
        return False
    before = _NAME_BEFORE.search(text[max(0, rc.value_start - 30) : rc.value_start])
    if not before:
        return False
    word_start = rc.value_start - len(before.group(0))
    # "LLaVA-1.5 and Llama 3.2 show ...": a name coordinated with a named model is a name too, whatever follows
    coordinated = _LIST_JOIN_BEFORE.search(text, max(0, word_start - 8), word_start) is not None and any(
        m.type in ("Model", "Method") and is_named(m.text) and 0 <= word_start - m.end <= 8
        for m in ctx.in_range(rc.field, max(0, word_start - _MAX_SPAN), word_start)
    )
    if not coordinated and not _NAME_AFTER.match(text[rc.value_end : rc.value_end + 20]):
        return False
    return not any(m.type == "Metric" and m.end >= word_start for m in ctx.in_range(rc.field, max(0, word_start - 40), rc.value_start))


def is_condition(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is the operating point of the score before it ("34.4% AP at
    34ms"): no row of its own unless its own metric is written with it ("77.4% mIoU at 102 FPS")."""
    return bool(_CONDITION_BEFORE.search(text[max(0, start - 40) : start]))


#: a citation marker ("word2vec [17]", "[3, 12]"), not a score
_CITE_BEFORE = re.compile(r"\[\s*(?:\d+\s*[,;–-]\s*)*$")
_CITE_AFTER = re.compile(r"^\s*(?:[,;–-]\s*\d+\s*)*\]")
#: what separates the values of a list ("gains of 0.88, 2.01 and 0.38") or a range ("improvements of 4.3–11.2")
_LIST_SEP = re.compile(
    r"\s*(?:\\?%)?\s*(?:,|;|/|and|or|,\s*and|,\s*or|[–—-])\s*(?:(?:over|about|around|up\s+to|nearly|almost|roughly|more\s+than|less\s+than)\s+)?", re.I
)


#: a value coordinated with the one before it: "..., and more than 3.5", "or nearly 2.0"
_COORDINATED = re.compile(r"(?:,|\band\b|\bor\b)\s*(?:(?:over|about|around|up\s+to|nearly|almost|roughly|more\s+than|less\s+than)\s+)?$", re.I)


def is_citation(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is a reference marker such as "[17]"."""
    return bool(_CITE_BEFORE.search(text[max(0, start - 20) : start]) and _CITE_AFTER.match(text[end : end + 20]))


def is_delta(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` states a change ("by 2.3 points", "+1.8%", "3% improvement")
    rather than a score: a change is no leaderboard row."""
    after = _VALUES_AFTER.sub("", text[end : end + 80], count=1)
    return bool(
        _DELTA_BEFORE.search(text[max(0, start - 40) : start]) or _DELTA_AFTER.match(after[:40]) or _POINTS_AFTER.match(after)
        or _RELATIVE_AFTER.match(after)
    )


#: "a 1.4% WER improvement (10.6% relative)": the same change as a share of the baseline
_RELATIVE_AFTER = re.compile(
    r"^\s?(?:\\?%)?\s*(?:(?:relative|absolute)\s*(?:[)\],;]|$)|(?:[A-Za-z][\w\-]*\s+)?points?\s+(?:relative\s+to|below|above)\b)", re.I
)


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
    owner = _bracket_owner(ctx, rc, text)
    pos = rc.value_end
    # "41.2, 35.1 and 20.3 mAP on COCO, VOC and LVIS, respectively": extraction paired values and datasets in order
    # "we obtain 79.4% top-1 accuracy with a ResNet-50", "SpineNet-190 achieves 52.5% AP with a Mask R-CNN detector":
    # with "we/our" or a named system as the subject, a system after "with" is what it is built on, not whose result
    ours_subject = bool(_OURS_CUE.search(text, rc.sent_start, rc.value_start)) or any(
        m.entity and m.type in ("Model", "Method") and m.end <= rc.value_start and not is_generic(m.text)
        for m in ctx.in_range(rc.field, rc.sent_start, rc.value_start)
    )
    respectively = "dataset" in rc.spans and bool(_RESPECTIVELY.search(text, rc.value_end, rc.sent_end or len(text)))
    for m in after:
        gap = text[pos : m.start]
        if "metric" in out and m.type in ("Model", "Method") and "method" not in out and _FOR_SYSTEM.fullmatch(gap) and not (
            ours_subject and _INSTRUMENT.match(gap)
        ):
            # "34.4% AP at 34ms for CornerNet-Squeeze": the system the value is stated for
            out["method"] = m
            pos = m.end
            continue
        if _NUMBER.search(gap) or ";" in gap:
            break
        if m.type == "Metric" and "metric" not in out and "dataset" not in out and len(gap.strip()) <= 2:
            out["metric"] = m
            pos = m.end
        elif m.type == "Dataset" and "dataset" not in out and not respectively and re.fullmatch(r"\s*(?:on|in|over)\s+(?:the\s+)?", gap, re.I):
            # not "for": "82.3% for ResNet-50" names the system, so a mistyped system is no dataset
            out["dataset"] = m
            break
        elif len(gap) > 40:
            break
    if owner is not None and "method" not in out:
        out["method"] = owner
    return out


#: a value the sentence compares against: "compared with 70.1% and 38.2%", "versus 33.0", "than 41.2"
_COMPARED_BEFORE = re.compile(
    # possessive: a run of digits and spaces must not be split in every possible way (exponential backtracking)
    r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|versus|vs\.?|against|(?<!more )(?<!less )(?<!fewer )(?<!greater )than)\s+"
    r"(?:(?:only\s+|the\s+)?+[\d.,]++\s?+(?:\\?%)?+\s*+(?:(?:,|and|or)\s*+)?+)*+$",
    re.I,
)
_VALUES_THEN_SYSTEM = re.compile(r"^(?:\s*+(?:\\?%)?+\s*+(?:,|and|or)?+\s*+[\d.,]++)*+\s*\\?%?\s*(?:[\w\-@]+\s+){0,2}?(?:for|of|by|from)\s+(?:the\s+)?$", re.I)


def _system_after_values(ctx: PaperContext, rc: ResultCandidate, text: str) -> Mention | None:
    """The Model/Method named after a compared value and the values listed with it ("70.1% and 38.2% for
    Llama-3-8B"), if any."""
    for m in ctx.in_range(rc.field, rc.value_end, rc.sent_end or len(text)):
        if m.entity and m.type in ("Model", "Method") and not is_generic(m.text):
            return m if _VALUES_THEN_SYSTEM.match(text[rc.value_end : m.start]) else None
    return None


_OPEN_BRACKET = re.compile(r"\(\s*$")
#: "on a single A100 GPU", "on an NVIDIA 4090 GPU": the device, with its model number between vendor and kind
_HARDWARE_AFTER = re.compile(r"\s*(?:[A-Za-z]*\d[\w\-]*\s+)?(?:GPUs?|TPUs?|CPUs?|NPUs?)\b")
_HARDWARE = re.compile(r"\b(?:GPUs?|TPUs?|CPUs?|NPUs?)$")


def _end_of(rc: ResultCandidate, role: str, text: str) -> int:
    """End of a role's span in the field (or of its first written form in the sentence; 0 when neither)."""
    span = rc.spans.get(role)
    if span:
        return int(span[1])
    surface = getattr(rc, role) or ""
    at = text.find(surface, rc.sent_start, rc.sent_end or None) if surface else -1
    return at + len(surface) if at >= 0 else 0


#: "(2.9 vs. 2.2)": a pair of scores, the first of the clause's subject, the second of what it is compared with
_VS_PAIR = re.compile(r"\(\s*([+\-]?\d+(?:\.\d+)?)\s*\\?%?\s*(?:vs\.?|versus)\s*([+\-]?\d+(?:\.\d+)?)\s*\\?%?\s*\)", re.I)
_CLAUSE_START = re.compile(r"(?:;|\)|\bwhile\b|\bwhereas\b|\bbut\b)", re.I)
_COMPARED_CUE = re.compile(r"\b(?:over|than|compared\s+(?:to|with)|versus|vs\.?|against)\s+(?:the\s+)?$", re.I)


def _versus_pair_owner(ctx: PaperContext, rc: ResultCandidate) -> Mention | None:
    """"BART-L achieved a better simplicity score over T5-Base (2.9 vs. 2.2)": the first value of the pair is the
    clause subject's (the first named Model/Method of the clause), the second the system after "over"/"than"/
    "compared to". None when the value is no member of such a pair or the clause does not name both."""
    text = ctx.texts.get(rc.field, "")
    for pm in _VS_PAIR.finditer(text, rc.sent_start, rc.sent_end or len(text)):
        if rc.value_start not in (pm.start(1), pm.start(2)):
            continue
        starts = [c.end() for c in _CLAUSE_START.finditer(text, rc.sent_start, pm.start())]
        clause = starts[-1] if starts else rc.sent_start
        named = [
            m for m in ctx.in_range(rc.field, clause, pm.start())
            if m.entity and m.type in ("Model", "Method") and not is_generic(m.text) and m.end <= pm.start()
        ]
        compared = [m for m in named if _COMPARED_CUE.search(text, max(clause, m.start - 30), m.start)]
        subject = [m for m in named if m not in compared]
        if not compared or not subject or compared[0].entity == subject[0].entity:
            return None
        return subject[0] if rc.value_start == pm.start(1) else compared[0]
    return None


def _bracket_owner(ctx: PaperContext, rc: ResultCandidate, text: str) -> Mention | None:
    """"a 1.7x speedup over BarNet (69.0% mIoU)": the system written right before the bracket a value opens, unless
    the bracket compares ("(3.1 vs. 2.6)") or names its own system ("(34.4% AP at 34ms for CornerNet-Squeeze ...)")."""
    if not _OPEN_BRACKET.search(text, max(rc.sent_start, rc.value_start - 3), rc.value_start):
        return None
    bracket = text.rfind("(", max(rc.sent_start, rc.value_start - 3), rc.value_start)
    close = text.find(")", rc.value_end, rc.sent_end or len(text))
    inside = text[rc.value_end : close if close >= 0 else rc.sent_end or len(text)]
    if re.search(r"\bvs\b|\bversus\b|\bfor\b", inside, re.I):
        return None
    owner = [
        m for m in ctx.in_range(rc.field, max(rc.sent_start, bracket - _MAX_SPAN), bracket)
        if m.entity and m.type in ("Model", "Method") and not is_generic(m.text) and not text[m.end : bracket].strip()
    ]
    return owner[-1] if owner else None
_INSTRUMENT = re.compile(r"\s*(?:at\s+[\d.,]+\s?[A-Za-z%]*\s+)?with\b", re.I)
_FOR_SYSTEM = re.compile(r"\s*(?:at\s+[\d.,]+\s?[A-Za-z%]*\s+)?(?:for|by|of|with)\s+(?:the\s+|a\s+|an\s+)?", re.I)
_ACHIEVE = re.compile(r"\b(?:achiev\w*|obtain\w*|reach\w*|attain\w*|yield\w*|report\w*|establish\w*|deliver\w*|get|gets)\b", re.I)
_VALUE = re.compile(r"(?<![\w.\-/])(\d{1,3}(?:\.\d+)?)\s?(%)?(?![\w.]*\d)(?![\w\-])")
_METRIC_LINK = re.compile(r"^\s*(?:of|=|:|at|is|was|of about|of up to)?\s*$", re.I)


_WITH_BEFORE = re.compile(r"\b(?:with|using)\s+(?:a|an|the)?\s*(?:[\w\-]+\s+){0,2}$", re.I)


def _subject_over_instrument(ctx: PaperContext, rc: ResultCandidate) -> Mention | None:
    """"SpineNet-190 achieves 52.5% AP with a Mask R-CNN detector": the candidate's system follows "with"/"using"
    after the value, so it is what the subject was built on; the result is the subject's (the last named
    Model/Method before the value in the sentence). None when that reading does not apply."""
    span = rc.spans.get("method")
    text = ctx.texts.get(rc.field, "")
    if not span or int(span[0]) < rc.value_end or not _WITH_BEFORE.search(text[max(rc.sent_start, int(span[0]) - 40) : int(span[0])]):
        return None
    # not another instrument: "SpineNet-190 achieves 52.5% AP with a Mask R-CNN detector and 52.1% AP with a RetinaNet"
    before = [
        m for m in ctx.in_range(rc.field, rc.sent_start, rc.value_start)
        if m.entity and m.type in ("Model", "Method") and m.end <= rc.value_start and not is_generic(m.text)
        and not _WITH_BEFORE.search(text[max(rc.sent_start, m.start - 40) : m.start])
    ]
    if not before or _OURS_CUE.search(text, before[-1].end, rc.value_start):
        return None
    return before[-1]


#: a plural or general subject: "both architectures", "recent methods", "existing approaches", "all models"
_GENERIC_SUBJECT = re.compile(
    r"(?:\b(?:both|all|recent|existing|previous|prior|current|other|many|most|several|these|those|such)\s+(?:[\w\-]+\s+){0,2}?"
    r"(?:models|methods|architectures|approaches|systems|networks|works|detectors|algorithms|techniques|baselines)\b"
    # "the current state of the art approach, using CNNs, achieves ...": the standing record's holder
    r"|\bthe\s+(?:current\s+)?state[\s\-]of[\s\-]the[\s\-]art\s+(?:model|method|approach|system|technique)s?\b)"
    r"(?:[\s,]+(?:[\w\-]+[\s,]+){0,8}?)?(?:achiev\w*|obtain\w*|reach\w*|attain\w*|yield\w*|realiz\w*|run\w*|perform\w*|score\w*|get|gets)\b",
    re.I,
)


def _generic_subject(ctx: PaperContext, rc: ResultCandidate, text: str) -> bool:
    """Whether the value is stated for systems in general ("both architectures reached ... 70%", "recent methods
    ... run at more than 100 FPS"): a plural generic subject with its verb before the value, and neither our system
    nor a named Model/Method between that subject and the value."""
    last = None
    for last in _GENERIC_SUBJECT.finditer(text, rc.sent_start, rc.value_start):
        pass
    if last is None or _OURS_CUE.search(text, last.start(), rc.value_start):
        return False
    return not any(
        m.entity and m.type in ("Model", "Method") and not is_generic(m.text) and m.end <= rc.value_start
        # "the current state of the art approach, using CNNs, achieves": what they are built with is no owner
        and not _WITH_BEFORE.search(text[max(last.start(), m.start - 30) : m.start])
        for m in ctx.in_range(rc.field, last.start(), rc.value_start)
    )


#: a system with a verb of its own: "... and T5-base reported the highest BERTscore": the subject of another clause
_OWN_VERB_AFTER = re.compile(r"\s+(?:[\w\-]+\s+)?(?:achiev\w*|obtain\w*|reach\w*|report\w*|attain\w*|yield\w*|scor\w*|gets?)\b", re.I)


def _subject_over_other_clause(ctx: PaperContext, rc: ResultCandidate, surface: str | None) -> Mention | None:
    """"BART-L reported the highest SARI score of 46.54 and T5-base reported ...", "T5-base reported the highest
    BERTscore 72.62" (a measure typed as a system): the candidate's system is another clause's subject or no
    system at all, so the value is the subject's of its own clause: the last named Model/Method before the value
    with a verb of achieving between them. None when that reading does not apply."""
    span = rc.spans.get("method")
    text = ctx.texts.get(rc.field, "")
    if not span or not surface:
        return None
    ms, me = int(span[0]), int(span[1])
    other_clause = ms >= rc.value_end and _OWN_VERB_AFTER.match(text, me) is not None
    if not (other_clause or is_metric_name(surface)):
        return None
    before = [
        m for m in ctx.in_range(rc.field, rc.sent_start, rc.value_start)
        if m.entity and m.type in ("Model", "Method") and m.end <= rc.value_start and m.start != ms
        and not is_generic(m.text) and not is_metric_name(m.text)
    ]
    if not before:
        return None
    subj = before[-1]
    between = text[subj.end : rc.value_start]
    # "X achieved 74.6% ..., and the largest model, Y archived 80.2%": not past another score
    if re.search(r"\d", between) or not _ACHIEVE.search(between) or _OURS_CUE.search(between) or _BASELINE_CUE.search(text[max(rc.sent_start, subj.start - 60) : subj.start]):
        return None
    return subj


_PAIR_TO = re.compile(r"\s*\\?%?\s*to\s+[\d.,]+\s*\\?%?", re.I)
_PAIR_FROM = re.compile(r"\bfrom\s+[\d.,]+\s*\\?%?\s*to\s+$", re.I)
_PAIR_FOR = re.compile(r"\s*(?:for|of|by|with|using)\s+(?:the\s+|a\s+|an\s+)?", re.I)
_PAIR_ON = re.compile(r"\s*(?:on|in|over)\s+(?:the\s+)?", re.I)
_ON_BEFORE_PAIR = re.compile(r"\b(?:on|in|over)\s+(?:the\s+)?$", re.I)
#: units that make a value a speed or a time
_UNIT_MISMATCH = re.compile(r"\d\s?(?:fps|FPS|ms|s)$")
_SPEED_OR_TIME = re.compile(r"fps|frame|speed|throughput|latency|time|second|\bms\b|runtime|rate", re.I)


def _pair_bounds(rc: ResultCandidate, text: str) -> tuple[int, int] | None:
    """Span of the "from A to B" pair a value belongs to (as A or as B), or None."""
    if _FROM_VALUE.search(text[max(0, rc.value_start - 12) : rc.value_start]):
        m = _PAIR_TO.match(text, rc.value_end)
        if m:
            return text.rfind("from", 0, rc.value_start), m.end()
    m = _PAIR_FROM.search(text[max(0, rc.value_start - 40) : rc.value_start])
    if m:
        return rc.value_start - (len(text[max(0, rc.value_start - 40) : rc.value_start]) - m.start()), rc.value_end
    return None


def _mention_at_start(ctx: PaperContext, rc: ResultCandidate, pos: int, types: tuple[str, ...]) -> Mention | None:
    return next((m for m in ctx.in_range(rc.field, pos, pos + 1) if m.entity and m.type in types), None)


def _pair_system(ctx: PaperContext, rc: ResultCandidate, text: str) -> Mention | None:
    """"from 73.8% to 82.3% for ResNet-50": the named system right after the pair a starting value opens."""
    bounds = _pair_bounds(rc, text)
    if bounds is None or bounds[1] <= rc.value_end:
        return None
    m = _PAIR_FOR.match(text, bounds[1])
    if not m:
        return None
    own = _mention_at_start(ctx, rc, m.end(), ("Model", "Method"))
    return own if own is not None and not is_generic(own.text) else None


def _pair_dataset(ctx: PaperContext, rc: ResultCandidate, text: str) -> Mention | None:
    """"on ImageNet from 87.6% to 93.2% and from 88.0% to 93.8% on Omniglot": both values of a "from A to B" pair
    share the dataset written right after the pair ("to 93.8% on Omniglot") or right before it ("on ImageNet from")."""
    bounds = _pair_bounds(rc, text)
    if bounds is None:
        return None
    m = _PAIR_ON.match(text, bounds[1])
    if m:
        ds = _mention_at_start(ctx, rc, m.end(), ("Dataset",))
        if ds is not None:
            return ds
    for ds in reversed(ctx.in_range(rc.field, max(rc.sent_start, bounds[0] - _MAX_SPAN), bounds[0])):
        if ds.entity and ds.type == "Dataset" and not text[ds.end : bounds[0]].strip() and _ON_BEFORE_PAIR.search(
            text[max(rc.sent_start, ds.start - 12) : ds.start]
        ):
            return ds
    return None


_FOR_BEFORE = re.compile(r"\bfor\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_ON_BEFORE = re.compile(r"\b(?:on|in|over)\s+(?:the\s+)?$", re.I)


def _dataset_introduced_by_on(ctx: PaperContext, rc: ResultCandidate) -> Mention | None:
    """"On the Market-1501 dataset, rank-1 accuracy is improved from 73.8% to 82.3% for ResNet-50": when the
    candidate's dataset follows "for" (which mostly introduces a system, here one the extractor typed Dataset) and
    the sentence gives a dataset after "on"/"in", that one, the nearest to the value. None otherwise."""
    span = rc.spans.get("dataset")
    text = ctx.texts.get(rc.field, "")
    if not span or not _FOR_BEFORE.search(text[max(rc.sent_start, int(span[0]) - 12) : int(span[0])]):
        return None
    on = [
        m for m in ctx.in_range(rc.field, rc.sent_start, rc.sent_end or len(text))
        if m.entity and m.type == "Dataset" and _ON_BEFORE.search(text[max(rc.sent_start, m.start - 12) : m.start])
    ]
    return min(on, key=lambda m: abs(m.start - rc.value_start)) if on else None


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
    #: (field, sentence start, value end, metric id) of the last change seen
    last_change: tuple[str, int, int, str | None] | None = None
    paper_datasets = sorted({m.entity for m in ctx.mentions if m.entity and m.type == "Dataset"})
    cands = [*ctx.extraction.results, *fallback_candidates(ctx)]
    for rc in sorted(cands, key=lambda r: (r.field, r.sent_start, r.value_start, r.value_text)):
        ids: dict[str, str | None] = {}
        surf: dict[str, str | None] = {}
        for role in ROLE_TYPES:
            ids[role], surf[role] = _resolve(ctx, rc, role, corpus_index)
        attached = _attached(ctx, rc)
        if "method" not in attached:
            pair_owner = _versus_pair_owner(ctx, rc)
            if pair_owner is not None:
                attached["method"] = pair_owner
        for role, m in attached.items():
            ids[role], surf[role] = m.entity, m.text
        system = results_system(ctx, entities, proposed)
        ours = [system] if system else []
        text = ctx.texts.get(rc.field, "")
        same_sentence = last_change is not None and last_change[:2] == (rc.field, rc.sent_start)
        in_change_list = same_sentence and (
            _LIST_SEP.fullmatch(text[last_change[2] : rc.value_start]) is not None
            # "by nearly 1.0 F1 on news and more than 2.0 F1 on out-of-domain text": a coordinated change of one metric
            or (
                (ids["metric"] == last_change[3] or "metric" not in attached) and ids["metric"] is not None
                and _COORDINATED.search(text, last_change[2], rc.value_start) is not None
            )
        )
        signed_share = rc.value_text[:1] in ("-", "−") and "%" in rc.value_text
        if is_delta(text, rc.value_start, rc.value_end) or rc.value_text.startswith("+") or signed_share or in_change_list:
            # "a minor performance drop, i.e., -1.5%": a signed share is a change (a negative score is no percentage)
            # "improves BLEU by 2.3 points", "a +1.8% gain", "gains of 0.88, 2.01 and 0.38": changes, not rows
            last_change = (rc.field, rc.sent_start, rc.value_end, ids["metric"])
            continue
        if is_citation(text, rc.value_start, rc.value_end) or is_not_score(text, rc.value_start, rc.value_end):
            continue
        if is_hyperparameter(surf["metric"]) or is_table_like(text[rc.sent_start : rc.sent_end]) or _version_in_name(ctx, rc, text):
            continue
        if "%" in rc.value_text and surf["metric"] and _COST_METRIC.search(surf["metric"]):
            # "49.7% inference FLOPs and 47.4% training FLOPs savings", "20% ... training time": a share of a cost
            # is a saving or a ratio, never a score (a cost is scored as an amount: "50.6 GFLOPs", "12 ms")
            continue
        metric_span = rc.spans.get("metric")
        own_metric = "metric" in attached or (metric_span is not None and rc.value_start <= int(metric_span[0]) <= rc.value_end + 1)
        if _UNIT_MISMATCH.search(rc.value_text) and surf["metric"] and not _SPEED_OR_TIME.search(surf["metric"]):
            # "140fps with accuracy matching ...", "in 12 ms": a speed or a time is no score of an accuracy
            continue
        measure_before = _WORD_BEFORE.search(text, max(rc.sent_start, rc.value_start - 30), rc.value_start)
        if (
            measure_before is not None and is_metric_name(measure_before.group(1))
            and not (metric_span is not None and int(metric_span[1]) >= measure_before.start(1) and int(metric_span[0]) <= measure_before.start(1))
        ):
            # "T5-base reported the highest BERTscore 72.62" (BERTscore typed as a system): the value's measure is
            # the word right before it, not the sentence's metric
            continue
        measure_after = _WORD_AFTER.match(text, rc.value_end)
        if (
            not own_metric and measure_after is not None and is_metric_name(measure_after.group(1))
            # "72.5% top-10 accuracy": the measure word opens the metric written after the value
            and not (metric_span is not None and rc.value_end <= int(metric_span[0]) <= measure_after.end() + 1)
        ):
            # "the final model is SegFormer-B2 with 50.6 GFLOPS and 78.5% mIoU": the value's own measure is written
            # right after it (one the extractor typed as something else), so the sentence's metric is not its metric
            continue
        if not own_metric and (is_condition(text, rc.value_start, rc.value_end) or _OWN_RATE_AFTER.match(text, rc.value_end)):
            # "reaching 41 images/s ..., while preserving an FID of 2.27": the value names its own measure (a rate),
            # which is not the sentence's metric
            continue
        starting = "method" not in attached and is_starting_value(text, rc.value_start, rc.value_end)
        if starting:
            # "from 73.8% to 82.3% for ResNet-50": the starting value is the named system's before the change
            own = _pair_system(ctx, rc, text)
            if own is not None:
                ids["method"], surf["method"] = own.entity, own.text
        if "dataset" not in attached:
            pair_ds = _pair_dataset(ctx, rc, text)
            if pair_ds is not None:
                attached["dataset"] = pair_ds
                ids["dataset"], surf["dataset"] = pair_ds.entity, pair_ds.text
        if "method" not in attached and _COMPARED_BEFORE.search(text, max(rc.sent_start, rc.value_start - 60), rc.value_start):
            # "... compared with 70.1% and 38.2% for Llama-3-8B": a baseline's values, whose system follows them or is unnamed
            starting = True
            named = _system_after_values(ctx, rc, text)
            ids["method"], surf["method"] = (named.entity, named.text) if named is not None else (None, None)
        if starting and (ids["method"] in ours or not surf["method"] or is_generic(surf["method"]) or ids["method"] is None):
            # "improve ... from 1.06 to 0.99": the starting value is a baseline's, whose name the sentence does not give
            ids["method"], surf["method"] = None, None
        elif ids["method"] is None and surf["method"] and is_generic(surf["method"]):
            # "SoTA", "ensembles" with no entity behind them: not a system name
            surf["method"] = None
        if "method" not in attached and not starting and _generic_subject(ctx, rc, text):
            # "While both architectures reached a Dice score of 70%", "recent methods ... run at more than 100 FPS":
            # systems in general, not one of them and not ours
            ids["method"], surf["method"] = None, None
            starting = True  # no fallback to the paper's system either
        subject = None if "method" in attached or starting else (
            _subject_over_instrument(ctx, rc) or _subject_over_other_clause(ctx, rc, surf["method"])
        )
        if subject is not None:
            ids["method"], surf["method"] = subject.entity, subject.text
        elif not starting and "method" not in attached and (not ours or ids["method"] != ours[0]) and _baseline_or_generic(ctx, rc, surf["method"]):
            # a baseline or what our system is built on: the paper's system owns the value, or no system is named
            ids["method"], surf["method"] = None, None
        if ids["method"] is None and surf["method"] is None and not starting:
            if ours:
                ids["method"] = ours[0]
                surf["method"] = ctx.first_text(ours[0]) or entities[ours[0]].name
        if surf["dataset"] and (_HARDWARE.search(surf["dataset"]) or _HARDWARE_AFTER.match(text, _end_of(rc, "dataset", text))):
            # "102 FPS on an NVIDIA TITAN V GPU": where it ran, not what it was evaluated on
            ids["dataset"], surf["dataset"] = None, None
        if "dataset" not in attached and ids["dataset"] is not None:
            on = _dataset_introduced_by_on(ctx, rc)
            if on is not None and on.entity != ids["dataset"]:
                ids["dataset"], surf["dataset"] = on.entity, on.text
        if ids["dataset"] is None and surf["dataset"] is None and len(paper_datasets) == 1:
            ids["dataset"] = paper_datasets[0]
            surf["dataset"] = ctx.first_text(paper_datasets[0])
        sent = (rc.sent_start, rc.sent_end) if rc.sent_end > rc.sent_start else ctx.sentence_of(rc.field, rc.value_start)
        # our system as the owner although the sentence does not name it ("our approach achieves ..."): the paper's
        # own definition, said so by the rule name and a lower confidence
        inferred = ids["method"] is not None and ids["method"] in ours and not any(
            m.entity == ids["method"] for m in ctx.in_range(rc.field, sent[0], sent[1])
        )
        ev = ctx.evidence(rc.field, sent, RULE_PAPER_SYSTEM if inferred else "rule:result", 0.6 if inferred else 0.8)
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
