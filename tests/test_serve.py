"""``kg serve`` tested for real: a uvicorn server on a free loopback port, spoken to over HTTP.

SPARQLWrapper drives the SPARQL 1.1 Protocol (every result format, GET and both POSTs), plain HTTP (httpx) the Cypher
endpoint, content negotiation and the hostile requests, rdflib dereferences the graph's IRIs like any RDF client, and
headless Chromium (Playwright) opens the pages. The graph is built by hand (it holds hostile text on purpose) with its
base IRI pointing at the server, and written with the real stores (Oxigraph, LadybugDB).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from kg.graph.io import save_graph
from kg.graph.model import Entity, Evidence, KnowledgeGraph, Mention, Paper, Relation, Repository, Result

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"

XSS_TITLE = "FooNet <img src=x onerror=alert(1)> beats everything"
XSS_NAME = '"};alert(1);//'
XSS_ALIAS = "<script>alert(2)</script>"
ABSTRACT = (
    "We propose FooNet, a convolutional model for image classification. "
    "FooNet reaches 85.3% top-1 accuracy on ImageNet, outperforming ResNet-50. "
    "It uses the " + XSS_NAME + " trick."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mention(paper: str, field: str, text: str, surface: str, type_: str, entity: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(paper=paper, field=field, start=start, end=start + len(surface), text=surface, type=type_,
                   entity=entity, sent_start=0, sent_end=len(text))


def _evidence(paper: str, text: str, sentence_part: str, extractor: str = "rule:test") -> Evidence:
    start = text.index(sentence_part)
    return Evidence(paper=paper, field="abstract", start=start, end=start + len(sentence_part),
                    sentence=sentence_part, extractor=extractor, confidence=0.9)


def make_graph(base_iri: str) -> KnowledgeGraph:
    """A small graph with known content: two papers (one id holding a slash), five entities, results, hostile text."""
    g = KnowledgeGraph()
    p1, p2 = "arxiv:2401.00001", "doi:10.1145/3442188.3445922"
    g.papers[p1] = Paper(id=p1, title=XSS_TITLE, abstract=ABSTRACT, year=2024, date="2024-01-02",
                         authors=["Ada Lovelace", "Alan Turing"], arxiv_id="2401.00001",
                         url="https://arxiv.org/abs/2401.00001", sources=["test:1"])
    abstract2 = "We evaluate FN and ResNet-50 on ImageNet-1k. Code: https://github.com/example/foonet"
    g.papers[p2] = Paper(id=p2, title="Revisiting FooNet", abstract=abstract2, year=2023, doi="10.1145/3442188.3445922",
                         url="javascript:alert(3)", sources=["test:2"])
    ents = [
        Entity(id="model:foonet", type="Model", name="FooNet", aliases=["FN", "Foo Network", XSS_ALIAS], papers=[p1, p2], mentions=4),
        Entity(id="model:resnet-50", type="Model", name="ResNet-50", aliases=["ResNet50"], papers=[p1, p2], mentions=2),
        Entity(id="dataset:imagenet", type="Dataset", name="ImageNet", aliases=["ImageNet-1k", "ILSVRC"], papers=[p1, p2], mentions=2),
        Entity(id="metric:top-1-accuracy", type="Metric", name="top-1 accuracy", aliases=[], papers=[p1], mentions=1),
        Entity(id="task:image-classification", type="Task", name="image classification", papers=[p1], mentions=1),
        Entity(id="method:xss", type="Method", name=XSS_NAME, papers=[p1], mentions=1,
               aliases=["<b>bold</b> & co", "lone \ud800 surrogate", "NUL\x00 and \u202eRTL\u202c", "x" * 10_000]),
    ]
    g.entities = {e.id: e for e in ents}
    g.mentions = [
        _mention(p1, "title", XSS_TITLE, "FooNet", "Model", "model:foonet"),
        _mention(p1, "abstract", ABSTRACT, "FooNet", "Model", "model:foonet"),
        _mention(p1, "abstract", ABSTRACT, "image classification", "Task", "task:image-classification"),
        _mention(p1, "abstract", ABSTRACT, "FooNet", "Model", "model:foonet", nth=1),
        _mention(p1, "abstract", ABSTRACT, "top-1 accuracy", "Metric", "metric:top-1-accuracy"),
        _mention(p1, "abstract", ABSTRACT, "ImageNet", "Dataset", "dataset:imagenet"),
        _mention(p1, "abstract", ABSTRACT, "ResNet-50", "Model", "model:resnet-50"),
        _mention(p1, "abstract", ABSTRACT, XSS_NAME, "Method", "method:xss"),
        _mention(p2, "abstract", abstract2, "FN", "Model", "model:foonet"),
        _mention(p2, "abstract", abstract2, "ResNet-50", "Model", "model:resnet-50"),
        _mention(p2, "abstract", abstract2, "ImageNet-1k", "Dataset", "dataset:imagenet"),
    ]
    s1 = "We propose FooNet, a convolutional model for image classification."
    s2 = "FooNet reaches 85.3% top-1 accuracy on ImageNet, outperforming ResNet-50."
    s3 = "It uses the " + XSS_NAME + " trick."
    rels = [
        ("PROPOSES", p1, "model:foonet", [_evidence(p1, ABSTRACT, s1)]),
        ("EVALUATES_ON", p1, "dataset:imagenet", [_evidence(p1, ABSTRACT, s2)]),
        ("REPORTS", p1, "metric:top-1-accuracy", [_evidence(p1, ABSTRACT, s2)]),
        ("ADDRESSES", p1, "task:image-classification", [_evidence(p1, ABSTRACT, s1)]),
        ("USES", p1, "method:xss", [_evidence(p1, ABSTRACT, s3)]),
        ("USES", p2, "model:foonet", [Evidence(p2, "abstract", 0, 45, abstract2[:45], "rule:test")]),
        ("EVALUATED_ON", "model:foonet", "dataset:imagenet", [_evidence(p1, ABSTRACT, s2)]),
        ("OUTPERFORMS", "model:foonet", "model:resnet-50", [_evidence(p1, ABSTRACT, s2)]),
        ("USED_FOR", "model:foonet", "task:image-classification", [_evidence(p1, ABSTRACT, s1)]),
        ("HAS_CODE", p2, "repo:" + "0" * 16, []),
    ]
    for type_, src, dst, ev in rels:
        rid = Relation.make_id(type_, src, dst)
        g.relations[rid] = Relation(id=rid, type=type_, source=src, target=dst, evidence=ev, confidence=0.9,
                                    support=len({e.paper for e in ev}) or 1)
    g.repositories["repo:" + "0" * 16] = Repository(id="repo:" + "0" * 16, url="https://github.com/example/foonet",
                                                    host="github.com", papers=[p2])
    g.results["res:" + "1" * 16] = Result(
        id="res:" + "1" * 16, paper=p1, model="model:foonet", dataset="dataset:imagenet", metric="metric:top-1-accuracy",
        task="task:image-classification", value=85.3, unit="%", value_text="85.3%",
        surface={"model": "FooNet", "dataset": "ImageNet", "metric": "top-1 accuracy", "task": None},
        evidence=[_evidence(p1, ABSTRACT, s2)],
    )
    g.meta = {"base_iri": base_iri, "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
              "inputs": ["hand-made"], "kg_version": "test", "content_hash": "0123456789abcdef"}
    return g


class Server:
    """uvicorn running ``kg.serve`` in a background thread of the test process."""

    def __init__(self, build_dir: Path, port: int, **options) -> None:
        import uvicorn

        from kg.serve import create_app
        from kg.serve.server import uvicorn_config

        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        app = create_app(build_dir, **options)
        self.server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, options.get("max_request_bytes", 1_000_000), "warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


MAX_ROWS = 40
TIMEOUT = 4.0


@pytest.fixture(scope="module")
def port() -> int:
    return _free_port()


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory, port) -> tuple[Path, KnowledgeGraph]:
    from kg.cypher import write_store as write_cypher
    from kg.rdf import write_store as write_rdf

    out = tmp_path_factory.mktemp("serve-build")
    g = make_graph(f"http://127.0.0.1:{port}/")
    save_graph(g, out)
    write_rdf(g, out)
    write_cypher(g, out)
    return out, g


@pytest.fixture(scope="module")
def server(graph_dir, port):
    with Server(graph_dir[0], port, timeout=TIMEOUT, max_rows=MAX_ROWS, max_request_bytes=100_000) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def outside():
    """A listening socket standing in for "the network": nothing may ever connect to it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    s.settimeout(0.5)
    yield s
    s.close()


