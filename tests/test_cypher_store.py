"""The embedded Cypher store (real LadybugDB): schema, COPY load, atomic rebuild, read-only queries, renderers, CLI."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import ladybug
import pytest
from typer.testing import CliRunner

from kg.cypher import cypher, cypher_with_columns, db_path, render_csv, render_json, write_store
from kg.cypher.schema import ddl_text, NODE_TABLES, STORE_NODE_TABLES
from kg.cypher.store import _database, check_read_only, close_all
from kg.cypher.synthetic import HOSTILE_STRINGS, synthetic_graph
from kg.errors import BuildDirError, QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.graph.io import save_graph
from kg.graph.model import ENTITY_TYPES, Relation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def graph():
    return synthetic_graph(120, seed=3, hostile=True)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, graph) -> Path:
    out = tmp_path_factory.mktemp("cypher-store")
    save_graph(graph, out)
    write_store(graph, out)
    return out


def test_schema_file_is_generated_from_the_declaration_and_runs(tmp_path):
    text = (ROOT / "schemas" / "cypher" / "schema.cypher").read_text(encoding="utf-8")
    assert text == ddl_text(), "schemas/cypher/schema.cypher is stale: regenerate it from kg.cypher.schema.ddl_text()"
    db = ladybug.Database(str(tmp_path / "x.lbug"))
    conn = ladybug.Connection(db)
    body = "\n".join(l for l in text.splitlines() if not l.startswith("//"))
    for stmt in filter(str.strip, body.split(";")):
        conn.execute(stmt)
    tables = {row[1]: row[2] for row in conn.execute("CALL show_tables() RETURN *").get_all()}
    assert {t for t, kind in tables.items() if kind == "NODE"} == set(NODE_TABLES) | set(STORE_NODE_TABLES)
    assert {"PROPOSES", "CO_MENTIONED", "HAS_CODE", "MENTIONS", "HAS_RESULT", "ON_DATASET"} <= set(tables)
    conn.close()
    db.close()


def test_counts_agree_with_the_graph_model(store_dir, graph):
    stats = graph.stats()
    assert cypher(store_dir, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == stats["papers"]
    for t in ENTITY_TYPES:
        assert cypher(store_dir, f"MATCH (e:{t}) RETURN count(e) AS n")[0]["n"] == stats["entities"][t]
    for rtype, n in stats["relations"].items():
        assert cypher(store_dir, f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS n")[0]["n"] == n, rtype
    assert cypher(store_dir, "MATCH (r:Result) RETURN count(r) AS n")[0]["n"] == stats["results"]
    assert cypher(store_dir, "MATCH (r:Repository) RETURN count(r) AS n")[0]["n"] == stats["repositories"]
    mentions = Counter((m.paper, m.entity) for m in graph.mentions if m.entity)
    rows = cypher(store_dir, "MATCH (p:Paper)-[m:MENTIONS]->(e) RETURN p.id AS p, e.id AS e, m.count AS n")
    assert {(r["p"], r["e"]): r["n"] for r in rows} == dict(mentions)


def test_relation_properties_and_endpoints_round_trip(store_dir, graph):
    rows = cypher(
        store_dir,
        "MATCH (a)-[r]->(b) WHERE r.id IS NOT NULL RETURN r.id AS id, label(r) AS type, a.id AS s, b.id AS t, "
        "r.support AS support, r.confidence AS conf, r.sentences AS sentences, r.evidence AS evidence",
    )
    assert len(rows) == len(graph.relations)
    for row in rows:
        rel: Relation = graph.relations[row["id"]]
        assert (row["type"], row["s"], row["t"]) == (rel.type, rel.source, rel.target)
        assert row["support"] == rel.support and row["conf"] == pytest.approx(rel.confidence)
        assert row["sentences"] == [e.sentence for e in rel.evidence]
        assert [(e["paper"], e["field"], e["start_offset"], e["end_offset"], e["sentence"], e["extractor"])
                for e in row["evidence"]] == [(e.paper, e.field, e.start, e.end, e.sentence, e.extractor)
                                              for e in rel.evidence]


def test_hostile_text_round_trips_and_parameters_stay_data(store_dir, graph):
    titles = {p.id: p.title for p in graph.papers.values()}
    for text in HOSTILE_STRINGS:
        ids = sorted(pid for pid, t in titles.items() if t == text)
        assert ids, "the synthetic graph should hold every hostile string"
        rows = cypher(store_dir, "MATCH (p:Paper) WHERE p.title = $t RETURN p.id AS id, p.title AS title", {"t": text})
        assert sorted(r["id"] for r in rows) == ids
        assert all(r["title"] == text for r in rows)
    names = cypher(store_dir, "MATCH (e:Model) RETURN e.id AS id, e.name AS name, e.aliases AS aliases")
    for r in names:
        assert r["name"] == graph.entities[r["id"]].name and r["aliases"] == graph.entities[r["id"]].aliases


def test_rebuild_replaces_the_store_and_a_failed_build_keeps_the_old_one(tmp_path, graph):
    small = synthetic_graph(10, seed=1)
    write_store(small, tmp_path)
    assert cypher(tmp_path, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 10
    path = write_store(graph, tmp_path)
    assert path == db_path(tmp_path)
    assert cypher(tmp_path, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(graph.papers)
    broken = synthetic_graph(5, seed=2)
    next(iter(broken.entities.values())).type = "Gadget"
    with pytest.raises(StoreError, match="Gadget"):
        write_store(broken, tmp_path)
    assert cypher(tmp_path, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(graph.papers)
    assert sorted(p.name for p in (tmp_path / "cypher").iterdir()) == ["graph.lbug"]  # no temporary left behind
    close_all()


def test_relations_that_cannot_be_placed_are_left_out_with_a_warning(tmp_path, caplog):
    from kg.cypher.view import property_graph

    g = synthetic_graph(6, seed=2)
    bad = Relation(id="rel:bad", type="PROPOSES", source="arxiv:nope", target=next(iter(g.entities)))
    g.relations[bad.id] = bad
    with pytest.raises(StoreError, match="arxiv:nope"):
        property_graph(g, strict=True)
    with caplog.at_level("WARNING"):
        write_store(g, tmp_path)
    assert "rel:bad" in caplog.text and "arxiv:nope" in caplog.text
    assert cypher(tmp_path, "MATCH ()-[r:PROPOSES]->() RETURN count(r) AS n")[0]["n"] == sum(
        1 for r in g.relations.values() if r.type == "PROPOSES") - 1
    close_all()


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (p:Paper {id: 'x'})",
        "MATCH (p:Paper) SET p.title = 'x'",
        "match (p:Paper) detach delete p",
        "MATCH (p:Paper) WITH p MERGE (q:Paper {id: p.id + 'x'})",
        "MATCH (p:Paper) REMOVE p.title",
        "DROP TABLE Paper",
        "COPY Paper FROM '/etc/passwd'",
        "LOAD FROM '/etc/passwd' RETURN *",
        "INSTALL httpfs",
        "ATTACH 'x.lbug' AS other",
        "CALL threads=1",
        "CALL create_fts_index('Paper', 'idx', ['title'])",
        "MATCH (p) RETURN p /* comment */ ; CREATE (q:Paper {id: 'y'})",
        "COPY (MATCH (p:Paper) RETURN p.id) TO '/tmp/out.csv'",
    ],
)
def test_writing_queries_are_refused(store_dir, query):
    with pytest.raises(QueryRefusedError, match="allow"):
        cypher(store_dir, query)


def test_keywords_inside_strings_labels_and_properties_are_not_refused(store_dir):
    q = (
        "MATCH (p:Paper) WHERE p.title <> 'CREATE (x) SET x.a = 1 // DELETE' AND p.id <> \"MERGE\" "
        "// a comment saying DROP TABLE Paper\n"
        "RETURN count(*) AS n"
    )
    rows = cypher(store_dir, q)
    assert rows[0]["n"] > 0
    assert cypher(store_dir, "CALL show_tables() RETURN count(*) AS n")[0]["n"] >= len(NODE_TABLES)


def test_read_only_is_enforced_by_the_engine_too(store_dir):
    db = _database(db_path(store_dir), read_only=True)
    conn = ladybug.Connection(db)
    with pytest.raises(RuntimeError, match="read-only"):
        conn.execute("CREATE (p:Paper {id: 'sneaky'})")
    conn.close()
    assert cypher(store_dir, "MATCH (p:Paper {id: 'sneaky'}) RETURN count(p) AS n")[0]["n"] == 0


def test_allow_write_writes(tmp_path):
    write_store(synthetic_graph(5, seed=4), tmp_path)
    cypher(tmp_path, "CREATE (p:Paper {id: $id, title: $t})", {"id": "new:1", "t": "x'y"}, allow_write=True)
    assert cypher(tmp_path, "MATCH (p:Paper {id: 'new:1'}) RETURN p.title AS t") == [{"t": "x'y"}]
    close_all()


def test_errors_are_clear(store_dir, tmp_path):
    with pytest.raises(BuildDirError, match="kg build"):
        cypher(tmp_path, "MATCH (n) RETURN n")
    with pytest.raises(QueryError, match="failed"):
        cypher(store_dir, "MATCH (p:Paper) RETURN p.no_such_property")
    with pytest.raises(QueryTimeoutError):
        cypher(
            store_dir,
            "MATCH (a:Paper), (b:Paper), (c:Paper), (e:Paper) WHERE a.title + b.title < c.title + e.title RETURN count(*)",
            timeout=0.2,
        )


def test_check_read_only_accepts_plain_reads():
    check_read_only("MATCH (p:Paper)-[:PROPOSES]->(m:Model) WHERE m.name CONTAINS $q RETURN p, m.setting LIMIT 5")
    check_read_only("MATCH (p:Creator) RETURN p.delete, $set")
    check_read_only("MATCH (p:Paper {id: $id}) RETURN {set: 1, create: 2} AS m")


def test_renderers_round_trip(store_dir):
    cols, rows = cypher_with_columns(
        store_dir, "MATCH (p:Paper) RETURN p.id AS id, p.title AS title, p.authors AS authors, p.year AS year ORDER BY id"
    )
    assert cols == ["id", "title", "authors", "year"]
    assert json.loads(render_json(rows, cols)) == rows
    parsed = list(csv.reader(io.StringIO(render_csv(rows, cols), newline="")))
    assert parsed[0] == cols
    assert [r[1] for r in parsed[1:]] == [r["title"] for r in rows]  # newlines, quotes, 10k chars survive
    assert [json.loads(r[2]) for r in parsed[1:]] == [r["authors"] for r in rows]
    cols, rows = cypher_with_columns(store_dir, "MATCH (p:Paper) WHERE p.id = 'none' RETURN p.id AS id")
    assert render_csv(rows, cols).splitlines() == ["id"] and json.loads(render_json(rows, cols)) == []


def test_cli(store_dir):
    from kg.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["cypher", str(store_dir), "MATCH (p:Paper) WHERE p.title = $t RETURN p.id AS id",
                              "--param", f"t={HOSTILE_STRINGS[1]}", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) and all(set(r) == {"id"} for r in json.loads(res.stdout))
    res = runner.invoke(app, ["cypher", str(store_dir), "MATCH (p:Paper) RETURN p.id AS id LIMIT $n", "-p", "n=2", "-f", "csv"])
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
    res = runner.invoke(app, ["cypher", str(store_dir), "MATCH (p:Paper) DETACH DELETE p"])
    assert res.exit_code == 1 and "--allow-write" in res.output
    assert cypher(store_dir, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] > 0


def test_schema_readme_examples_run(store_dir):
    text = (ROOT / "schemas" / "cypher" / "README.md").read_text(encoding="utf-8")
    block = text.split("```cypher", 1)[1].split("```", 1)[0]
    body = "\n".join(l for l in block.splitlines() if not l.lstrip().startswith("//"))
    queries = [q for q in body.split(";") if q.strip()]
    assert len(queries) >= 4
    params = {"name": "DA1", "dataset": "dataset:dataset-1", "metric": "metric:metric-1", "model": "model:model-1"}
    for q in queries:
        cypher(store_dir, q, params)  # raises QueryError if the example does not run
    assert cypher(store_dir, queries[-1], params), "the evidence example finds USES statements"


def test_cli_file_name_list_and_usage_errors(store_dir, tmp_path):
    from kg.cli import app

    runner = CliRunner()
    qfile = tmp_path / "q.cypher"
    qfile.write_text("MATCH (p:Paper) WHERE p.id = $id RETURN p.title AS title", encoding="utf-8")
    pid = cypher(store_dir, "MATCH (p:Paper) RETURN p.id AS id ORDER BY id LIMIT 1")[0]["id"]
    res = runner.invoke(app, ["cypher", str(store_dir), "--file", str(qfile), "-p", f"id={pid}", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)) == 1
    res = runner.invoke(app, ["cypher", str(store_dir), "--name", "graph_counts", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert {"kind": "papers", "type": "Paper", "count": 120} in json.loads(res.stdout)
    res = runner.invoke(app, ["cypher", "--list", "-f", "json"])
    assert res.exit_code == 0 and "leaderboard" in {q["name"] for q in json.loads(res.stdout)}
    res = runner.invoke(app, ["cypher", str(store_dir), "MATCH (n) RETURN n", "--name", "graph_counts"])
    assert res.exit_code == 1 and "exactly one" in res.output
    res = runner.invoke(app, ["cypher", str(store_dir), "--name", "no_such_query"])
    assert res.exit_code == 1 and "graph_counts" in res.output  # the message lists the valid names


def test_concurrent_readers_survive_a_rebuild(tmp_path):
    import threading

    write_store(synthetic_graph(50, seed=1), tmp_path)
    errors: list[str] = []
    seen: set[int] = set()

    def reader() -> None:
        for _ in range(15):
            try:
                seen.add(cypher(tmp_path, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"])
            except Exception as exc:  # any failure is the test's finding
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    write_store(synthetic_graph(80, seed=2), tmp_path)
    for t in threads:
        t.join()
    assert not errors
    assert seen <= {50, 80}
    assert cypher(tmp_path, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 80
    close_all()


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"x": [1, "x"]}, r"\$x is a list mixing a number and a string"),
        ({"x": ["a", 1]}, r"\$x is a list mixing a string and a number"),
        ({"x": [[1], ["a"]]}, r"\$x is a list mixing"),
        ({"x": {"k": [True, 1]}}, r"\$x\.k is a list mixing a boolean and a number"),
        ({"x": 2**70}, r"\$x is 1180591620717411303424, outside the 64-bit integer range"),
        ({"x": (1, 2)}, r"\$x is a tuple"),
    ],
)
def test_parameters_the_engine_cannot_take_are_a_clear_query_error(store_dir, params, fragment):
    with pytest.raises(QueryError, match=fragment):
        cypher(store_dir, "RETURN $x AS x", params)


def test_parameters_of_one_type_still_work(store_dir):
    assert cypher(store_dir, "RETURN $x AS x, $y AS y", {"x": [1, 2.5, None], "y": [{"a": 1}, {"a": None}]}) == [
        {"x": [1.0, 2.5, None], "y": [{"a": 1}, {"a": None}]}
    ]


@pytest.mark.parametrize(
    "query, params",
    [
        ("UNWIND range(1, 3e9) AS i RETURN count(i) AS n", {}),
        ("UNWIND range(1, $n) AS i RETURN count(i) AS n", {"n": 3_000_000_000}),
        ("RETURN size(range(-5, 10 ^ 12, 2)) AS n", {}),
        ("RETURN size(range(0, 2 * $n)) AS n // range(1, 2)", {"n": 10**8}),
    ],
)
def test_huge_literal_ranges_are_refused_before_the_engine_allocates_them(store_dir, query, params):
    with pytest.raises(QueryRefusedError, match=r"range\(\) for [\d,]+ values, more than the 10,000,000"):
        cypher(store_dir, query, params)


def test_small_and_data_bound_ranges_run(store_dir):
    assert cypher(store_dir, "UNWIND range(1, 1000) AS i RETURN count(i) AS n") == [{"n": 1000}]
    # 'range(1, 1e12)' inside a string is data, not a call
    assert cypher(store_dir, "RETURN 'range(1, 1e12)' AS s") == [{"s": "range(1, 1e12)"}]
    rows = cypher(store_dir, "MATCH (p:Paper) UNWIND range(0, size(p.authors)) AS i RETURN count(*) AS n")
    assert rows[0]["n"] > 0


def test_row_limit_stops_the_engine_not_only_the_reader(store_dir):
    # 10^14 rows: without the LIMIT pushed into the query the engine would fill memory until the timeout
    q = "UNWIND range(1, 10000000) AS a UNWIND range(1, 10000000) AS b RETURN a, b"
    rows = cypher(store_dir, q, max_rows=5, timeout=20)
    assert len(rows) == 5
    # a UNION query keeps its meaning (no LIMIT appended) and is still cut by the reader
    rows = cypher(store_dir, "UNWIND range(1, 10) AS i RETURN i UNION ALL UNWIND range(1, 10) AS i RETURN i",
                  max_rows=3)
    assert len(rows) == 3


def test_with_row_limit_only_appends_where_it_keeps_the_meaning():
    from kg.cypher.guards import with_row_limit

    assert with_row_limit("MATCH (n) RETURN n", 7).endswith("LIMIT 7")
    assert with_row_limit("MATCH (n) RETURN n // trailing comment", 7).endswith("\nLIMIT 7")
    for q in ("MATCH (n) RETURN n LIMIT 3", "RETURN 1 UNION RETURN 2", "MATCH (n) RETURN n;",
              "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) RETURN m }", "MATCH (n) WITH n SKIP 1 MATCH (m) WHERE m = n"):
        assert with_row_limit(q, 7) == q


@pytest.mark.parametrize(
    ("table", "live"),
    [
        ("AGG_METHOD_TASK", "MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:USES|:PROPOSES]->(x:Method)"),
        ("AGG_METRIC_TASK", "MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:REPORTS]->(x:Metric)"),
        ("AGG_MODEL_DATASET", "MATCH (t:Dataset)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(x:Model)"),
    ],
)
@pytest.mark.parametrize("which", ["store_dir", "popular_store_dir"])
def test_aggregate_pair_counts_equal_the_live_distinct_paper_counts(request, which, table, live):
    """The precomputed pair tables the ranking queries read hold exactly what counting in the store gives."""
    store_dir = request.getfixturevalue(which)
    got = cypher(store_dir, f"MATCH (x)-[a:{table}]->(t) RETURN x.id AS xid, t.id AS tid, a.papers AS n ORDER BY xid, tid")
    want = cypher(store_dir, f"{live} RETURN x.id AS xid, t.id AS tid, count(DISTINCT p.id) AS n ORDER BY xid, tid")
    assert want and got == want


def test_aggregates_stay_out_of_the_exported_property_graph(graph):
    from kg.cypher.schema import REL_TABLES
    from kg.cypher.view import property_graph

    pg = property_graph(graph)
    assert {t for t, r in REL_TABLES.items() if r.store_only} == {
        "AGG_METHOD_TASK", "AGG_METRIC_TASK", "AGG_MODEL_DATASET", "AGG_PAPER_CODE", "AGG_LEADERBOARD",
        "AGG_NEIGHBOURHOOD"}
    assert not any(REL_TABLES[rtype].store_only for rtype, _, _ in pg.edges)
    assert not set(STORE_NODE_TABLES) & set(NODE_TABLES) and not set(STORE_NODE_TABLES) & set(pg.nodes)
    store_props = {n for r in REL_TABLES.values() for n, _ in r.store_props}
    assert store_props == {"evidence_ranks"}
    assert not any(store_props & set(row) for rows in pg.edges.values() for row in rows)


@pytest.mark.parametrize("which", ["store_dir", "popular_store_dir"])
def test_ranked_paper_code_pairs_are_the_live_pairs_in_paper_url_order(request, which):
    store_dir = request.getfixturevalue(which)
    ranked = cypher(store_dir, "MATCH (p:Paper)-[c:AGG_PAPER_CODE]->(r:Repository) "
                               "RETURN p.id AS paper, r.url AS url, c.rank AS rank ORDER BY rank")
    live = cypher(store_dir, """
        MATCH (r:Repository)
        OPTIONAL MATCH (q:Paper)-[:HAS_CODE]->(r)
        WITH r, list_distinct(collect(q.id) + r.papers) AS pids
        UNWIND pids AS pid
        MATCH (p:Paper {id: pid})
        RETURN p.id AS paper, r.url AS url ORDER BY paper, url""")
    assert live and [(x["paper"], x["url"]) for x in ranked] == [(x["paper"], x["url"]) for x in live]
    assert [x["rank"] for x in ranked] == list(range(len(ranked)))


@pytest.fixture(scope="module")
def popular_store_dir(tmp_path_factory) -> Path:
    """A store of a graph with popular entities (ImageNet and BERT in many papers), so ranked rows share their
    leading sort keys and the later ones decide."""
    from kg.rdf.synthetic import synthetic_graph as popular_graph

    out = tmp_path_factory.mktemp("cypher-popular")
    write_store(popular_graph(300, seed=1), out)
    return out


@pytest.mark.parametrize("which", ["store_dir", "popular_store_dir"])
def test_ranked_leaderboard_rows_are_the_live_rows_in_leaderboard_order(request, which):
    store_dir = request.getfixturevalue(which)
    cols = "model, dataset_name, metric_name, value, unit, paper"
    ranked = cypher(store_dir, "MATCH (r:Result)-[b:AGG_LEADERBOARD]->(d:Dataset) RETURN b.model AS model, "
                               "b.dataset_name AS dataset_name, b.metric_name AS metric_name, b.value AS value, "
                               "b.unit AS unit, b.paper AS paper, b.rank AS rank ORDER BY rank")
    live = cypher(store_dir, f"""
        MATCH (p:Paper)-[:HAS_RESULT]->(r:Result)-[:OF_MODEL]->(m:Model:Method),
              (r)-[:ON_DATASET]->(d:Dataset), (r)-[:MEASURES]->(me:Metric)
        WHERE r.value IS NOT NULL
        RETURN m.name AS model, d.name AS dataset_name, me.name AS metric_name, r.value AS value, r.unit AS unit,
               p.id AS paper
        ORDER BY dataset_name, metric_name, value DESC, model, paper, r.id""")
    keys = cols.split(", ")
    assert live and [[x[k] for k in keys] for x in ranked] == [[x[k] for k in keys] for x in live]
    assert [x["rank"] for x in ranked] == list(range(len(ranked)))


_STATEMENTS = "PROPOSES|EVALUATES_ON|USES|ADDRESSES|REPORTS|EVALUATED_ON|OUTPERFORMS|COMPARED_WITH|USED_FOR|VARIANT_OF|" \
              "CO_MENTIONED|HAS_CODE"

#: The two queries as they were before their rows were precomputed (kg.cypher.aggregates): the definition the
#: named queries' pages are checked against.
LIVE_NEIGHBOURHOOD = f"""
MATCH (m:Model:Method)-[s:{_STATEMENTS}]-(n)
WHERE list_contains(m.keys, lower($model))
RETURN CASE WHEN struct_extract(s, "_SRC") = id(m) THEN "out" ELSE "in" END AS direction, label(s) AS relation_type,
       coalesce(n.name, n.title, n.url) AS neighbour, label(n) AS neighbour_type, s.support AS support
