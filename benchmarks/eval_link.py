"""Linking figures: salient-entity linking and results on held-out SciREX documents, duplicates on the shared
corpus, and the measurements behind the fuzzy-matching threshold.

Usage::

    .venv/bin/python benchmarks/eval_link.py [--shared DIR] [--skip-corpus] [--json] [--tuples]

Held-out documents are SciREX's dev split as the extraction step defines it (:func:`kg.extract.data.is_scirex_dev`),
and their title/abstract text is rebuilt the same way (:func:`kg.extract.data._scirex_regions` +
:func:`kg.extract.detok.detokenize`). Figures go to stdout; nothing here is asserted.

* Salient-entity linking: of the salient entities (SciREX ``coref`` clusters) with a mention in the abstract,
  the share linked to the paper in the graph as an entity of a compatible type (SciREX Method -> Model/Method,
  Material -> Dataset, Metric -> Metric, Task -> Task): a graph mention of that type overlaps one of the cluster's
  spans, or an entity of that type linked to the paper carries one of the cluster's surface forms (same key).
  Measured with the shipped extraction pipeline, and with gold mentions ("oracle") to isolate linking.
* Results: of the SciREX result tuples whose score appears literally in the abstract, the share for which the
  graph has a Result of that paper with the same value and the right method, dataset and metric (each matched as
  above). The dev split holds very few such tuples, so the figure on all SciREX documents is printed too
  (the extraction model was trained on the others: read it as an upper bound). A gold cluster named "long form
  (SHORT)" ("Bit_per_Character__BPC_") has both forms among its surfaces when SHORT is the long form's initials.
  SciREX often lists one fact under several clusters ("Mean IoU" and "mIoU" for one 71.8 %), so the distinct
  (paper, value) facts are counted beside the tuples, a fact being right when one of its tuples is.
  The other side is printed too: how many Result nodes the documents get, and how many of them are exactly a gold
  tuple of their paper (a lower bound of precision: SciREX lists leaderboard tuples, not every number an abstract
  states, e.g. baselines' scores).
* Duplicates: :func:`kg.link.explain.find_duplicates` over the linked shared corpus.
* Fuzzy threshold: over SciREX training documents, pairs of distinct descriptive keys (lower-case surfaces of
  one type that pass the guards of :mod:`kg.link.canonical`) at each rapidfuzz ratio, and the share naming the
  same salient entity (same SciREX cluster name); the same for names, which are never fuzzy-merged.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from kg.extract.data import _scirex_regions, is_scirex_dev  # noqa: E402
from kg.extract.detok import char_span, detokenize  # noqa: E402
from kg.extract.document import PaperExtraction  # noqa: E402
from kg.graph.model import Mention, Paper  # noqa: E402
from kg.link import link  # noqa: E402
from kg.link.canonical import FUZZY_MIN_LEN, FUZZY_THRESHOLD  # noqa: E402
from kg.link.explain import find_duplicates  # noqa: E402
from kg.link.normalize import clean_surface, digits_of, match_key, variant_bases  # noqa: E402

COMPATIBLE = {"Method": ("Model", "Method"), "Material": ("Dataset",), "Metric": ("Metric",), "Task": ("Task",)}
PIPE_LABEL = {"Method": "Method", "Material": "Dataset", "Metric": "Metric", "Task": "Task"}


# -- SciREX documents -----------------------------------------------------------------------------
_NAME_ABBR = re.compile(r"^(.+?)__([A-Za-z][A-Za-z0-9\-]*?)_$")


def _name_abbreviation(name: str) -> list[str]:
    """Long and short form of a SciREX cluster name that spells "long form (SHORT)" with underscores for spaces and
    brackets ("Bit_per_Character__BPC_" -> "Bit per Character", "BPC"): the annotators' own surfaces, which the
    underscored name hides. Only when SHORT is the initials of the long form: other brackets are qualifiers
    ("BiDAF (ensemble)", "WIDER Face (Hard)") and stay part of the name."""
    m = _NAME_ABBR.match(name)
    if not m:
        return []
    long, short = m.group(1).replace("_", " "), m.group(2)
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", long) if w).lower()
    letters = re.sub(r"s$", "", re.sub(r"[^A-Za-z]", "", short)).lower()
    return [long, short] if letters and initials == letters else []


class Doc:
    """One SciREX document: title/abstract text and salient clusters with char spans in them."""

    def __init__(self, d: dict) -> None:
        self.id = "scirex:" + d["doc_id"]
        words = d["words"]
        (ts, te), (as_, ae) = _scirex_regions(d)
        self.title, tspans = detokenize(words[ts:te])
        self.abstract, aspans = detokenize(words[as_:ae])
        self.region = {"title": (ts, te, tspans), "abstract": (as_, ae, aspans)}
        self.types: dict[str, str] = {}
        for r in d["n_ary_relations"]:
            for role in ("Method", "Material", "Metric", "Task"):
                self.types.setdefault(r[role], role)
        ner = {(s, e): lab for s, e, lab in d["ner"]}
        self.clusters: dict[str, dict] = {}
        for name, spans in d["coref"].items():
            t = self.types.get(name)
            if t is None:
                labs = [ner[(s, e)] for s, e in spans if (s, e) in ner]
                t = max(set(labs), key=labs.count) if labs else None
            if t not in COMPATIBLE:
                continue
            surfaces = {clean_surface(detokenize(words[s:e])[0]) for s, e in spans}
            surfaces.add(name.replace("_", " "))
            surfaces.update(_name_abbreviation(name))
            local = {"title": [], "abstract": []}
            for fld, (rs, re_, sp) in self.region.items():
                for s, e in spans:
                    if rs <= s and e <= re_ and e > s:
                        cs, ce = char_span(sp, s - rs, e - rs)
                        if ce > cs:
                            local[fld].append((cs, ce))
            self.clusters[name] = {"type": t, "surfaces": surfaces, "spans": local}
        self.tuples = sorted({(r["Method"], r["Material"], r["Metric"], str(r["score"])) for r in d["n_ary_relations"]})
        self.gold_mentions: list[tuple[str, int, int, str]] = []
        for fld, (rs, re_, sp) in self.region.items():
            for s, e, lab in d["ner"]:
                if rs <= s and e <= re_ and e > s and lab in PIPE_LABEL:
                    cs, ce = char_span(sp, s - rs, e - rs)
                    if ce > cs:
                        self.gold_mentions.append((fld, cs, ce, PIPE_LABEL[lab]))

    def paper(self) -> Paper:
        return Paper(id=self.id, title=self.title, abstract=self.abstract)

    def oracle_extraction(self) -> PaperExtraction:
        text = {"title": self.title, "abstract": self.abstract}
        ms, taken = [], set()
        for fld, s, e, lab in sorted(self.gold_mentions, key=lambda x: (x[0], -(x[2] - x[1]), x[1])):
            if any((fld, i) in taken for i in range(s, e)):
                continue
            taken.update((fld, i) for i in range(s, e))
            ms.append(Mention(self.id, fld, s, e, text[fld][s:e], lab, source="gold"))
        return PaperExtraction(paper=self.id, mentions=ms)


def read_docs(path: Path, split: str) -> list[Doc]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                dev = is_scirex_dev(d["doc_id"])
                if split == "all" or (split == "dev") == dev:
                    out.append(Doc(d))
    return out


# -- scoring --------------------------------------------------------------------------------------
def _cluster_entities(graph, doc: Doc, cluster: dict) -> set[str]:
    """Entity ids of the paper that stand for a cluster: by span overlap or by a shared surface key."""
    types = COMPATIBLE[cluster["type"]]
    out = set()
    for m in graph.mentions:
        if m.paper == doc.id and m.entity and m.type in types:
            for s, e in cluster["spans"].get(m.field, []):
                if m.start < e and s < m.end:
                    out.add(m.entity)
    keys = {(t, match_key(s, t)) for s in cluster["surfaces"] for t in types}
    for e in graph.entities.values():
        if e.type in types and doc.id in e.papers:
            if any((e.type, match_key(s, e.type)) in keys for s in [e.name, *e.aliases]):
                out.add(e.id)
    return out


def salient_linking(graph, docs: list[Doc]) -> dict:
    total = linked = by_span = 0
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc in docs:
        for name, c in doc.clusters.items():
            if not c["spans"]["abstract"]:
                continue
            total += 1
            per_type[c["type"]][1] += 1
            types = COMPATIBLE[c["type"]]
            span_hit = any(
                m.paper == doc.id and m.entity and m.type in types and any(m.start < e and s < m.end for s, e in c["spans"].get(m.field, []))
                for m in graph.mentions
            )
            ok = span_hit or bool(_cluster_entities(graph, doc, c))
            by_span += span_hit
            linked += ok
            per_type[c["type"]][0] += ok
    return {
        "clusters": total,
        "linked": linked,
        "rate": round(linked / total, 4) if total else None,
        "rate_span_only": round(by_span / total, 4) if total else None,
        "per_type": {t: {"linked": a, "clusters": b, "rate": round(a / b, 4)} for t, (a, b) in sorted(per_type.items())},
    }


def _num(s: str) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", s.replace(",", ""))
    return float(m.group()) if m else None


def _variant_match(graph, eid: str, cluster: dict) -> bool:
    """The entity is what a gold surface is a size/version variant of ("Transformer Big" -> Transformer)."""
    e = graph.entities.get(eid)
    if e is None:
        return False
    keys = {match_key(s, e.type) for s in [e.name, *e.aliases]}
    return any(match_key(b, e.type) in keys for s in cluster["surfaces"] for b in variant_bases(s))


def _matches(graph, doc: Doc, r, gold: tuple[str, str, str, str]) -> tuple[bool, bool]:
    """(right, right counting a size/version variant of the gold method) for a Result against one gold tuple."""
    method, dataset, metric, score = gold
    want = _num(score)
    if r.value is None or want is None or abs(r.value - want) >= 1e-6:
        return False, False
    if any(name not in doc.clusters for name in (method, dataset, metric)):
        return False, False
    ds_ok = r.dataset is not None and r.dataset in _cluster_entities(graph, doc, doc.clusters[dataset])
    me_ok = r.metric is not None and r.metric in _cluster_entities(graph, doc, doc.clusters[metric])
    mo_ok = r.model is not None and r.model in _cluster_entities(graph, doc, doc.clusters[method])
    mo_var = r.model is not None and (mo_ok or _variant_match(graph, r.model, doc.clusters[method]))
    return ds_ok and me_ok and mo_ok, ds_ok and me_ok and mo_var


def results_score(graph, docs: list[Doc]) -> dict:
    """Recall over the gold tuples whose score is written in the abstract, and the other side: how many Result
    nodes the documents get and what share of them is a gold tuple exactly (a lower bound of precision, since
    SciREX lists only the paper's leaderboard results, not every number an abstract states)."""
    total = right = right_variant = value_only = named = 0
    misses = []
    detail = []  #: every tuple with its sentence, what the graph has for its value and the verdict (printed by --tuples)
    #: (paper, value) -> [right, right with a method variant]: SciREX often lists one fact under several clusters
    #: ("Mean IoU" and "mIoU"; "enwiki8" and "Hutter Prize"), so the distinct facts are counted too
    facts: dict[tuple[str, float | None], list[bool]] = {}
    by_paper = defaultdict(list)
    for r in graph.results.values():
        by_paper[r.paper].append(r)
    doc_ids = {d.id for d in docs}
    nodes = sum(len(v) for k, v in by_paper.items() if k in doc_ids)
    nodes_gold_value = nodes_right = nodes_right_variant = 0
    for doc in docs:
        for r in by_paper[doc.id]:
            hits = [_matches(graph, doc, r, t) for t in doc.tuples]
            nodes_gold_value += any(_num(t[3]) is not None and r.value is not None and abs(r.value - _num(t[3])) < 1e-6 for t in doc.tuples)
            nodes_right += any(h[0] for h in hits)
            nodes_right_variant += any(h[1] for h in hits)
        for method, dataset, metric, score in doc.tuples:
            if not re.search(r"\d", score) or not re.search(r"(?<![\d.])" + re.escape(score) + r"(?!\d)", doc.abstract):
                continue
            total += 1
            # whether title or abstract name all three (a gold span there, or a gold surface written there as a word): the
            # others cannot be right whatever the extraction ("Smooth Network with Channel Attention Block" for "DFN")
            text = doc.title + "\n" + doc.abstract
            all_named = all(
                name in doc.clusters and (
                    doc.clusters[name]["spans"]["abstract"] or doc.clusters[name]["spans"]["title"]
                    or any(re.search(r"(?<!\w)" + re.escape(s_) + r"(?!\w)", text, re.I) for s_ in doc.clusters[name]["surfaces"] if len(s_) > 1)
                )
                for name in (method, dataset, metric)
            )
            named += all_named
            want = _num(score)
            cands = [r for r in by_paper[doc.id] if r.value is not None and want is not None and abs(r.value - want) < 1e-6]
            value_only += bool(cands)
            hits = [_matches(graph, doc, r, (method, dataset, metric, score)) for r in cands]
            ok = any(h[0] for h in hits)
            ok_variant = any(h[1] for h in hits)
            right += ok
            right_variant += ok_variant
            f = facts.setdefault((doc.id, want), [False, False])
            f[0] |= ok
            f[1] |= ok_variant
            detail.append({
                "paper": doc.id, "gold": [method, dataset, metric, score],
                "verdict": "right" if ok else "variant" if ok_variant else "miss", "all_three_named": all_named,
                "sentence": _sentence_with(doc.abstract, score),
                "got": [[r.surface.get("method"), r.surface.get("dataset"), r.surface.get("metric"), r.value_text] for r in cands],
            })
            if not ok:
                misses.append({"paper": doc.id, "gold": [method, dataset, metric, score],
                               "got": [[r.surface.get("method"), r.surface.get("dataset"), r.surface.get("metric"), r.value_text] for r in cands]})
    return {"tuples": total, "right": right, "rate": round(right / total, 4) if total else None,
            "right_method_variant_ok": right_variant,
            "rate_method_variant_ok": round(right_variant / total, 4) if total else None,
            "value_found": value_only, "all_three_named_in_text": named,
            "facts": len(facts), "facts_right": sum(f[0] for f in facts.values()),
            "facts_right_method_variant_ok": sum(f[1] for f in facts.values()),
            "result_nodes": nodes, "result_nodes_with_gold_value": nodes_gold_value,
            "result_nodes_right": nodes_right, "result_nodes_right_variant_ok": nodes_right_variant,
            "misses": misses[:30], "tuples_detail": detail}


def _sentence_with(text: str, score: str) -> str:
    """The sentence of ``text`` that holds ``score`` (split at ". " only: enough to read it)."""
    m = re.search(r"(?<![\d.])" + re.escape(score) + r"(?!\d)", text)
    if not m:
        return ""
    s = text.rfind(". ", 0, m.start())
    e = text.find(". ", m.end())
    return text[s + 2 if s >= 0 else 0 : e + 1 if e >= 0 else len(text)].strip()


def fuzzy_table(docs: list[Doc]) -> dict:
    """Precision of fuzzy merges by threshold, over keys from SciREX clusters (descriptive vs names)."""
    key_clusters: dict[tuple[str, str, bool], set[str]] = defaultdict(set)
    for doc in docs:
        for name, c in doc.clusters.items():
            t = COMPATIBLE[c["type"]][-1]
            for s in c["surfaces"]:
                if s == name.replace("_", " "):
                    continue
                k = match_key(s, t)
                if len(k) >= FUZZY_MIN_LEN:
                    key_clusters[(t, k, s == s.lower())].add(name.lower())
    rows = {}
    for descriptive in (True, False):
        by_type: dict[str, list[str]] = defaultdict(list)
        for (t, k, d) in sorted(key_clusters):
            if d == descriptive:
                by_type[t].append(k)
        pairs = []
        for t, keys in by_type.items():
            keys = sorted(set(keys))
            if len(keys) < 2:
                continue
            m = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=80, workers=1)
            for i, j in zip(*m.nonzero()):
                if i < j and keys[i][0] == keys[j][0] and digits_of(keys[i]) == digits_of(keys[j]):
                    same = bool(key_clusters[(t, keys[i], descriptive)] & key_clusters[(t, keys[j], descriptive)])
                    pairs.append((float(m[i, j]), same, keys[i], keys[j]))
        table = []
        for th in (80, 85, 88, 90, 92, 94, 96, 98):
            sel = [p for p in pairs if p[0] >= th]
            table.append({"threshold": th, "pairs": len(sel), "same_entity": sum(p[1] for p in sel),
                          "precision": round(sum(p[1] for p in sel) / len(sel), 3) if sel else None})
        wrong = sorted((p for p in pairs if not p[1] and p[0] >= 88), reverse=True)[:6]
        rows["descriptive" if descriptive else "names"] = {"table": table, "wrong_examples": [(round(s, 1), a, b) for s, _, a, b in wrong]}
    return rows