def _connections(sock: socket.socket) -> int:
    n = 0
    while True:
        try:
            conn, _ = sock.accept()
        except (socket.timeout, BlockingIOError, OSError):
            return n
        conn.close()
        n += 1


def counts(client: httpx.Client) -> tuple[int, list]:
    """Triples in the SPARQL store and nodes in the Cypher store, as the server reports them."""
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    triples = int(r.json()["results"]["bindings"][0]["n"]["value"])
    r = client.post("/cypher", json={"query": "MATCH (n) RETURN labels(n) AS l, count(*) AS c ORDER BY l"})
    assert r.status_code == 200, r.text
    return triples, r.json()["rows"]


PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX mlkg: <https://w3id.org/mlkg/ontology#>\n"
MODELS_QUERY = PREFIXES + "SELECT ?e ?name WHERE { ?e a mlkg:Model ; skos:prefLabel ?name } ORDER BY ?name"


# ---------------------------------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol with SPARQLWrapper
# ---------------------------------------------------------------------------------------------------------------
def _wrapper(server, fmt, method="GET", request_method=None):
    from SPARQLWrapper import SPARQLWrapper

    w = SPARQLWrapper(server.url + "/sparql")
    w.setReturnFormat(fmt)
    w.setMethod(method)
    if request_method:
        w.setRequestMethod(request_method)
    w.setTimeout(60)
    return w


@pytest.mark.parametrize("method,request_method", [("GET", None), ("POST", "urlencoded"), ("POST", "postdirectly")])
def test_select_every_results_format(server, graph_dir, method, request_method):
    import csv
    import io
    import xml.dom.minidom

    from SPARQLWrapper import CSV, JSON, TSV, XML

    g = graph_dir[1]
    expected = sorted((f"{server.url}/entity/{quote(e.id, safe='')}", e.name) for e in g.entities.values() if e.type == "Model")
    assert len(expected) == 2

    w = _wrapper(server, JSON, method, request_method)
    w.setQuery(MODELS_QUERY)
    res = w.query()
    assert res.response.headers["Content-Type"].startswith("application/sparql-results+json")
    doc = res.convert()
    got = sorted((b["e"]["value"], b["name"]["value"]) for b in doc["results"]["bindings"])
    assert got == expected
    assert doc["results"]["bindings"][0]["e"]["type"] == "uri"

    w.setReturnFormat(XML)
    res = w.query()
    assert res.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    dom = res.convert()
    assert isinstance(dom, xml.dom.minidom.Document)
    uris = sorted(n.firstChild.data for n in dom.getElementsByTagName("uri"))
    assert uris == [e for e, _ in expected]

    w.setReturnFormat(CSV)
    res = w.query()
    assert res.response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(res.convert().decode("utf-8"))))
    assert rows[0] == ["e", "name"]
    assert sorted(tuple(r) for r in rows[1:]) == expected

    w.setReturnFormat(TSV)
    res = w.query()
    assert res.response.headers["Content-Type"].startswith("text/tab-separated-values")
    lines = res.convert().decode("utf-8").strip().split("\n")
    assert lines[0] == "?e\t?name"
    assert sorted(lines[1:]) == sorted(f'<{e}>\t"{n}"' for e, n in expected)


def test_ask_json_and_xml(server):
    from SPARQLWrapper import JSON, XML

    for fmt in (JSON, XML):
        w = _wrapper(server, fmt)
        w.setQuery(PREFIXES + 'ASK { ?e skos:prefLabel "FooNet" }')
        res = w.query().convert()
        assert (res["boolean"] if fmt == JSON else res.getElementsByTagName("boolean")[0].firstChild.data == "true") is True
        w.setQuery(PREFIXES + 'ASK { ?e skos:prefLabel "NoSuchModel" }')
        res = w.query().convert()
        assert (res["boolean"] if fmt == JSON else res.getElementsByTagName("boolean")[0].firstChild.data == "true") is False


