"""Precomputed answers of the named SPARQL queries, kept in a page file beside the SPARQL store.

Oxigraph sorts every solution before it cuts a page (it has no top-k), so a named query whose default answer is
ranked over the whole graph reads and sorts the whole graph for its first 100 rows: seconds on the 100k-paper graph
(docs/rdf.md). When the store is written, the rows of these queries are computed here from the canonical graph, in
the query's order, and kept in ``DIR/rdf.precomputed.sqlite`` (SQLite, one table ``pages``). Each row is stored once
per filter value it answers to, under a scope: ``""`` for the defaults, ``"k|imagenet"`` for a lookup key, ``"t|model"``
for a type, ..., at its index among that scope's rows, as the SPARQL terms of its columns. A page is one range read of
the primary key (:func:`plan`), and the page query is those terms in a ``VALUES`` block, run by the store like any
other query, so the answer's terms are the store's own; statement_evidence joins the rest of its columns from the
store for the page's rows only.

The rows live outside Oxigraph because they are a cache, not data: in the store they were 260k quads of named
graphs beside 1.02M triples on the 1,017-abstract graph, and Oxigraph bulk-loads a quad of a named graph into twice
the indexes of a triple (about 2 s of the build's CPU; the page file takes about 0.3 s to write).

The named queries in ``queries/`` stay the definition and run unchanged on any SPARQL 1.1 store that holds an
export: :func:`plan` answers from the precomputed rows only when the build holds them for the very text of that
query (a digest in ``DIR/rdf.precomputed.json``), the filters given are ones the rows are scoped by, and the page
is at most :data:`MAX_PAGE` rows; otherwise the named query runs as written. tests/test_rdf_precomputed.py compares
both paths on graphs with hostile text and with popular entities, page by page.

Exports, VoID counts and every query of the store do not see the rows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from kg.graph.model import KnowledgeGraph, mention_record_counts
from kg.named_queries import NamedQuery
from kg.rdf.mapping import clean_text, decimal_lexical, lookup_key

log = logging.getLogger(__name__)

#: Bumped whenever the rows or their layout change, so builds written by older code fall back to the live query
#: (version 1 kept the rows in named graphs of the store).
VERSION = 2
#: Largest page answered from precomputed rows: a page is one ``VALUES`` row per answer row in the query text.
MAX_PAGE = 5000
MANIFEST = "rdf.precomputed.json"
PAGES = "rdf.precomputed.sqlite"
#: Queries whose rows are stored only for the filter values with more rows than this: below it the query as
#: written starts from the lookup key and answers in milliseconds, and these two queries have a row per statement
#: end or per piece of evidence, which for every key would add about half of the graph's triples again (shared
#: corpus x3: 580k quads against 1.0M data triples; with the threshold, about 90k)
MIN_SCOPE_ROWS: dict[str, int] = {"statement_evidence": 100, "model_neighbourhood": 100}
#: Queries whose unfiltered answer is not stored (every statement's evidence, every model's neighbourhood: a
#: listing of the graph, not a page people rank); they run as written without a filter
UNSCOPED_LIVE: frozenset[str] = frozenset({"statement_evidence", "model_neighbourhood"})

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ENTITY_TYPES = ("Model", "Method", "Dataset", "Metric", "Task")

#: A row: its column values (str, int or decimal lexical form as ``Decimal``; None leaves an optional column unbound)
#: and the scopes it answers to.
Row = tuple[tuple[Any, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Spec:
    """How one named query is answered from precomputed rows."""

    columns: tuple[str, ...]
    #: the rows of the graph, each with its scopes, in the query's order
    rows: Callable[["_Index"], Iterable[Row]]
    #: the scope that the bound parameters select, or None when the rows cannot answer them
    scope: Callable[[dict[str, Any]], str | None]
    #: a FILTER applied to the page (for parameters that cut a prefix of the order, such as min_papers)
    page_filter: Callable[[dict[str, Any]], str] = lambda values: ""
    #: the answer's columns when they are not the stored ones, and the patterns of the default graph that make
    #: them from the stored ones (IRIs of the row's statement, evidence, ...), joined for the page's rows only
    select: tuple[str, ...] = ()
    joins: str = ""


class IRI(str):
    """A stored value that is an IRI, not a literal."""


class _Index:
    """The parts of the canonical graph the precomputed queries read, as the RDF mapping writes them."""

    def __init__(self, g: KnowledgeGraph, base_iri: str | None = None) -> None:
        from kg.rdf.mapping import IriMinter, base_iri_of
        from kg.rdf.vocab import RELATION_PREDICATES

        self.g = g
        self.mint = IriMinter(base_iri_of(g, base_iri))
        self.papers = g.papers
        # entities the mapping types (unknown types are left out of the store)
        self.ents = {eid: e for eid, e in g.entities.items() if e.type in _ENTITY_TYPES}
        self.label = {eid: clean_text(e.name) for eid, e in self.ents.items()}
        nodes = set(g.papers) | set(g.entities) | set(g.repositories) | set(g.results)
        # direct triples by relation type; a set, as RDF keeps one triple for relations of the same ends
        self.edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.statements = []
        for r in g.relations.values():
            if r.type in RELATION_PREDICATES and r.source in nodes and r.target in nodes:
                self.edges[r.type].add((r.source, r.target))
                self.statements.append(r)
        self._keys: dict[str, tuple[str, ...]] = {}

    def keys(self, node: str) -> tuple[str, ...]:
        """The node's lookup keys other than ``""`` (papers, typed entities and repositories have keys)."""
        k = self._keys.get(node)
        if k is None:
            if node in self.ents:
                e = self.ents[node]
                names: tuple[str, ...] = (e.id, e.name, *e.aliases)
            elif node in self.papers:
                names = (node, self.papers[node].title or "")
            elif node in self.g.repositories:
                names = (node, self.g.repositories[node].url)
            else:
                names = ()
            k = self._keys[node] = tuple(sorted({lookup_key(n) for n in names} - {""}))
        return k

    def label_of(self, node: str) -> tuple[str, str] | None:
        """``(rdfs:label, type)`` of a paper, typed entity or repository, as the mapping writes them."""
        if node in self.ents:
            return self.label[node], self.ents[node].type
        if node in self.papers:
            return clean_text(self.papers[node].title or ""), "Paper"
        if node in self.g.repositories:
            return clean_text(self.g.repositories[node].url), "Repository"
        return None

    def typed(self, node: str, *types: str) -> bool:
        e = self.ents.get(node)
        return e is not None and e.type in types

    def out(self, rtype: str, *types: str) -> dict[str, set[str]]:
        """Per source, the targets of its ``rtype`` triples that are entities of ``types``."""
        out: dict[str, set[str]] = defaultdict(set)
        for s, t in self.edges.get(rtype, ()):
            if self.typed(t, *types):
                out[s].add(t)
        return out