def run_pipeline(papers: list[Paper]) -> dict[str, PaperExtraction]:
    from kg.extract import extract_papers

    return {ex.paper: ex for ex in extract_papers(papers)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--skip-corpus", action="store_true", help="skip the duplicates check over the shared corpus")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tuples", action="store_true", help="print every gold result tuple of all SciREX documents whose "
                    "score is in the abstract: its sentence, the Results with its value and the verdict")
    args = ap.parse_args(argv)
    scirex = args.shared / "datasets" / "scirex" / "train.jsonl"
    out: dict = {"fuzzy_threshold": FUZZY_THRESHOLD}

    train_docs = read_docs(scirex, "train")
    out["fuzzy"] = fuzzy_table(train_docs)

    dev = read_docs(scirex, "dev")
    everything = read_docs(scirex, "all")
    papers = {d.id: d.paper() for d in everything}
    t0 = time.perf_counter()
    pipe_ex = run_pipeline(list(papers.values()))
    t_extract = time.perf_counter() - t0
    dev_ids = {d.id for d in dev}
    g_dev = link({k: v for k, v in papers.items() if k in dev_ids}, {k: v for k, v in pipe_ex.items() if k in dev_ids})
    g_all = link(papers, pipe_ex)
    g_oracle = link({d.id: papers[d.id] for d in dev}, {d.id: d.oracle_extraction() for d in dev})
    out["scirex"] = {
        "dev_docs": len(dev),
        "extract_seconds_all_docs": round(t_extract, 1),
        "salient_linking_dev_pipeline": salient_linking(g_dev, dev),
        "salient_linking_dev_oracle_mentions": salient_linking(g_oracle, dev),
        "salient_linking_dev_in_all_docs_graph": salient_linking(g_all, dev),
        # the training documents: the extractor learnt from them, but the linking rules were not written from them
        "salient_linking_train_in_all_docs_graph": salient_linking(g_all, [d for d in everything if d.id not in dev_ids]),
        "results_dev": results_score(g_dev, dev),
        "results_all_docs": results_score(g_all, everything),
    }

    if not args.skip_corpus:
        from kg.ingest import read_papers

        corpus = {p.id: p for p in read_papers([args.shared / "corpus" / "hf-daily-papers"])}
        exs = run_pipeline(list(corpus.values()))
        t0 = time.perf_counter()
        g = link(corpus, exs)
        t_link = time.perf_counter() - t0
        dups = find_duplicates(g)
        out["shared_corpus"] = {
            "papers": len(corpus),
            "link_seconds": round(t_link, 2),
            "stats": g.stats(),
            "duplicates": len(dups),
            "duplicate_pairs": dups[:20],
        }

    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _print(out)
        if args.tuples:
            _print_tuples(out["scirex"]["results_all_docs"]["tuples_detail"])
    return out


