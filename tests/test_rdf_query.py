"""SPARQL over the real pyoxigraph store: named queries, read-only refusals, no file or network access, parameters
that stay data, time limits, result formats and the ``kg sparql`` command."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import time
from pathlib import Path

import pytest

from kg.errors import QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.named_queries import list_named_queries
from kg.rdf import iter_triples, run_named_query, sparql, write_store
from kg.rdf.sparql_text import bind_params, check_read_only
from kg.rdf.synthetic import synthetic_graph

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def graph():
    return synthetic_graph(120, hostile=True, seed=11)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory, graph):
    d = tmp_path_factory.mktemp("rdf-query")
    write_store(graph, d)
    return d


@pytest.fixture()
def http_server():
    """A local HTTP server that records every request it gets (a query must never reach it)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(self.path)
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"FROM-NETWORK"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", hits
    srv.shutdown()


# -- named queries -----------------------------------------------------------------------------------
def test_at_least_twelve_named_queries_with_headers():
    queries = list_named_queries("sparql")
    names = {q.name for q in queries}
    required = {"most_used_datasets", "models_on_dataset", "leaderboard", "papers_proposing_models", "methods_for_task",
                "metrics_per_task", "model_dataset_cooccurrence", "entity_aliases", "papers_with_code",
                "statement_evidence", "model_neighbourhood", "void_summary", "graph_counts"}
    assert required <= names
    for q in queries:
        assert q.title and q.description and q.columns, q.name
        assert not set(q.params) & set(q.columns), f"{q.name}: a column reuses a parameter's variable"
        assert "ORDER BY" in q.text, f"{q.name} must order its rows deterministically"


def test_every_named_query_runs_with_defaults_and_returns_its_columns(build_dir):
    for q in list_named_queries("sparql"):
        res = run_named_query(build_dir, q.name)
        assert res.vars == q.columns, q.name
        assert len(res) > 0, f"{q.name} gave no rows with its defaults"
        for row in res.rows:  # plain values, so the Cypher twins can match
            assert all(v is None or isinstance(v, (str, int, float)) for v in row)
        assert all(t is None or t[0] == "literal" for row in res.terms for t in row), f"{q.name} returns IRIs"


def test_graph_counts_agree_with_model(build_dir, graph):
    rows = run_named_query(build_dir, "graph_counts").rows
    got = {(k, t): n for k, t, n in rows}
    stats = graph.stats()
    expected = {("papers", "Paper"): stats["papers"], ("results", "Result"): stats["results"],
                ("repositories", "Repository"): stats["repositories"], ("mentions", "Mention"): stats["mentions"]}
    expected.update({("entities", t): n for t, n in stats["entities"].items() if n})
    expected.update({("relations", t): n for t, n in stats["relations"].items() if n})
    assert got == expected


def test_most_used_datasets_matches_model(build_dir, graph):
    counts: dict[str, set[str]] = {}
    for r in graph.relations.values():
        if r.type == "EVALUATES_ON":
            counts.setdefault(r.target, set()).add(r.source)
    expected = sorted(((graph.entities[d].name, len(p)) for d, p in counts.items()), key=lambda x: (-x[1], x[0]))
    got = [tuple(r) for r in run_named_query(build_dir, "most_used_datasets").rows]
    assert [n for _, n in got] == [n for _, n in expected]
    assert sorted(got) == sorted((clean(n), c) for n, c in expected)


def clean(s: str) -> str:
    from kg.rdf.mapping import clean_text

    return clean_text(s)


def test_alias_parameters_match_case_insensitively(build_dir, graph):
    imagenet = next(e for e in graph.entities.values() if e.name == "ImageNet")
    by_name = run_named_query(build_dir, "models_on_dataset", {"dataset": "ImageNet"}).rows
    by_alias = run_named_query(build_dir, "models_on_dataset", {"dataset": "imagenet V0"}).rows
    by_id = run_named_query(build_dir, "models_on_dataset", {"dataset": imagenet.id.upper()}).rows
    assert by_name and by_name == by_alias == by_id
    expected = {(graph.entities[r.source].name, r.support) for r in graph.relations.values()
                if r.type == "EVALUATED_ON" and r.target == imagenet.id}
    assert {(clean(m), s) for m, _, _, s in by_name} == {(clean(m), s) for m, s in expected}
    assert run_named_query(build_dir, "models_on_dataset", {"dataset": "no such dataset"}).rows == []


