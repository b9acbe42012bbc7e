"""Pair counts and ranked rows precomputed for the embedded Cypher store, from the property-graph view's relationship rows.

Each aggregate counts, per pair of entities, the distinct papers that link to both ends through the given
relationships; the named queries that rank such pairs (methods_for_task, metrics_per_task,
model_dataset_cooccurrence) read these rows instead of counting distinct papers over every join row, which is the
size of the corpus rather than of the answer (docs/cypher-performance.md). They are computed from the same rows the
store holds, so an aggregate and the live count agree (tests/test_cypher_store.py); their SPARQL twins count live.

The other tables hold a named query's rows ranked in its order over the whole graph (papers_with_code, leaderboard,
model_neighbourhood, statement_evidence): restricted to any filter's rows, the rank is that query's order, so a page
is a top-k on one integer. Tests compare each query's pages with the query as first written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kg.cypher.view import PropertyGraph
from kg.graph.model import RELATION_TYPES

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


def aggregate_tables(pg: PropertyGraph) -> tuple[dict[str, list[dict[str, Any]]],
                                                 dict[tuple[str, str, str], list[dict[str, Any]]],
                                                 dict[str, dict[str, Any]]]:
    """Rows of everything only the embedded store holds: the node tables of ``STORE_NODE_TABLES`` by label, the
    aggregate relationship tables keyed like ``PropertyGraph.edges``, and the store-only properties of the
    relationships by name, each a mapping from relationship id to value."""
    display = _display(pg)
    edges = aggregate_edges(pg)
    edges.update(neighbourhood_rows(pg, display))
    evidence_nodes, evidence_ranks = evidence_rows(pg, display)
    return {"EvidenceRow": evidence_nodes}, edges, {"evidence_ranks": evidence_ranks}


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


def _display(pg: PropertyGraph) -> dict[str, str | None]:
    """Node id -> the name the queries show for it: ``coalesce(name, title, url)``."""
    out: dict[str, str | None] = {}
    for rows in pg.nodes.values():
        for row in rows:
            name = row.get("name")
            if name is None:
                name = row.get("title")
            if name is None:
                name = row.get("url")
            out[row["id"]] = name
    return out


def _str_key(value: str | None) -> tuple[bool, str]:
    # LadybugDB orders strings by their UTF-8 bytes (= code points, as Python does) and NULL after every string
    return (value is None, value or "")


def neighbourhood_rows(pg: PropertyGraph, display: dict[str, str | None] | None = None
                       ) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The model_neighbourhood named query's rows: one per (Model or Method, statement it is an end of), from that
    entity to the statement's other end, with the columns the query returns and a rank in its order over the whole
    graph (direction, relation type, neighbour name, neighbour id, entity id), so a page of any entity's rows is a
    top-k on one integer. Keyed like ``PropertyGraph.edges``; ``display`` is :func:`_display` of ``pg`` when the
    caller has it."""
    display = display if display is not None else _display(pg)
    rows: list[tuple[tuple[Any, ...], str, str, dict[str, Any]]] = []
    for (rtype, src, dst), rels in pg.edges.items():
        if rtype not in RELATION_TYPES:
            continue
        for rel in rels:
            a, b = rel["from"], rel["to"]
            # a statement from an entity to itself (linking makes none) is matched twice, both times "out", as the
            # live undirected match does
            back = "in" if a != b else "out"
            for m, n, direction, m_label, n_label in ((a, b, "out", src, dst), (b, a, back, dst, src)):
                if m_label not in ("Model", "Method"):
                    continue
                name = display[n]
                key = (direction, rtype, _str_key(name), n, m)
                rows.append((key, m_label, n_label, {"from": m, "to": n, "direction": direction,
                                                     "relation_type": rtype, "neighbour": name,
                                                     "neighbour_type": n_label, "support": rel["support"]}))
    rows.sort(key=lambda x: x[0])
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for i, (_key, m_label, n_label, row) in enumerate(rows):
        row["rank"] = i
        out[("AGG_NEIGHBOURHOOD", m_label, n_label)].append(row)
    return dict(out)


def evidence_rows(pg: PropertyGraph, display: dict[str, str | None] | None = None
                  ) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """The statement_evidence named query's rows, one per (statement, evidence record), ranked in its order over the
    whole graph (subject, predicate, object, paper, begin, end, extractor, statement id), so a page of any filter's
    rows is a top-k on one integer instead of unwinding and sorting every evidence list of the matched statements.
    ``display`` is :func:`_display` of ``pg`` when the caller has it.

    Returns:
        The ``EvidenceRow`` nodes (the columns the query returns, keyed by rank), and per statement id the ranks of
        its evidence records (its ``evidence_ranks``).
    """
    display = display if display is not None else _display(pg)
    rows: list[tuple[tuple[Any, ...], str, dict[str, Any]]] = []
    for (rtype, _src, _dst), rels in pg.edges.items():
        if rtype not in RELATION_TYPES:
            continue
        for rel in rels:
            subject, obj = display[rel["from"]], display[rel["to"]]
            head = (_str_key(subject), rtype, _str_key(obj))
            for ev in rel["evidence"]:
                key = (*head, _str_key(ev["paper"]), ev["start_offset"], ev["end_offset"], _str_key(ev["extractor"]),
                       rel["id"])
                rows.append((key, rel["id"], {
                    "subject": subject, "predicate": rtype, "object": obj, "paper": ev["paper"],
                    "field": ev["field"], "start_offset": ev["start_offset"], "end_offset": ev["end_offset"],
                    "sentence": ev["sentence"], "extractor": ev["extractor"], "confidence": ev["confidence"]}))
    rows.sort(key=lambda x: x[0])
    nodes: list[dict[str, Any]] = []
    ranks: dict[str, list[int]] = defaultdict(list)
    for i, (_key, rel_id, row) in enumerate(rows):
        row["id"] = i
        nodes.append(row)
        ranks[rel_id].append(i)
    return nodes, dict(ranks)
