"""Model-vs-Dataset typing of named mentions by their context, learned from the training split.

A named mention ("Encodec", "LibriTTS", "FooNet-3") is a model or a dataset depending on how the text uses it:
"trained on X", "the X benchmark", "X test set" read as data; "X outperforms", "we fine-tune X", "X-style models",
"pre-trained models for X" read as a model. :func:`learn_context_typer` fits a small logistic regression over
context features (up to three words on each side, lowercased; the preposition before; the head noun after; the
name's shape and suffix) on the named Method and Material mentions of the training split (SciREX train documents,
SciERC train; never dev documents). :class:`ContextTyper` scores a mention: the log-odds that it is a dataset.

Per-paper decisions add the log-odds of every occurrence of a surface form (and of the members of a coordinated
list, "LibriTTS, VCTK and AISHELL") so one name gets one reading across the paper.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from kg.extract.names import is_acronym, word_is_named

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[\-'’.][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_SENT_END = {".", "!", "?", ";"}
WINDOW = 3
#: nouns that, right after a name, say what kind of thing it is
HEADS = {
    "model", "models", "network", "networks", "net", "architecture", "architectures", "backbone", "backbones",
    "encoder", "encoders", "decoder", "decoders", "detector", "detectors", "classifier", "classifiers", "baseline",
    "baselines", "framework", "method", "methods", "algorithm", "system", "variant", "variants", "family", "layer",
    "layers", "features", "embeddings", "agent", "policy", "checkpoint", "checkpoints", "weights", "style", "based",
    "like", "dataset", "datasets", "data", "benchmark", "benchmarks", "corpus", "corpora", "suite", "collection",
    "set", "sets", "split", "splits", "test", "testbed", "challenge", "leaderboard", "images", "videos", "tasks",
    "task", "subset", "track", "database", "scenes", "samples", "recordings", "hours", "queries", "questions",
}


@lru_cache(maxsize=4096)
def _shape(name: str) -> tuple[str, ...]:
    """Features of the name itself (a pure function of the string: cached, names recur within and across papers)."""
    feats = []
    words = name.split()
    feats.append(f"nw={min(len(words), 3)}")
    w0 = words[0] if words else name
    last = words[-1] if words else name
    if any(c.isdigit() for c in name):
        feats.append("has_digit")
    if re.search(r"[-_]\d+[A-Za-z]?$", last):
        feats.append("ends_dash_num")
    elif re.search(r"\d$", last):
        feats.append("ends_digit")
    if re.search(r"[a-z][A-Z]", name):
        feats.append("camel")
    if "-" in name:
        feats.append("hyphen")
    if is_acronym(w0) and len(words) == 1:
        feats.append("acronym")
    if len(words) > 1 and all(w[:1].isupper() for w in words):
        feats.append("title_case")
    if name.islower():
        feats.append("lower")
    if word_is_named(w0):
        feats.append("named_word")
    alpha = re.sub(r"[^A-Za-z]", "", last).lower()
    if len(alpha) >= 3:
        feats.append("suf3=" + alpha[-3:])
        feats.append("suf4=" + alpha[-4:])
    # the name itself and its root without versions ("ImageNet-64" -> imagenet): what the training papers knew
    feats.append("name=" + name.lower())
    root = re.match(r"[A-Za-z]+(?:[ ][A-Za-z]+)*", name)
    if root and len(root.group(0)) >= 3:
        feats.append("root=" + root.group(0).lower())
    return tuple(feats)


def context_features(text: str, start: int, end: int, ctx: tuple[int, int] | None = None) -> list[str]:
    """Features of the mention ``text[start:end]``: its context words and its shape (see the module docstring).

    ``ctx``: read the context around these offsets instead (a coordinated list the mention belongs to).
    """
    cs, ce = ctx or (start, end)
    # a window ends at a sentence end or a paragraph break
    lt = text[max(0, cs - 80) : cs]
    rt = text[ce : ce + 80]
    left = _TOKEN.findall(lt[lt.rfind("\n") + 1 :])
    right = _TOKEN.findall(rt[: rt.find("\n")] if "\n" in rt else rt)
    left = [w.lower() for w in left[-WINDOW:]]
    right = [w.lower() for w in right[:WINDOW]]
    for i in range(len(left) - 1, -1, -1):
        if left[i] in _SENT_END:
            left = left[i + 1 :]
            break
    for i, w in enumerate(right):
        if w in _SENT_END and not (w == "." and i + 1 < len(right) and right[i + 1].isdigit()):
            right = right[:i] + ["</s>"]
            break
    feats = ["bias"]
    pad_l = ["<s>"] * (WINDOW - len(left)) + left
    pad_r = right + ["</s>"] * (WINDOW - len(right))
    for i, w in enumerate(reversed(pad_l), 1):
        feats.append(f"l{i}={w}")
        feats.append(f"L={w}")
    for i, w in enumerate(pad_r, 1):
        feats.append(f"r{i}={w}")
        feats.append(f"R={w}")
        if w in HEADS:
            feats.append(f"Rhead={w}")
    feats.append(f"l2l1={pad_l[-2]}_{pad_l[-1]}")
    feats.append(f"r1r2={pad_r[0]}_{pad_r[1]}")
    feats.append(f"l1r1={pad_l[-1]}_{pad_r[0]}")
    # a glued suffix ("X-style", "X-based") reads like the head after the name
    glued = re.match(r"-([a-z]+)", text[ce : ce + 12])
    if glued:
        feats.append(f"glued={glued.group(1)}")
    # the kind of thing a list or an example belongs to: "TTS data such as X", "benchmarks including X", "models: X"
    kind = _KIND.search(text[max(0, cs - 60) : cs])
    if kind:
        k = kind.group(1).lower()
        feats.append("kind=" + k)
        if k.endswith("s") and len(k) > 3:
            feats.append("kind=" + k[:-1])
    feats.extend(_shape(text[start:end]))
    return feats


_KIND = re.compile(r"([A-Za-z][\w\-]*)\s{0,3},?\s{0,3}(?:such\s+as|including|like|e\.g\.,?|i\.e\.,?|namely|:)\s{0,3}$")


class ContextTyper:
    """Log-linear Model-vs-Dataset scorer over :func:`context_features` (weights learned from training data)."""

    def __init__(self, weights: dict[str, float] | None = None, common_words: Iterable[str] = ()):
        self.weights = dict(weights or {})
        #: words the training text mostly writes in lowercase: capitalised, they are not names ("Deep", "Large")
        self.common_words = set(common_words)

    @property
    def trained(self) -> bool:
        return bool(self.weights)

    @property
    def bias(self) -> float:
        """The log-odds of a dataset before any context is read."""
        return self.weights.get("bias", 0.0)

    def logodds(self, text: str, start: int, end: int, ctx: tuple[int, int] | None = None) -> float:
        """Log-odds that ``text[start:end]`` names a dataset rather than a model (0.0 when untrained); ``ctx`` as
        in :func:`context_features`."""
        if not self.weights:
            return 0.0
        w = self.weights
        return sum(w.get(f, 0.0) for f in context_features(text, start, end, ctx))

    def to_dict(self) -> dict:
        return {"version": 1, "weights": self.weights, "common_words": sorted(self.common_words)}

    @classmethod
    def from_dict(cls, data: dict) -> "ContextTyper":
        return cls(data.get("weights", {}), data.get("common_words", ()))


def is_named_candidate(name: str) -> bool:
    """Whether a mention looks like a name that may be a model or a dataset: at most four words, a capital letter
    or a digit after its first character, or one capitalised word ("Encodec")."""
    words = name.split()
    if not words or len(words) > 4 or len(name) > 40:
        return False
    return any(c.isupper() or c.isdigit() for c in name[1:]) or (len(words) == 1 and name[:1].isupper())


#: what separates the members of a coordinated list; "X (Y), Z" counts (an abbreviation inside the list)
_LIST_GAP = re.compile(r"^\s{0,3}\)?\s{0,3}(?:,\s{0,3}(?:and\s{1,3}|or\s{1,3})?|and\s{1,3}|or\s{1,3}|/\s{0,3}|\(\s{0,3})$")


def coordinated_runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each of ``spans`` (sorted character spans), the extent of the coordinated list it belongs to
    ("LibriTTS, VCTK, and AISHELL"), or the span itself when it stands alone."""
    out = list(spans)
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and _LIST_GAP.match(text[spans[j][1] : spans[j + 1][0]]):
            j += 1
        # two names joined by a bare comma may sit on either side of a clause boundary ("On X, Y achieves")
        joined = j - i >= 2 or any(
            _CONJ.search(text[spans[k][1] : spans[k + 1][0]]) for k in range(i, j)
        )
        if j > i and joined:
            for k in range(i, j + 1):
                out[k] = (spans[i][0], spans[j][1])
        i = j + 1
    return out