ORDER BY direction, relation_type, neighbour, n.id, m.id
SKIP $offset LIMIT $limit"""
LIVE_EVIDENCE = f"""
MATCH (s)-[st:{_STATEMENTS}]->(o)
WHERE ($target = "" OR list_contains(o.keys, lower($target)))
  AND ($relation = "" OR lower(label(st)) = lower($relation))
  AND ($source = "" OR list_contains(s.keys, lower($source)))
UNWIND st.evidence AS ev
RETURN coalesce(s.name, s.title, s.url) AS subject, label(st) AS predicate, coalesce(o.name, o.title, o.url) AS object,
       ev.paper AS paper, ev.field AS field, ev.start_offset AS `begin`, ev.end_offset AS `end`, ev.sentence AS sentence,
       ev.extractor AS extractor, ev.confidence AS confidence
ORDER BY subject, predicate, object, paper, `begin`, `end`, extractor, st.id
SKIP $offset LIMIT $limit"""

_PAGES = [{"limit": 100, "offset": 0}, {"limit": 7, "offset": 3}, {"limit": 50, "offset": 100},
          {"limit": 100000, "offset": 0}]


def _names(store_dir: Path, query: str, n: int) -> list[str]:
    """The names of the ``n`` entities with the most statements (ties by id), and a name of none."""
    rows = cypher(store_dir, query + " ORDER BY k DESC, id LIMIT $n", {"n": n})
    return [r["name"] for r in rows] + ["no such entity"]


@pytest.fixture(scope="module")
def self_loop_store_dir(tmp_path_factory) -> Path:
    """A small graph where a model's statements include ones to itself, which linking never makes but a graph
    file may hold."""
    from kg.graph.model import Evidence, Relation

    g = synthetic_graph(40, seed=5)
    model = sorted(e.id for e in g.entities.values() if e.type == "Model")[0]
    for rtype in ("OUTPERFORMS", "CO_MENTIONED"):
        ev = Evidence(paper=sorted(g.papers)[0], field="abstract", start=0, end=5, sentence="x", extractor="test")
        rel = Relation(Relation.make_id(rtype, model, model), rtype, model, model, [ev])
        g.relations[rel.id] = rel
    out = tmp_path_factory.mktemp("cypher-self-loop")
    write_store(g, out)
    return out


@pytest.mark.parametrize("which", ["store_dir", "popular_store_dir", "self_loop_store_dir"])
def test_model_neighbourhood_pages_are_the_live_query_pages(request, which):
    """Every page of the precomputed neighbourhood rows equals the page of the query they replace, for popular
    entities (many rows with equal leading sort keys), entities of several types and a name nothing has."""
    from kg.cypher import run_named

    store_dir = request.getfixturevalue(which)
    names = _names(store_dir, f"MATCH (m:Model:Method)-[s:{_STATEMENTS}]-() "
                              "WITH m.name AS name, m.id AS id, count(s) AS k RETURN name, id, k", 6)
    looped = [r["name"] for r in cypher(store_dir, f"MATCH (m:Model:Method)-[:{_STATEMENTS}]->(m) "
                                                   "RETURN DISTINCT m.name AS name")]
    assert bool(looped) == (which == "self_loop_store_dir")
    checked = 0
    for name in [*names, *looped, names[0].upper(), "BERT"]:
        for page in _PAGES:
            params = {"model": name, **page}
            cols, got = run_named(store_dir, "model_neighbourhood", params)
            want = cypher(store_dir, LIVE_NEIGHBOURHOOD, params)
            assert [[r[c] for c in cols] for r in got] == [[r[c] for c in cols] for r in want], (name, page)
            checked += len(want)
    assert checked > 100


@pytest.mark.parametrize("which", ["store_dir", "popular_store_dir", "self_loop_store_dir"])
def test_statement_evidence_pages_are_the_live_query_pages(request, which):
    """Every page of the precomputed evidence rows equals the page of the query they replace, for each filter alone,
    filters together, no filter at all and a name nothing has."""
    from kg.cypher import run_named

    store_dir = request.getfixturevalue(which)
    targets = _names(store_dir, f"MATCH ()-[s:{_STATEMENTS}]->(o) WITH coalesce(o.name, o.title, o.url) AS name, "
                                "o.id AS id, count(s) AS k RETURN name, id, k", 3)
    sources = _names(store_dir, f"MATCH (o)-[s:{_STATEMENTS}]->() WITH coalesce(o.name, o.title, o.url) AS name, "
                                "o.id AS id, count(s) AS k RETURN name, id, k", 2)
    filters = [{"target": t} for t in targets] + [{"source": s} for s in sources] + [
        {"target": ""}, {"relation": "co_mentioned"}, {"relation": "PROPOSES", "target": ""},
        {"source": sources[0], "relation": "CO_MENTIONED", "target": ""}, {"source": sources[0], "target": targets[0]}]
    checked = 0
    for f in filters:
        for page in _PAGES:
            params = {"source": "", "relation": "", "target": "ImageNet", **f, **page}
            cols, got = run_named(store_dir, "statement_evidence", params)
            want = cypher(store_dir, LIVE_EVIDENCE, params)
            assert [[r[c] for c in cols] for r in got] == [[r[c] for c in cols] for r in want], (f, page)
            checked += len(want)
    assert checked > 100


@pytest.fixture(scope="module")
def framed_store_dir(tmp_path_factory, graph) -> Path:
    """The store of ``graph`` with every node table copied in frames of seven rows (appends to a non-empty table)."""
    out = tmp_path_factory.mktemp("cypher-framed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kg.cypher.store.NODE_FRAME_ROWS", 7)
        write_store(graph, out)
    return out


@pytest.mark.parametrize("label", [*NODE_TABLES, *STORE_NODE_TABLES])
def test_node_tables_copied_in_frames_equal_the_tables_copied_whole(store_dir, framed_store_dir, label):
    query = f"MATCH (n:{label}) RETURN n ORDER BY n.id"
    whole, framed = cypher(store_dir, query), cypher(framed_store_dir, query)
    assert len(whole) > 7 or label in ("Repository",)
    assert framed == whole


def test_framed_store_answers_statement_evidence_as_the_live_query(framed_store_dir):
    from kg.cypher import run_named

    rows = cypher(framed_store_dir, "MATCH (e:EvidenceRow) RETURN e.id AS id ORDER BY id")
    assert [r["id"] for r in rows] == list(range(len(rows))) and len(rows) > 7
    for params in ({"source": "", "relation": "", "target": ""}, {"source": "", "relation": "uses", "target": ""}):
        cols, got = run_named(framed_store_dir, "statement_evidence", {**params, "limit": 50})
        want = cypher(framed_store_dir, LIVE_EVIDENCE, {**params, "limit": 50, "offset": 0})
        assert got and [[r[c] for c in cols] for r in got] == [[r[c] for c in cols] for r in want]


def test_aggregate_order_is_pythons_order_of_the_key_tuples():
    """Arrow's sort of the key columns gives the order Python's sort gives the rows' key tuples: strings by code
    point (astral characters, combining marks, NUL, hostile text), None after every string, ties in list order."""
    import random

    from kg.cypher.aggregates import _ascending

    def _str_key(value):
        return (value is None, value or "")

    rnd = random.Random(5)
    pool = [*HOSTILE_STRINGS, None, "", "a", "A", "é", "e\u0301", "\U0001f600", "\x00", "z" * 3]
    rows = [(rnd.choice(pool), rnd.choice(pool), rnd.randint(0, 3), f"id{rnd.randint(0, 5)}") for _ in range(2000)]
    got = _ascending([[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]])
    want = sorted(range(len(rows)), key=lambda i: (_str_key(rows[i][0]), _str_key(rows[i][1]), rows[i][2], rows[i][3]))
    assert got == want
