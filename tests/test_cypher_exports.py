"""Property-graph exports: neo4j-admin CSV bundle, GraphML and GEXF (read back with networkx), the lead's dispatch.

The cypher-shell script is run for real on FalkorDB in tests/test_neo4j_push.py.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
from pathlib import Path

import networkx as nx
import pytest

from kg.cypher import export_property_graph
from kg.cypher.schema import NODE_TABLES, REL_TABLES
from kg.cypher.synthetic import HOSTILE_STRINGS, synthetic_graph
from kg.cypher.view import property_graph
from kg.errors import KGError
from kg.graph.io import save_graph


@pytest.fixture(scope="module")
def graph():
    g = synthetic_graph(60, seed=5, hostile=True)
    # a control character XML cannot carry, and a CR
    p = next(iter(g.papers.values()))
    p.title = "bell\x07 and CR\r here"
    return g


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_neo4j_csv_bundle(graph, tmp_path):
    out = export_property_graph(graph, "neo4j-csv", tmp_path / "bundle")
    pg = property_graph(graph)
    command = (out / "import-command.sh").read_text(encoding="utf-8")
    args = shlex.split(command.split("set -e", 1)[1].split("\n", 2)[2].replace("\\\n", " "))
    assert args[:4] == ["neo4j-admin", "database", "import", "full"]
    delim = next(a.split("=", 1)[1] for a in args if a.startswith("--array-delimiter="))
    assert "--multiline-fields=true" in args and args[-1] == "neo4j"
    files = [a.split("=", 1)[1].split(",") for a in args if a.startswith(("--nodes=", "--relationships="))]
    assert all((out / f).is_file() for pair in files for f in pair)

    for label, props in NODE_TABLES.items():
        header = _read_csv(out / f"nodes_{label}_header.csv")[0]
        assert header[0] == "id:ID" and header[-1] == ":LABEL"
        types = dict(h.split(":", 1) for h in header[1:-1])
        assert types == {n: {"STRING": "string", "INT64": "long", "DOUBLE": "double", "STRING[]": "string[]",
                             "EVIDENCE[]": "string"}[t] for n, t in props if n != "id"}
        rows = _read_csv(out / f"nodes_{label}.csv")
        assert len(rows) == len(pg.nodes[label])
        by_id = {r[0]: dict(zip(header, r)) for r in rows}
        for node in pg.nodes[label]:
            got = by_id[node["id"]]
            assert got[":LABEL"] == label
            for n, t in props:
                if n == "id" or node[n] is None:
                    continue
                cell = got[f"{n}:{types[n]}"]
                if t == "STRING[]":
                    assert (cell.split(delim) if cell else []) == node[n]
                elif t == "STRING":
                    assert cell == node[n]  # quotes, newlines, CR, 10k chars survive the quoting
                elif t == "INT64":
                    assert int(cell) == node[n]
    for (rtype, src, dst), rows in pg.edges.items():
        header = _read_csv(out / f"rels_{rtype}_{src}_{dst}_header.csv")[0]
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
        data = _read_csv(out / f"rels_{rtype}_{src}_{dst}.csv")
        assert sorted((r[0], r[1]) for r in data) == sorted((r["from"], r["to"]) for r in rows)
        assert {r[2] for r in data} == {rtype}
        if REL_TABLES[rtype].from_model:
            ev_col = header.index("evidence:string")
            assert all(isinstance(json.loads(r[ev_col]), list) for r in data)
    # a second export replaces the bundle; it is readable by others (neo4j-admin often runs as the neo4j user)
    assert export_property_graph(graph, "neo4j-csv", out) == out
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask
    assert {f.stat().st_mode & 0o777 for f in out.iterdir()} == {0o666 & ~mask}


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_networkx_formats_read_back(graph, tmp_path, fmt, reader):
    out = export_property_graph(graph, fmt, tmp_path / f"g.{fmt}")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    g = reader(out)
    pg = property_graph(graph)
    assert g.number_of_nodes() == sum(pg.node_counts().values())
    assert g.number_of_edges() == sum(pg.edge_counts().values())
    labels = {}
    for _, data in g.nodes(data=True):
        labels[data["node_type"]] = labels.get(data["node_type"], 0) + 1
    assert labels == {k: v for k, v in pg.node_counts().items() if v}
    types = {}
    for _, _, data in g.edges(data=True):
        types[data["rel_type"]] = types.get(data["rel_type"], 0) + 1
    assert types == pg.edge_counts()
    titles = {g.nodes[n].get("title") for n in g.nodes}
    for s in HOSTILE_STRINGS:
        if "\r" not in s:
            assert s in titles, s
    first = next(iter(graph.papers))
    assert g.nodes[first]["title"].startswith("bell\ufffd and CR")  # XML 1.0 cannot hold BEL


def test_unknown_format_and_dispatch(graph, tmp_path):
    with pytest.raises(KGError, match="graphml"):
        export_property_graph(graph, "dot", tmp_path / "x")
    save_graph(graph, tmp_path / "build")
    from kg.exporting import export_graph

    path = export_graph(tmp_path / "build", "gexf", tmp_path / "via-dispatch.gexf")
    assert nx.read_gexf(path).number_of_nodes() == len(graph.papers) + len(graph.entities) + len(graph.results) + len(graph.repositories)


def test_csv_fields_keep_null_and_empty_apart():
    from kg.cypher.export import _csv_field

    assert _csv_field(None) == ""  # no property
    assert _csv_field("") == '""'  # an empty string
    assert _csv_field('say "hi",\nthen \\ go') == '"say ""hi"",\nthen \\ go"'
    assert (_csv_field(3), _csv_field(0.5)) == ("3", "0.5")
