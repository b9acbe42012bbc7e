"""Surface-form tests shared by the rule components: what a named artifact, a generic phrase or a metric looks like."""

from __future__ import annotations

import re

#: words that make a phrase generic when they are all it has besides determiners ("our method", "the model")
GENERIC_HEADS = {
    "method", "methods", "model", "models", "approach", "approaches", "framework", "frameworks", "technique",
    "techniques", "algorithm", "algorithms", "system", "systems", "network", "networks", "architecture",
    "architectures", "scheme", "schemes", "strategy", "strategies", "baseline", "baselines", "pipeline",
    "pipelines", "module", "modules", "task", "tasks", "dataset", "datasets", "benchmark", "benchmarks", "metric",
    "metrics", "performance", "result", "results", "data", "it", "they", "this", "that", "these", "those",
    "variant", "variants", "version", "versions", "solution", "solutions", "tool", "tools", "design", "paper",
    "work", "works", "study", "problem", "problems", "component", "components", "mechanism", "mechanisms",
    "corpus", "corpora", "set", "sets", "one", "ones", "process", "procedure", "idea", "setting", "settings",
    "experiments", "experiment", "evaluation", "analysis", "features", "feature", "function", "objective",
    "formulation", "implementation",
}
DETERMINERS = {
    "our", "the", "this", "these", "those", "that", "their", "its", "a", "an", "his", "her", "such", "each",
    "proposed", "existing", "previous", "prior", "novel", "new", "current", "other", "several", "many", "both",
    "all", "some", "any", "same", "standard", "original", "baseline", "overall", "entire", "whole", "first",
    "second", "final", "simple", "two", "three", "various", "different", "resulting", "underlying", "above",
    "following", "aforementioned", "conventional", "traditional", "state-of-the-art", "popular", "recent",
    "strong", "competitive", "main", "key", "unified", "general", "specific", "effective", "efficient", "based",
}

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
_DIGIT_ALPHA = re.compile(r"(?:[A-Za-z]{2,}.*\d|\d.*[A-Za-z]{2,}|^[A-Z]\d|\d[A-Z]$)")
_NOT_NAME_DIGITS = re.compile(r"^(?:\d+(?:\.\d+)?[DdKkMmBbxX%]?|[xX]\d+(?:\.\d+)?|\d+(?:st|nd|rd|th)|\d+s)$")
_VERSION = re.compile(r"(?:^|[^a-z])v\d|\d+(?:\.\d+)?[BMK]$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9\-]*[A-Z0-9]s?$")


#: capitalised parts that make a hyphenated compound generic ("Encoder-Decoder", "Cross-Attention")
_GENERIC_PARTS = {
    "encoder", "decoder", "transformer", "transformers", "attention", "cross", "self", "multi", "single", "dual",
    "network", "networks", "model", "models", "based", "aware", "free", "level", "scale", "head", "layer", "stage",
    "end", "to", "sequence", "seq", "shot", "zero", "few", "one", "two", "long", "short", "term", "memory", "state",
    "of", "the", "art", "fine", "tuning", "pre", "training", "post", "large", "small", "deep", "sparse", "dense",
    "image", "text", "language", "vision", "video", "audio", "speech", "time", "real", "open", "source", "domain",
}
_HYPHEN_PARTS = re.compile(r"^[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)+$")


def word_is_named(word: str) -> bool:
    """Whether one whitespace-free word looks like a named artifact (ResNet, GPT-3, SVTRv2, T5, 7B...)."""
    w = word.strip("()[]{},.;:\"'")
    if len(w) < 2 or _NOT_NAME_DIGITS.match(w):
        return False
    if _CAMEL.search(w) or _VERSION.search(w):
        return True
    if _HYPHEN_PARTS.match(w):
        # "ARC-Encoder", "Uni-Encoder", "Poly-Encoder": a capitalised compound with a distinctive part
        parts = w.split("-")
        if any(p.isupper() and len(p) >= 2 for p in parts) or any(p.lower() not in _GENERIC_PARTS for p in parts):
            return True
    if any(c.isdigit() for c in w) and any(c.isalpha() for c in w):
        return _DIGIT_ALPHA.search(w) is not None
    return False


def is_acronym(word: str) -> bool:
    """All-caps word of 2+ letters (BERT, CLIP, GANs)."""
    w = word.strip("()[]{},.;:\"'")
    return len(w) >= 2 and _ACRONYM.match(w) is not None and sum(c.isupper() for c in w) >= 2


def is_generic(text: str) -> bool:
    """Generic noise: determiners plus generic heads only ("our method", "the proposed model", "this approach")."""
    words = [w.lower().strip(",.;:()") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return True
    content = [w for w in words if w not in DETERMINERS]
    if not content:
        return True
    return all(w in GENERIC_HEADS for w in content) and (len(content) < len(words) or len(content) == 1)


#: what is written like a name but is none of the five kinds of entity: units of measure ("kHz", "GB"), a
#: dimensionality alone ("2D", "3D"), a device ("A100", "RTX 4090", "TPU v4"), and text without a letter ("2.4\%")
_UNIT = re.compile(r"(?:[kMGT]?Hz|[KMGTP]i?B|[kMG]?bps|[mµn]s)")
_DIMENSION = re.compile(r"\d(?:\.\d)?[Dd]")
_DEVICE = re.compile(
    r"(?:NVIDIA\s+)?(?:[AHVP]100|[AH]800|H200|A6000|A40|L40S?|(?:RTX|GTX)(?:\s?\d{3,4}(?:\s?Ti)?)?|TPUs?\s?v\d)(?:\s+GPUs?)?"
)
#: compute-cost measures: what a model is measured in, not a model ("FLOP", "GFLOPs", "MACs")
COMPUTE_MEASURE = re.compile(r"[KMGT]?(?:FLOP|MAC)[sS]?")


def is_not_an_entity(text: str) -> bool:
    """Whether a mention is a unit, a dimensionality, a device or letterless text (see ``_UNIT`` and the others)."""
    t = text.strip()
    if not any(c.isalpha() for c in t):
        return True
    return bool(_UNIT.fullmatch(t) or _DIMENSION.fullmatch(t) or _DEVICE.fullmatch(t))
