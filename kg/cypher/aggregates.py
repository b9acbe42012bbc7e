"""Pair counts precomputed for the embedded Cypher store, from the property-graph view's relationship rows.

Each aggregate counts, per pair of entities, the distinct papers that link to both ends through the given
relationships; the named queries that rank such pairs (methods_for_task, metrics_per_task,
model_dataset_cooccurrence) read these rows instead of counting distinct papers over every join row, which is the
size of the corpus rather than of the answer (docs/cypher-performance.md). They are computed from the same rows the
store holds, so an aggregate and the live count agree (tests/test_cypher_store.py); their SPARQL twins count live.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kg.cypher.view import PropertyGraph

#: aggregate table -> ((relationship type, target label) of the pair's first end, (...) of its second end); both
#: ends are reached from one Paper
AGGREGATES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "AGG_METHOD_TASK": ((("USES", "Method"), ("PROPOSES", "Method")), (("ADDRESSES", "Task"),)),
    "AGG_METRIC_TASK": ((("REPORTS", "Metric"),), (("ADDRESSES", "Task"),)),
    "AGG_MODEL_DATASET": ((("MENTIONS", "Model"),), (("MENTIONS", "Dataset"),)),
}


def _ends(pg: PropertyGraph, specs: tuple[tuple[str, str], ...]) -> dict[str, set[str]]:
    """Per paper, the targets of its relationships of the ``(type, target label)`` pairs."""
    out: dict[str, set[str]] = defaultdict(set)
    for rtype, label in specs:
        for row in pg.edges.get((rtype, "Paper", label), ()):
            out[row["from"]].add(row["to"])
    return out


def aggregate_edges(pg: PropertyGraph) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Rows of the aggregate relationship tables, keyed like ``PropertyGraph.edges``: ``(table, from, to)`` ->
    ``[{"from", "to", "papers"}]``, sorted by (from, to)."""
    from kg.cypher.schema import REL_TABLES

    out: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for table, (first, second) in AGGREGATES.items():
        a, b = _ends(pg, first), _ends(pg, second)
        counts: Counter[tuple[str, str]] = Counter()
        for paper, xs in a.items():
            ys = b.get(paper)
            if ys:
                counts.update((x, y) for x in xs for y in ys)
        (src, dst), = REL_TABLES[table].pairs
        out[(table, src, dst)] = [{"from": x, "to": y, "papers": n} for (x, y), n in sorted(counts.items())]
    out[("AGG_PAPER_CODE", "Paper", "Repository")] = paper_code_rows(pg)
    out[("AGG_LEADERBOARD", "Result", "Dataset")] = leaderboard_rows(pg)
    return out


def leaderboard_rows(pg: PropertyGraph) -> list[dict[str, Any]]:
    """The leaderboard named query's rows: results with a value whose paper, model (Model or Method), dataset and
    metric are nodes of the graph (the relationships the live query matches), ranked in its order."""
    def targets(rtype: str, labels: tuple[str, ...]) -> dict[str, str]:
        return {row["from"]: row["to"] for label in labels for row in pg.edges.get((rtype, "Result", label), ())}

    entity = {row["id"]: row for t in ("Model", "Method", "Dataset", "Metric") for row in pg.nodes.get(t, ())}
    model, dataset, metric = targets("OF_MODEL", ("Model", "Method")), targets("ON_DATASET", ("Dataset",)), \
        targets("MEASURES", ("Metric",))
    paper = {row["to"]: row["from"] for row in pg.edges.get(("HAS_RESULT", "Paper", "Result"), ())}
    rows = []
    for r in pg.nodes.get("Result", ()):
        rid = r["id"]
        if r["value"] is None or not (rid in model and rid in dataset and rid in metric and rid in paper):
            continue
        d, me = entity[dataset[rid]], entity[metric[rid]]
        rows.append({"from": rid, "to": d["id"], "model": entity[model[rid]]["name"], "dataset_name": d["name"],
                     "metric_name": me["name"], "value": r["value"], "unit": r["unit"], "paper": paper[rid],
                     "dataset_keys": d["keys"], "metric_keys": me["keys"]})
    rows.sort(key=lambda x: (x["dataset_name"] or "", x["metric_name"] or "", -x["value"], x["model"] or "", x["paper"],
                             x["from"]))
    for i, x in enumerate(rows):
        x["rank"] = i
    return rows


def paper_code_rows(pg: PropertyGraph) -> list[dict[str, Any]]:
    """The (paper, repository) pairs of ``HAS_CODE`` and of the repositories' paper lists (papers of the graph only),
    each once, ranked in (paper id, URL, repository id) order."""
    papers = {row["id"] for row in pg.nodes.get("Paper", ())}
    url = {row["id"]: row["url"] or "" for row in pg.nodes.get("Repository", ())}
    pairs = {(row["from"], row["to"]) for row in pg.edges.get(("HAS_CODE", "Paper", "Repository"), ())}
    pairs |= {(p, row["id"]) for row in pg.nodes.get("Repository", ()) for p in row["papers"] or ()}
    ranked = sorted((p, url.get(r, ""), r) for p, r in pairs if p in papers and r in url)
    return [{"from": p, "to": r, "rank": i} for i, (p, _u, r) in enumerate(ranked)]