def test_statement_evidence_lists_supporting_papers(build_dir, graph):
    res = run_named_query(build_dir, "statement_evidence", {"target": "ImageNet", "relation": "evaluates_on"})
    imagenet = next(e.id for e in graph.entities.values() if e.name == "ImageNet")
    expected = sorted({ev.paper for r in graph.relations.values() if r.type == "EVALUATES_ON" and r.target == imagenet
                       for ev in r.evidence})
    assert sorted({row["paper"] for row in res.dicts()}) == expected
    assert all(row["predicate"] == "EVALUATES_ON" and isinstance(row["begin"], int) for row in res.dicts())


def test_named_queries_page_their_rows(build_dir):
    whole = run_named_query(build_dir, "leaderboard", {"limit": 10**6}).rows
    assert len(whole) > 100, "the graph must give more than one default page"
    assert run_named_query(build_dir, "leaderboard").rows == whole[:100], "default: the first 100 rows"
    pages = [run_named_query(build_dir, "leaderboard", {"limit": "40", "offset": str(o)}).rows
             for o in range(0, len(whole) + 40, 40)]  # CLI-style string values are coerced
    assert [r for page in pages for r in page] == whole and pages[-1] == []


@pytest.mark.parametrize("bad", ["1 } DROP ALL", "-1", -5, True, 2.5, "1e3", None.__class__.__name__])
def test_paging_values_must_be_non_negative_integers(build_dir, bad):
    with pytest.raises(QueryError, match="non-negative integer"):
        run_named_query(build_dir, "leaderboard", {"limit": bad})
    with pytest.raises(QueryError, match="non-negative integer"):
        sparql(build_dir, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", {"offset": bad})


def test_paging_sets_only_the_outer_modifiers():
    q = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 7 } } ORDER BY ?s LIMIT 100 OFFSET 0 # LIMIT 9"
    out = bind_params(q, {"limit": 5, "offset": 10})
    assert out == q.replace("LIMIT 100 OFFSET 0", "LIMIT 5 OFFSET 10")
    assert bind_params("SELECT ?s WHERE { ?s ?p ?o } # no limit", {"limit": 3}).endswith("\nLIMIT 3")
    # a query with a ?limit variable binds it as a term, as any other parameter
    assert "VALUES (?limit)" in bind_params("SELECT ?s WHERE { ?s ?p ?limit }", {"limit": 3})


def test_unknown_named_query_and_parameter(build_dir):
    with pytest.raises(QueryError, match="most_used_datasets"):
        run_named_query(build_dir, "nope")
    with pytest.raises(QueryError, match="task"):
        run_named_query(build_dir, "most_used_datasets", {"bogus": "x"})


# -- parameters stay data ------------------------------------------------------------------------------
@pytest.mark.parametrize("evil", [
    '" } ; DROP ALL ; SELECT * { ?s ?p ?o } #',
    "') } UNION { ?s ?p ?o } #",
    '"""\n} INSERT DATA { <http://e> <http://e> <http://e> } #',
    "\\\" ) } #", "<http://evil/>", "?s", "\x00\ud800 ImageNet",
])
def test_parameter_injection_stays_data(build_dir, evil):
    before = sparql(build_dir, COUNT_ALL).rows
    res = sparql(build_dir, "SELECT ?x WHERE { BIND(STR(?v) AS ?x) }", {"v": evil})
    assert len(res.rows) == 1
    assert res.rows[0][0] == clean(evil)
    assert run_named_query(build_dir, "most_used_datasets", {"task": evil}).rows == []
    assert sparql(build_dir, COUNT_ALL).rows == before