@pytest.mark.parametrize("fmt_name", ["TURTLE", "N3", "RDFXML", "JSONLD", "XML"])
def test_construct_every_graph_format(server, fmt_name):
    import rdflib
    import SPARQLWrapper

    w = _wrapper(server, getattr(SPARQLWrapper, fmt_name), "POST")
    w.setQuery(PREFIXES + "CONSTRUCT { ?e skos:prefLabel ?n } WHERE { ?e a mlkg:Model ; skos:prefLabel ?n }")
    res = w.query()
    ctype = res.response.headers["Content-Type"]
    expected_type = {"TURTLE": "text/turtle", "N3": "text/turtle", "RDFXML": "application/rdf+xml",
                     "JSONLD": "application/ld+json", "XML": "application/rdf+xml"}[fmt_name]
    assert ctype.startswith(expected_type)
    graph = res.convert()
    if not isinstance(graph, rdflib.Graph):  # SPARQLWrapper hands Turtle/N3 back as bytes
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    names = sorted(str(o) for o in graph.objects(None, rdflib.SKOS.prefLabel))
    assert names == ["FooNet", "ResNet-50"]


def test_describe_and_ntriples(client, server):
    import rdflib

    iri = f"{server.url}/entity/{quote('dataset:imagenet', safe='')}"
    r = client.get("/sparql", params={"query": f"DESCRIBE <{iri}>"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/n-triples")
    g = rdflib.Graph().parse(data=r.text, format="nt")
    assert (rdflib.URIRef(iri), rdflib.SKOS.prefLabel, rdflib.Literal("ImageNet")) in g
    assert {str(o) for o in g.objects(rdflib.URIRef(iri), rdflib.SKOS.altLabel)} == {"ImageNet-1k", "ILSVRC"}


def test_service_description_and_void(client, server):
    import rdflib

    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    svc = g.value(None, sd.endpoint, rdflib.URIRef(server.url + "/sparql"))
    assert svc is not None
    assert (svc, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (svc, sd.supportedLanguage, sd.SPARQL11Update) not in g
    void_iri = g.value(g.value(svc, sd.defaultDataset), rdflib.RDFS.seeAlso)
    assert str(void_iri) == server.url + "/void"
    # the VoID description resolves too: RDF for RDF clients, a table for people
    void = rdflib.Graph().parse(str(void_iri))
    assert (void_iri, rdflib.RDF.type, rdflib.VOID.Dataset) in void
    html = client.get("/void", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "void#Dataset" in html.text
    assert client.get("/no/such/thing", headers={"Accept": "text/html"}).status_code == 404


def test_content_negotiation_and_format_parameter(client):
    q = {"query": MODELS_QUERY}
    cases = {
        "application/sparql-results+json": "application/sparql-results+json",
        "application/json": "application/sparql-results+json",
        "application/sparql-results+xml;q=0.9, text/csv;q=0.5": "application/sparql-results+xml",
        "text/csv": "text/csv",
        "text/tab-separated-values": "text/tab-separated-values",
        "*/*": "application/sparql-results+json",
        "text/turtle": "application/sparql-results+json",  # nothing offered matches: the default, not an error
    }
    for accept, want in cases.items():
        r = client.get("/sparql", params=q, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(want), (accept, r.headers["content-type"])
        assert "accept" in r.headers.get("vary", "").lower()
    r = client.get("/sparql", params={**q, "format": "csv"}, headers={"Accept": "application/json"})
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get("/sparql", params={**q, "format": "html"})
    assert r.headers["content-type"].startswith("text/html") and "FooNet" in r.text
    cq = {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"}
    for accept, want in {"application/ld+json": "application/ld+json", "text/turtle": "text/turtle",
                         "application/n-triples": "application/n-triples", "*/*": "text/turtle"}.items():
        r = client.get("/sparql", params=cq, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(want), (accept, r.headers["content-type"])
    json.loads(client.get("/sparql", params=cq, headers={"Accept": "application/ld+json"}).text)


def test_malformed_query_is_400_with_a_message(server, client):
    from SPARQLWrapper import JSON
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y "})
    assert r.status_code == 400
    assert "malformed" in r.text.lower()
    w = _wrapper(server, JSON)
    w.setQuery("SELEKT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryBadFormed):
        w.query()
    assert client.get("/sparql", params={"query": "  "}).status_code == 400
    assert client.get("/sparql", headers={"Accept": "application/json"}).status_code == 400  # no query at all
    r = client.post("/sparql", content=b"SELECT * WHERE {?s ?p ?o}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/sparql", content="\xff".encode("latin-1"), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400


def test_row_limit_marks_truncation(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["x-kg-truncated"] == f"max-rows={MAX_ROWS}"
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, headers={"Accept": "application/json"})
    assert len(r.json()["results"]["bindings"]) == 5 and "x-kg-truncated" not in r.headers


def test_dataset_parameters(client, server):
    q = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    r = client.get("/sparql", params={**q, "default-graph-uri": "http://example.org/elsewhere"})
    assert r.status_code == 400 and "does not hold" in r.text
    r = client.get("/sparql", params={**q, "named-graph-uri": "file:///etc/passwd"})
    assert r.status_code == 400
    r = client.get("/sparql", params={**q, "default-graph-uri": server.url + "/void"},
                   headers={"Accept": "application/json"})
    assert r.status_code == 200


def test_cors_for_browser_clients(client):
    r = client.options("/sparql", headers={"Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] in ("*", "http://yasgui.example")
    assert "POST" in r.headers["access-control-allow-methods"]
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://yasgui.example", "Accept": "application/json"})
    assert r.headers["access-control-allow-origin"] in ("*", "http://yasgui.example")


# ---------------------------------------------------------------------------------------------------------------
# hostile requests
# ---------------------------------------------------------------------------------------------------------------
def test_updates_are_refused_and_change_nothing(client, server, graph_dir):
    before = counts(client)
    bad = "http://example.org/evil"
    attempts = [
        ("GET", {"query": f"INSERT DATA {{ <{bad}> <{bad}> <{bad}> }}"}, None, None),
        ("GET", {"update": f"INSERT DATA {{ <{bad}> <{bad}> <{bad}> }}"}, None, None),
        ("POST", None, {"update": "DROP ALL"}, "application/x-www-form-urlencoded"),
        ("POST", None, {"query": "DROP ALL"}, "application/x-www-form-urlencoded"),
        ("POST", None, "CLEAR DEFAULT", "application/sparql-update"),
        ("POST", None, "DELETE WHERE { ?s ?p ?o }", "application/sparql-query"),
        ("GET", {"query": "LOAD <file:///etc/passwd>"}, None, None),
        ("GET", {"query": "LOAD <http://example.org/data.ttl> INTO GRAPH <http://x/>"}, None, None),
    ]
    for method, params, data, ctype in attempts:
        if method == "GET":
            r = client.get("/sparql", params=params)
        elif isinstance(data, dict):
            r = client.post("/sparql", data=data)
        else:
            r = client.post("/sparql", content=data.encode(), headers={"Content-Type": ctype})
        assert r.status_code in (400, 403), (params, data, r.status_code, r.text)
        assert r.text.strip(), "a refusal says why"
    # SPARQLWrapper's own update path (a form POST of update=) is refused the same way
    import urllib.error

    from SPARQLWrapper import JSON, POST

    w = _wrapper(server, JSON, POST)
    w.setQuery(f"INSERT DATA {{ <{bad}> <{bad}> <{bad}> }}")
    assert w.isSparqlUpdateRequest()
    with pytest.raises(urllib.error.HTTPError) as err:
        w.query()
    assert err.value.code == 403
    assert counts(client) == before


def test_service_and_from_never_reach_out(client, outside, tmp_path):
    host, port = outside.getsockname()
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x/s> <http://x/p> "TOP-SECRET" .\n')
    r = client.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <http://{host}:{port}/sparql> {{ ?s ?p ?o }} }}"})
    assert r.status_code in (400, 403) and "SERVICE" in r.text
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code in (400, 403)
    for src in (f"file://{secret}", "file:///etc/passwd", f"http://{host}:{port}/data.ttl"):
        for clause in ("FROM", "FROM NAMED"):
            q = f"SELECT ?o WHERE {{ ?s ?p ?o }}" if clause == "FROM" else "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
            q = q.replace("WHERE", f"{clause} <{src}> WHERE", 1)
            r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/json"})
            assert r.status_code in (200, 400, 403), r.text
            assert "TOP-SECRET" not in r.text and "root:" not in r.text
    assert _connections(outside) == 0


def _raw_get(server, target: str) -> int:
    """Status of a GET sent as is (httpx refuses to build URLs this long)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", target)
        return conn.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        return -1  # the server closed the connection on us: refused too
    finally:
        conn.close()


def test_oversized_requests_are_refused(client, server):
    from urllib.parse import urlencode

    before = counts(client)
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2_000_000
    # 2 MB query string: larger than h11's buffer too, so the server refuses it before the app sees it
    assert _raw_get(server, "/sparql?" + urlencode({"query": huge})) in (400, 413, 414, 431, -1)
    # over the app's limit (100 kB here) but within the HTTP parser's buffer: the app's own 413 with a reason
    assert _raw_get(server, "/sparql?" + urlencode({"query": "ASK {} #" + "x" * 150_000})) == 413
    r = client.post("/sparql", content=huge.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = client.post("/sparql", data={"query": huge})
    assert r.status_code == 413
    r = client.post("/cypher", json={"query": "MATCH (n) RETURN n //" + "x" * 200_000})
    assert r.status_code == 413

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(30):
            yield b"x" * 10_000

    r = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    # just under the app's limit, a long URL is still answered
    r = client.get("/sparql", params={"query": "ASK {} #" + "y" * 50_000}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert counts(client) == before


def test_slow_query_times_out_and_server_recovers(client):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    t0 = time.monotonic()
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 503
    assert "time limit" in r.text or "longer than" in r.text
    assert time.monotonic() - t0 < TIMEOUT + 20
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    slow = ("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x, y WHERE (x * y) % 7 = 3 "
            "RETURN count(*) AS n")
    r = client.post("/cypher", json={"query": slow})
    assert r.status_code == 503 and "longer than" in r.json()["error"]
    r = client.post("/cypher", json={"query": "MATCH (m:Model) RETURN count(m) AS n"})
    assert r.status_code == 200 and r.json()["rows"] == [{"n": 2}]


# ---------------------------------------------------------------------------------------------------------------
# Cypher
# ---------------------------------------------------------------------------------------------------------------
def test_cypher_rows(client, graph_dir):
    g = graph_dir[1]
    r = client.post("/cypher", json={"query": "MATCH (m:Model) RETURN m.id AS id, m.name AS name ORDER BY id"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["columns"] == ["id", "name"]
    assert doc["rows"] == [{"id": e.id, "name": e.name} for e in sorted(g.entities.values(), key=lambda e: e.id) if e.type == "Model"]
    assert doc["truncated"] is False
    r = client.post("/cypher", json={"query": "MATCH (e:Method) WHERE e.name = $name RETURN e.id AS id",
                                     "parameters": {"name": XSS_NAME}})
    assert r.json()["rows"] == [{"id": "method:xss"}]


def test_cypher_refuses_writes_and_injection_is_data(client):
    before = counts(client)
    for q in ("CREATE (m:Model {id: 'x', name: 'x'})", "MATCH (n) DETACH DELETE n", "MATCH (m:Model) SET m.name = 'pwned'",
              "MERGE (m:Model {id: 'y'})", "COPY Model FROM '/etc/passwd'", "LOAD EXTENSION httpfs"):
        r = client.post("/cypher", json={"query": q})
        assert r.status_code in (400, 403), (q, r.status_code, r.text)
        assert "error" in r.json()
    inj = "x' OR 1=1 WITH 1 AS a MATCH (n) DETACH DELETE n //"
    r = client.post("/cypher", json={"query": "MATCH (m:Model) WHERE m.name = $name RETURN m.id", "parameters": {"name": inj}})
    assert r.status_code == 200 and r.json()["rows"] == []
    assert client.post("/cypher", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/cypher", json={"parameters": {}}).status_code == 400
    assert client.post("/cypher", json={"query": "MATCH (n RETURN n"}).status_code == 400
    for odd in ({"a": [1, None]}, 10**30, [1, "x"], "\ud800", None):
        body = json.dumps({"query": "MATCH (m:Model) WHERE m.name = $name RETURN m.id", "parameters": {"name": odd}})
        r = client.post("/cypher", content=body.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code in (200, 400), (odd, r.status_code, r.text)
        assert r.status_code == 400 or r.json()["rows"] == []
    assert counts(client) == before


# ---------------------------------------------------------------------------------------------------------------
# named queries
# ---------------------------------------------------------------------------------------------------------------
def test_named_queries_listed_and_runnable(client):
    from kg.named_queries import list_named_queries

    names = {q.name for q in list_named_queries("sparql")} | {q.name for q in list_named_queries("cypher")}
    r = client.get("/queries", headers={"Accept": "application/json"})
    assert r.status_code == 200
    listed = {q["name"]: q for q in r.json()["queries"]}
    assert set(listed) == names and names
    html = client.get("/queries", headers={"Accept": "text/html"}).text
    assert all(n in html for n in names)
    for name, q in listed.items():
        for lang in q["langs"]:
            r = client.get(f"/queries/{name}", params={"lang": lang, "format": "json"})
            assert r.status_code == 200, (name, lang, r.text)
            doc = r.json()
            assert doc["name"] == name and isinstance(doc["rows"], list)


def test_named_query_parameters_and_injection(client):
    from kg.named_queries import list_named_queries

    before = counts(client)
    q = next(q for q in list_named_queries("sparql") if any(isinstance(v, str) for v in q.params.values()))
    pname = next(k for k, v in q.params.items() if isinstance(v, str))
    for evil in ('" } ; DROP ALL ; #', "\"} UNION { ?s ?p ?o } #", "> <http://x> . } #", XSS_ALIAS):
        for style in ("direct", "param"):
            params = {"lang": "sparql", "format": "json"}
            params.update({pname: evil} if style == "direct" else {"param": f"{pname}={evil}"})
            r = client.get(f"/queries/{q.name}", params=params)
            assert r.status_code == 200, r.text
            assert r.json()["params"][pname] == evil
        html = client.get(f"/queries/{q.name}", params={"lang": "sparql", pname: evil}, headers={"Accept": "text/html"}).text
        assert XSS_ALIAS not in html
    r = client.get(f"/queries/{q.name}", params={"nosuchparam": "1", "format": "json"})
    assert r.status_code == 400 and "nosuchparam" in r.json()["error"]
    r = client.get(f"/queries/{q.name}", params={"param": "no-equals-sign", "format": "json"})
    assert r.status_code == 400 and "NAME=VALUE" in r.json()["error"]
    r = client.get("/queries/no_such_query", params={"format": "json"})
    assert r.status_code == 404
    r = client.get(f"/queries/{q.name}", params={"lang": "prolog", "format": "json"})
    assert r.status_code == 400
    assert counts(client) == before


# ---------------------------------------------------------------------------------------------------------------
# IRIs, pages and downloads over plain HTTP
# ---------------------------------------------------------------------------------------------------------------
def test_iris_dereference_with_content_negotiation(client, server, graph_dir):
    import rdflib

    iri = f"{server.url}/entity/{quote('model:foonet', safe='')}"
    g = rdflib.Graph().parse(iri)  # rdflib fetches the IRI as an RDF client (its own Accept header)
    assert (rdflib.URIRef(iri), rdflib.SKOS.prefLabel, rdflib.Literal("FooNet")) in g
    assert rdflib.Literal(XSS_ALIAS) in set(g.objects(rdflib.URIRef(iri), rdflib.SKOS.altLabel))
    for accept, ctype, fmt in (("text/turtle", "text/turtle", "turtle"), ("application/ld+json", "application/ld+json", "json-ld"),
                               ("application/n-triples", "application/n-triples", "nt"),
                               ("application/rdf+xml", "application/rdf+xml", "xml")):
        r = client.get(iri, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
        assert "accept" in r.headers["vary"].lower()
        parsed = rdflib.Graph().parse(data=r.content, format=fmt)
        assert (rdflib.URIRef(iri), rdflib.SKOS.prefLabel, rdflib.Literal("FooNet")) in parsed
    r = client.get(iri, headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert ">FooNet<" in r.text
    # a paper id holding a slash, percent-encoded in its IRI
    pid = "doi:10.1145/3442188.3445922"
    piri = f"{server.url}/paper/{quote(pid, safe='')}"
    r = client.get(piri, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert (rdflib.URIRef(piri), None, None) in rdflib.Graph().parse(data=r.text, format="turtle")
    assert "Revisiting FooNet" in client.get(piri, headers={"Accept": "text/html"}).text
    assert client.get(f"/paper/{pid}", headers={"Accept": "text/html"}).status_code == 200  # typed by hand
    for junk in ("/entity/model%3Anope", "/entity/%FF%FE", "/%00", "/paper/%3Cscript%3E", "/entity/a%22b%3Ec"):
        for accept in ("text/html", "text/turtle", "application/ld+json"):
            assert client.get(junk, headers={"Accept": accept}).status_code == 404, (junk, accept)
    assert client.get("/entity/model%3Anope", headers={"Accept": "text/turtle"}).status_code == 404
    r = client.get(f"/entity/{quote('model:foonet', safe='')}", params={"format": "jsonld"})
    assert r.headers["content-type"].startswith("application/ld+json")


def test_pages_escape_hostile_text(client):
    html = client.get("/paper/" + quote("arxiv:2401.00001", safe=""), headers={"Accept": "text/html"}).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # mentions highlighted by type, at their offsets
    assert '<mark class="mention t-Dataset"' in html and '<mark class="mention t-Model"' in html
    assert 'href="/entity/dataset%3Aimagenet">ImageNet</a></mark>' in html
    html = client.get("/entity/" + quote("model:foonet", safe=""), headers={"Accept": "text/html"}).text
    assert XSS_ALIAS not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "outperforming ResNet-50" in html  # evidence sentence
    assert "85.3%" in html  # results table
    html = client.get("/paper/" + quote("doi:10.1145/3442188.3445922", safe=""), headers={"Accept": "text/html"}).text
    assert "href=\"javascript:" not in html  # a paper URL that is no web address is not linked
    assert 'href="https://github.com/example/foonet"' in html
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    r = client.get("/search", params={"q": XSS_NAME}, headers={"Accept": "text/html"})
    assert '"};alert(1);//' not in r.text and "&#34;};alert(1);//" in r.text


def test_odd_text_does_not_break_answers(client):
    """Lone surrogates, NUL, RTL marks and 10k-character aliases: every face still answers (U+FFFD for surrogates)."""
    hits = client.get("/api/search", params={"q": "lone"}).json()["entities"]
    assert [h["id"] for h in hits] == ["method:xss"] and hits[0]["matched"] == "lone \ufffd surrogate"
    html = client.get("/entity/" + quote("method:xss", safe=""), headers={"Accept": "text/html"})
    assert html.status_code == 200 and "lone \ufffd surrogate" in html.text and "x" * 10_000 in html.text
    assert client.get("/search", params={"q": "lone"}, headers={"Accept": "text/html"}).status_code == 200
    r = client.get("/entity/" + quote("method:xss", safe=""), headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "\u202eRTL" in r.text


def test_home_and_search_api(client, graph_dir):
    g = graph_dir[1]
    stats = client.get("/api/stats").json()
    assert stats["papers"] == len(g.papers) and stats["entities"] == g.stats()["entities"]
    home = client.get("/", headers={"Accept": "text/html"}).text
    assert f'<span class="n" id="stat-papers">{len(g.papers)}</span>' in home
    hits = client.get("/api/search", params={"q": "ilsvrc"}).json()  # an alias, case-insensitive
    assert hits["entities"][0]["id"] == "dataset:imagenet" and hits["entities"][0]["match"] == "exact"
    hits = client.get("/api/search", params={"q": "foo"}).json()  # prefix of a name and of an alias
    assert hits["entities"][0]["id"] == "model:foonet" and hits["entities"][0]["match"] == "prefix"
    hits = client.get("/api/search", params={"q": "net-1"}).json()  # substring of an alias
    assert [e["id"] for e in hits["entities"]] == ["dataset:imagenet"]
    assert [p["id"] for p in client.get("/api/search", params={"q": "revisiting"}).json()["papers"]] == ["doi:10.1145/3442188.3445922"]
    r = client.get("/search", params={"q": "FN", "go": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/entity/model%3Afoonet"


def test_view_pages_and_payloads(client, graph_dir):
    g = graph_dir[1]
    r = client.get("/view/entity/" + quote("model:foonet", safe=""), params={"format": "json"})
    assert r.status_code == 200
    ids = {n["id"] for n in r.json()["nodes"]}
    assert ids == {"model:foonet"} | {x.target if x.source == "model:foonet" else x.source for x in g.relations_of("model:foonet")}
    page = client.get("/view/paper/" + quote("doi:10.1145/3442188.3445922", safe=""), headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'data-kg-view="kg-view-data"' in page.text
    assert '<script src="/view-assets/kg-view.js"></script>' in page.text
    assert client.get("/view-assets/kg-view.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/view-assets/..%2F..%2Fpage.py").status_code == 404
    assert client.get("/view/entity/nope", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/view/other/x", headers={"Accept": "text/html"}).status_code == 404


def test_downloads_generated_on_demand(client, server, graph_dir):
    import rdflib

    listing = client.get("/downloads", headers={"Accept": "application/json"}).json()["downloads"]
    assert {"turtle", "ntriples", "jsonld"} <= {d["fmt"] for d in listing}
    r = client.get("/downloads/turtle")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "attachment" in r.headers["content-disposition"]
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    iri = rdflib.URIRef(f"{server.url}/entity/{quote('model:foonet', safe='')}")
    assert (iri, rdflib.SKOS.prefLabel, rdflib.Literal("FooNet")) in g
    cached = list((graph_dir[0] / "cache" / "exports").glob("*.ttl"))
    assert len(cached) == 1
    mtime = cached[0].stat().st_mtime_ns
    assert client.get("/downloads/turtle").content == r.content
    assert cached[0].stat().st_mtime_ns == mtime  # served from the cache, not made again
    assert client.get("/downloads/nosuch").status_code == 404


def test_create_app_refuses_a_non_build_dir(tmp_path):
    from kg.errors import BuildDirError
    from kg.serve import create_app

    with pytest.raises(BuildDirError, match="not a kg build directory"):
        create_app(tmp_path)


def test_named_query_names_are_not_paths(client):
    for name in ("..%2F..%2Fetc%2Fpasswd", "...", "%2Fetc%2Fpasswd", "graph_counts.rq", "a%00b"):
        r = client.get(f"/queries/{name}", params={"format": "json"})
        assert r.status_code == 404, (name, r.status_code)


def test_public_base_differing_from_the_build(graph_dir, port):
    """Served under another base, the build's IRIs are presented (pages, linked data) under the public one."""
    import rdflib

    other = _free_port()
    base = f"http://127.0.0.1:{other}/"
    with Server(graph_dir[0], other, base_iri=base) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        iri = f"{base}entity/{quote('model:foonet', safe='')}"
        g = rdflib.Graph().parse(iri)
        assert (rdflib.URIRef(iri), rdflib.SKOS.prefLabel, rdflib.Literal("FooNet")) in g
        assert not any(str(t).startswith(f"http://127.0.0.1:{port}/") for triple in g for t in triple)
        page = c.get(iri, headers={"Accept": "text/html"}).text
        assert f"<code>{iri}</code>" in page
        # SPARQL answers keep the IRIs the build holds (the store is not rewritten)
        r = c.get("/sparql", params={"query": MODELS_QUERY}, headers={"Accept": "application/json"})
        assert all(b["e"]["value"].startswith(f"http://127.0.0.1:{port}/") for b in r.json()["results"]["bindings"])


def test_rebuilt_directory_is_picked_up_while_serving(tmp_path):
    """A build swapped in under a running server shows on the next request (pages, SPARQL, Cypher)."""
    from kg.cypher import write_store as write_cypher
    from kg.rdf import write_store as write_rdf

    p = _free_port()
    g = make_graph(f"http://127.0.0.1:{p}/")
    save_graph(g, tmp_path)
    write_rdf(g, tmp_path)
    write_cypher(g, tmp_path)
    q = {"query": PREFIXES + "SELECT (COUNT(?e) AS ?n) WHERE { ?e a mlkg:Dataset }"}
    with Server(tmp_path, p) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        assert c.get("/api/stats").json()["entities"]["Dataset"] == 1
        assert "MS COCO" not in c.get("/downloads/turtle").text
        assert c.get("/sparql", params=q, headers={"Accept": "application/json"}).json()["results"]["bindings"][0]["n"]["value"] == "1"
        g.entities["dataset:coco"] = Entity(id="dataset:coco", type="Dataset", name="COCO", aliases=["MS COCO"])
        save_graph(g, tmp_path)
        write_rdf(g, tmp_path)
        write_cypher(g, tmp_path)
        # the new graph is read in the background while the old one keeps answering
        deadline = time.monotonic() + 20
        while c.get("/api/stats").json()["entities"]["Dataset"] != 2:
            assert time.monotonic() < deadline, "the rebuilt graph was not picked up"
            time.sleep(0.1)
        assert c.get("/api/search", params={"q": "ms coco"}).json()["entities"][0]["id"] == "dataset:coco"
        assert c.get("/sparql", params=q, headers={"Accept": "application/json"}).json()["results"]["bindings"][0]["n"]["value"] == "2"
        r = c.post("/cypher", json={"query": "MATCH (d:Dataset) RETURN count(d) AS n"})
        assert r.json()["rows"] == [{"n": 2}]
        assert c.get("/entity/dataset%3Acoco", headers={"Accept": "text/html"}).status_code == 200
        assert "MS COCO" in c.get("/downloads/turtle").text  # a new export for the new graph
        assert len(list((tmp_path / "cache" / "exports").glob("*.ttl"))) == 1  # the old one is gone


def _listening(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            addr, p = parts[1].rsplit(":", 1)
            if int(p, 16) == port and parts[3] == "0A":  # LISTEN
                out.append(addr)
    return out


def test_cli_serves_on_loopback_and_stops_on_ctrl_c(graph_dir, tmp_path):
    import signal
    import subprocess
    import sys

    p = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(graph_dir[0]), "--port", str(p), "--max-rows", "3", "--timeout", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{p}/api/stats", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "kg serve did not answer"
                time.sleep(0.2)
        assert r.json()["papers"] == len(graph_dir[1].papers)
        assert _listening(p) == ["0100007F"]  # 127.0.0.1 only
        r = httpx.get(f"http://127.0.0.1:{p}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                      headers={"Accept": "application/json"}, timeout=60)
        assert len(r.json()["results"]["bindings"]) == 3 and r.headers["x-kg-truncated"] == "max-rows=3"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    err = proc.stderr.read()
    assert proc.returncode in (0, 130), err  # 130: the shell's code for Ctrl+C, after uvicorn's graceful shutdown
    assert "Traceback" not in err and "Finished server process" in err
    bad = subprocess.run([sys.executable, "-m", "kg", "serve", str(tmp_path), "--port", str(_free_port())],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "not a kg build directory" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = subprocess.run([sys.executable, "-m", "kg", "serve", str(graph_dir[0]), "--port", str(taken.getsockname()[1])],
                              capture_output=True, text=True, timeout=60)
    assert busy.returncode == 1 and "Cannot listen on 127.0.0.1" in busy.stderr


# ---------------------------------------------------------------------------------------------------------------
# the real build of the sample corpus
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_sample_build_served(sample_graph_dir):
    from kg.graph.io import load_graph

    g = load_graph(sample_graph_dir)
    with Server(sample_graph_dir, _free_port()) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        r = c.get("/sparql", params={"query": "PREFIX mlkg: <https://w3id.org/mlkg/ontology#>\n"
                                               "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mlkg:Paper }"},
                  headers={"Accept": "application/sparql-results+json"})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == len(g.papers)
        r = c.post("/cypher", json={"query": "MATCH (p:Paper) RETURN count(p) AS n"})
        assert r.json()["rows"] == [{"n": len(g.papers)}]
        e = max(g.entities.values(), key=lambda e: (len(e.aliases), len(e.papers), e.id))
        alias = e.aliases[0] if e.aliases else e.name
        hits = c.get("/api/search", params={"q": alias.upper()}).json()["entities"]
        assert e.id in [h["id"] for h in hits if h["match"] == "exact"]
        page = c.get(hits[0]["url"], headers={"Accept": "text/html"})
        assert page.status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# pages in headless Chromium
# ---------------------------------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian package chromium; `make system-deps` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


class Watched:
    """A page whose console errors, page errors, dialogs and requests are recorded."""

    def __init__(self, browser, server):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.server.url + "/") or u.startswith("data:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, server):
    w = Watched(browser, server)
    yield w
    w.close()
    assert w.errors == [], w.errors
    assert w.dialogs == [], f"a script ran from graph text: {w.dialogs}"
    assert w.outside_requests() == [], w.outside_requests()


@pytest.mark.browser
def test_browser_search_to_entity_page_with_view(watched, server, graph_dir):
    page = watched.page
    page.goto(server.url + "/")
    assert page.inner_text("#stat-papers") == str(len(graph_dir[1].papers))
    page.fill("#search-q", "ilsv")  # an alias of ImageNet, typed in lower case
    page.wait_for_selector("#search-suggest li a")
    assert "ImageNet" in page.inner_text("#search-suggest")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#entity-results")
    assert page.inner_text("#entity-results tbody tr:first-child td:first-child") == "ImageNet"
    page.click("#entity-results tbody tr:first-child a")
    page.wait_for_selector("#entity-name")
    assert page.inner_text("#entity-name") == "ImageNet"
    assert page.url == f"{server.url}/entity/{quote('dataset:imagenet', safe='')}"

    # FooNet: hostile alias shown as text, relations with evidence, results, and the embedded interactive view
    page.goto(f"{server.url}/entity/{quote('model:foonet', safe='')}")
    aliases = page.locator("#aliases li").all_inner_texts()
    assert XSS_ALIAS in aliases and "FN" in aliases
    assert page.locator("#aliases script").count() == 0
    assert "outperforming ResNet-50" in page.inner_text("#relations")
    page.wait_for_function("() => window.kgViews && window.kgViews['kg-view'] && window.kgViews['kg-view'].stable",
                           timeout=30_000)
    n_nodes = page.evaluate("() => window.kgViews['kg-view'].nodes.length")
    n_edges = page.evaluate("() => window.kgViews['kg-view'].edges.length")
    g = graph_dir[1]
    neighbours = {r.target if r.source == "model:foonet" else r.source for r in g.relations_of("model:foonet")}
    assert n_nodes == len(neighbours) + 1
    assert n_edges >= len(list(g.relations_of("model:foonet")))
    box = page.locator(".kg-view canvas").first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-entity-page.png"), full_page=True)

    # a 10,000-character alias neither breaks out of the layout nor widens the page
    for path in ("/search?q=x", "/entity/" + quote("method:xss", safe="")):
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path


@pytest.mark.browser
def test_browser_paper_page_highlights_and_escapes(watched, server):
    page = watched.page
    page.goto(f"{server.url}/paper/{quote('arxiv:2401.00001', safe='')}")
    assert page.inner_text("#paper-title") == XSS_TITLE  # the markup in the title is text
    assert page.locator("#paper-title img").count() == 0
    marks = page.locator("#paper-abstract mark.mention")
    texts = marks.all_inner_texts()
    assert texts == ["FooNet", "image classification", "FooNet", "top-1 accuracy", "ImageNet", "ResNet-50", XSS_NAME]
    classes = [marks.nth(i).get_attribute("class") for i in range(marks.count())]
    assert classes[0] == "mention t-Model" and classes[4] == "mention t-Dataset" and classes[6] == "mention t-Method"
    # highlighted types get distinct colours from the stylesheet (no inline styles needed)
    colours = {page.evaluate("(e) => getComputedStyle(e).borderBottomColor", marks.nth(i).element_handle()) for i in (0, 2, 3, 4)}
    assert len(colours) == 3
    assert "proposes" in page.inner_text("#contributions") and "FooNet" in page.inner_text("#contributions")
    page.click("#paper-abstract mark.t-Dataset a")
    page.wait_for_selector("#entity-name")
    assert page.inner_text("#entity-name") == "ImageNet"


@pytest.mark.browser
def test_browser_sparql_form_and_named_query(watched, server):
    page = watched.page
    page.goto(server.url + "/sparql")
    page.fill("textarea[name=query]", MODELS_QUERY)
    page.select_option("select[name=format]", "html")
    page.click("form.query-form button[type=submit]")
    page.wait_for_selector("#sparql-results")
    assert sorted(page.locator("#sparql-results tbody tr td:nth-child(2)").all_inner_texts()) == ["FooNet", "ResNet-50"]
    # the Cypher console: rows come back as text; a write is refused with the server's reason
    page.goto(server.url + "/cypher")
    page.fill("#cypher-query", "MATCH (m:Method) WHERE m.id = $id RETURN m.name AS name, m.aliases AS aliases")
    page.fill("#cypher-params", '{"id": "method:xss"}')
    page.click("#cypher-form button[type=submit]")
    page.wait_for_selector("#cypher-rows:not([hidden]) tbody tr")
    assert page.inner_text("#cypher-rows tbody tr td:first-child") == XSS_NAME
    page.fill("#cypher-query", "MATCH (n) DETACH DELETE n")
    page.click("#cypher-form button[type=submit]")
    page.wait_for_selector("#cypher-error:not([hidden])")
    assert "read-only" in page.inner_text("#cypher-error")
    assert [e for e in watched.errors if "403" in e] and all("403" in e for e in watched.errors)
    watched.errors.clear()  # Chromium logs the refused request itself; nothing else may fail
    page.goto(server.url + "/queries")
    assert page.locator("#named-queries tbody tr").count() >= 1
    page.locator("#named-queries tbody tr:first-child td:last-child a").first.click()
    page.wait_for_selector("#query-rows")


@pytest.mark.browser
def test_browser_cross_origin_client_like_yasgui(browser, server):
    """A page from another origin POSTs a form query and reads the JSON answer: CORS lets a browser client in."""
    import http.server

    page_html = (
        "<!doctype html><html><body><pre id=out>waiting</pre><script>\n"
        "fetch(" + json.dumps(server.url + "/sparql") + ", {method: 'POST',\n"
        "  headers: {'Content-Type': 'application/x-www-form-urlencoded',\n"
        "            'Accept': 'application/sparql-results+json,*/*;q=0.9'},\n"
        "  body: 'query=' + encodeURIComponent(" + json.dumps(MODELS_QUERY) + ")})\n"
        ".then(r => r.json()).then(d => { document.getElementById('out').textContent =\n"
        "  d.results.bindings.map(b => b.name.value).join(','); })\n"
        ".catch(e => { document.getElementById('out').textContent = 'failed: ' + e; });\n"
        "</script></body></html>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page_html)))
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=other.serve_forever, daemon=True)
    t.start()
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        page.wait_for_function("() => document.getElementById('out').textContent !== 'waiting'", timeout=20_000)
        assert page.inner_text("#out") == "FooNet,ResNet-50"
    finally:
        ctx.close()
        other.shutdown()
