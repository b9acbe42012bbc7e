"""Extraction quality figures (printed, not asserted).

1. SciREX dev split (documents whose stable_hash(doc_id) ends in 0 or 8; see kg.extract.data), title + abstract,
   Model+Method scored as Method and Dataset as Material: typed mention P/R/F1, exact and overlapping spans.
2. SciERC dev (dev.json): Task/Method/Metric/Material, same scoring.
3. Recent abstracts: recall of the named models, datasets and metrics of a hand-annotated held-out sample of the
   shared HF corpus (benchmarks/data/recent_abstracts_gold.json), with a compatible type (Model -> Model,
   Dataset -> Dataset, Metric -> Metric), and the share of found named models typed Model rather than Method.

Usage: .venv/bin/python benchmarks/eval_extract.py [--model DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))



def recent_recall(nlp) -> dict:
    from kg.extract import extract_papers
    from kg.ingest import read_papers

    gold = json.loads((ROOT / "benchmarks" / "data" / "recent_abstracts_gold.json").read_text())
    papers = {p.id: p for p in read_papers([SHARED / "corpus" / "hf-daily-papers"])}
    todo = [papers[r["id"]] for r in gold]
    for r, p in zip(gold, todo):
        assert p.title == r["title"], f"record {r['id']} of {r['file']} changed"
    exs = list(extract_papers(todo, nlp=nlp))
    c: Counter = Counter()
    misses = []
    for r, p, ex in zip(gold, todo, exs):
        for g in r["mentions"]:
            t = g["type"]
            c[t, "gold"] += 1
            exact = [m for m in ex.mentions if m.field == g["field"] and (m.start, m.end) == (g["start"], g["end"])]
            over = [m for m in ex.mentions if m.field == g["field"] and m.start < g["end"] and g["start"] < m.end]
            if any(m.type == t for m in exact):
                c[t, "exact"] += 1
            if any(m.type == t for m in over):
                c[t, "overlap"] += 1
            elif t == "Model" and any(m.type == "Method" for m in over):
                c[t, "as_method"] += 1
            if not any(m.type == t for m in exact):
                # exact-span misses (what the headline figure counts); "span" when only the boundaries differ
                text = getattr(p, g["field"])[g["start"] : g["end"]]
                kind = "span" if any(m.type == t for m in over) else "type" if over else "missing"
                misses.append((text, t, kind, [(m.text, m.type) for m in over]))
    out = {}
    for t in ("Model", "Dataset", "Metric"):
        n = c[t, "gold"]
        out[t] = {"gold": n, "exact": round(c[t, "exact"] / n, 3), "overlap": round(c[t, "overlap"] / n, 3)}
    n = sum(c[t, "gold"] for t in ("Model", "Dataset", "Metric"))
    out["all"] = {
        "gold": n,
        "exact": round(sum(c[t, "exact"] for t in ("Model", "Dataset", "Metric")) / n, 3),
        "overlap": round(sum(c[t, "overlap"] for t in ("Model", "Dataset", "Metric")) / n, 3),
    }
    found_models = c["Model", "overlap"] + c["Model", "as_method"]
    out["models_typed_Model"] = round(c["Model", "overlap"] / found_models, 3) if found_models else None
    out["misses"] = misses
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="pipeline directory (default: the shipped kg/extract/model)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--disable", nargs="*", default=[], help="pipeline components to disable (ablation)")
    ap.add_argument("--misses", action="store_true",
                    help="list recent-abstract exact misses (kind: span = right type, other boundaries; type; missing)")
    args = ap.parse_args()

    from kg.extract import PIPELINE_VERSION, load_pipeline
    from kg.extract.evaluate import evaluate, format_table

    nlp = load_pipeline(args.model)
    for name in args.disable:
        nlp.disable_pipe(name)
    t0 = time.perf_counter()
    res = {
        "machine": machine(),
        "pipeline_version": PIPELINE_VERSION,
        "scirex_dev": evaluate(SHARED / "datasets" / "scirex" / "train.jsonl", "scirex", split="dev", nlp=nlp),
        "scierc_dev": evaluate(SHARED / "datasets" / "scierc" / "dev.json", "scierc", nlp=nlp),
        "recent": recent_recall(nlp),
    }
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    print("machine:", res["machine"])
    print("pipeline:", res["pipeline_version"], "disabled:", args.disable or "-")
    print("\n== SciREX dev (title + abstract; Model+Method -> Method, Dataset -> Material)")
    print(format_table(res["scirex_dev"]))
    print("\n== SciERC dev (abstracts)")
    print(format_table(res["scierc_dev"]))
    r = res["recent"]
    print("\n== Recent abstracts: named models/datasets/metrics found with a compatible type")
    for t in ("Model", "Dataset", "Metric", "all"):
        print(f"{t:<8} gold {r[t]['gold']:>4}  exact {r[t]['exact']:.3f}  overlap {r[t]['overlap']:.3f}")
    print(f"found named models typed Model (not Method): {r['models_typed_Model']}")
    if args.misses:
        for m in r["misses"]:
            print("  miss:", m)
    print(f"\n({res['seconds']} s)")


if __name__ == "__main__":
    main()
