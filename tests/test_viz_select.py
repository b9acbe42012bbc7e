"""kg.viz without a browser: subgraph selection, query-row mapping, payload, page safety, pictures and the CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg.errors import InputError, QueryError
from kg.graph.io import load_graph, save_graph
from kg.graph.model import Relation
from kg.viz import (
    json_for_script,
    normalize_rows,
    overview,
    paper_view,
    render_view,
    rows_to_subgraph,
    view_payload,
)
from kg.viz.select import degrees, ego, filter_types, parse_types
from kg.viz.synthetic import (
    COMMENT_NAME,
    LONG_NAME,
    SCRIPT_NAME,
    XSS_NAME,
    XSS_TITLE,
    hostile_graph,
    synthetic_graph,
)

P0, P1, P2 = "arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"


@pytest.fixture(scope="module")
def g():
    return hostile_graph()


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory, g) -> Path:
    """A build directory of the hostile graph with both real stores (LadybugDB and pyoxigraph)."""
    from kg.cypher import write_store as write_cypher
    from kg.rdf import write_store as write_rdf

    d = tmp_path_factory.mktemp("viz-build")
    save_graph(g, d)
    write_cypher(g, d)
    write_rdf(g, d)
    return d


def _scripts(html: str) -> list[tuple[dict, str]]:
    from html.parser import HTMLParser

    found: list[tuple[dict, str]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "script":
                found.append((dict(attrs), ""))

        def handle_data(self, data):
            if found and self.lasttag == "script":
                found[-1] = (found[-1][0], found[-1][1] + data)

    P(convert_charrefs=True).feed(html)
    return found


def rel_id(g, type_, a, b):
    rid = Relation.make_id(type_, a, b)
    assert rid in g.relations
    return rid


# ---------------------------------------------------------------------------------------------------------------
# selection
# ---------------------------------------------------------------------------------------------------------------
def test_overview_ranks_by_degree_and_keeps_relations_among_selected():
    big = synthetic_graph(300, 60, seed=3)
    sub = overview(big, 25)
    deg = degrees(big)
    assert len(sub.nodes) == 25
    assert all(n in big.entities for n in sub.nodes)
    ranks = [deg[n] for n in sub.nodes]
    assert ranks == sorted(ranks, reverse=True)
    left_out = [e for e in big.entities if e not in sub.nodes]
    assert max(deg[e] for e in left_out) <= min(ranks)
    keep = set(sub.nodes)
    expected = sorted(r.id for r in big.relations.values() if r.source in keep and r.target in keep)
    assert sub.relations == expected and expected


def test_overview_type_filter_and_papers(g):
    sub = overview(g, 50, types="dataset,Model")
    assert {g.entities[n].type for n in sub.nodes} == {"Dataset", "Model"}
    with_papers = overview(g, 50, types=["Paper", "Result"])
    assert set(with_papers.nodes) == {P0, P1, P2, "res:0000000000000001"}
    assert [e.label for e in with_papers.extra_edges] == ["REPORTS_RESULT"]


def test_sparse_overview_adds_bridging_papers():
    sparse = hostile_graph()
    for rid in [rid for rid, r in sparse.relations.items() if r.source in sparse.entities]:
        del sparse.relations[rid]
    sub = overview(sparse, 50)
    # P0 and P2 each link several of the shown entities; P1 links only one, so it is not a bridge
    assert sub.nodes[-2:] == [P0, P2] and P1 not in sub.nodes
    assert sub.title.endswith("and 2 papers linking them")
    assert rel_id(sparse, "USES", P2, "model:resnet") in sub.relations
    assert overview(sparse, 50, types="Model,Dataset").nodes == ["dataset:imagenet", "model:bert-x", "model:resnet"]


def test_empty_views_are_errors(tmp_path):
    from kg.graph.model import KnowledgeGraph

    with pytest.raises(InputError, match="The view is empty"):
        render_view(KnowledgeGraph(), None)


def test_bad_types_and_top_are_clear_errors(g):
    with pytest.raises(InputError, match=r"Unknown node type 'Modle'.*Model, Dataset, Method"):
        parse_types("Dataset,Modle")
    with pytest.raises(InputError, match="--top must be a positive"):
        overview(g, 0)
    with pytest.raises(InputError, match="--depth must be 1 or 2"):
        ego(g, "BERT-X", 3)
    with pytest.raises(InputError, match=r"--top 9000 is more than a browser view can handle.*kg export"):
        render_view(g, None, top=9000)


def test_ego_resolves_any_alias_and_depths(g):
    one = ego(g, "bertx", 1)
    assert one.focus == ["model:bert-x"]
    assert set(one.nodes) == {"model:bert-x", P0, "model:resnet", "dataset:imagenet"}
    assert rel_id(g, "OUTPERFORMS", "model:bert-x", "model:resnet") in one.relations
    # relations among neighbours count too (the paper evaluates on ImageNet)
    assert rel_id(g, "EVALUATES_ON", P0, "dataset:imagenet") in one.relations
    two = ego(g, "BERTX", 2)
    assert set(two.nodes) == set(one.nodes) | {"metric:accuracy", P2, "method:evil", next(iter(g.repositories))}
    # the hostile alias is shared by two entities: both are centres
    both = ego(g, XSS_NAME, 1)
    assert both.focus == ["method:evil", "model:bert-x"]


def test_ego_top_keeps_closest_and_unknown_name_suggests(g):
    capped = ego(g, "BERT-X", 2, top=3)
    assert len(capped.nodes) == 3 and capped.nodes[0] == "model:bert-x"
    # two first-degree neighbours kept before any second-degree one
    assert set(capped.nodes[1:]) <= {P0, "model:resnet", "dataset:imagenet"}
    with pytest.raises(InputError, match=r"No entity is named 'BERT-Y'.*'BERT-X'"):
        ego(g, "BERT-Y")


def test_ego_type_filter_keeps_centre(g):
    sub = ego(g, "ImageNet", 1, types="Model")
    assert sub.nodes[0] == "dataset:imagenet"
    assert set(sub.nodes[1:]) == {"model:bert-x"}


def test_paper_view_by_id_bare_arxiv_and_title(g):
    sub = paper_view(g, P0)
    repo = next(iter(g.repositories))
    assert sub.focus == [P0]
    assert set(sub.nodes) == {P0, "model:bert-x", "dataset:imagenet", "metric:accuracy", repo, "res:0000000000000001"}
    assert rel_id(g, "EVALUATED_ON", "model:bert-x", "dataset:imagenet") in sub.relations  # evidence from this paper
    assert {(e.source, e.target, e.label) for e in sub.extra_edges} == {
        (P0, "res:0000000000000001", "REPORTS_RESULT"),
        ("res:0000000000000001", "model:bert-x", "RESULT_MODEL"),
        ("res:0000000000000001", "dataset:imagenet", "RESULT_DATASET"),
        ("res:0000000000000001", "metric:accuracy", "RESULT_METRIC"),
    }
    assert paper_view(g, "2401.00001").nodes == sub.nodes
    assert paper_view(g, XSS_TITLE.upper().lower()).focus == [P0]
    only = paper_view(g, P0, types="Dataset")
    assert only.nodes == [P0, "dataset:imagenet"]
    with pytest.raises(InputError, match="No paper 'nope'"):
        paper_view(g, "nope")


def test_filter_types_drops_edges_of_dropped_nodes(g):
    sub = filter_types(g, overview(g, 50), "Model")
    assert set(sub.nodes) == {"model:bert-x", "model:resnet"}
    assert sub.relations == [rel_id(g, "OUTPERFORMS", "model:bert-x", "model:resnet")]


# ---------------------------------------------------------------------------------------------------------------
# query rows -> subgraph
# ---------------------------------------------------------------------------------------------------------------
def test_rows_resolve_ids_iris_names_and_cypher_values(g):
    rows = [
        {"a": "<https://w3id.org/mlkg/entity/model%3Abert-x>", "b": "ILSVRC", "n": 3},  # IRI, alias, literal
        {"a": {"_label": "Paper", "id": P2}, "b": {"_label": "Model", "id": "model:resnet"}},  # Cypher nodes
        {"a": "https://example.org/kg/task/classification", "b": {"type": "literal", "value": "accuracy"}},
        {"a": "nothing at all", "b": 12.5},
    ]
    sub = rows_to_subgraph(g, rows, ["a", "b", "n"])
    assert sub.nodes == ["model:bert-x", "dataset:imagenet", P2, "model:resnet", "task:classification", "metric:accuracy"]
    # graph relations between the pairs of a row are used...
    assert rel_id(g, "EVALUATED_ON", "model:bert-x", "dataset:imagenet") in sub.relations
    assert rel_id(g, "USES", P2, "model:resnet") in sub.relations
    # ...and a pair with no relation gets a query edge named after its columns
    assert [(e.source, e.target, e.label, e.kind) for e in sub.extra_edges] == [
        ("task:classification", "metric:accuracy", "a \u2192 b", "query")
    ]
    assert sub.notes["model:bert-x"] == ["n = 3"]


def test_rows_relation_values_and_type_literals(g):
    rid = rel_id(g, "OUTPERFORMS", "model:bert-x", "model:resnet")
    sub = rows_to_subgraph(g, [{"r": {"_label": "OUTPERFORMS", "id": rid}}])
    assert sub.nodes == ["model:bert-x", "model:resnet"] and sub.relations == [rid]
    # a relation-type literal restricts which relations of a pair are drawn
    row = {"p": P0, "t": "https://w3id.org/mlkg/ontology#proposes", "e": "BERT-X"}
    sub = rows_to_subgraph(g, [row], ["p", "t", "e"])
    assert sub.relations == [rel_id(g, "PROPOSES", P0, "model:bert-x")]
    assert rows_to_subgraph(g, [{"p": P0, "t": "REPORTS", "e": "BERT-X"}]).relations == []


def test_rows_of_single_nodes_show_their_relations(g):
    sub = rows_to_subgraph(g, [{"m": "BERT-X"}, {"m": "ResNet-50"}, {"m": "ImageNet"}], ["m"])
    assert sub.nodes == ["model:bert-x", "model:resnet", "dataset:imagenet"]
    assert sub.relations == sorted([rel_id(g, "OUTPERFORMS", "model:bert-x", "model:resnet"),
                                    rel_id(g, "EVALUATED_ON", "model:bert-x", "dataset:imagenet")])
    assert sub.extra_edges == []


def test_rows_with_no_node_and_truncation(g, caplog):
    with pytest.raises(QueryError, match=r"no value names a paper, entity.*columns: x"):
        rows_to_subgraph(g, [{"x": 1}, {"x": "zzz"}], ["x"])
    sub = rows_to_subgraph(g, [{"e": e} for e in sorted(g.entities)], ["e"], max_nodes=2)
    assert len(sub.nodes) == 2 and "5 more not shown" in sub.title
    assert "raise --top" in caplog.text


def test_normalize_rows_shapes():
    assert normalize_rows((["a", "b"], [[1, 2]])) == (["a", "b"], [{"a": 1, "b": 2}])
    assert normalize_rows([{"a": 1}, {"b": 2}]) == (["a", "b"], [{"a": 1}, {"b": 2}])
    sparql_json = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:a"}}]}}
    assert normalize_rows(sparql_json) == (["x"], [{"x": {"type": "uri", "value": "urn:a"}}])
    assert normalize_rows([(1, 2)]) == (["c0", "c1"], [{"c0": 1, "c1": 2}])
    with pytest.raises(QueryError, match="ASK"):
        normalize_rows({"head": {}, "boolean": True})
    with pytest.raises(QueryError, match="Cannot read query rows"):
        normalize_rows(42)


# ---------------------------------------------------------------------------------------------------------------
# real query engines
# ---------------------------------------------------------------------------------------------------------------
def test_cypher_view_on_the_real_store(build_dir, g):
    res = render_view(build_dir, None, cypher="MATCH (p:Paper)-[r:PROPOSES]->(m:Model) WHERE m.name = $n RETURN p, r, m",
                      params={"n": "BERT-X"})
    ids = [n["id"] for n in res.payload["nodes"]]
    assert ids == [P0, "model:bert-x"]
    assert [e["id"] for e in res.payload["edges"]] == [rel_id(g, "PROPOSES", P0, "model:bert-x")]
    with pytest.raises(QueryError):
        render_view(build_dir, None, cypher="MATCH (m:Model) RETURN m.mentions")  # numbers only


def test_sparql_and_named_views_on_the_real_store(build_dir, g):
    res = render_view(build_dir, None, sparql="SELECT ?p ?e WHERE { ?p mlkg:uses ?e }")
    assert {n["id"] for n in res.payload["nodes"]} == {P1, "method:evil", P2, "model:resnet"}
    assert {e["kg"]["type"] for e in res.payload["edges"]} == {"USES"}
    built = render_view(build_dir, None, sparql="CONSTRUCT { ?p mlkg:uses ?e } WHERE { ?p mlkg:uses ?e }")
    assert built.edges == 2
    named = render_view(build_dir, None, name="model_dataset_cooccurrence")
    assert {"model:bert-x", "dataset:imagenet"} <= {n["id"] for n in named.payload["nodes"]}
    with pytest.raises(QueryError, match="no named query 'nope'"):
        render_view(build_dir, None, name="nope")
    with pytest.raises(InputError, match="at most one of"):
        render_view(build_dir, None, entity="BERT-X", sparql="SELECT * WHERE {?s ?p ?o}")


# ---------------------------------------------------------------------------------------------------------------
# payload, page, picture
# ---------------------------------------------------------------------------------------------------------------
def test_json_for_script_is_inert_and_round_trips():
    data = {"t": [XSS_TITLE, XSS_NAME, SCRIPT_NAME, COMMENT_NAME, "a\u2028b\u2029c", "lone \ud800 surrogate", "nul \x00"]}
    text = json_for_script(data)
    assert text.isascii()
    assert not re.search(r"[<>&]", text)
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == data


def test_payload_carries_tooltip_fields_and_evidence(g):
    payload = view_payload(g, ego(g, "BERT-X", 1))
    nodes = {n["id"]: n for n in payload["nodes"]}
    bert = nodes["model:bert-x"]["kg"]
    assert bert["name"] == "BERT-X" and bert["kind"] == "Model" and bert["papers"] == 2
    assert XSS_NAME in bert["aliases"]
    assert nodes[P0]["label"].startswith("<img src=x")  # labels are text; the canvas draws them literally
    edge = next(e for e in payload["edges"] if e["kg"]["type"] == "OUTPERFORMS")
    assert edge["kg"]["support"] == 2
    assert [ev["title"] for ev in edge["kg"]["evidence"]] == [XSS_TITLE, "A plain paper on ImageNet"]
    assert {n["group"] for n in payload["nodes"]} <= set(payload["options"]["groups"])
    assert all("x" in n and "y" in n for n in payload["nodes"])


def test_page_is_self_contained_escaped_and_deterministic(g, tmp_path):
    res = render_view(g, tmp_path / "a.html", top=50, types="Model,Dataset,Method,Metric,Task,Paper,Repository,Result")
    html = res.path.read_text(encoding="utf-8")
    assert res.nodes == len(g.papers) + len(g.entities) + len(g.repositories) + len(g.results)
    # no external resource of any kind
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.I)
    assert "cdnjs" not in html and "jsdelivr" not in html and "tom-select" not in html
    assert "default-src &#39;none&#39;" in html  # the CSP meta, attribute-escaped
    # hostile text never appears raw: not in <title>, not in the JSON island
    for probe in (XSS_TITLE, SCRIPT_NAME, COMMENT_NAME, "onerror=alert(1)>", "<i>x</i>", "\x00", "\u202e"):
        assert probe not in html
    # an HTML parser sees exactly the three scripts we wrote, and the data island parses back to the payload
    scripts = _scripts(html)
    assert [attrs.get("type") for attrs, _ in scripts] == [None, None, "application/json"]
    assert json.loads(scripts[2][1]) == res.payload
    # same graph -> byte-identical page, whether given as a graph or as a build directory
    save_graph(g, tmp_path / "build")
    again = render_view(tmp_path / "build", tmp_path / "b.html", top=50,
                        types="Model,Dataset,Method,Metric,Task,Paper,Repository,Result")
    assert again.path.read_bytes() == res.path.read_bytes()


def test_long_and_odd_text_is_cut_and_kept_as_text(g):
    payload = view_payload(g, overview(g, 50))
    node = next(n for n in payload["nodes"] if n["id"] == "metric:long")
    assert len(node["label"]) <= 36 and node["label"].endswith("\u2026")
    assert len(node["kg"]["name"]) <= 300 and node["kg"]["name"].startswith("Long\x00name \ufffd \u202e<i>x</i>")
    assert all(len(a) <= 300 for a in node["kg"]["aliases"])
    json.loads(json_for_script(payload))  # NUL, U+FFFD and RTL marks survive the JSON island


def test_title_is_escaped_in_the_head(g):
    html = render_view(g, None, paper=P0).html
    head = html[: html.index("</head>")]
    assert "<title>Paper: &lt;img src=x onerror=alert(1)&gt;</title>" in head


def test_static_pictures(g, tmp_path):
    res = render_view(g, None, paper=P0, png=tmp_path / "p.png")
    assert res.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg1 = render_view(g, None, top=50, png=tmp_path / "a.svg").png.read_bytes()
    svg2 = render_view(g, None, top=50, png=tmp_path / "b.svg").png.read_bytes()
    assert svg1 == svg2
    # a name that tries to close matplotlib's text comment and open a script stays inert
    hostile = hostile_graph()
    hostile.entities["model:resnet"].name = "--><script>alert(9)</script><!-- & $x^2$ \\frac"
    svg = render_view(hostile, None, top=50, png=tmp_path / "h.svg").png.read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # well-formed XML whatever the names hold
    assert root.tag.endswith("svg")
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject", "a")]
    assert not [k for e in root.iter() for k in e.attrib if k.lower().startswith("on")]
    assert "&lt;script&gt;alert(9)" in svg  # the text survives, escaped
    with pytest.raises(InputError, match=r"\.png, \.svg, \.pdf"):
        render_view(g, None, png=tmp_path / "x.gif")


def test_cli_view(build_dir, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "v.html"
    r = CliRunner().invoke(app, ["view", str(build_dir), "-o", str(out), "--entity", "ILSVRC", "--depth", "2",
                                 "--png", str(tmp_path / "v.png")])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().endswith(str(out)) and out.is_file() and (tmp_path / "v.png").is_file()
    assert "ImageNet: neighbourhood to depth 2" in out.read_text(encoding="utf-8")
    (tmp_path / "missing").mkdir()
    (tmp_path / "missing" / "file.html").write_text("a file, not a folder")
    r = CliRunner().invoke(app, ["view", str(build_dir), "-o", str(tmp_path / "missing" / "file.html" / "x.html")])
    assert r.exit_code == 1 and "Cannot write the view to" in r.output
    r = CliRunner().invoke(app, ["view", str(build_dir), "--type", "Nope"])
    assert r.exit_code == 1 and "Unknown node type 'Nope'" in r.output
    r = CliRunner().invoke(app, ["view", str(build_dir), "--name", "model_dataset_cooccurrence"])
    assert r.exit_code == 0, r.output
    assert Path(r.stdout.strip()) == build_dir / "views" / "query-model-dataset-cooccurrence.html"
    assert not (Path.cwd() / "lib").exists()  # unlike pyvis, nothing is copied into the working directory


def test_views_of_a_real_build(request, tmp_path):
    """Overview, ego and paper views of the lead's build of the bundled sample."""
    d = request.getfixturevalue("sample_graph_dir")
    g = load_graph(d)
    res = render_view(d, tmp_path / "overview.html", png=tmp_path / "overview.png")
    assert res.nodes > 0 and res.path.is_file() and res.png.is_file()
    top = overview(g, 1).nodes[0]
    ent = g.entities[top]
    alias = sorted(ent.aliases)[0] if ent.aliases else ent.name
    ego_res = render_view(d, None, entity=alias, depth=2)
    assert top in {n["id"] for n in ego_res.payload["nodes"]}
    pid = sorted(r.source for r in g.relations.values() if r.source in g.papers)[0]
    pv = render_view(d, None, paper=pid)
    assert pv.payload["nodes"][0]["id"] == pid and pv.nodes >= 2


def test_pages_are_identical_across_processes(tmp_path):
    """Hash randomisation must not leak into a page: two interpreters with different PYTHONHASHSEED agree."""
    import hashlib
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, sys\n"
        "from kg.viz import render_view\n"
        "from kg.viz.synthetic import hostile_graph, synthetic_graph\n"
        "g = hostile_graph()\n"
        "pages = [render_view(g, None, entity='ImageNet', depth=2).html, render_view(g, None, paper='2401.00001').html,\n"
        "         render_view(synthetic_graph(700, 150, seed=5), None, top=600).html]\n"
        "print(' '.join(hashlib.sha1(p.encode('utf-8')).hexdigest() for p in pages))\n"
    )
    outs = []
    for seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, run.stderr
        outs.append(run.stdout.strip())
    assert outs[0] == outs[1] and len(outs[0].split()) == 3
    here = render_view(hostile_graph(), None, entity="ImageNet", depth=2).html
    assert hashlib.sha1(here.encode("utf-8")).hexdigest() == outs[0].split()[0]