def _key_scopes(prefix: str, keys: Iterable[str]) -> tuple[str, ...]:
    return ("",) + tuple(f"{prefix}|{k}" for k in keys)


def _param_scope(prefix: str, value: Any) -> str | None:
    """The scope of one lookup-key parameter: ``""`` for any, ``PREFIX|key`` otherwise."""
    if not isinstance(value, str):
        return None
    return "" if value == "" else f"{prefix}|{lookup_key(value)}"


def _lower_scope(prefix: str, value: Any) -> str | None:
    """The scope of a parameter the query compares with ``LCASE(...) = LCASE(...)``."""
    if not isinstance(value, str) or clean_text(value) != value:
        return None  # the live query compares the text as given; let it
    return "" if value == "" else f"{prefix}|{value.lower()}"


# -- the rows of each query ------------------------------------------------------------------------------------
def _graph_counts(ix: _Index) -> Iterable[Row]:
    g = ix.g
    rows: list[tuple[str, str, int]] = [("papers", "Paper", len(g.papers))]
    by_type = Counter(e.type for e in ix.ents.values())
    rows += [("entities", t, n) for t, n in by_type.items()]
    rows += [("relations", clean_text(t), n) for t, n in Counter(r.type for r in ix.statements).items()]
    rows.append(("results", "Result", len(g.results)))
    rows.append(("repositories", "Repository", len(g.repositories)))
    rows.append(("mentions", "Mention", sum(mention_record_counts(g.mentions).values())))
    for r in sorted(rows, key=lambda x: (x[0], x[1])):
        yield r, ("",)


