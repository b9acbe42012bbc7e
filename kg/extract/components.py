"""spaCy components of the extraction pipeline (registered factories with ``default_config``).

Order in the shipped pipeline::

    kg_sentencizer -> ner (trained) -> kg_rules -> kg_abbreviations -> kg_typing -> kg_consistency
                   -> kg_results -> kg_links

Every component reads and writes ``doc.ents`` (labels Model, Dataset, Method, Metric, Task) and keeps the
producing component of each entity in ``doc.user_data["kg_sources"]`` (``(start_char, end_char) -> source``).
The results and links components are in ``result_sentences.py`` and ``links.py``, the span helpers they all share in
``spans.py``. A doc may carry ``doc.user_data["kg_title_end"]``: the character offset where the title ends when title and
abstract are processed as one text (the title-prefix rule needs it).
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.abbreviations import find_abbreviations
from kg.extract.context_typing import ContextTyper, coordinated_runs, is_named_candidate
from kg.extract.names import COMPUTE_MEASURE, is_acronym, is_generic, is_not_an_entity, word_is_named
from kg.extract.spans import (
    add_ents,
    doc_text,
    ent_sources,
    make_span,
    relabel,
    sent_start_chars,
    set_ents,
)
# the last two components live in their own modules; importing them here registers their factories
from kg.extract import result_sentences as _result_sentences  # noqa: E402,F401
from kg.extract.links import find_links  # noqa: E402

#: bump when rule behaviour changes without a code change (keys the extraction cache with the code hash)
RULES_VERSION = "2"

SOURCE_CONFIDENCE = {
    "ner": 0.8,
    "rule:title_prefix": 0.9,
    "rule:dataset_pattern": 0.9,
    "rule:metric": 0.9,
    "rule:variant": 0.85,
    "rule:named": 0.85,
    "gazetteer": 0.85,
    "abbreviation": 0.85,
    "consistency": 0.75,
}


# ------------------------------------------------------------------------------------------ sentencizer
@Language.factory("kg_sentencizer", default_config={"punct": [".", "!", "?", "。"]})
def make_sentencizer(nlp: Language, name: str, punct: list[str]):
    """Rule-based sentence boundaries: after sentence punctuation and at blank lines (title/abstract joint)."""
    punct_set = set(punct)

    def sentencize(doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        text = doc_text(doc)
        # integer arrays instead of Token objects (creating Tokens dominated the cost), one array write at the end
        arr = doc.to_array([ORTH, IDX, IS_PUNCT, IS_SPACE])
        orth, idx, is_punct, is_space = arr[:, 0], arr[:, 1].tolist(), arr[:, 2].tolist(), arr[:, 3].tolist()
        punct_ids = {doc.vocab.strings[p] for p in punct_set}
        is_sp = [o in punct_ids for o in orth.tolist()]
        dot = doc.vocab.strings["."]
        orth_l = orth.tolist()
        starts = numpy.full((n, 1), -1, dtype="int64")
        starts[0, 0] = 1
        seen_punct = False
        for i in range(1, n):
            # text between the previous token's start and this token's start holds the previous token + whitespace
            gap = text[idx[i - 1] : idx[i]]
            if "\n" in gap:
                if not is_space[i]:
                    starts[i, 0] = 1
                seen_punct = False
                continue
            if is_sp[i - 1]:
                seen_punct = True
            if seen_punct and not is_punct[i] and not is_space[i]:
                # "e.g. the" style continuations: a lowercase word after "." is usually not a new sentence
                if not text[idx[i]].islower() or orth_l[i - 1] != dot:
                    starts[i, 0] = 1
                seen_punct = False
        doc.from_array([SENT_START], starts.astype("uint64"))
        first = numpy.flatnonzero(starts[:, 0] == 1).tolist()
        doc.user_data["kg_sents"] = list(zip(first, first[1:] + [n]))
        return doc

    return sentencize


# --------------------------------------------------------------------------------------------- rules
_WELL_KNOWN_METRICS = [
    r"(?:top|Top)-?[15]\s{1,3}(?:accuracy|error|error rate|acc\.?)",
    r"[A-Za-z][A-Za-z\-]*@\d+(?:\.\d+)?",
    r"ROUGE(?:-(?:\d|L|Lsum|SU4|W))?(?:\s{1,3}F1)?",
    r"BLEU(?:-\d)?(?:\s{1,3}score)?",
    r"F1(?:\s{1,3}score)?|F-?(?:score|measure)|macro-F1|micro-F1|Macro-F1|Micro-F1",
    r"METEOR|CIDEr(?:-D)?|SPICE|BERTScore|ChrF\+*|chrF\+*|TER",
    r"mIoU|IoU|mAP|AP(?:50|75|_?\{?\d+\}?)?|AR|mAR|PQ|NDS",
    r"FID|KID|PSNR|SSIM|LPIPS|CLIP\s?[Ss]core|FVD|Inception Score",
    r"WER|CER|EER|MOS|SDR|SI-SNR|SI-SDR|PESQ|STOI|UTMOS",
    r"MRR|NDCG|nDCG|MAP|AUC|AUROC|AUPRC|ROC-AUC|EM\s{1,3}score|MAE|RMSE|MSE|PCK(?:h)?",
    r"perplexity|exact match|word error rate|character error rate|mean average precision|"
    r"mean intersection over union|intersection[- ]over[- ]union|success rate|win rate|pass rate|"
    r"top-\d accuracy|classification accuracy|accuracy|latency|throughput|FLOPs|GFLOPs|FPS",
]
_METRIC_RE = re.compile(r"(?<![\w@\-])(?:" + "|".join(_WELL_KNOWN_METRICS) + r")(?![\w@])")
_DATASET_CUE = re.compile(
    r"\s{1,3}(?:dataset|datasets|benchmark|benchmarks|corpus|corpora|suite|test set|testbed|leaderboard|challenge)\b",
    re.I,
)
_NAMEWORD = r"[A-Za-z0-9](?:[\w.+'’]*[\w+])?(?:[\-/][\w.+]*[\w+])*"
_NAME_SEQ = re.compile(r"(?:%s)(?:\s{1,3}(?:%s)){0,3}$" % (_NAMEWORD, _NAMEWORD))
#: benchmark-shaped names, with an optional version ("NAS-Bench-201", "LongBench-v2")
_DATASET_SHAPE = re.compile(
    r"(?<![\w\-])(?:(?:[A-Z][\w\-]*Bench(?:mark)?|[A-Z][\w]*-Bench|[A-Z][A-Za-z0-9]*QA|[A-Z][\w\-]*(?:Bench|Eval|Arena))"
    r"(?:-v?\d+(?:\.\d+)*)?|[A-Z][A-Za-z]*-\d+[Kk])(?![\w\-])"
)
#: size and flavour suffixes of a model variant ("DDRNet-23-slim", "Llama-2-7B-chat")
_VARIANT_FLAVOUR = r"(?:-(?i:slim|tiny|small|base|medium|large|xl|xxl|mini|lite|nano|instruct|chat|it|hf|turbo|pro|plus|max|ultra|flash|preview))*"
_VARIANT = re.compile(
    r"(?<![\w\-])[A-Z][A-Za-z0-9]*(?:[\-.][A-Za-z0-9]+)*[\-\s]?(?:v\d+(?:\.\d+)?|\d+(?:\.\d+)?[BMK]\b|-\d+[A-Za-z]*)"
    + _VARIANT_FLAVOUR + r"(?![\w])"
)
_INTRO = re.compile(
    r"\b(?:named|dubbed|called|termed|coined|namely|propose|proposes|introduce|introduces|present|presents|"
    r"release|releases|develop|develops|build)\s{1,3}(?:a\s{1,3}|an\s{1,3}|the\s{1,3})?(?:novel\s{1,3}|new\s{1,3})?"
    r"(" + _NAMEWORD + r")"
)
_CAPITALISED_RUN = re.compile(r"(?:\s[A-Z][\w\-]*){1,4}")
_BAPTISM = re.compile(r"(?:named|dubbed|called|termed|coined)\s", re.I)
_STOP_CAPS = {
    "The", "This", "These", "Those", "Our", "We", "In", "On", "For", "To", "A", "An", "It", "Its", "Their", "As",
    "With", "By", "From", "At", "Of", "And", "Or", "Existing", "Extensive", "Experiments", "Experimental",
    "Results", "Recent", "Most", "Many", "All", "Both", "Each", "Several", "Such", "Large", "Public", "Real",
    "Standard", "Popular", "Benchmark", "Dataset", "Datasets", "New", "Novel", "Two", "Three", "Four", "Multiple",
    "Different", "Various", "Other", "Some", "Comprehensive", "Challenging", "Diverse", "Synthetic", "Open",
}
# words holding a capital or a digit after their first character (plain lowercase words cannot be names)
_WORDLIKE = re.compile(r"(?<![\w\-.])(?=[A-Za-z0-9][\w\-.+]*[A-Z0-9])[A-Za-z0-9][\w]*(?:[\-.+][\w]+)*\+*(?![\w])")
#: what a stand-alone name looks like (ASCII, 3-25 chars, starts with a letter, not "pN"-style maths)
_PLAUSIBLE_NAME = re.compile(r"^(?=.{3,25}$)(?:[A-Z][\w\-.+]*|[a-z]{1,4}[A-Z][\w\-.+]*|[a-z]+\d[\w\-.+]*[A-Z][\w\-.+]*)$", re.A)
_CITATION_KEY = re.compile(r"^[a-z]+\d{4}[a-z]+$")
#: a lowercase word with one capital at its end ("modN", "nwN"): indices and variables of formulas, not names
_VARIABLE_LIKE = re.compile(r"^[a-z]+[A-Z]$")
#: characters of formulas and pseudo-code (PDF-extracted papers keep them inline: "x 2 RM ⇥ N", "y ⇐ NEXT (n)");
#: not braces, which abstracts use for LaTeX markup ("{\bf 8.2\%}")
_MATH_CHARS = frozenset("=⇥⇤⇐⇒←→∗∈∑∏≤≥×÷√∂∇·|^_⇡✓◆")


def _in_formula(text: str, start: int, end: int, width: int = 25) -> bool:
    """Whether a name stands among formula characters (two or more within ``width`` characters)."""
    window = text[max(0, start - width) : start] + text[end : end + width]
    return sum(1 for c in window if c in _MATH_CHARS) >= 2


#: acronyms that name no model: hardware, fields, generic words in capitals
_STOP_ACRONYMS = {
    "GPU", "CPU", "TPU", "NPU", "API", "NLP", "SOTA", "RAM", "URL", "PDF", "USA", "HTTP", "HTML", "JSON", "XML",
    "FAQ", "CEO", "AGI", "ASR", "TTS", "OCR", "QA", "VQA", "IID", "OOD", "LLM", "VLM", "MLLM", "LLMs", "LM", "NER",
    "MT", "NMT", "RL", "CV", "ML", "DL", "AI", "IoT", "SQL", "GPUs", "FLOPs", "FPS", "AUC", "ROC", "THE", "AND",
    "FOR", "NOT", "ALL", "NEW", "OUR", "WITH", "CNN", "RNN", "DNN", "GAN", "MLP", "VAE", "NAS", "KD", "SFT", "RLHF",
    "DPO", "PPO", "CoT", "RAG", "E2E", "SSL", "MoE", "LSTM", "CLS", "SEP", "EOS", "BOS", "PAD", "UNK", "MASK", "GRU", "CRF", "HMM", "SVM",
}
_TITLE_PREFIX = re.compile(r"^\s{0,3}([^:\n]{1,40}?)\s{0,3}:\s{1,3}\S")
_APPOSITIVE_DATASET = re.compile(
    r"\s{0,3}(?:[,:(]\s{0,3}(?:a|an|the)\s{1,3}(?:[\w\-]+\s{1,3}){0,5})?(?:dataset|benchmark|corpus|suite|collection|testbed)s?\b", re.I
)
#: dataset cue words that the annotated corpora include in the dataset's span (learned from the training splits:
#: "X dataset" 39 of 47 times in SciREX, every time in SciERC; "benchmark" and "corpus" likewise; "test set" is
#: too rare there to say)
_HEAD_IN_SPAN = re.compile(r"(?:dataset|datasets|benchmark|corpus|corpora)", re.I)
_DATASET_WORDS = re.compile(r"\b(?:dataset|datasets|benchmark|benchmarks|corpus|corpora|suite|collection|testbed)\b", re.I)


def _gazetteer_match_ok(sp: Span, text: str, common: set) -> bool:
    """A gazetteer match names what the list holds: a whole word, not a piece of a hyphenated compound ("ROD-TV",
    "high-accuracy"); not one capitalised ordinary word ("Images", "Real": a sentence's first word); not one
    lowercase word after a modifier ("estimation error", "sub-voxel precision" are other quantities)."""
    a, b = sp.start_char, sp.end_char
    if (a > 0 and text[a - 1] == "-") or (b < len(text) and text[b] == "-"):
        return False
    t = sp.text
    if " " in t:
        return True
    if t[:1].isupper() and t[1:].islower() and t.lower() in common:
        return False
    if t.islower() and sp.start > 0:
        words = text[max(0, a - 40) : a].split()
        prev = words[-1].lower() if words else ""
        if "-" in prev.strip("-") or _NOUN_END.search(prev):
            return False
    return True


#: a word that ends like a noun, before a one-word metric, makes a compound ("estimation error")
_NOUN_END = re.compile(r"[a-z](?:tion|sion|ment|ity|ness|ance|ence)$")


def _name_like(word: str, at_sentence_start: bool) -> bool:
    w = word.strip("()[]{},;:\"'")
    if not w or w in _STOP_CAPS:
        return False
    if any(c.isdigit() for c in w) and any(c.isalpha() for c in w):
        return True
    if sum(c.isupper() for c in w) >= 2 or word_is_named(w):
        return True
    return w[:1].isupper() and not at_sentence_start


class RuleRecognizer:
    """Rules where rules beat statistics: metric names, dataset patterns, model variants, title prefixes,
    "named X" introductions and gazetteers (datasets, metrics and generic acronyms learned from training data)."""

    def __init__(self, nlp: Language, name: str, min_gazetteer_count: int, named_artifacts: bool = True):
        self.nlp = nlp
        self.named_artifacts = named_artifacts
        self.name = name
        self.min_gazetteer_count = min_gazetteer_count
        self.gazetteer: dict[str, list[str]] = {"Dataset": [], "Metric": [], "generic_acronyms": [], "Model": []}
        self._build()

    def _build(self) -> None:
        self.orth = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label in ("Dataset", "Metric", "Model"):
            terms = self.gazetteer.get(label, [])
            cased = [t for t in terms if t != t.lower()]
            low = [t for t in terms if t == t.lower()]
            if cased:
                self.orth.add(label, [self.nlp.make_doc(t) for t in cased])
            if low:
                self.lower.add(label, [self.nlp.make_doc(t) for t in low])
        self.generic_acronyms = {a.lower() for a in self.gazetteer.get("generic_acronyms", [])}

    def set_gazetteer(self, gazetteer: dict[str, list[str]]) -> None:
        self.gazetteer = {k: (dict(v) if isinstance(v, dict) else sorted(set(v))) for k, v in gazetteer.items()}
        self._build()

    # -- persistence
    def to_disk(self, path, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "gazetteer.json").write_text(json.dumps(self.gazetteer, indent=0, sort_keys=True), encoding="utf-8")

    def from_disk(self, path, exclude=tuple()):
        p = Path(path) / "gazetteer.json"
        if p.is_file():
            self.set_gazetteer(json.loads(p.read_text(encoding="utf-8")))
        return self

    # -- processing
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        strong: list[tuple[Span, str]] = []
        weak: list[tuple[Span, str]] = []
        sent_starts = sent_start_chars(doc)

        # metrics by name
        for m in _METRIC_RE.finditer(text):
            sp = make_span(doc, m.start(), m.end(), "Metric")
            if sp is not None:
                weak.append((sp, "rule:metric"))
        # "the X dataset / benchmark / corpus" (and "X and Y datasets")
        for m in _DATASET_CUE.finditer(text):
            left = text[max(0, m.start() - 120) : m.start()]
            names = self._names_before(doc, left, m.start(), sent_starts)
            if names and _HEAD_IN_SPAN.fullmatch(m.group(0).strip()):
                # SciREX and SciERC annotate the head noun with the name ("the CIFAR-10 dataset", "the X and Y
                # datasets": only the last name); linking drops it again for the entity's name
                wide = make_span(doc, names[0].start_char, m.end(), "Dataset")
                if wide is not None:
                    names[0] = wide
            for sp in names:
                strong.append((sp, "rule:dataset_pattern"))
        for m in _DATASET_SHAPE.finditer(text):
            sp = make_span(doc, m.start(), m.end(), "Dataset")
            if sp is not None:
                weak.append((sp, "rule:dataset_pattern"))
        # "X-NNN" / "X v2" / "X 7B" variants
        for m in _VARIANT.finditer(text):
            sp = make_span(doc, m.start(), m.end(), "Model")
            if sp is not None and word_is_named(m.group(0).replace(" ", "")):
                weak.append((sp, "rule:variant"))
        # "named X", "we introduce X"
        for m in _INTRO.finditer(text):
            w = m.group(1)
            # after "called / named / dubbed" a capitalised word is a name too ("a reader model called Masque")
            baptised = _BAPTISM.match(m.group(0)) is not None and w[:1].isupper() and len(w) >= 3
            if (word_is_named(w) or is_acronym(w) or baptised) and w not in _STOP_CAPS:
                end = m.end(1)
                if baptised:
                    # a name of capitalised words ("dubbed Dynamic Spectrum Mixer (DSM)")
                    more = _CAPITALISED_RUN.match(text, end)
                    if more:
                        end = more.end()
                after = text[end : end + 80]
                label = "Dataset" if _APPOSITIVE_DATASET.match(after) else "Model"
                sp = make_span(doc, m.start(1), end, label)
                if sp is not None:
                    weak.append((sp, "rule:named"))
        # title prefix "SVTRv2: ..."
        title_end = doc.user_data.get("kg_title_end")
        if title_end:
            tm = _TITLE_PREFIX.match(text[:title_end])
            if tm and len(tm.group(1).split()) <= 3 and "'" not in tm.group(1) and "’" not in tm.group(1):
                pre = tm.group(1)
                words = pre.split()
                if (len(words) == 1 and (words[0][:1].isupper() or word_is_named(words[0]))) or any(
                    word_is_named(w) or is_acronym(w) for w in words
                ):
                    rest = text[tm.end(1) : title_end]
                    label = "Dataset" if _DATASET_WORDS.search(rest) else "Model"
                    sp = make_span(doc, tm.start(1), tm.end(1), label)
                    if sp is not None:
                        strong.append((sp, "rule:title_prefix"))
        # gazetteers (learned from the training split)
        common = self._common_words()
        for matcher in (self.orth, self.lower):
            for match_id, s, e in matcher(doc):
                sp = Span(doc, s, e, label=self.nlp.vocab.strings[match_id])
                if _gazetteer_match_ok(sp, text, common):
                    weak.append((sp, "gazetteer"))
        # last resort: any other named artifact (CamelCase, letters+digits, versions) or undefined-elsewhere acronym
        weakest: list[tuple[Span, str]] = []
        if self.named_artifacts:
            for m in _WORDLIKE.finditer(text):
                w = m.group(0)
                if not _PLAUSIBLE_NAME.match(w) or _CITATION_KEY.match(w) or _VARIABLE_LIKE.match(w):
                    continue
                if _in_formula(text, m.start(), m.end()):
                    continue
                if word_is_named(w):
                    label = "Dataset" if _DATASET_SHAPE.fullmatch(w) else "Model"
                elif (
                    is_acronym(w)
                    and len(w.rstrip("s")) >= 3
                    and w.rstrip("s").lower() not in self.generic_acronyms
                    and w.rstrip("s") not in _STOP_ACRONYMS
                    and not (m.start() in sent_starts and w.isupper() and len(w) > 6)
                ):
                    label = "Model"
                else:
                    continue
                sp = make_span(doc, m.start(), m.end(), label)
                if sp is not None:
                    weakest.append((sp, "rule:named"))

        add_ents(doc, strong, override=True)
        # weak rules: fill gaps; a metric/dataset rule may also retype an NER entity with exactly its span
        retype = {}
        ent_index = {(e.start, e.end): e for e in doc.ents}
        for sp, source in weak:
            e = ent_index.get((sp.start, sp.end))
            if e is not None and e.label_ != sp.label_ and sp.label_ in ("Dataset", "Metric") and e.label_ != "Model":
                retype[(sp.start, sp.end)] = sp.label_
                ent_sources(doc)[(sp.start_char, sp.end_char)] = source
        relabel(doc, retype)
        add_ents(doc, sorted(weak, key=lambda x: -(x[0].end - x[0].start)), override=False)
        add_ents(doc, weakest, override=False)
        return doc

    def _common_words(self) -> set:
        """Ordinary English words of the training text (the typing component's context typer holds them)."""
        for _n, comp in self.nlp.pipeline:
            if isinstance(comp, Typer):
                return comp.context.common_words
        return set()

    def _names_before(self, doc: Doc, left: str, end: int, sent_starts: set) -> list[Span]:
        """Name-like word sequences right before a dataset cue, walking back over ", " / "and" lists."""
        out = []
        base = end - len(left)
        pos = len(left)
        for _ in range(6):
            seg = left[:pos]
            m = _NAME_SEQ.search(seg)
            if not m:
                break
            words = list(re.finditer(r"\S+", m.group(0)))
            # keep the trailing run of name-like words
            keep = []
            for w in reversed(words):
                abs_start = base + m.start() + w.start()
                if w.group(0) not in _STOP_ACRONYMS and _name_like(w.group(0), abs_start in sent_starts):
                    keep.insert(0, w)
                else:
                    break
            if not keep:
                break
            s = base + m.start() + keep[0].start()
            e = base + m.start() + keep[-1].end()
            sp = make_span(doc, s, e, "Dataset")
            if sp is not None:
                out.append(sp)
            pos = m.start() + keep[0].start()
            conj = re.search(r"(?:,\s{0,3}(?:and\s{1,3}|or\s{1,3})?|\s{1,3}and\s{1,3}|\s{1,3}or\s{1,3}|\s{0,3}/\s{0,3})$", left[:pos])
            if not conj:
                break
            pos = conj.start()
        return out


@Language.factory("kg_rules", default_config={"min_gazetteer_count": 2, "named_artifacts": True})
def make_rules(nlp: Language, name: str, min_gazetteer_count: int, named_artifacts: bool):
    return RuleRecognizer(nlp, name, min_gazetteer_count, named_artifacts)


# ------------------------------------------------------------------------------------- abbreviations
@Language.factory("kg_abbreviations", default_config={"propagate": True})
def make_abbreviations(nlp: Language, name: str, propagate: bool):
    """Schwartz–Hearst pairs into ``doc.user_data["kg_abbrevs"]``; types flow between long and short forms."""

    def detect(doc: Doc) -> Doc:
        text = doc_text(doc)
        pairs = find_abbreviations(text)
        doc.user_data["kg_abbrevs"] = [tuple(p) for p in pairs]
        if not propagate or not pairs:
            return doc
        by_char = {}
        for e in doc.ents:
            by_char[(e.start_char, e.end_char)] = e
        new = []
        retype = {}
        for p in pairs:
            short = by_char.get((p.short_start, p.short_end))
            long = _ent_ending_at(doc, p.long_start, p.long_end)
            if long is not None and short is None:
                sp = make_span(doc, p.short_start, p.short_end, long.label_)
                if sp is not None:
                    new.append((sp, "abbreviation"))
            elif long is not None and short is not None and short.label_ != long.label_:
                # a named Model short form keeps its type, unless the long form says it is a task or a metric
                # ("person re-identification (ReID)")
                if long.label_ in ("Task", "Metric") or not (
                    short.label_ == "Model" or long.label_ in ("Method", "Model") and short.label_ in ("Method", "Model")
                ):
                    retype[(short.start, short.end)] = long.label_
            elif long is None and short is None:
                sf = text[p.short_start : p.short_end]
                lf = text[p.long_start : p.long_end]
                if _named_short_form(sf, lf):
                    sp = make_span(doc, p.short_start, p.short_end, "Model")
                    if sp is not None:
                        new.append((sp, "abbreviation"))
            elif long is None and short is not None:
                sp = make_span(doc, p.long_start, p.long_end, "Method" if short.label_ == "Model" else short.label_)
                if sp is not None:
                    new.append((sp, "abbreviation"))
        relabel(doc, retype)
        add_ents(doc, new, override=False)
        return doc

    return detect


def _named_short_form(short: str, long: str) -> bool:
    """A defined short form that names an artifact: mixed case ("LIMe", "cMIM"), or capitals defined by a
    capitalised long form ("Layer-Integrated Memory (LIM)"); "masked image modeling (MIM)" is a technique."""
    if short in _STOP_ACRONYMS or short.rstrip("s") in _STOP_ACRONYMS:
        return False
    words = long.split()
    if len(words) < 2:
        return False
    caps = sum(1 for w in words if w[:1].isupper())
    if caps < max(2, len(words) - 1):
        return False
    return word_is_named(short) or is_acronym(short) or (any(c.islower() for c in short) and any(c.isupper() for c in short[1:]))


def _ent_ending_at(doc: Doc, start: int, end: int) -> Span | None:
    """The entity that ends where the long form ends: inside it, or holding it with its modifiers ("Person
    Re-identification (ReID)": the Schwartz–Hearst long form is "Re-identification")."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None:
        return None
    for e in doc[max(0, sp.start - 6) : sp.end].ents:
        if e.end_char == end and e.start_char < end:
            return e
    return None


# ------------------------------------------------------------------------------------------- typing
#: a capitalised name with a one-digit affiliation mark ("Cheng4")
_AUTHOR_MARK = re.compile(r"^[A-Z][a-z]+\d$")


def _after_name(text: str, start: int) -> bool:
    """Whether a capitalised word or an initial ("Jian", "D.") stands right before ``start``: a person's name."""
    return re.search(r"(?:\b[A-Z][a-z]+|\b[A-Z]\.)\s$", text[max(0, start - 30) : start]) is not None


_GERUND_OPENER = re.compile(r"^[A-Z][a-z]+(?:-[a-z]+)*ing$")


class Typer:
    """``kg_typing``: named artifacts become Model (SciREX calls them Method), generic noise is dropped, and named
    mentions are read as a model or a dataset by their context.

    The Model-vs-Dataset decision adds, per surface form, the log-odds of a context classifier learned from the
    training split (:mod:`kg.extract.context_typing`) over all the form's occurrences in the paper, plus a prior
    from what produced the mention (the statistical model's label, a gazetteer, a rule); the forms of a
    coordinated list ("LibriTTS, VCTK and AISHELL") and the two forms of an abbreviation pool their evidence.
    Mentions typed by a dataset cue ("the X dataset", "XBench") or by the title-prefix rule keep their type.
    """

    def __init__(self, nlp: Language, name: str, drop_generic: bool, context_weight: float = 1.0):
        self.nlp = nlp
        self.name = name
        self.drop_generic = drop_generic
        self.context_weight = context_weight
        self.context = ContextTyper()

    def set_context_typer(self, typer: ContextTyper) -> None:
        self.context = typer

    def to_disk(self, path, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "context_typer.json").write_text(json.dumps(self.context.to_dict(), sort_keys=True), encoding="utf-8")

    def from_disk(self, path, exclude=tuple()):
        p = Path(path) / "context_typer.json"
        if p.is_file():
            self.context = ContextTyper.from_dict(json.loads(p.read_text(encoding="utf-8")))
        return self

    def __call__(self, doc: Doc) -> Doc:
        rules = None
        for _n, comp in self.nlp.pipeline:
            if isinstance(comp, RuleRecognizer):
                rules = comp
        generic_acr = rules.generic_acronyms if rules else set()
        known_models = set(rules.gazetteer.get("Model", [])) if rules else set()
        head_types = rules.gazetteer.get("head_types", {}) if rules else {}
        drop_generic = self.drop_generic
        abbrevs = doc.user_data.get("kg_abbrevs", [])
        text = doc_text(doc)
        long_of = {text[s:e]: text[ls:le] for s, e, ls, le in abbrevs}
        sent_starts = sent_start_chars(doc)
        src = ent_sources(doc)
        url_chars = set()
        for a, b in find_links(text):
            url_chars.update(range(a, b))
        ents = []
        for e in doc.ents:
            e = _trim(e)
            if e is None:
                continue
            t = e.text
            if drop_generic and (is_generic(t) or is_not_an_entity(t)):
                continue
            if url_chars and (e.start_char in url_chars or e.end_char - 1 in url_chars):
                continue
            if drop_generic and e.start_char in sent_starts and " " not in t and _GERUND_OPENER.match(t):
                continue
            if drop_generic and (_AUTHOR_MARK.match(t) and _after_name(text, e.start_char)):
                continue  # "Jian Cheng4": an author with an affiliation mark (PDF-extracted front matter)
            if drop_generic and _in_formula(text, e.start_char, e.end_char):
                continue
            label = e.label_
            source = src.get((e.start_char, e.end_char), "ner")
            if source == "ner" and " " in t and label != "Model":
                # the statistical model's type gives way to a head word that says the type ("... Network" is a
                # method, "... problem" a task), learned from the training split (kg.extract.assemble)
                head_type = head_types.get(t.rsplit(" ", 1)[1].lower())
                if head_type and head_type != label:
                    label = head_type
                    e = Span(doc, e.start, e.end, label=label)
            if label != "Metric" and COMPUTE_MEASURE.fullmatch(t) and t not in long_of:
                # "FLOP", "GMACs": a measure, not a model (unless the paper defines it: the MAC network of VQA)
                ents.append(Span(doc, e.start, e.end, label="Metric"))
                continue
            if label in ("Method", "Model", "Task") and source not in _FIXED_TYPE_SOURCES:
                named = _split_head(e, long_of, generic_acr, known_models, sent_starts, self.context.common_words)
                if named is not None:
                    src[(named.start_char, named.end_char)] = source
                    ents.append(named)
                    continue
            if label == "Dataset" and " " in t and t.split()[-1].lower() in _MODEL_TAIL | _METHOD_HEADS:
                label = "Method"  # "CodeBERT model", "X paradigm": then typed Model or Method below
            if label in ("Method", "Model"):
                label = "Model" if _is_named_model(t, long_of, generic_acr, known_models) else "Method"
                if e.label_ == "Model" and source.startswith("rule:"):
                    label = "Model"
            ents.append(Span(doc, e.start, e.end, label=label) if label != e.label_ else e)
        if self.context.trained:
            ents = self._model_or_dataset(
                doc, text, ents, src, abbrevs, lambda t: _is_named_model(t, long_of, generic_acr, known_models)
            )
        set_ents(doc, ents)
        return doc

    def _model_or_dataset(self, doc: Doc, text: str, ents: list[Span], src: dict, abbrevs: list, model_like) -> list[Span]:
        """Retype named Model/Dataset mentions by the pooled context evidence of their surface form (see the class
        docstring); ``model_like(text)`` says whether a Dataset mention could be a model's name at all."""
        idx = [i for i, e in enumerate(ents) if e.label_ in ("Model", "Dataset")]
        if not idx:
            return ents
        runs = coordinated_runs(text, [(ents[i].start_char, ents[i].end_char) for i in idx])
        score: dict[str, float] = defaultdict(float)
        cands: list[int] = []
        forced: dict[int, str] = {}
        surface = {i: text[ents[i].start_char : ents[i].end_char] for i in idx}
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for i, run in zip(idx, runs):
            e, t = ents[i], surface[i]
            source = src.get((e.start_char, e.end_char), "ner")
            sign = 1.0 if e.label_ == "Dataset" else -1.0
            if not is_named_candidate(t):
                continue
            fixed = None
            if source in _FIXED_TYPE_SOURCES:
                fixed = e.label_
            elif t.split()[-1].lower() in _MODEL_TAIL or _MODEL_SHAPE.search(t):
                fixed = "Model"
            if fixed:
                # a cue-typed mention is evidence for the rest of the paper, not a candidate
                score[t] += _FIXED_EVIDENCE if fixed == "Dataset" else -_FIXED_EVIDENCE
                if fixed != e.label_:
                    forced[i] = fixed
            elif e.label_ == "Dataset" and not model_like(t):
                continue  # a descriptive phrase ("RGB-D semantic segmentation"), not a name that may be a model
            else:
                prior = _SOURCE_PRIOR.get((source, e.label_), _SOURCE_PRIOR.get(source, 0.0))
                ctx = run if run != (e.start_char, e.end_char) else None
                score[t] += self.context_weight * self.context.logodds(text, e.start_char, e.end_char, ctx) + sign * prior
                cands.append(i)
            if run != (e.start_char, e.end_char):  # list members share one reading
                key = text[run[0] : run[1]]
                ra, rb = find(t), find("\x00" + key)
                if ra != rb:
                    parent[ra] = rb
        if not cands and not forced:
            return ents
        for s, e_, ls, le in abbrevs:
            a, b = find(text[s:e_]), find(text[ls:le])
            if text[s:e_] in score and text[ls:le] in score and a != b:
                parent[a] = b
        pooled: dict[str, float] = defaultdict(float)
        for t, v in score.items():
            pooled[find(t)] += v
        out = list(ents)
        for i in cands + list(forced):
            e = ents[i]
            label = forced.get(i) or ("Dataset" if pooled[find(surface[i])] > 0 else "Model")
            if label != e.label_:
                out[i] = Span(doc, e.start, e.end, label=label)
        return out


#: generic head nouns after a model's name ("the Encodec model", "a RetinaNet detector") and the words that may sit
#: between ("All-Roberta-Large text encoder", "Mask2Former-style models")
SPLIT_HEADS = {
    "model", "models", "detector", "detectors", "architecture", "architectures", "encoder", "encoders", "decoder",
    "decoders", "backbone", "backbones", "classifier", "classifiers", "baseline", "baselines", "variant", "variants",
    "family", "checkpoint", "checkpoints", "predictor", "tokenizer", "vocoder", "generator", "retriever", "reranker",
}
_HEAD_MODIFIERS = {
    "text", "image", "vision", "visual", "language", "speech", "audio", "video", "style", "based", "like", "teacher",
    "student", "reward", "-",
}


def _split_head(e: Span, long_of: dict, generic_acr: set, known: set, sent_starts: set, common: set) -> Span | None:
    """The name inside "NAME (modifier) HEAD" ("Encodec" in "the Encodec model") or "HEAD NAME" ("our predictor
    FLAN") as a Model span, when NAME is a named model; None otherwise."""
    doc = e.doc
    if e.end - e.start < 2:
        return None
    first = doc[e.start]
    if first.text.islower() and first.text in _LEAD_HEADS and e.end - e.start <= 4:
        t = doc[e.start + 1 : e.end].text
        if _is_named_model(t, long_of, generic_acr, known) and is_named_candidate(t) and not t[:1].islower():
            return Span(doc, e.start + 1, e.end, label="Model")
        return None
    end = e.end
    head = doc[end - 1].text
    # a capitalised head is part of the name ("EXplicit interAction Model", "Transformer Encoder")
    if head.lower() not in SPLIT_HEADS or not head.islower():
        return None
    k = end - 1
    while k > e.start and doc[k - 1].lower_ in _HEAD_MODIFIERS:
        k -= 1
    if k <= e.start or doc[k - 1].is_punct:
        return None
    name = doc[e.start : k]
    t = name.text
    if t[:1].islower() or not is_named_candidate(t):
        return None
    if not (
        _is_named_model(t, long_of, generic_acr, known)
        or _capitalised_name(name, sent_starts, common)
        or (_MODEL_SHAPE.search(t) and t[:1].isupper() and " " not in t)
    ):
        return None
    # "SMT models", "GAN models": an acronym before a plural head names a family of models, annotated whole
    if head.endswith("s") and is_acronym(t) and " " not in t:
        return None
    return Span(doc, e.start, k, label="Model")


#: generic nouns that may stand before a model's name ("our predictor FLAN", "the model GPT-4o")
_LEAD_HEADS = {"model", "models", "predictor", "detector", "encoder", "architecture", "framework", "system", "agent", "baseline", "method", "network"}
_ADJECTIVE_END = re.compile(r"(?:ian|ic|al|ive|ous|ean|ar)$")
#: eponyms that name classes of techniques, not artifacts ("Markov model", "Boltzmann machine", "Kalman filter")
_EPONYMS = {
    "markov", "boltzmann", "dirichlet", "poisson", "bernoulli", "kalman", "gibbs", "ising", "potts", "bayes",
    "fourier", "laplace", "wiener", "hawkes", "weibull", "gumbel", "langevin", "lagrange", "hopfield", "volterra",
    "gabor", "haar", "huber", "student", "wasserstein", "hilbert", "riemann", "euler", "newton", "monte", "carlo",
}


def _capitalised_name(name: Span, sent_starts: set, common: set) -> bool:
    """One capitalised word inside an abstract's sentence ("the Conformer architecture"), not an adjective of a
    person's name or a field ("Gaussian model", "Bayesian network", "Statistical model") nor an eponym ("Markov
    model"); titles capitalise every word, so a title says nothing."""
    if len(name) != 1:
        return False
    w = name[0].text
    title_end = name.doc.user_data.get("kg_title_end") or 0
    return (
        name.start_char not in sent_starts
        and name.start_char >= title_end
        and w.lower() not in _EPONYMS
        and w.lower() not in common
        and w.isalpha()
        and w[:1].isupper()
        and w[1:].islower()
        and len(w) >= 4
        and w not in _STOP_CAPS
        and not _ADJECTIVE_END.search(w)
    )


#: head nouns of techniques: a phrase ending in one names no dataset ("Fragment-and-Compose paradigm")
_METHOD_HEADS = {
    "paradigm", "approach", "approaches", "framework", "algorithm", "algorithms", "method", "methods", "technique",
    "techniques", "scheme", "strategy", "mechanism", "module", "architecture", "pipeline", "loss", "objective",
}
#: a model's size or flavour ends its name ("GPT3-175B", "T5-base", "BERTbase", "Llama-3-8B-Instruct")
_MODEL_SHAPE = re.compile(r"(?:\d(?:\.\d+)?B|(?:[\-_]|(?<=[A-Z0-9]))(?i:base|large|small|tiny|mini|instruct|chat))$")
#: sources whose type is read from an explicit cue and stays ("the X dataset", "XBench", the title prefix)
_FIXED_TYPE_SOURCES = {"rule:dataset_pattern", "rule:title_prefix"}
_FIXED_EVIDENCE = 4.0
#: how much a source's own label counts (log-odds) next to the context classifier; (source, label) first
_SOURCE_PRIOR = {
    "gazetteer": 3.0, ("ner", "Dataset"): 1.0, ("ner", "Model"): 0.3, "rule:variant": 0.5, "rule:named": 0.5,
    "abbreviation": 0.5, "consistency": 0.5,
}


@Language.factory("kg_typing", default_config={"drop_generic": True, "context_weight": 1.0})
def make_typing(nlp: Language, name: str, drop_generic: bool, context_weight: float):
    """Named artifacts become Model, generic noise is dropped, named mentions are typed by context (:class:`Typer`)."""
    return Typer(nlp, name, drop_generic, context_weight)


_ON_BEFORE = re.compile(
    r"\b(?:on|across|over)\s{1,3}(?:the\s{1,3})?(?:(?:challenging|popular|public|standard|large-scale|widely[- ]used|"
    r"benchmark|real-world|several|multiple|\w+-domain)\s{1,3})?(?:[A-Z][\w\-.]{1,30}\s{0,3}(?:,\s{0,3}|and\s{1,3}|or\s{1,3}|,\s{0,3}and\s{1,3})){0,3}$",
    re.I,
)
_NOT_DATASET_BEFORE = re.compile(
    r"\b(?:based|built|relies|rely|relying|depends?|depending|focus(?:es|ed)?|train(?:ed|s)?\s{1,3}on\s{1,3}top|"
    r"runs?|running|deployed|implemented|conditioned|operat(?:es?|ing)|fine-tun\w*\s{1,3}\w+|build(?:s|ing)?|"
    r"improv\w+|draw(?:s|ing)?|rel(?:y|ies))\s{1,3}(?:up)?on\s{1,3}(?:the\s{1,3})?\S*\s{0,3}$",
    re.I,
)
_SPLIT_AFTER = re.compile(r"^(?:'s)?\s{0,3}(?:\(|-|\s)?(?:test|val|validation|dev|train|training|eval)(?:[- ]?(?:set|split|dev|std))\b", re.I)
_MODEL_AFTER = re.compile(r"^\s{0,3}(?:-based\b|model|models|architecture|backbone|network|encoder|decoder|detector|family|variants?)\b", re.I)
_LIST_GAP = re.compile(r"^\s{0,3}(?:,\s{0,3}(?:and\s{1,3}|or\s{1,3})?|and\s{1,3}|or\s{1,3}|/\s{0,3})$")


def _evaluated_on(text: str, start: int, end: int, previous: list[Span]) -> bool:
    """Whether a name reads as a dataset by context: "on X", "X test set", or listed after a dataset."""
    after = text[end : end + 30]
    if _MODEL_AFTER.match(after):
        return False
    if _SPLIT_AFTER.match(after):
        return True
    before = text[max(0, start - 40) : start]
    if _ON_BEFORE.search(before) and not _NOT_DATASET_BEFORE.search(before):
        return True
    if previous and previous[-1].label_ == "Dataset" and _LIST_GAP.match(text[previous[-1].end_char : start]):
        return True
    return False


_LEAD_WORDS = {"the", "a", "an", "our", "this", "these", "those", "its", "their", "his", "her", "such", "each"}
_TRAIL_WORDS = {"of", "and", "or", "the", "for", "in", "on", "with", "to", "by", "from", "as", "at", "via", "a", "an"}
_EDGE_PUNCT = set(",.;:!?")


_OPENERS = {"(", "[", "{"}
_CLOSERS = {")", "]", "}"}
_QUOTES = {'"', "“", "”", "‘", "’", "'", "`", "``", "''"}
_PAIR = {")": "(", "]": "[", "}": "{"}


def _closes(inside: str, tok: str) -> bool:
    """Whether a trailing ``tok`` closes a bracket or quote opened in ``inside`` (the span before it)."""
    if tok in _OPENERS:
        return False
    if tok in _QUOTES:
        return any(q in inside for q in _QUOTES)
    return inside.count(_PAIR[tok]) > inside.count(tok)


def _opens(inside: str, tok: str) -> bool:
    """Whether a leading ``tok`` opens a bracket or quote closed in ``inside`` (the span after it)."""
    if tok in _CLOSERS:
        return False
    return any(q in inside for q in _QUOTES)


def _trim(e: Span) -> Span | None:
    """Drop leading determiners and trailing function words or punctuation from a span ("classification of")."""
    start, end = e.start, e.end
    doc = e.doc
    while start < end and (doc[start].lower_ in _LEAD_WORDS or doc[start].text in _EDGE_PUNCT) and end - start > 1:
        start += 1
    while end > start and (doc[end - 1].lower_ in _TRAIL_WORDS or doc[end - 1].text in _EDGE_PUNCT) and end - start > 1:
        end -= 1
    # a quote or bracket that the span does not close is not part of it ('“ in-the-wild ”' -> 'in-the-wild')
    while end - start > 1 and doc[end - 1].text in _OPENERS | _QUOTES and not _closes(doc[start : end - 1].text, doc[end - 1].text):
        end -= 1
    while end - start > 1 and doc[start].text in _CLOSERS | _QUOTES and not _opens(doc[start + 1 : end].text, doc[start].text):
        start += 1
    if end - start == 1 and (doc[start].lower_ in _LEAD_WORDS | _TRAIL_WORDS or doc[start].is_punct):
        return None
    if (start, end) == (e.start, e.end):
        return e
    sp = Span(doc, start, end, label=e.label_)
    src = ent_sources(doc)
    src[(sp.start_char, sp.end_char)] = src.get((e.start_char, e.end_char), "ner")
    return sp


_MODEL_TAIL = {
    "model", "models", "network", "networks", "net", "architecture", "backbone", "encoder", "decoder", "variant",
    "series", "family", "base", "large", "small", "tiny", "huge", "xl", "checkpoint", "checkpoints", "agent",
}


#: named but generic building blocks (activations, normalisations, optimisers, adapters): methods, not models
GENERIC_NAMED_METHODS = {
    "relu", "gelu", "silu", "swish", "elu", "prelu", "leakyrelu", "softmax", "layernorm", "batchnorm", "groupnorm",
    "rmsnorm", "instancenorm", "adam", "adamw", "adagrad", "rmsprop", "sgd", "dropout", "dropconnect", "lora",
    "qlora", "seq2seq", "word2vec", "glove", "tf-idf", "bm25", "k-means", "pca", "t-sne", "umap", "xgboost", "lightgbm",
}


def _is_named_model(text: str, long_of: dict, generic_acr: set, known: set) -> bool:
    if text in known:
        return True
    words = text.split()
    if len(words) > 5:
        return False
    if any(w.lower().rstrip("s") in GENERIC_NAMED_METHODS or w.lower() in GENERIC_NAMED_METHODS for w in words):
        return False
    if any(w.rstrip("s") in _STOP_ACRONYMS or w in _STOP_ACRONYMS for w in words):
        return False
    if text in long_of and _named_short_form(text, long_of[text]) and text.lower() not in generic_acr:
        return True
    named = [w for w in words if word_is_named(w)]
    acr = [w for w in words if is_acronym(w) and w.lower().rstrip("s") not in generic_acr and w.lower() not in generic_acr]
    if not named and not acr:
        return False
    rest = [w for w in words if w not in named and w not in acr]
    if any(w.islower() and w.lower() not in _MODEL_TAIL for w in rest):
        return False
    if named:
        return True
    # an all-caps acronym: a model unless the paper defines it as a lowercase technique ("masked image modeling (MIM)")
    for a in acr:
        long = long_of.get(a) or long_of.get(a.rstrip("s"))
        if long is not None:
            caps = sum(1 for w in long.split()[1:] if w[:1].isupper())
            return caps >= max(1, (len(long.split()) - 1) // 2)
    return True


# -------------------------------------------------------------------------------------- consistency
def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _whole_word_occurrences(text: str, forms: list[str]) -> list[tuple[int, str]]:
    """Non-overlapping occurrences of ``forms`` in ``text`` not glued to a word (or a hyphen before), scanning left
    to right and taking the longest form at each position: what ``re.finditer`` of the alternation
    ``(?<![\\w\\-])(?:longest|...|shortest)(?!\\w)`` finds, without compiling a new regex per document (that
    compilation cost more than the rest of the pass)."""
    hits = []
    n = len(text)
    for f in set(forms):
        i = text.find(f)
        while i >= 0:
            j = i + len(f)
            if (i == 0 or not (_is_word_char(text[i - 1]) or text[i - 1] == "-")) and (j >= n or not _is_word_char(text[j])):
                hits.append((i, -len(f), f))
            i = text.find(f, i + 1)
    hits.sort()
    out = []
    cur = 0
    for i, _neg, f in hits:
        if i >= cur:
            out.append((i, f))
            cur = i + len(f)
    return out


def _propagates(form: str) -> bool:
    """Whether other occurrences of ``form`` are the same mention: not for two-character forms ("QA", "2D", "IR":
    mostly parts of longer names or variables elsewhere) nor for forms with a one-letter word ("F 1", "size S":
    formula variables in PDF-extracted text)."""
    if len(form) < 3:
        return False
    return not any(len(w) == 1 and w.isalpha() for w in form.split())


def _swallows(form: str, s: int, e: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether the occurrence ``[s, e)`` of a longer name of the doc replaces the mentions inside it ("Swin
    Transformer" where only "Transformer" was tagged): a name (not all lower case) of several words, touching at
    least one mention, every one of them inside it. ``spans`` are the doc's mention spans, sorted; ``starts`` their
    starts."""
    if form.islower() or not (" " in form or "-" in form):
        return False
    i = bisect.bisect_left(starts, s)
    if i > 0 and spans[i - 1][1] > s:
        return False
    touched = False
    while i < len(spans) and spans[i][0] < e:
        if spans[i][1] > e or spans[i] == (s, e):
            return False
        touched = True
        i += 1
    return touched


@Language.factory("kg_consistency", default_config={"min_length": 2})
def make_consistency(nlp: Language, name: str, min_length: int):
    """A surface form typed once is typed the same everywhere in the doc, and its other occurrences are found."""

    def harmonise(doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        text = doc_text(doc)
        votes: dict[str, Counter] = defaultdict(Counter)
        src = ent_sources(doc)
        surface = [text[e.start_char : e.end_char] for e in ents]
        for e, t in zip(ents, surface):
            # a rule's reading (title prefix, "named X", a variant) outweighs the statistical model's
            weight = 3 if src.get((e.start_char, e.end_char), "ner").startswith("rule:") else 1
            votes[t][e.label_] += weight
        best = {t: c.most_common(1)[0][0] for t, c in votes.items()}
        retype = {(e.start, e.end): best[t] for e, t in zip(ents, surface) if best[t] != e.label_}
        relabel(doc, retype)
        forms = [t for t in best if len(t) >= min_length and (not t.islower() or " " in t) and not is_generic(t) and _propagates(t)]
        if not forms:
            return doc
        occupied = bytearray(len(text) + 1)
        for e in ents:
            occupied[e.start_char : e.end_char] = b"\x01" * (e.end_char - e.start_char)
        spans = sorted((e.start_char, e.end_char) for e in ents)
        starts = [a for a, _ in spans]
        new, longer = [], []
        for s, f in _whole_word_occurrences(text, forms):
            e = s + len(f)
            if occupied[s] or occupied[e - 1]:
                # the paper's own longer name wins over a part of it tagged alone
                if _swallows(f, s, e, spans, starts):
                    sp = doc.char_span(s, e, label=best[f], alignment_mode="strict")
                    if sp is not None:
                        longer.append((sp, "consistency"))
                continue
            sp = doc.char_span(s, e, label=best[f], alignment_mode="strict")
            if sp is not None:
                new.append((sp, "consistency"))
        add_ents(doc, longer, override=True)
        add_ents(doc, new, override=False)
        return doc

    return harmonise