_CONJ = re.compile(r"\b(?:and|or)\b|/")


def training_examples(passages: Iterable) -> Iterable[tuple[list[str], int]]:
    """``(features, 1 if dataset else 0)`` for the named Method/Dataset mentions of annotated passages (list members
    read the context of their list, as at run time)."""
    for p in passages:
        ents = [(s, e, lab) for s, e, lab in sorted(p.ents) if lab in ("Method", "Dataset")]
        runs = coordinated_runs(p.text, [(s, e) for s, e, _lab in ents])
        for (s, e, lab), ctx in zip(ents, runs):
            if not is_named_candidate(p.text[s:e]):
                continue
            yield context_features(p.text, s, e, ctx), int(lab == "Dataset")


def fit_logistic(examples: list[tuple[list[str], int]], l2: float = 1.0, epochs: int = 200, min_count: int = 2,
                 lr: float = 0.5) -> dict[str, float]:
    """L2-regularised logistic regression by full-batch gradient descent with Adagrad steps (numpy only).

    Classes are weighted to balance (a mention's type should come from its context, not from how many more
    methods than datasets the training papers name).
    """
    import numpy as np

    counts = Counter(f for feats, _y in examples for f in set(feats))
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count or f == "bias"))}
    rows, cols = [], []
    y = np.zeros(len(examples))
    for i, (feats, label) in enumerate(examples):
        idx = sorted({vocab[f] for f in feats if f in vocab})
        rows.extend([i] * len(idx))
        cols.extend(idx)
        y[i] = label
    rows_a = np.asarray(rows)
    cols_a = np.asarray(cols)
    n, d = len(examples), len(vocab)
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * max(pos, 1)), n / (2 * max(n - pos, 1)))
    w = np.zeros(d)
    g2 = np.full(d, 1e-8)
    reg = np.ones(d)
    reg[vocab["bias"]] = 0.0
    for _ in range(epochs):
        z = np.bincount(rows_a, weights=w[cols_a], minlength=n)
        p = 1.0 / (1.0 + np.exp(-z))
        err = (p - y) * sw
        grad = np.bincount(cols_a, weights=err[rows_a], minlength=d) / n + l2 * reg * w / n
        g2 += grad * grad
        w -= lr * grad / np.sqrt(g2)
    inv = {i: f for f, i in vocab.items()}
    return {inv[i]: round(float(v), 4) for i, v in enumerate(w) if abs(v) >= 1e-3}