def _entity_aliases(ix: _Index) -> Iterable[Row]:
    out = []
    for eid, e in ix.ents.items():
        label = ix.label[eid]
        scopes = ("", f"t|{e.type.lower()}") + tuple(f"k|{k}" for k in ix.keys(eid))
        for alias in {label} | {clean_text(a) for a in e.aliases}:
            out.append(((clean_text(eid), e.type, label, alias), scopes))
    out.sort(key=lambda r: (r[0][1], r[0][2], r[0][0], r[0][3]))
    return out


def _entity_aliases_scope(v: dict[str, Any]) -> str | None:
    name, etype = v.get("name"), v.get("entity_type")
    if name == "":
        return _lower_scope("t", etype)
    return _param_scope("k", name) if etype == "" else None


def _leaderboard(ix: _Index) -> Iterable[Row]:
    out = []
    for r in ix.g.results.values():
        value = decimal_lexical(r.value)
        if value is None or r.paper not in ix.papers or not all(x in ix.ents for x in (r.model, r.dataset, r.metric)):
            continue
        scopes = ("",) + tuple(f"d|{k}" for k in ix.keys(r.dataset)) + tuple(f"m|{k}" for k in ix.keys(r.metric))
        unit = clean_text(r.unit) if r.unit else None
        cols = (ix.label[r.model], ix.label[r.dataset], ix.label[r.metric], Decimal(value), unit, clean_text(r.paper))
        out.append((cols, scopes, clean_text(r.id)))
    out.sort(key=lambda x: (x[0][1], x[0][2], -x[0][3], x[0][0], x[0][5], x[2]))
    return [(cols, scopes) for cols, scopes, _ in out]


def _leaderboard_scope(v: dict[str, Any]) -> str | None:
    dataset, metric = v.get("dataset"), v.get("metric")
    if dataset == "":
        return _param_scope("m", metric)
    return _param_scope("d", dataset) if metric == "" else None


def _pair_counts(a: dict[str, set[str]], b: dict[str, set[str]]) -> Counter[tuple[str, str]]:
    """Per (x, y), the sources linking to x in ``a`` and to y in ``b``."""
    counts: Counter[tuple[str, str]] = Counter()
    for s, xs in a.items():
        ys = b.get(s)
        if ys:
            counts.update((x, y) for x in xs for y in ys)
    return counts


def _methods_for_task(ix: _Index) -> Iterable[Row]:
    methods: dict[str, set[str]] = defaultdict(set)
    for rtype in ("USES", "PROPOSES"):
        for s, ms in ix.out(rtype, "Method").items():
            methods[s] |= ms
    counts = _pair_counts(methods, ix.out("ADDRESSES", "Task"))
    rows = sorted(counts.items(), key=lambda x: (-x[1], ix.label[x[0][0]], ix.label[x[0][1]], x[0][0], x[0][1]))
    return [((ix.label[m], ix.label[t], n), _key_scopes("k", ix.keys(t))) for (m, t), n in rows]


def _metrics_per_task(ix: _Index) -> Iterable[Row]:
    counts = _pair_counts(ix.out("ADDRESSES", "Task"), ix.out("REPORTS", "Metric"))
    rows = sorted(counts.items(), key=lambda x: (ix.label[x[0][0]], -x[1], ix.label[x[0][1]], x[0][0], x[0][1]))
    return [((ix.label[t], ix.label[me], n), _key_scopes("k", ix.keys(t))) for (t, me), n in rows]


