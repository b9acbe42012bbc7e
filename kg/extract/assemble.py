"""Assemble the shipped pipeline: the trained NER plus the rule components, and gazetteers learned from training data.

Gazetteers come from the training split only (SciREX non-dev documents, SciERC train), never from evaluation data:

* ``Dataset``: surface forms annotated Material at least twice, name-like (a capital letter or a digit), annotated
  Material in at least 70 % of their annotated occurrences;
* ``Metric``: surface forms annotated Metric at least 3 times (10 for single lowercase words) and in at least 75 %
  of their annotated occurrences,
  keeping name-like forms and phrases with a metric head word (accuracy, error, score, rate...);
* ``head_types``: last words that give a multi-word mention its type (:func:`learn_head_types`);
* ``generic_acronyms``: all-caps Method forms of at most 4 letters used in at least 4 different training
  documents (CNN, LSTM, SGD): families of techniques, not named models.

The typing component's Model-vs-Dataset context classifier is fitted on the same training split
(:func:`kg.extract.context_typing.learn_context_typer`) and saved with the pipeline (``kg_typing/context_typer.json``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import spacy

from kg.extract import components as _components  # noqa: F401  (registers the factories)
from kg.extract import tokenizer as _tokenizer  # noqa: F401
from kg.extract.context_typing import learn_context_typer
from kg.extract.data import default_datasets_dir, read_scierc, read_scirex
from kg.extract.names import is_acronym

PIPE_ORDER = ["kg_sentencizer", "ner", "kg_rules", "kg_abbreviations", "kg_typing", "kg_consistency", "kg_results", "kg_links"]
_METRIC_HEAD = re.compile(r"\b(?:accuracy|error|score|rate|precision|recall|f1|auc|iou|ap|bleu|rouge|loss|distance|similarity|perplexity)\b", re.I)


def learn_gazetteer(datasets_dir: Path | None = None) -> dict[str, list[str]]:
    """Gazetteers from the training split (see the module docstring for the criteria)."""
    datasets_dir = Path(datasets_dir or default_datasets_dir())
    labels: dict[str, Counter] = defaultdict(Counter)
    acr_docs: dict[str, set] = defaultdict(set)
    passages = []
    for gold, body in read_scirex(datasets_dir / "scirex" / "train.jsonl", "train"):
        passages.extend((gold.doc_id, p) for p in (gold.title, gold.abstract, *body))
    for gold in read_scierc(datasets_dir / "scierc" / "train.json"):
        passages.append((gold.doc_id, gold.abstract))
    for doc_id, p in passages:
        for s, e, lab in p.ents:
            t = p.text[s:e]
            labels[t][lab] += 1
            if lab == "Method" and is_acronym(t) and " " not in t:
                acr_docs[t.rstrip("s")].add(doc_id)
    gaz: dict[str, list[str]] = {"Dataset": [], "Metric": [], "generic_acronyms": [], "Model": []}
    for t, c in labels.items():
        total = sum(c.values())
        if len(t) < 2 or len(t) > 40 or not t[0].isalnum() or not t[-1].isalnum() or len(t.split()) > 4:
            continue
        if not any(ch.isalpha() for ch in t):
            continue
        if c["Dataset"] >= 2 and c["Dataset"] / total >= 0.7 and (any(ch.isupper() or ch.isdigit() for ch in t)):
            if t.lower() not in {"english", "wikipedia", "twitter", "web"} and not t.endswith(("dataset", "datasets")):
                gaz["Dataset"].append(t)
        # single lowercase words ("distance", "error") are metrics only when annotated so very often
        min_metric = 10 if (t.islower() and " " not in t) else 3
        if c["Metric"] >= min_metric and c["Metric"] / total >= 0.75:
            if any(ch.isupper() or ch.isdigit() for ch in t) or _METRIC_HEAD.search(t):
                gaz["Metric"].append(t)
    gaz["head_types"] = learn_head_types(passages)
    # longer acronyms used that widely are named models (DCGAN, SRCNN, RANSAC...), short ones families (CNN, GAN)
    gaz["generic_acronyms"] = sorted(
        a for a, d in acr_docs.items() if len(d) >= 4 and len(a) <= 4 and a.isalpha()
    )
    return {k: (v if isinstance(v, dict) else sorted(set(v))) for k, v in gaz.items()}


def learn_head_types(passages: list, min_count: int = 20, min_share: float = 0.95) -> dict[str, str]:
    """Head words that say a multi-word mention's type: the last word of at least ``min_count`` annotated
    multi-word mentions of which at least ``min_share`` have one type ("... networks" Method, "... problem" Task,
    "... accuracy" Metric)."""
    heads: dict[str, Counter] = defaultdict(Counter)
    for _doc_id, p in passages:
        if p.kind == "body":
            continue  # titles and abstracts, the text the pipeline reads
        for s, e, lab in p.ents:
            words = p.text[s:e].split()
            if len(words) >= 2:
                heads[words[-1].lower()][lab] += 1
    out = {}
    for w, c in heads.items():
        lab, n = c.most_common(1)[0]
        if sum(c.values()) >= min_count and n / sum(c.values()) >= min_share and w.isalpha():
            out[w] = lab
    return dict(sorted(out.items()))


def assemble(trained_dir: Path, output: Path, gazetteer_counts: dict | None = None, datasets_dir: Path | None = None) -> Path:
    """Load the trained NER from ``trained_dir``, add the rule components and save the pipeline to ``output``."""
    nlp = spacy.load(trained_dir)
    for name in list(nlp.pipe_names):
        if name != "ner":
            nlp.remove_pipe(name)
    nlp.add_pipe("kg_sentencizer", first=True)
    for name in PIPE_ORDER[2:]:
        nlp.add_pipe(name)
    nlp.get_pipe("kg_rules").set_gazetteer(learn_gazetteer(datasets_dir))
    nlp.get_pipe("kg_typing").set_context_typer(learn_context_typer(datasets_dir))
    nlp.meta["name"] = "kg_extract"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "kg extraction pipeline: Model/Dataset/Method/Metric/Task NER + rules"
    nlp.meta.pop("performance", None)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    # the training run's temporary corpus paths are no part of the pipeline: without them two `kg train` runs write
    # identical directories (the NER's weights already are: training is seeded and single-process)
    from thinc.api import Config

    cfg = Config().from_disk(output / "config.cfg", interpolate=False)
    cfg["paths"] = {k: None for k in cfg["paths"]}
    cfg.to_disk(output / "config.cfg")
    return output


if __name__ == "__main__":  # pragma: no cover - python -m kg.extract.assemble TRAINED OUT
    import sys

    assemble(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps({k: len(v) for k, v in learn_gazetteer().items()}))
