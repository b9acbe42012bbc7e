"""Surface normalisation: the keys under which mentions of one real thing collapse.

Two surfaces of the same type name the same entity when their :func:`match_key` is equal. The key folds what does
not change identity (case, unicode compatibility forms, hyphens/spaces/underscores, plural and possessive endings,
British spellings, "-based"/"-style" suffixes, generic heads such as "the X dataset") and keeps what does (digits,
version and size suffixes: ``GPT-3`` and ``GPT-2`` keep different keys). :func:`variant_bases` strips version and
size suffixes to find what a variant is a variant of, and :func:`slug` turns a key into a readable id part.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.link.metric_aliases import metric_alias_key

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]")
_QUOTES = re.compile(r"[\u2018\u2019\u201A\u201B\u2032\u00B4`]")
_DQUOTES = re.compile(r"[\u201C\u201D\u201E\u201F\u2033\"]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_EDGE_PUNCT = " \t\n.,;:!?\"'()[]{}<>*"
_LEADING_WORDS = re.compile(r"^(?:the|a|an|our|their|its|this|these|those)\s+", re.I)
_POSSESSIVE = re.compile(r"(?<=\w)'s?\b|(?<=s)'(?=\s|$)")
_SUFFIX_BASED = re.compile(r"[-\s](?:based|style|like|inspired|driven)$", re.I)
_SPLIT = re.compile(r"[\s\-_/()\[\]]+")
_SEP = re.compile(r"[\s\-_/.,:;'()\[\]{}]+")

_METHODISH = ("model", "models", "network", "networks", "architecture", "architectures", "family", "method", "methods",
              "approach", "approaches", "framework", "frameworks", "algorithm", "algorithms", "technique",
              "techniques", "module", "mechanism")
#: generic heads dropped when what remains is a name ("the ImageNet dataset" -> ImageNet, "BLEU score" -> BLEU)
GENERIC_HEADS: dict[str, tuple[str, ...]] = {
    "Dataset": ("dataset", "datasets", "data set", "data sets", "benchmark", "benchmarks", "corpus", "corpora", "database"),
    # Model and Method share their heads so that both types give one key (the type is settled by majority later)
    "Model": _METHODISH,
    "Method": _METHODISH,
    "Metric": ("score", "scores", "metric", "metrics", "measure"),
    "Task": ("task", "tasks", "problem", "problems"),
}

#: words ending in "s" that are not plurals
_NOT_PLURAL = frozenset(
    """bias alias atlas lens news series species physics mathematics statistics robotics analytics linguistics
    semantics dynamics graphics kinetics genomics economics ethics optics logistics diagnostics mechanics informatics
    electronics acoustics pragmatics phonetics forensics aesthetics ergonomics proteomics metabolomics bioinformatics
    kinematics thesis analysis synthesis diagnosis hypothesis basis axis emphasis chassis corpus focus consensus
    bus plus minus virus status campus versus apparatus radius nexus census modulus calculus stimulus gas canvas
    lass mass class glass loss pass cross boss less process access success address express progress stress
    always perhaps does has was is this its thus yes gps ios macos windows""".split()
)
_BRITISH = [
    (re.compile(r"isation"), "ization"),
    (re.compile(r"ising\b"), "izing"),
    (re.compile(r"ise\b"), "ize"),
    (re.compile(r"ised\b"), "ized"),
    (re.compile(r"(?<=model)ling\b"), "ing"),
    (re.compile(r"(?<=label)led\b"), "ed"),
    (re.compile(r"(?<=label)ling\b"), "ing"),
    (re.compile(r"(?<=travel)ling\b"), "ing"),
    (re.compile(r"our\b(?=\w{0,2})"), "or"),
]
_BRITISH_WORDS = {"normalisation", "optimisation", "generalisation", "regularisation", "quantisation", "tokenisation",
                  "visualisation", "summarisation", "localisation", "modelling", "labelling", "behaviour", "colour",
                  "neighbour", "neighbours", "optimiser", "tokeniser", "normalised", "optimised", "quantised"}

#: version / size suffixes (kept in the key, stripped by :func:`variant_bases`)
_SIZE_WORDS = r"(?:base|big|large|small|tiny|huge|giant|mini|medium|xl|xxl|xs|nano|lite|pro|instruct|chat)"
_VERSION_SUFFIX = re.compile(
    r"(?:[\s\-_]+(?:v(?:er(?:sion)?)?\.?\s?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)*[a-z]{0,2}|\d+(?:\.\d+)?[kmbt]|" + _SIZE_WORDS + r"|[ivx]{1,4}|(?-i:[SMLBHTG]))"
    r"|v\d+(?:\.\d+)*|(?<=[A-Za-z]{3})\d+(?:\.\d+)*[a-z]?|\+\+)$",
    re.I,
)


_DEPTH_PREFIX = re.compile(r"^\d+[\s\-]layers?[\s\-]+", re.I)
_DEPTH_SUFFIX = re.compile(r"[\s\-(]+\d+[\s\-]layers?\)?$", re.I)


@lru_cache(maxsize=262144)
def clean_surface(text: str) -> str:
    """NFKC, unify dashes and quotes, drop control/bidi characters, trim edge punctuation and leading articles."""
    t = unicodedata.normalize("NFKC", text)
    t = _CONTROL.sub("", t)
    t = _DASHES.sub("-", t)
    t = _QUOTES.sub("'", t)
    t = _DQUOTES.sub('"', t)
    t = re.sub(r"\s+", " ", t).strip(_EDGE_PUNCT)
    # an unbalanced bracket at an edge is a span artefact, a balanced one is part of the name ("F1 (macro)")
    if t.count("(") != t.count(")"):
        t = t.strip("()")
    prev = None
    while prev != t:
        prev = t
        t = _LEADING_WORDS.sub("", t)
    return t.strip(_EDGE_PUNCT)


_DIGIT = re.compile(r"\d")
_CAPITAL = re.compile(r"[A-Z]")
_WORD_SEP = re.compile(r"[\s\-_/]+")


# linking asks these of every mention, and surfaces repeat across a corpus: cached like clean_surface
@lru_cache(maxsize=262144)
def is_named(text: str) -> bool:
    """Whether a surface looks like a proper name (capitals after the first letter, or digits): ``BERT``, ``T5``."""
    t = text.strip()
    return bool(_DIGIT.search(t) or _CAPITAL.search(t[1:]) or (len(t) <= 5 and t[:1].isupper()))


@lru_cache(maxsize=262144)
def is_proper_name(text: str) -> bool:
    """Stricter than :func:`is_named`: a digit or a word with an inner capital (``ImageNet``, ``COCO``, ``GPT-4``).

    A capitalised word alone is not enough: sentence-initial "Diffusion models" is not a name "Diffusion".
    """
    return bool(_DIGIT.search(text) or any(_CAPITAL.search(w[1:]) for w in _WORD_SEP.split(text)))


def _singular_word(w: str) -> str:
    """Singular of one word (``GANs`` -> ``GAN``, ``networks`` -> ``network``, ``analyses`` -> ``analysis``)."""
    if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]s", w) or re.fullmatch(r"[A-Z]{2,}'?s", w):
        return w.rstrip("s").rstrip("'")
    lw = w.lower()
    if not lw.isalpha() or len(lw) < 4 or lw in _NOT_PLURAL or not lw.endswith("s"):
        return w
    if lw.endswith("ics") and lw not in ("metrics", "topics", "heuristics", "characteristics", "graphics"):
        return w
    if lw.endswith("ses") and lw[:-2] + "is" in {"analysis", "hypothesis", "synthesis", "thesis", "diagnosis", "basis"}:
        return w[:-2] + "is"
    if lw.endswith("ies") and len(lw) > 4:
        return w[:-3] + ("Y" if w[-3:].isupper() else "y")
    if re.search(r"(?:ss|x|ch|sh|zz)es$", lw):
        return w[:-2]
    if lw.endswith(("ss", "us", "is", "ous")):
        return w
    return w[:-1]


def _britain_to_us(word: str) -> str:
    if word not in _BRITISH_WORDS:
        return word
    for pat, rep in _BRITISH:
        word = pat.sub(rep, word)
    return word


def strip_generic_head(text: str, type_: str | None) -> str:
    """Drop a generic head noun of ``type_`` when what remains is a name (``the COCO benchmark`` -> ``COCO``)."""
    if not type_:
        return text
    low = text.lower()
    for head in GENERIC_HEADS.get(type_, ()):
        if low.endswith(" " + head) or low.endswith("-" + head):
            rest = text[: -len(head) - 1].strip(" -")
            # for models and methods only a one-word name sheds its head ("BERT model", "ResNet architecture"):
            # in longer phrases the head is part of the name ("Pyramid-context ENcoder Network")
            if type_ in ("Model", "Method") and " " in rest:
                continue
            if rest and is_proper_name(rest) and not _SIZE_ONLY.fullmatch(rest):
                return rest
    return text


_SIZE_ONLY = re.compile(r"\d+(?:\.\d+)?\s*[kmbt]?", re.I)


@lru_cache(maxsize=262144)
def normal_form(text: str, type_: str | None = None) -> str:
    """The readable normal form behind :func:`match_key`: lower case, singular, words joined by single hyphens."""
    t = clean_surface(text)
    t = strip_generic_head(t, type_)
    t = _SUFFIX_BASED.sub("", t) if len(_SPLIT.split(t)) > 1 or "-" in t else t
    t = _POSSESSIVE.sub("", t)
    words = [w for w in _SPLIT.split(t) if w]
    if not words:
        return ""
    words[-1] = _singular_word(words[-1])
    words = [_britain_to_us(w.casefold()) for w in words]
    return "-".join(words)


@lru_cache(maxsize=262144)
def match_key(text: str, type_: str | None = None) -> str:
    """The identity key of a surface within a type: two surfaces name one entity when their keys are equal.

    Args:
        text: the surface as written.
        type_: the entity type (selects the generic heads that may be dropped).

    Returns:
        The key: casefolded, NFKC, singular, without separators (``ResNet-50`` and ``resnet 50`` -> ``resnet50``).
        Empty when nothing name-like remains. A Metric's key is that of its well-known short form
        (``bits per character`` -> ``bpc``, :mod:`kg.link.metric_aliases`).
    """
    key = base_key(text, type_)
    return metric_alias_key(key) if type_ == "Metric" else key


def base_key(text: str, type_: str | None = None) -> str:
    """:func:`match_key` without the metric alias lexicon."""
    return _SEP.sub("", normal_form(text, type_))


def slug(text: str) -> str:
    """An id-safe slug (``[a-z0-9-]``) of a normal form; empty when nothing ASCII-alphanumeric remains."""
    # accents dropped by decomposing and keeping ASCII ("é" -> "e"); other scripts leave nothing (hash ids then)
    t = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")
    t = t.replace("+", "plus")
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t[:80].strip("-")


def digits_of(key: str) -> str:
    """The digit sequence of a key: surfaces differing in digits are different versions, never fuzzy-merged."""
    return "".join(re.findall(r"\d+", key))


def variant_bases(text: str) -> list[str]:
    """Surfaces this one is a version/size variant of, nearest first (see :func:`_variant_bases`)."""
    return list(_variant_bases(text))


@lru_cache(maxsize=65536)
def _variant_bases(text: str) -> tuple[str, ...]:
    """Surfaces this one is a version/size variant of, nearest first (``Qwen2.5-VL-7B`` -> ``Qwen2.5-VL``, ...).

    Only suffixes are stripped: a version or size after a separator (``-50``, `` v2``, ``-large``, ``-7B``), a
    ``v2`` glued to the name (``YOLOv8``) or digits glued to a name of at least three letters (``ResNet50``).
    """
    t = clean_surface(text)
    out: list[str] = []
    # depth written around the name: "1001-layer ResNet", "Transformer-XL - 24 layers"
    depth = _DEPTH_PREFIX.match(t) or _DEPTH_SUFFIX.search(t)
    if depth:
        t = (t[depth.end() :] if depth.start() == 0 else t[: depth.start()]).strip(" -_")
        if len(re.sub(r"[^A-Za-z]", "", t)) >= 2:
            out.append(t)
        else:
            return ()
    for _ in range(4):
        m = _VERSION_SUFFIX.search(t)
        if not m or m.start() == 0:
            break
        base = t[: m.start()].rstrip(" -_")
        # a base must still be a name: at least two letters ("T5" is not a variant of "T")
        if len(re.sub(r"[^A-Za-z]", "", base)) < 2:
            break
        out.append(base)
        t = base
    return tuple(out)



#: keys that never become entities: they stand for whatever system the sentence compares against
NON_ENTITY_KEYS = frozenset(
    "stateoftheart sota stateofart baseline ourmodel ourmethod ourapproach oursystem previousstateoftheart priorwork "
    "bestmodel existingmethod previousmethod previousapproach".split()
)

#: keys of words that name no particular system ("SoTA", "our model", "baselines")
GENERIC_KEYS = frozenset(
    "stateoftheart sota stateofart baseline ensemble model system approach method network framework singlemodel "
    "ourmodel ourmethod ourapproach oursystem previousstateoftheart priorwork bestmodel existingmethod "
    "previousmethod previousapproach pretraining training finetuning".split()
)


def is_generic(text: str) -> bool:
    """Whether a surface names no particular system ("SoTA", "baselines", "our model", "previous methods")."""
    k = match_key(text)
    return k in GENERIC_KEYS or re.sub(r"^(?:previous|prior|existing|other|current|strong|our)", "", k) in GENERIC_KEYS