def _model_dataset_cooccurrence(ix: _Index) -> Iterable[Row]:
    models: dict[str, set[str]] = defaultdict(set)
    datasets: dict[str, set[str]] = defaultdict(set)
    for eid, e in ix.ents.items():
        if e.type in ("Model", "Dataset"):
            into = models if e.type == "Model" else datasets
            for p in e.papers:
                if p in ix.papers:
                    into[p].add(eid)
    counts = _pair_counts(models, datasets)
    rows = sorted(counts.items(), key=lambda x: (-x[1], ix.label[x[0][0]], ix.label[x[0][1]], x[0][0], x[0][1]))
    return [((ix.label[m], ix.label[d], n), ("",)) for (m, d), n in rows]


def _most_used_datasets(ix: _Index) -> Iterable[Row]:
    evaluates = ix.out("EVALUATES_ON", "Dataset")
    task_keys: dict[str, set[str]] = defaultdict(set)
    for s, t in ix.edges.get("ADDRESSES", ()):
        task_keys[s].update(ix.keys(t))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for p, ds in evaluates.items():
        for scope in ("", *(f"k|{k}" for k in task_keys.get(p, ()))):
            counts[scope].update(ds)
    out: list[Row] = []
    for scope in sorted(counts):
        for d, n in sorted(counts[scope].items(), key=lambda x: (-x[1], ix.label[x[0]], x[0])):
            out.append(((ix.label[d], n), (scope,)))
    return out


def _models_on_dataset(ix: _Index) -> Iterable[Row]:
    out = []
    for r in ix.statements:
        if r.type != "EVALUATED_ON" or not ix.typed(r.source, "Model", "Method") or r.target not in ix.ents:
            continue
        m = ix.ents[r.source]
        cols = (ix.label[r.source], m.type, ix.label[r.target], int(r.support))
        out.append((cols, _key_scopes("k", ix.keys(r.target)), (r.source, r.target)))
    out.sort(key=lambda x: (-x[0][3], x[0][0], x[0][2], *x[2]))
    return [(cols, scopes) for cols, scopes, _ in out]


def _papers_proposing_models(ix: _Index) -> Iterable[Row]:
    out = []
    for p, e in ix.edges.get("PROPOSES", ()):
        if p in ix.papers and e in ix.ents:
            paper = ix.papers[p]
            cols = (clean_text(p), clean_text(paper.title or ""), ix.label[e], ix.ents[e].type)
            out.append((cols, ("", f"t|{ix.ents[e].type.lower()}"), e))
    out.sort(key=lambda x: (x[0][0], x[0][2], clean_text(x[2])))
    return [(cols, scopes) for cols, scopes, _ in out]


def _papers_with_code(ix: _Index) -> Iterable[Row]:
    repos = ix.g.repositories
    pairs = {(p, r) for p, r in ix.edges.get("HAS_CODE", ()) if p in ix.papers and r in repos}
    pairs |= {(p, rid) for rid, r in repos.items() for p in r.papers if p in ix.papers}
    out = []
    for p, rid in pairs:
        r = repos[rid]
        host = clean_text(r.host)
        cols = (clean_text(p), clean_text(ix.papers[p].title or ""), clean_text(r.url), host, clean_text(r.kind))
        out.append((cols, ("", f"h|{host.lower()}"), rid))
    out.sort(key=lambda x: (x[0][0], x[0][2], x[2]))
    return [(cols, scopes) for cols, scopes, _ in out]


def _model_neighbourhood(ix: _Index) -> Iterable[Row]:
    out = []
    for r in ix.statements:
        for m, n, direction in ((r.source, r.target, "out"), (r.target, r.source, "in")):
            if not ix.typed(m, "Model", "Method"):
                continue
            neighbour = ix.label_of(n)
            if neighbour is None:
                continue
            cols = (direction, clean_text(r.type), neighbour[0], neighbour[1], int(r.support))
            out.append((cols, _key_scopes("k", ix.keys(m)), (clean_text(n), clean_text(m), clean_text(r.id))))
    out.sort(key=lambda x: (x[0][0], x[0][1], x[0][2], x[2][0], x[2][1], x[0][3], x[2][2]))
    return [(cols, scopes) for cols, scopes, _ in out]


