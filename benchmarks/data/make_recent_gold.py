"""Build benchmarks/data/recent_abstracts_gold.json from hand annotations (surface strings -> spans).

The sample: the shared HF daily-papers corpus read with kg.ingest, papers sorted by id, every one whose index
i satisfies i % 17 == 5 (20 papers). Annotated by hand: *named* models, datasets and metrics only (generic
methods and tasks are out of scope for this check). Rules were not tuned on these abstracts. Only spans, types and
record identity (source file, title) are stored; the text is read from ../shared at evaluation time.
Run from the repository root: .venv/bin/python benchmarks/data/make_recent_gold.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
M, D, X = "Model", "Dataset", "Metric"
ANNOTATIONS = {
    "title:02aba6d88c68e5d9": [("HiFi-Codec", M), ("AudioLM", M), ("SoundStream", M), ("VALL-E", M), ("Encodec", M),
                               ("LibriTTS", D), ("VCTK", D), ("AISHELL", D)],
    "title:115193408e727010": [("SpineNet", M), ("SpineNet-190", M), ("ResNet-FPN", M), ("MaskR-CNN", M),
                               ("RetinaNet", M), ("COCO", D), ("iNaturalist", D), ("AP", X), ("FLOPs", X),
                               ("top-1 accuracy", X)],
    "title:1d57f02fbcb67e6d": [],
    "title:295df3700abbc4f9": [],
    "title:32d8d989b88f70a2": [("Conformer", M), ("LLaMA", M), ("LibriSpeech", D), ("TEDLIUM2", D), ("WSJ", D),
                               ("Word Error Rate", X), ("WER", X)],
    "title:401e6acd28c567c3": [("cMIM", M), ("MIM", M)],
    "title:4f01b6a840f755d3": [],
    "title:5bd2e6226350502a": [("COCO", D), ("CIDEr", X)],
    "title:685eb2bb3b0ca24a": [("Z-Code++", M), ("PaLM-540B", M), ("GPT3-175B", M), ("XSum", D), ("SAMSum", D)],
    "title:77043bcb51472b66": [("DDRNets", M), ("DDRNet-23-slim", M), ("Cityscapes", D), ("CamVid", D),
                               ("mIoU", X), ("FPS", X)],
    "title:8209c56d110a7800": [],
    "title:8e8169ae8694ebc3": [("CLIP", M), ("DINOv2", M), ("All-Roberta-Large", M), ("ImageNet", D),
                               ("accuracy", X)],
    "title:9fda0dd269aff525": [],
    "title:aae8d1bd13397ab8": [("DC-Bi-LSTM", M)],
    "title:b81e832392d84840": [("FLOPs", X)],
    "title:c34d2d9c7c1d31d5": [],
    "title:d0539ad47ca95d65": [("TinyStories", D)],
    "title:dbb1d9b607100431": [("ECO-M2F", M), ("Mask2Former", M)],
    "title:e45f45d5b908efe6": [("FLAN", M), ("NASBench-101", D), ("NB101", D), ("NB201", D), ("NB301", D),
                               ("TransNASBench-101", D), ("Network Design Spaces", D), ("NDS", D)],
    "title:f5e3c07a8d791c17": [("LANTERN", M), ("LlamaGen", M)],
}


def spans(text: str, items: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Every occurrence of each surface form at word boundaries, longest first, non-overlapping."""
    taken: set[int] = set()
    out = []
    for surface, typ in sorted(items, key=lambda x: -len(x[0])):
        for m in re.finditer(r"(?<![\w])" + re.escape(surface) + r"(?![\w]|-\d)", text):
            if taken.isdisjoint(range(m.start(), m.end())):
                taken.update(range(m.start(), m.end()))
                out.append((m.start(), m.end(), typ))
    return sorted(out)


def main() -> None:
    import sys

    sys.path.insert(0, str(HERE.parents[1]))
    from kg.ingest import read_papers

    corpus = HERE.parents[2] / "shared" / "corpus" / "hf-daily-papers"
    papers = sorted(read_papers([corpus]), key=lambda p: p.id)
    sample = [p for i, p in enumerate(papers) if i % 17 == 5]
    assert {p.id for p in sample} == set(ANNOTATIONS), "the corpus changed: re-annotate"
    records = []
    for p in sample:
        src = p.sources[0].rsplit(":", 1)[0]
        rec = {"file": Path(src).name, "title": p.title, "id": p.id, "mentions": []}
        for field in ("title", "abstract"):
            for s, e, t in spans(getattr(p, field), ANNOTATIONS[p.id]):
                rec["mentions"].append({"field": field, "start": s, "end": e, "type": t})
        missing = {s for s, _ in ANNOTATIONS[p.id]} - {
            getattr(p, m["field"])[m["start"] : m["end"]] for m in rec["mentions"]
        }
        assert not missing, (p.id, missing)
        records.append(rec)
    (HERE / "recent_abstracts_gold.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    print(len(records), "records,", sum(len(r["mentions"]) for r in records), "mentions")


if __name__ == "__main__":
    main()