def test_parameter_types_and_errors(build_dir):
    res = sparql(build_dir, "SELECT ?a ?b ?c ?d WHERE { BIND(?w AS ?a) BIND(?x AS ?b) BIND(?y AS ?c) BIND(?z AS ?d) }",
                 {"w": 3, "x": 2.5, "y": True, "z": "s"})
    assert res.rows == [[3, 2.5, True, "s"]]
    with pytest.raises(QueryError, match="no variable"):
        sparql(build_dir, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"nothere": 1})
    with pytest.raises(QueryError, match="not a valid parameter name"):
        sparql(build_dir, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"a b": 1})


def test_bind_params_handles_subselect_and_construct():
    q = bind_params("SELECT * WHERE { SELECT ?x WHERE { ?x ?p ?v } }", {"v": "a"})
    assert 'VALUES (?v) { ("a") }' in q and q.count("{") == q.count("}")
    q = bind_params("CONSTRUCT { ?s ?p ?v } WHERE { ?s ?p ?v }", {"v": 1})
    assert q.index("VALUES") > q.index("WHERE")
    q = bind_params('SELECT * WHERE { ?s ?p "{ WHERE" . # { comment\n ?s ?q ?v }', {"v": 1})
    assert q.index("VALUES") < q.index('"{ WHERE"')


# -- read-only ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://ex/>\n# a comment\nDELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL", "DROP ALL", "CREATE GRAPH <http://g>", "COPY DEFAULT TO <http://g>", "MOVE DEFAULT TO <http://g>",
    "ADD DEFAULT TO <http://g>", "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "  insert data { <http://a> <http://b> <http://c> }",
])
def test_updates_are_refused(build_dir, update):
    before = sparql(build_dir, COUNT_ALL).rows
    with pytest.raises(QueryRefusedError, match="allow-update"):
        sparql(build_dir, update)
    assert sparql(build_dir, COUNT_ALL).rows == before


def test_keywords_inside_strings_iris_and_comments_are_not_refused(build_dir):
    q = ('SELECT ?x WHERE { BIND("INSERT SERVICE DROP" AS ?x) } # SERVICE <http://x> { }\n')
    assert sparql(build_dir, q).rows == [["INSERT SERVICE DROP"]]
    assert check_read_only("SELECT * WHERE { <http://x/SERVICE> ?p ?o }") == "SELECT"


def test_service_is_refused_and_never_called(build_dir, http_server):
    url, hits = http_server
    for q in (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ ?a ?b ?c FILTER(?c<1)SERVICE<{url}/x>{{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ ?a ?b true.SERVICE <{url}/x> {{ ?s ?p ?o }} }}",
              f"PREFIX service: <http://x/> SELECT * WHERE {{ ?a ?b service:x . SeRvIcE <{url}/y> {{ ?s ?p ?o }} }}"):
        with pytest.raises(QueryRefusedError, match="SERVICE"):
            sparql(build_dir, q)
    assert hits == []