def _statement_evidence(ix: _Index) -> Iterable[Row]:
    out = []
    # papers and extractors recur on every statement they support: clean each text, and make each Decimal, once
    cleaned = functools.lru_cache(maxsize=None)(clean_text)
    decimal = functools.lru_cache(maxsize=None)(lambda conf: Decimal(conf) if conf is not None else None)
    for r in ix.statements:
        s, o = ix.label_of(r.source), ix.label_of(r.target)
        if s is None or o is None:
            continue
        scopes = _key_scopes("t", ix.keys(r.target))
        st = IRI(ix.mint.statement(r.id))
        rtype, rid = clean_text(r.type), clean_text(r.id)
        seen: set[str] = set()
        for ev in r.evidence:
            conf = decimal_lexical(ev.confidence)
            e = ix.mint.evidence(ev.paper, ev.field, ev.start, ev.end, ev.extractor, conf)
            if e in seen or ev.paper not in ix.papers:
                continue
            seen.add(e)
            key = (s[0], rtype, o[0], cleaned(ev.paper), ev.start, ev.end, cleaned(ev.extractor), rid)
            out.append(((st, IRI(e), decimal(conf)), scopes, key))
    out.sort(key=lambda x: x[2])
    return [(cols, scopes) for cols, scopes, _ in out]


def _statement_evidence_scope(v: dict[str, Any]) -> str | None:
    if v.get("source") != "" or v.get("relation") != "":
        return None
    return _param_scope("t", v.get("target"))


_STATEMENT_EVIDENCE_JOINS = """
  ?st rdf:subject ?s ; rdf:object ?o ; mlkg:relationType ?predicate .
  ?ev prov:wasDerivedFrom ?p ; mlkg:field ?field ; nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?sentence ;
      prov:wasGeneratedBy ?x .
  ?x rdfs:label ?extractor .
  ?p dcterms:identifier ?paper .
  ?s rdfs:label ?subject .
  ?o rdfs:label ?object ."""


def _always(v: dict[str, Any]) -> str:
    return ""


SPECS: dict[str, Spec] = {
    "graph_counts": Spec(("kind", "type", "count"), _graph_counts, _always),
    "entity_aliases": Spec(("id", "type", "label", "alias"), _entity_aliases, _entity_aliases_scope),
    "leaderboard": Spec(("model", "dataset_name", "metric_name", "value", "unit", "paper"), _leaderboard,
                        _leaderboard_scope),
    "methods_for_task": Spec(("method", "task_name", "papers"), _methods_for_task,
                             lambda v: _param_scope("k", v.get("task"))),
    "metrics_per_task": Spec(("task_name", "metric", "papers"), _metrics_per_task,
                             lambda v: _param_scope("k", v.get("task"))),
    # the order starts with the paper count, so the rows with at least min_papers are a prefix of it
    "model_dataset_cooccurrence": Spec(
        ("model", "dataset", "papers"), _model_dataset_cooccurrence, _always,
        lambda v: f"FILTER(?papers >= {_term(v.get('min_papers', 1))})",
    ),
    "most_used_datasets": Spec(("dataset", "papers"), _most_used_datasets, lambda v: _param_scope("k", v.get("task"))),
    "models_on_dataset": Spec(("model", "type", "dataset_name", "support"), _models_on_dataset,
                              lambda v: _param_scope("k", v.get("dataset"))),
    "papers_proposing_models": Spec(("paper", "title", "name", "type"), _papers_proposing_models,
                                    lambda v: _lower_scope("t", v.get("entity_type"))),
    "papers_with_code": Spec(("paper", "title", "url", "host", "kind"), _papers_with_code,
                             lambda v: _lower_scope("h", v.get("code_host"))),
    "model_neighbourhood": Spec(("direction", "relation_type", "neighbour", "neighbour_type", "support"),
                                _model_neighbourhood, lambda v: _param_scope("k", v.get("model"))),
    # rows hold the statement and the evidence node (and the confidence, which the live query reads through an
    # OPTIONAL that makes Oxigraph hash every confidence triple); the page joins the rest from the default graph
    "statement_evidence": Spec(
        ("st", "ev", "confidence"), _statement_evidence, _statement_evidence_scope,
        select=("subject", "predicate", "object", "paper", "field", "begin", "end", "sentence", "extractor",
                "confidence"),
        joins=_STATEMENT_EVIDENCE_JOINS,
    ),
}


