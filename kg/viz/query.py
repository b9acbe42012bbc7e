"""Query-driven views: run a SPARQL or Cypher query (or a named one) and turn its rows into a :class:`Subgraph`.

How rows become a graph
-----------------------
Each cell of each row is *resolved* to graph items, column by column:

1. Cypher nodes and relationships (dicts) resolve through their ``id`` property (``iri`` if there is no id);
   lists (paths, ``collect()``) resolve element by element; RDF terms (rdflib, pyoxigraph, SPARQL JSON bindings
   ``{"type": ..., "value": ...}``) resolve through their lexical value.
2. A string that is the id of a paper, entity, repository or result is that node; the id of a relation (``rel:...``)
   is that relation, and both its ends become nodes.
3. An IRI (``<...>`` brackets allowed) resolves through its tail: the percent-decoded last path segment or fragment
   (``.../entity/model%3Abert`` -> ``model:bert``), the last two segments joined by ``:`` (``.../model/bert`` ->
   ``model:bert``), ``arxiv:`` + the last segment, or what follows the build's base IRI.
4. Any other string is looked up as an entity name or alias (case-insensitive, :meth:`KnowledgeGraph.find_entities`);
   when it names several entities, an entity whose preferred name matches wins over one with only an alias, then
   the one with most papers, then the smallest id. Failing that, an exact (case-insensitive) paper title.
5. Everything else (numbers, counts, dates, unmatched text) is a *literal*: it is shown in the tooltip of the row's
   nodes as ``column = value`` and never becomes a node.

Edges: for every pair of nodes of one row, the graph relations between them (either direction) are drawn; when a
literal of the row is a relation type (``USES``, or a predicate IRI like ``mlkg:evaluatesOn``), only relations of
that type. A pair of nodes adjacent in column
order with no such relation gets a dashed *query* edge labelled ``column -> column``, so that "pairs in a row" are
always visible. When no row names more than one node (``SELECT ?model``), the graph relations among all the named
nodes are drawn instead, so that a list of nodes still shows how they relate. Rows are read in order and nodes keep their first-seen order; at most ``max_nodes`` nodes are kept
(a warning says how many were left out).
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import unquote

from kg.errors import QueryError
from kg.graph.model import RELATION_TYPES, KnowledgeGraph
from kg.viz.select import ExtraEdge, Subgraph, has_node, relations_among, result_edges

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_NOTES = 6  #: literal lines kept per node tooltip


# ------------------------------------------------------------------------------------------------------------------
# normalising query results to (columns, rows)
# ------------------------------------------------------------------------------------------------------------------
def _term_value(value: Any) -> Any:
    """Lexical value of an RDF term object, else ``value`` unchanged."""
    if isinstance(value, Mapping) and set(value) >= {"type", "value"} and value.get("type") in (
        "uri", "literal", "typed-literal", "bnode",
    ):
        return value["value"]
    if not isinstance(value, (str, int, float, bool, list, tuple, dict)) and value is not None:
        inner = getattr(value, "value", None)  # pyoxigraph NamedNode / Literal
        if isinstance(inner, str):
            return inner
        try:
            return value.toPython()  # rdflib terms that are not str subclasses
        except AttributeError:
            return str(value)
    return value


def normalize_rows(result: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """Turn what a query function returned into ``(columns, rows as dicts)``.

    Accepts ``(columns, rows)`` tuples, lists of dicts, lists of sequences (columns ``c0``, ``c1``, ...), objects
    with ``columns``/``vars``/``variables`` and ``rows``/``bindings`` attributes, SPARQL JSON results
    (``{"head": {"vars": ...}, "results": {"bindings": ...}}``), ``{"columns":, "rows":}`` dicts and pandas frames.

    Raises:
        QueryError: the shape is not one of these (e.g. a boolean ASK answer).
    """
    if isinstance(result, bool):
        raise QueryError("The query returned a boolean (ASK); a view needs rows. Use SELECT (SPARQL) or RETURN (Cypher).")
    if result is None:
        return [], []
    if getattr(result, "kind", None) == "ask" or (
        isinstance(result, Mapping) and "boolean" in result and "results" not in result
    ):
        raise QueryError("The query is an ASK query and returned a boolean; a view needs rows. Use SELECT or CONSTRUCT.")
    if hasattr(result, "to_dict") and hasattr(result, "columns") and not isinstance(result, Mapping):
        cols = [str(c) for c in result.columns]  # pandas DataFrame
        return cols, [dict(zip(cols, rec)) for rec in result.itertuples(index=False, name=None)]
    if isinstance(result, Mapping):
        if "head" in result and "results" in result:
            cols = list(result["head"].get("vars", []))
            return cols, [{k: b[k] for k in cols if k in b} for b in result["results"].get("bindings", [])]
        if "rows" in result:
            return normalize_rows((result.get("columns") or result.get("vars") or [], result["rows"]))
        raise QueryError(f"Cannot read query rows from a mapping with keys {sorted(result)[:8]}.")
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], (list, tuple)) and not (
        result[0] and isinstance(result[0][0], (Mapping, list, tuple))
    ):
        cols = [str(c) for c in result[0]]
        rows_in = list(result[1])
        rows: list[dict[str, Any]] = []
        for r in rows_in:
            if isinstance(r, Mapping):
                rows.append(dict(r))
            else:
                rows.append(dict(zip(cols, r)))
        return cols, rows
    for cattr in ("columns", "vars", "variables"):
        for rattr in ("rows", "bindings"):
            if hasattr(result, cattr) and hasattr(result, rattr):
                cols = [str(getattr(c, "value", c)) for c in getattr(result, cattr)]
                return normalize_rows((cols, list(getattr(result, rattr))))
    if hasattr(result, "variables") and hasattr(result, "__iter__"):  # pyoxigraph QuerySolutions
        cols = [v.value for v in result.variables]
        return cols, [{c: sol[c] for c in cols} for sol in result]
    if isinstance(result, Iterable) and not isinstance(result, (str, bytes)):
        items = list(result)
        if not items:
            return [], []
        if all(isinstance(r, Mapping) for r in items):
            cols: list[str] = []
            for r in items:
                cols += [str(k) for k in r if str(k) not in cols]
            return cols, [dict(r) for r in items]
        if all(isinstance(r, (list, tuple)) for r in items):
            width = max(len(r) for r in items)
            cols = [f"c{i}" for i in range(width)]
            return cols, [dict(zip(cols, r)) for r in items]
    raise QueryError(f"Cannot read query rows from a {type(result).__name__}; expected rows of columns.")


# ------------------------------------------------------------------------------------------------------------------
# resolving values to graph items
# ------------------------------------------------------------------------------------------------------------------
@dataclass
class Resolved:
    nodes: list[str]
    relations: list[str]
    literal: Any = None  #: set when the value names nothing in the graph


class NodeResolver:
    """Maps query cell values to node and relation ids of one graph (see the module docstring for the rules)."""

    def __init__(self, graph: KnowledgeGraph):
        self.graph = graph
        self.base_iri = str(graph.meta.get("base_iri") or "")
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._by_alias: dict[str, list[str]] = defaultdict(list)
        for eid in sorted(graph.entities):
            e = graph.entities[eid]
            self._by_name[e.name.casefold().strip()].append(eid)
            for a in e.aliases:
                self._by_alias[a.casefold().strip()].append(eid)
        self._by_title: dict[str, str] = {}
        for pid in sorted(graph.papers):
            self._by_title.setdefault(graph.papers[pid].title.casefold().strip(), pid)

    def _id(self, s: str) -> Resolved | None:
        if has_node(self.graph, s):
            return Resolved([s], [])
        rel = self.graph.relations.get(s)
        if rel is not None:
            return Resolved([n for n in (rel.source, rel.target) if has_node(self.graph, n)], [s])
        return None

    def _iri_candidates(self, s: str) -> list[str]:
        cands: list[str] = []
        if self.base_iri and s.startswith(self.base_iri):
            rest = s[len(self.base_iri):].strip("/")
            cands += [unquote(rest), unquote(rest.replace("/", ":", 1))]
        tail = re.split(r"[#/]", s.rstrip("/#"))
        tail = [t for t in tail if t]
        if tail:
            last = unquote(tail[-1])
            cands.append(last)
            if len(tail) >= 2:
                cands.append(f"{unquote(tail[-2])}:{last}")
            cands.append(f"arxiv:{last}")
        return cands

    def resolve(self, value: Any) -> Resolved:
        value = _term_value(value)
        if isinstance(value, Mapping):
            key = value.get("id") if value.get("id") is not None else value.get("iri")
            if key is not None:
                return self.resolve(key)
            return Resolved([], [], literal=None)
        if isinstance(value, (list, tuple)):
            nodes: list[str] = []
            rels: list[str] = []
            for v in value:
                r = self.resolve(v)
                nodes += [n for n in r.nodes if n not in nodes]
                rels += [x for x in r.relations if x not in rels]
            return Resolved(nodes, rels)
        if value is None or isinstance(value, (bool, int, float)):
            return Resolved([], [], literal=value)
        s = str(value).strip()
        if not s:
            return Resolved([], [], literal=value)
        if s.startswith("<") and s.endswith(">"):
            s = s[1:-1]
        hit = self._id(s)
        if hit:
            return hit
        if _SCHEME.match(s) and ("/" in s or s.startswith("urn:")):
            for cand in self._iri_candidates(s):
                hit = self._id(cand)
                if hit:
                    return hit
        key = s.casefold()
        ids = self._by_name.get(key) or self._by_alias.get(key)
        if ids:
            best = sorted(ids, key=lambda i: (-len(self.graph.entities[i].papers), i))[0]
            return Resolved([best], [])
        pid = self._by_title.get(key)
        if pid:
            return Resolved([pid], [])
        return Resolved([], [], literal=value)


def relation_type_of(value: Any) -> str | None:
    """The relation type a literal names: ``USES``, or a predicate IRI such as ``...ontology#evaluatesOn``."""
    text = str(value).strip()
    if text in RELATION_TYPES:
        return text
    if _SCHEME.match(text):
        tail = re.split(r"[#/]", text.rstrip("/#"))[-1]
        name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", tail).upper()
        if name in RELATION_TYPES:
            return name
    return None