def test_from_never_reads_files_or_network(build_dir, tmp_path, http_server):
    url, hits = http_server
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://ex/secret> <http://ex/p> "SECRET" .\n', encoding="utf-8")
    for q in (f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
              f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
              f"SELECT * FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
              f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        res = sparql(build_dir, q)
        assert res.rows == []
    assert hits == []


def test_allow_update_writes(tmp_path):
    write_store(synthetic_graph(5, seed=4), tmp_path)
    n0 = sparql(tmp_path, COUNT_ALL).rows[0][0]
    sparql(tmp_path, "INSERT DATA { <http://a> <http://b> <http://c> }", allow_update=True)
    assert sparql(tmp_path, COUNT_ALL).rows[0][0] == n0 + 1
    assert sparql(tmp_path, COUNT_ALL, timeout=None).rows[0][0] == n0 + 1


# -- time limit ---------------------------------------------------------------------------------------
def test_timeout_stops_the_query_and_store_stays_usable(build_dir):
    from kg.rdf.query import _WORKERS

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    sparql(build_dir, "ASK { ?s ?p ?o }")  # warm worker, so the limit measures the query only
    worker = next(w for w in _WORKERS.values() if w.path == build_dir / "rdf")
    t0 = time.perf_counter()
    with pytest.raises(QueryTimeoutError, match="time limit"):
        sparql(build_dir, slow, timeout=0.5)
    assert time.perf_counter() - t0 < 5
    assert not worker.alive(), "the worker running the query must be stopped"
    assert sparql(build_dir, "ASK { ?s ?p ?o }").boolean is True


# -- results -----------------------------------------------------------------------------------------
def test_result_forms_and_formats(build_dir, graph):
    res = sparql(build_dir, "SELECT ?p ?t WHERE { ?p a mlkg:Paper ; dcterms:title ?t } ORDER BY ?p")
    assert len(res) == len(graph.papers)
    w3c = res.to_w3c_json()
    assert w3c["head"]["vars"] == ["p", "t"]
    assert w3c["results"]["bindings"][0]["p"]["type"] == "uri"
    titles = {b["t"]["value"] for b in w3c["results"]["bindings"]}
    assert titles == {clean(p.title) for p in graph.papers.values()}
    rows = list(csv.reader(io.StringIO(res.to_csv(), newline="")))
    assert rows[0] == ["p", "t"] and {r[1] for r in rows[1:]} == titles
    tsv = res.to_tsv().split("\n")
    assert tsv[0] == "?p\t?t" and len([l for l in tsv[1:] if l]) == len(graph.papers), "newlines must stay escaped"
    import xml.dom.minidom

    xml.dom.minidom.parseString(res.to_xml().encode("utf-8"))
    assert "\x1b" not in res.to_table()
    ask = sparql(build_dir, "ASK { ?s a mlkg:Paper }")
    assert ask.kind == "ask" and ask.boolean is True and ask.to_w3c_json() == {"head": {}, "boolean": True}
    con = sparql(build_dir, "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }")
    assert con.kind == "graph" and len(con) == len(graph.papers) + 1  # + the VoID title
    assert b"dcterms" in con.to_rdf("turtle") or b"purl.org/dc/terms/title" in con.to_rdf("turtle")
    desc = sparql(build_dir, "DESCRIBE ?p WHERE { ?p a mlkg:Paper } LIMIT 1")
    assert desc.kind == "graph" and len(desc) > 5


def test_max_rows_truncates(build_dir):
    res = sparql(build_dir, "SELECT * WHERE { ?s ?p ?o }", max_rows=7)
    assert len(res) == 7 and res.truncated


def test_malformed_query_and_missing_store(build_dir, tmp_path):
    with pytest.raises(QueryError, match="malformed"):
        sparql(build_dir, "SELECT * WHERE { ?s ?p ")
    with pytest.raises(QueryError, match="not a SPARQL query"):
        sparql(build_dir, "HELLO")
    with pytest.raises(StoreError, match="no SPARQL store"):
        sparql(tmp_path, COUNT_ALL)


# -- CLI --------------------------------------------------------------------------------------------------
def test_cli(build_dir, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["sparql", "--list"])
    assert r.exit_code == 0 and "most_used_datasets" in r.stdout and "graph_counts" in r.stdout
    r = runner.invoke(app, ["sparql", str(build_dir), "--name", "most_used_datasets", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["head"]["vars"] == ["dataset", "papers"] and data["results"]["bindings"]
    r = runner.invoke(app, ["sparql", str(build_dir), "--name", "model_dataset_cooccurrence", "--param", "min_papers=1000000"])
    assert r.exit_code == 0 and "(0 rows)" in r.stdout
    qf = tmp_path / "q.rq"
    qf.write_text("SELECT ?x WHERE { BIND(?v AS ?x) }", encoding="utf-8")
    r = runner.invoke(app, ["sparql", str(build_dir), "--file", str(qf), "-p", "v=a,b", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines() == ["x", "a,b"] or r.stdout.splitlines() == ["x", '"a,b"']
    r = runner.invoke(app, ["sparql", str(build_dir), "DROP ALL"])
    assert r.exit_code == 1 and "refused" in r.output
    r = runner.invoke(app, ["sparql", str(build_dir), "ASK { ?s ?p ?o }", "--format", "tsv"])
    assert r.exit_code == 0 and r.stdout.split() == ["?boolean", "true"]


def test_string_parameters_also_bind_their_lookup_key():
    q = bind_params("SELECT * WHERE { ?d <http://x/k> ?dataset_key }", {"dataset": "ImageNet \u200d"})
    assert '?dataset_key' in q and '"imagenet \u200d"' in q and "?dataset " not in q.split("WHERE")[1].split("}")[0]
    with pytest.raises(QueryError, match="no variable"):
        bind_params("SELECT * WHERE { ?d ?p ?o }", {"dataset": "x"})


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_chunked_loads_side_by_side_make_the_store_one_load_makes(tmp_path, graph, threads):
    """Loads of many small chunks at once (as kg build --workers N does with big ones) lose and add nothing."""
    from pyoxigraph import RdfFormat, Store, parse

    from kg.rdf.mapping import iter_ntriples_text
    from kg.rdf.store import _bulk_load

    lines = list(iter_ntriples_text(graph, None))
    store = Store(str(tmp_path / "chunked"))
    consumed = []
    it = iter(lines)
    n, seen = _bulk_load(store, it, threads, chunk=37, meanwhile=lambda: consumed.extend(it) or "done")
    assert n == len(lines) and seen == "done" and consumed == []  # meanwhile runs once every line is handed on
    expected = {q.triple for q in parse("".join(lines).encode(), RdfFormat.N_TRIPLES)}
    assert len(lines) > 37 * 10 and len(expected) == len(lines)
    assert {q.triple for q in store} == expected


def test_a_chunk_that_fails_to_load_stops_the_store(tmp_path, graph):
    from pyoxigraph import Store

    from kg.rdf.mapping import iter_ntriples_text
    from kg.rdf.store import _bulk_load

    lines = list(iter_ntriples_text(graph, None))
    lines.insert(500, "<not an n-triples line\n")
    with pytest.raises(SyntaxError):
        _bulk_load(Store(str(tmp_path / "broken")), iter(lines), 2, chunk=37)


def test_write_store_with_threads_holds_the_same_triples(tmp_path, graph):
    write_store(graph, tmp_path / "one")
    write_store(graph, tmp_path / "two", threads=2)
    from pyoxigraph import DefaultGraph

    # every quad: the default graph holds the mapping's triples and nothing else is stored
    one = {(q.triple, str(q.graph_name)) for q in open_store_for_test(tmp_path / "one")}
    two = {(q.triple, str(q.graph_name)) for q in open_store_for_test(tmp_path / "two")}
    default = str(DefaultGraph())
    assert one == two and all(g == default for _, g in one) and len(one) == sum(1 for _ in iter_triples(graph))
    # and the same precomputed pages
    import sqlite3

    from kg.rdf.precomputed import pages_path

    def pages(d):
        with sqlite3.connect(pages_path(d)) as con:
            return con.execute("SELECT * FROM pages ORDER BY query, scope, pos").fetchall()

    assert pages(tmp_path / "one") == pages(tmp_path / "two") and pages(tmp_path / "one")


def open_store_for_test(build_dir):
    from kg.rdf.store import open_store

    return open_store(build_dir)


def test_a_compacted_store_holds_the_same_triples_and_answers_alike(tmp_path, graph):
    write_store(graph, tmp_path / "plain")
    write_store(graph, tmp_path / "compact", compact=True)
    plain = {q.triple for q in open_store_for_test(tmp_path / "plain")}
    assert plain and plain == {q.triple for q in open_store_for_test(tmp_path / "compact")}
    from kg.rdf import run_named_query

    for build_dir in (tmp_path / "plain", tmp_path / "compact"):
        from kg.graph.io import save_graph

        save_graph(graph, build_dir)
    a = run_named_query(tmp_path / "plain", "graph_counts", timeout=None)
    b = run_named_query(tmp_path / "compact", "graph_counts", timeout=None)
    assert a.rows == b.rows and a.rows
