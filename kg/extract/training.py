"""``kg train``: rebuild the shipped pipeline from ``../shared/datasets``.

Steps: (1) detokenise SciREX (train split: title, abstract and a sample of body sentences) and SciERC (train) into
spaCy ``DocBin`` corpora; the dev corpus is the SciREX dev abstracts plus SciERC dev; (2) train the NER with
``kg/extract/config.cfg`` (single process); (3) assemble the full pipeline (sentencizer, the trained NER and the rule
components, plus gazetteers learned from the training split) and save it.
"""

from __future__ import annotations

import logging
import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from kg.extract import tokenizer as _tokenizer  # noqa: F401  (registers the tokenizer)
from kg.extract.data import Passage, default_datasets_dir, read_scierc, read_scirex

log = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).with_name("config.cfg")
MODEL_DIR = Path(__file__).with_name("model")


def _doc(nlp, passage: Passage, stats: Counter):
    doc = nlp.make_doc(passage.text)
    spans = []
    for s, e, lab in passage.ents:
        sp = doc.char_span(s, e, label=lab, alignment_mode="expand")
        if sp is None or sp.text.strip() != sp.text or not sp.text:
            stats["misaligned"] += 1
            continue
        if sp.start_char != s or sp.end_char != e:
            stats["expanded"] += 1
        spans.append(sp)
    stats["ents"] += len(spans)
    doc.ents = spacy.util.filter_spans(spans)
    return doc


#: words of SciREX body sentences added to the training corpus (beside all train-split titles and abstracts)
BODY_WORDS = 700_000
#: SciERC's 350 training abstracts are a small corpus beside SciREX: each is added this many times
SCIERC_REPEAT = 2


def build_corpora(
    datasets_dir: Path, out_dir: Path, body_words: int = BODY_WORDS, seed: int = 0, scierc_repeat: int = SCIERC_REPEAT
) -> dict:
    """Write ``train.spacy`` and ``dev.spacy`` into ``out_dir``; return counts and the learned gazetteers.

    Args:
        datasets_dir: folder holding ``scirex/`` and ``scierc/``.
        out_dir: where to write the corpora.
        body_words: words of SciREX body sentences to add (sentences with mentions, and 15 % of the others).
        seed: shuffling seed.
        scierc_repeat: how many times each SciERC training abstract is added (its annotation style is the
            SciERC-like target's, and its corpus is a tenth of SciREX's).
    """
    nlp = spacy.blank("en")
    nlp.tokenizer = _tokenizer.create_scientific_tokenizer()(nlp)
    rng = random.Random(seed)
    stats: Counter = Counter()
    train, dev = DocBin(), DocBin()
    names: dict[str, Counter] = {"Dataset": Counter(), "Metric": Counter()}
    body: list[Passage] = []
    scirex = datasets_dir / "scirex" / "train.jsonl"
    for gold, sents in read_scirex(scirex, "train"):
        for p in (gold.title, gold.abstract):
            if p.text:
                train.add(_doc(nlp, p, stats))
                stats["train_passages"] += 1
        body.extend(s for s in sents if s.ents or rng.random() < 0.15)
        for p in [gold.title, gold.abstract, *sents]:
            for s, e, lab in p.ents:
                if lab in names:
                    names[lab][p.text[s:e]] += 1
    rng.shuffle(body)
    words = 0
    for p in body:
        if words >= body_words:
            break
        train.add(_doc(nlp, p, stats))
        words += len(p.text.split())
        stats["train_body"] += 1
    for gold in read_scierc(datasets_dir / "scierc" / "train.json"):
        for _ in range(scierc_repeat):
            train.add(_doc(nlp, gold.abstract, stats))
        stats["train_scierc"] += 1
        for s, e, lab in gold.abstract.ents:
            if lab in names:
                names[lab][gold.abstract.text[s:e]] += 1
    for gold, _ in read_scirex(scirex, "dev"):
        for p in (gold.title, gold.abstract):
            if p.text:
                dev.add(_doc(nlp, p, stats))
    for gold in read_scierc(datasets_dir / "scierc" / "dev.json"):
        dev.add(_doc(nlp, gold.abstract, stats))
    out_dir.mkdir(parents=True, exist_ok=True)
    train.to_disk(out_dir / "train.spacy")
    dev.to_disk(out_dir / "dev.spacy")
    log.info("corpora: %s", dict(stats))
    return {"stats": dict(stats), "names": {k: dict(v) for k, v in names.items()}}


def train(
    output: Path = MODEL_DIR,
    config: Path = CONFIG_PATH,
    datasets_dir: Path | None = None,
    overrides: dict | None = None,
    work_dir: Path | None = None,
) -> Path:
    """Train the NER and assemble the full pipeline into ``output``.

    Args:
        output: directory to write the pipeline to (default: the shipped ``kg/extract/model``).
        config: spaCy training config.
        datasets_dir: folder holding ``scirex/`` and ``scierc/`` (default ``../shared/datasets``).
        overrides: extra spaCy config overrides (e.g. ``{"training.max_steps": 2000}``).
        work_dir: where to keep corpora and training checkpoints (default: a temporary folder).

    Returns:
        ``output``.
    """
    from spacy.cli.train import train as spacy_train

    datasets_dir = Path(datasets_dir or default_datasets_dir())
    if not (datasets_dir / "scirex" / "train.jsonl").is_file():
        from kg.errors import InputError

        raise InputError(
            f"The training data {datasets_dir}/scirex/train.jsonl is missing; pass --datasets pointing at the "
            "shared 'datasets' folder that holds scirex/ and scierc/."
        )
    tmp = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="kg-train-"))
    info = build_corpora(datasets_dir, tmp / "corpus")
    ov = {"paths.train": str(tmp / "corpus" / "train.spacy"), "paths.dev": str(tmp / "corpus" / "dev.spacy")}
    ov.update(overrides or {})
    import contextlib
    import sys

    from thinc.api import use_ops

    # spaCy prints its training table on stdout; the CLI keeps stdout for data. The models multiply with NumPy's
    # BLAS, as the shipped pipeline does at run time (kg.extract.blas: thinc's blis default is about 4x slower here)
    with contextlib.redirect_stdout(sys.stderr), use_ops("numpy", use_blis=False):
        spacy_train(config, tmp / "trained", overrides=ov, use_gpu=-1)
    from kg.extract.assemble import assemble

    assemble(tmp / "trained" / "model-best", Path(output), gazetteer_counts=info["names"])
    if not work_dir:
        shutil.rmtree(tmp, ignore_errors=True)
    return Path(output)


if __name__ == "__main__":  # pragma: no cover - manual use: python -m kg.extract.training OUT [max_steps]
    import sys

    logging.basicConfig(level=logging.INFO)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_DIR
    ov = {"training.max_steps": int(sys.argv[2])} if len(sys.argv) > 2 else None
    train(out, overrides=ov, work_dir=Path(sys.argv[3]) if len(sys.argv) > 3 else None)
