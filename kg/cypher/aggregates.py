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
from typing import Any, Sequence

from kg.cypher.view import PropertyGraph
from kg.graph.model import RELATION_TYPES

#: aggregate table -> ((relationship type, target label) of the pair's first end, (...) of its second end); both
#: ends are reached from one Paper
AGGREGATES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "AGG_METHOD_TASK": ((("USES", "Method"), ("PROPOSES", "Method")), (("ADDRESSES", "Task"),)),
    "AGG_METRIC_TASK": ((("REPORTS", "Metric"),), (("ADDRESSES", "Task"),)),
    "AGG_MODEL_DATASET": ((("MENTIONS", "Model"),), (("MENTIONS", "Dataset"),)),
}


#: Rows of a store-only table as one list per column, all of one length: a few pointers a row where a dict per row
#: takes hundreds of bytes (evidence rows number millions at 100k abstracts, docs/scaling.md).
Columns = dict[str, Sequence[Any]]


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


def aggregate_tables(pg: PropertyGraph) -> tuple[dict[str, Columns],
                                                 dict[tuple[str, str, str], list[dict[str, Any]] | Columns],
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


def _ascending(keys: list[list[Any]]) -> list[int]:
    """Positions of the rows in ascending order of the key columns, compared column after column: strings by code
    point, None after every string, ties in their order in the lists; the order Python's ``sort`` gives the rows'
    key tuples (with ``(value is None, value or "")`` for a string), without making a tuple per row.

    LadybugDB orders strings by their UTF-8 bytes, i.e. by code point as Python does, and NULL after every string;
    Arrow's sort is stable and compares strings by their UTF-8 bytes too.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.table({str(i): pa.array(col) for i, col in enumerate(keys)})
    # nulls go last by default (how to say so explicitly changed in pyarrow 25)
    return pc.sort_indices(table, sort_keys=[(str(i), "ascending") for i in range(len(keys))]).to_pylist()


def neighbourhood_rows(pg: PropertyGraph, display: dict[str, str | None] | None = None
                       ) -> dict[tuple[str, str, str], Columns]:
    """The model_neighbourhood named query's rows: one per (Model or Method, statement it is an end of), from that
    entity to the statement's other end, with the columns the query returns and a rank in its order over the whole
    graph (direction, relation type, neighbour name, neighbour id, entity id), so a page of any entity's rows is a
    top-k on one integer. Keyed like ``PropertyGraph.edges``, each table's rows as :data:`Columns` in rank order;
    ``display`` is :func:`_display` of ``pg`` when the caller has it."""
    display = display if display is not None else _display(pg)
    names = ("from", "to", "direction", "relation_type", "neighbour", "neighbour_type", "support")
    cols: dict[str, list[Any]] = {n: [] for n in names}
    m_labels: list[str] = []
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
                for name, value in zip(names, (m, n, direction, rtype, display[n], n_label, rel["support"])):
                    cols[name].append(value)
                m_labels.append(m_label)
    order = _ascending([cols["direction"], cols["relation_type"], cols["neighbour"], cols["to"], cols["from"]])
    positions: dict[tuple[str, str], list[int]] = defaultdict(list)
    ranks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, j in enumerate(order):
        key = (m_labels[j], cols["neighbour_type"][j])
        positions[key].append(j)
        ranks[key].append(i)
    out: dict[tuple[str, str, str], Columns] = {}
    for (m_label, n_label), js in positions.items():
        table: dict[str, Sequence[Any]] = {name: [cols[name][j] for j in js] for name in names}
        table["rank"] = ranks[(m_label, n_label)]
        out[("AGG_NEIGHBOURHOOD", m_label, n_label)] = table
    return out


def evidence_rows(pg: PropertyGraph, display: dict[str, str | None] | None = None
                  ) -> tuple[Columns, dict[str, list[int]]]:
    """The statement_evidence named query's rows, one per (statement, evidence record), ranked in its order over the
    whole graph (subject, predicate, object, paper, begin, end, extractor, statement id), so a page of any filter's
    rows is a top-k on one integer instead of unwinding and sorting every evidence list of the matched statements.
    ``display`` is :func:`_display` of ``pg`` when the caller has it.

    Returns:
        The ``EvidenceRow`` nodes as :data:`Columns` in rank order (their ``id`` is the rank), and per statement id
        the ranks of its evidence records (its ``evidence_ranks``).
    """
    display = display if display is not None else _display(pg)
    names = ("subject", "predicate", "object", "paper", "field", "start_offset", "end_offset", "sentence",
             "extractor", "confidence")
    cols: dict[str, list[Any]] = {n: [] for n in names}
    rel_ids: list[str] = []
    for (rtype, _src, _dst), rels in pg.edges.items():
        if rtype not in RELATION_TYPES:
            continue
        for rel in rels:
            subject, obj = display[rel["from"]], display[rel["to"]]
            for ev in rel["evidence"]:
                for name, value in zip(names, (subject, rtype, obj, ev.paper, ev.field, ev.start_offset,
                                               ev.end_offset, ev.sentence, ev.extractor, ev.confidence)):
                    cols[name].append(value)
                rel_ids.append(rel["id"])
    order = _ascending([cols["subject"], cols["predicate"], cols["object"], cols["paper"], cols["start_offset"],
                        cols["end_offset"], cols["extractor"], rel_ids])
    nodes: dict[str, Sequence[Any]] = {"id": range(len(order))}
    for name in names:  # one column at a time, each freed once reordered
        col = cols.pop(name)
        nodes[name] = [col[j] for j in order]
        del col
    ranks: dict[str, list[int]] = defaultdict(list)
    for i, j in enumerate(order):
        ranks[rel_ids[j]].append(i)
    return nodes, dict(ranks)