# -- writing ---------------------------------------------------------------------------------------------------
def _term(value: Any) -> str:
    from kg.rdf.sparql_text import param_term

    return param_term(value)


def _lex(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _literal(value: Any) -> str:
    if isinstance(value, IRI):
        return f"<{value}>"
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return f'"{value}"^^<{_XSD}integer>'
    if isinstance(value, Decimal):
        # the mapping's canonical lexical form, which Decimal(text) keeps digit for digit
        text = format(value, "f")
        return f'"{text if "." in text else text + ".0"}"^^<{_XSD}decimal>'
    return _lex(value)


def iter_pages(graph: KnowledgeGraph, base_iri: str | None = None, names: Iterable[str] | None = None, *,
               written: dict[str, list[str]] | None = None) -> Iterator[tuple[str, str, int, str]]:
    """The precomputed rows of ``graph``: ``(query, scope, index, terms)`` per row and scope it answers to, in
    order of query, then of the primary key ``(scope, index)``; ``terms`` are the SPARQL terms of the row's
    columns, ``UNDEF`` for an unbound optional one.

    Args:
        written: filled with the scopes written per query, for :func:`write_manifest`.
    """
    ix = _Index(graph, base_iri)
    for name in names if names is not None else SPECS:
        spec = SPECS[name]
        rows = list(spec.rows(ix))
        sizes = Counter(scope for _, scopes in rows for scope in scopes)
        least = MIN_SCOPE_ROWS.get(name, 0)
        keep = {scope for scope, n in sizes.items() if (name not in UNSCOPED_LIVE if scope == "" else n > least)}
        if written is not None:
            written[name] = sorted(keep)
        # Each kept scope's rows as positions in ``rows``, so the rows go out in primary-key order (scope, index),
        # which SQLite appends instead of inserting into the middle of its tree, without holding a tuple and a
        # text per (row, scope) for the whole query (about 1 GiB for statement_evidence at 100k abstracts).
        members: dict[str, list[int]] = defaultdict(list)
        for i, (_cols, scopes) in enumerate(rows):
            for scope in scopes:
                if scope in keep:
                    members[scope].append(i)
        for scope in sorted(members):
            for index, i in enumerate(members[scope]):
                yield name, scope, index, " ".join("UNDEF" if v is None else _literal(v) for v in rows[i][0])
        del rows, members


def write_pages(graph: KnowledgeGraph, path: str | os.PathLike[str], base_iri: str | None = None,
                names: Iterable[str] | None = None) -> tuple[int, dict[str, list[str]]]:
    """Write the page file ``path`` (which must not exist) with the precomputed rows of ``graph``.

    Returns:
        The number of stored rows, and the scopes written per query (for :func:`write_manifest`).
    """
    written: dict[str, list[str]] = {}
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        # a fresh file renamed into place when complete: a crash leaves a file nobody reads, so no journal
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("CREATE TABLE pages (query TEXT NOT NULL, scope TEXT NOT NULL, pos INTEGER NOT NULL, "
                    "terms TEXT NOT NULL, PRIMARY KEY (query, scope, pos)) WITHOUT ROWID")
        con.execute("BEGIN")
        cur = con.executemany("INSERT INTO pages VALUES (?, ?, ?, ?)",
                              iter_pages(graph, base_iri, names, written=written))
        n = cur.rowcount
        con.execute("COMMIT")
    finally:
        con.close()
    return n, written


def _page(build_dir: str | os.PathLike[str], name: str, scope: str, offset: int, limit: int) -> list[str] | None:
    """The terms of rows ``offset`` to ``offset + limit`` of one scope of a query, or None without a page file."""
    path = pages_path(build_dir)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return [t for (t,) in con.execute(
            "SELECT terms FROM pages WHERE query = ? AND scope = ? AND pos >= ? AND pos < ? ORDER BY pos",
            (name, scope, offset, offset + limit))]
    except sqlite3.Error as exc:
        log.warning("Cannot read %s (%s); the named query %s runs without its precomputed rows.", path, exc, name)
        return None
    finally:
        con.close()


def digest(text: str) -> str:
    """What precomputed rows answer for: this code's version and the text of the named query."""
    return hashlib.sha256(f"{VERSION}\n{text}".encode("utf-8")).hexdigest()


def manifest_path(build_dir: str | os.PathLike[str]) -> Path:
    return Path(build_dir) / MANIFEST


def write_manifest(build_dir: str | os.PathLike[str], written: dict[str, list[str]]) -> None:
    """Record which queries and scopes the store of ``build_dir`` holds rows for (``written`` of
    :func:`iter_nquads`)."""
    from kg.named_queries import get_named_query

    data = {"version": VERSION, "queries": {n: {"digest": digest(get_named_query(n, "sparql").text), "scopes": s}
                                            for n, s in written.items()}}
    path = manifest_path(build_dir)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def pages_path(build_dir: str | os.PathLike[str]) -> Path:
    return Path(build_dir) / PAGES


def remove_manifest(build_dir: str | os.PathLike[str]) -> None:
    try:
        manifest_path(build_dir).unlink()
    except FileNotFoundError:
        pass


_MANIFESTS: dict[Path, tuple[float, dict[str, tuple[str, frozenset[str]]]]] = {}


def _manifest(build_dir: str | os.PathLike[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """Per query, the digest and the scopes of the rows the store holds."""
    path = manifest_path(build_dir).resolve()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    cached = _MANIFESTS.get(path)
    if cached is None or cached[0] != stamp:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            queries = {n: (q["digest"], frozenset(q["scopes"]))
                       for n, q in (data.get("queries", {}) if data.get("version") == VERSION else {}).items()}
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            log.warning("Cannot read %s; the named queries run without their precomputed rows.", path)
            queries = {}
        cached = _MANIFESTS[path] = (stamp, dict(queries))
    return cached[1]


def plan(build_dir: str | os.PathLike[str], query: NamedQuery, values: dict[str, Any]) -> str | None:
    """The query answering the named SPARQL query ``query`` with bound ``values`` from precomputed rows, or None.

    None means: run the named query itself (the build has no rows for its current text or no readable page file,
    the parameters select rows the precomputation does not scope, or the page is larger than :data:`MAX_PAGE`).
    """
    name = query.name
    spec = SPECS.get(name)
    if spec is None:
        return None
    stored = _manifest(build_dir).get(name)
    if stored is None or stored[0] != digest(query.text):
        return None
    scope = spec.scope(values)
    if scope is None or scope not in stored[1]:
        # a lookup key of no row answers with nothing either way; the live query says so in milliseconds
        return None
    if "limit" in values:
        limit, offset = values["limit"], values.get("offset", 0)
        if not isinstance(limit, int) or not isinstance(offset, int) or not 0 <= limit <= MAX_PAGE or offset < 0:
            return None
    elif name == "graph_counts":  # not paged: papers, five entity types, the relation types and three more
        from kg.rdf.vocab import RELATION_PREDICATES

        limit, offset = 4 + len(_ENTITY_TYPES) + len(RELATION_PREDICATES), 0
    else:
        return None
    terms = _page(build_dir, name, scope, offset, limit)
    if terms is None:
        return None
    from kg.rdf.vocab import PREFIXES

    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) if spec.joins else ""
    cols = " ".join(f"?{c}" for c in spec.select or spec.columns)
    stored_cols = " ".join(f"?{c}" for c in spec.columns)
    rows = "\n    ".join(f"({offset + i} {t})" for i, t in enumerate(terms))
    return (
        f"{prefixes}SELECT {cols} WHERE {{\n"
        f"  VALUES (?kg_pos {stored_cols}) {{\n    {rows}\n  }}\n"
        f"{spec.joins}\n"
        f"  {spec.page_filter(values)}\n"
        f"}}\nORDER BY ?kg_pos\n"
    )