def _print(out: dict) -> None:
    print(f"== fuzzy matching (rapidfuzz ratio; used threshold {out['fuzzy_threshold']}) over SciREX training clusters")
    for kind, r in out["fuzzy"].items():
        print(f"  {kind}: " + "  ".join(f">={x['threshold']}: {x['same_entity']}/{x['pairs']}" for x in r["table"]))
        for ex in r["wrong_examples"]:
            print(f"    different entities at {ex[0]}: {ex[1]!r} / {ex[2]!r}")
    s = out["scirex"]
    print(f"== SciREX dev split: {s['dev_docs']} documents (extraction of all {s['extract_seconds_all_docs']} s)")
    for label, key in (("pipeline, graph of the dev documents", "salient_linking_dev_pipeline"),
                       ("pipeline, graph of all SciREX documents", "salient_linking_dev_in_all_docs_graph"),
                       ("pipeline, the 212 training documents, graph of all", "salient_linking_train_in_all_docs_graph"),
                       ("gold mentions", "salient_linking_dev_oracle_mentions")):
        r = s[key]
        per = ", ".join(f"{t} {v['linked']}/{v['clusters']}" for t, v in r["per_type"].items())
        print(f"  salient entities linked ({label}): {r['linked']}/{r['clusters']} = {r['rate']:.1%} (span overlap only {r['rate_span_only']:.1%}; {per})")
    for label, key in (("dev", "results_dev"), ("all SciREX docs", "results_all_docs")):
        r = s[key]
        rate = f"{r['rate']:.1%}" if r["rate"] is not None else "n/a"
        rv = f"{r['rate_method_variant_ok']:.1%}" if r["rate_method_variant_ok"] is not None else "n/a"
        print(f"  results right ({label}): {r['right']}/{r['tuples']} = {rate}; counting a gold size/version variant of the "
              f"method as right: {r['right_method_variant_ok']}/{r['tuples']} = {rv} (value found: {r['value_found']}; "
              f"gold method, dataset and metric all named in title or abstract: {r['all_three_named_in_text']})")
        print(f"    distinct (paper, value) facts: {r['facts_right']}/{r['facts']} right, "
              f"{r['facts_right_method_variant_ok']}/{r['facts']} counting method variants")
        n = r["result_nodes"]
        print(f"    Result nodes of these documents: {n}; with the value of a gold tuple: {r['result_nodes_with_gold_value']}; "
              f"exactly a gold tuple: {r['result_nodes_right']} ({r['result_nodes_right'] / n:.1%} of the nodes), "
              f"{r['result_nodes_right_variant_ok']} counting method variants" if n else "    no Result nodes")
    if "shared_corpus" in out:
        c = out["shared_corpus"]
        print(f"== shared corpus: {c['papers']} papers, link {c['link_seconds']} s; duplicates: {c['duplicates']}")
        for d in c["duplicate_pairs"]:
            print(f"  {d['a']} / {d['b']}: {d['why']}")
        print(f"  {json.dumps(c['stats'])}")


def _print_tuples(detail: list[dict]) -> None:
    print("== SciREX result tuples whose score is in the abstract (all documents): verdict | gold | got")
    for t in detail:
        named = "" if t["all_three_named"] else " (gold entities not all named in title/abstract)"
        print(f"  {t['verdict']:7} {t['paper'][7:15]} | {' ; '.join(t['gold'])}{named}")
        print(f"          sentence: {t['sentence'][:300]}")
        for g in t["got"] or [["-", "-", "-", "no Result with this value"]]:
            print(f"          got: {' ; '.join(str(x) for x in g)}")


if __name__ == "__main__":
    main()