def _fmt(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "\u2026"


def rows_to_subgraph(
    graph: KnowledgeGraph,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    max_nodes: int = 2000,
    title: str = "Query result",
) -> Subgraph:
    """Turn query rows into a :class:`Subgraph` (rules in the module docstring).

    Raises:
        QueryError: no value of any row names a node of the graph.
    """
    resolver = NodeResolver(graph)
    cols = list(columns) if columns else []
    nodes: list[str] = []
    seen: set[str] = set()
    rels: set[str] = set()
    extra: dict[tuple[str, str], ExtraEdge] = {}
    notes: dict[str, list[str]] = defaultdict(list)
    dropped: set[str] = set()
    paired = False  #: some row named two nodes or a relation
    pair_rels: dict[frozenset[str], list[str]] = defaultdict(list)
    for rid, r in graph.relations.items():
        pair_rels[frozenset((r.source, r.target))].append(rid)

    def admit(n: str) -> bool:
        if n in seen:
            return True
        if len(nodes) >= max_nodes:
            dropped.add(n)
            return False
        seen.add(n)
        nodes.append(n)
        return True

    for row in rows:
        order = cols + [k for k in row if k not in cols]
        row_nodes: list[tuple[str, str]] = []  # (node, column)
        row_rels: list[str] = []
        literals: list[tuple[str, Any]] = []
        for col in order:
            if col not in row:
                continue
            res = resolver.resolve(row[col])
            if res.nodes or res.relations:
                for n in res.nodes:
                    if n not in (x for x, _ in row_nodes):
                        row_nodes.append((n, col))
                row_rels += res.relations
            elif res.literal is not None:
                literals.append((col, res.literal))
        kept = [(n, c) for n, c in row_nodes if admit(n)]
        paired = paired or len(row_nodes) > 1 or bool(row_rels)
        keep = {n for n, _ in kept}
        for rid in row_rels:
            r = graph.relations[rid]
            if r.source in keep and r.target in keep:
                rels.add(rid)
        rel_types = {t for _, v in literals if (t := relation_type_of(v))}
        for i, (a, ca) in enumerate(kept):
            for j in range(i + 1, len(kept)):
                b, cb = kept[j]
                found = [
                    rid for rid in pair_rels.get(frozenset((a, b)), ())
                    if not rel_types or graph.relations[rid].type in rel_types
                ]
                found += [rid for rid in row_rels if frozenset((graph.relations[rid].source, graph.relations[rid].target)) == frozenset((a, b))]
                if found:
                    rels.update(found)
                elif j == i + 1 and (a, b) not in extra and (b, a) not in extra:
                    extra[(a, b)] = ExtraEdge(a, b, f"{ca} \u2192 {cb}", "query")
        if literals:
            line = ", ".join(f"{c} = {_fmt(v)}" for c, v in literals)
            for n in keep:
                if len(notes[n]) < MAX_NOTES and line not in notes[n]:
                    notes[n].append(line)
    if not nodes:
        sample = next((repr(_fmt(v)) for r in rows for v in r.values()), "none")
        raise QueryError(
            f"The query returned {len(rows)} row(s) but no value names a paper, entity, repository or relation of the "
            f"graph (columns: {', '.join(cols) or 'none'}; first value: {sample}). Return ids, IRIs or names of "
            f"nodes, e.g. `RETURN d.id` in Cypher or `SELECT ?dataset` with IRIs in SPARQL."
        )
    if dropped:
        log.warning(
            "the query named %d more node(s) than the view keeps (%d); raise --top to see them", len(dropped), max_nodes
        )
        title = f"{title} (first {max_nodes} nodes; {len(dropped)} more not shown)"
    if not paired:
        # every row named one node (a list of models, say): show how those nodes relate to each other
        rels.update(relations_among(graph, nodes))
    edges = list(extra.values()) + [e for e in result_edges(graph, nodes)]
    return Subgraph(
        nodes=nodes,
        relations=sorted(rels),
        extra_edges=edges,
        title=title,
        notes={k: v for k, v in notes.items() if v},
    )


# ------------------------------------------------------------------------------------------------------------------
# running queries
# ------------------------------------------------------------------------------------------------------------------
def _run_sparql(build_dir: Path, query: str, params: Mapping[str, Any] | None) -> Any:
    try:
        from kg.rdf import sparql
    except ImportError as exc:  # the RDF face is another area; say so rather than fail obscurely
        raise QueryError(f"SPARQL views need kg.rdf.sparql, which this installation lacks ({exc}).") from exc
    return sparql(build_dir, query, dict(params or {}))


def _run_cypher(build_dir: Path, query: str, params: Mapping[str, Any] | None) -> Any:
    try:
        from kg.cypher.store import cypher_with_columns
    except ImportError:
        from kg.cypher import cypher

        return cypher(build_dir, query, dict(params or {}))
    return cypher_with_columns(build_dir, query, dict(params or {}))


def _one_line(query: str, limit: int = 90) -> str:
    # drop PREFIX declarations: they say nothing about what the view shows
    text = " ".join(line for line in query.splitlines() if not re.match(r"\s*(PREFIX|BASE)\b", line, re.I))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def run_query(
    build_dir: str | os.PathLike[str],
    *,
    sparql: str | None = None,
    cypher: str | None = None,
    name: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[list[str], list[dict[str, Any]], str]:
    """Run exactly one of ``sparql``, ``cypher`` or the named query ``name``; return (columns, rows, title).

    A named query runs in Cypher when ``queries/NAME.cypher`` exists and the build has a Cypher store, else in SPARQL.

    Raises:
        QueryError: no query or several given, unknown named query, or the query fails.
    """
    given = [k for k, v in (("sparql", sparql), ("cypher", cypher), ("name", name)) if v]
    if len(given) != 1:
        raise QueryError(f"Give exactly one of --sparql, --cypher or --name (got {', '.join(given) or 'none'}).")
    build_dir = Path(build_dir)
    if sparql:
        return (*normalize_rows(_run_sparql(build_dir, sparql, params)), f"SPARQL: {_one_line(sparql)}")
    if cypher:
        return (*normalize_rows(_run_cypher(build_dir, cypher, params)), f"Cypher: {_one_line(cypher)}")
    from kg.named_queries import LANGS, get_named_query, list_named_queries, queries_dir

    assert name is not None
    langs = [lang for lang, ext in LANGS.items() if (queries_dir() / f"{name}{ext}").is_file()]
    if not langs:
        names = sorted({q.name for lang in LANGS for q in list_named_queries(lang)})
        raise QueryError(f"There is no named query {name!r}. Named queries: {', '.join(names) or 'none'}.")
    from kg.cypher import db_path

    use_cypher = "cypher" in langs and (db_path(build_dir).is_file() or "sparql" not in langs)
    lang = "cypher" if use_cypher else "sparql"
    nq = get_named_query(name, lang)
    bound = nq.bind(dict(params or {}))
    if lang == "cypher":
        cols, rows = normalize_rows(_run_cypher(build_dir, nq.text, bound))
    else:
        from kg.rdf.query import named_query_text

        text, values = named_query_text(build_dir, nq, bound)
        cols, rows = normalize_rows(_run_sparql(build_dir, text, values))
    return cols or nq.columns, rows, nq.title or f"Named query {name}"


def query_view(
    graph: KnowledgeGraph,
    build_dir: str | os.PathLike[str],
    *,
    sparql: str | None = None,
    cypher: str | None = None,
    name: str | None = None,
    params: Mapping[str, Any] | None = None,
    max_nodes: int = 2000,
) -> Subgraph:
    """The subgraph named by the rows of a query (see the module docstring for the mapping)."""
    cols, rows, title = run_query(build_dir, sparql=sparql, cypher=cypher, name=name, params=params)
    return rows_to_subgraph(graph, rows, cols, max_nodes=max_nodes, title=title)