def learn_context_typer(datasets_dir: Path | None = None) -> ContextTyper:
    """Fit the typer on the training split of SciREX (non-dev documents: title, abstract, body) and SciERC train."""
    from kg.extract.data import default_datasets_dir, read_scierc, read_scirex

    datasets_dir = Path(datasets_dir or default_datasets_dir())
    passages = []
    for gold, body in read_scirex(datasets_dir / "scirex" / "train.jsonl", "train"):
        passages.extend((gold.title, gold.abstract, *body))
    for gold in read_scierc(datasets_dir / "scierc" / "train.json"):
        passages.append(gold.abstract)
    return ContextTyper(fit_logistic(list(training_examples(passages))), common_words(p.text for p in passages))


def common_words(texts: Iterable[str], min_lower: int = 3) -> set[str]:
    """Alphabetic words written in lowercase at least ``min_lower`` times and at least as often as capitalised
    inside sentences: ordinary words, whatever their capitalisation in a given sentence."""
    lower: Counter = Counter()
    upper: Counter = Counter()
    for t in texts:
        for m in _WORD.finditer(t):
            w = m.group(0)
            if w.islower():
                lower[w] += 1
            elif w[0].isupper() and w[1:].islower() and m.start() > 1 and t[m.start() - 2] not in ".!?:\n":
                upper[w.lower()] += 1
    return {w for w, n in lower.items() if n >= min_lower and n >= upper[w] and len(w) >= 3}


_WORD = re.compile(r"(?<![\w\-])[A-Za-z][a-z]+(?![\w\-])")


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))
