"""The W3C SPARQL 1.1 Protocol (query operation) over :func:`kg.rdf.sparql`.

Requests: ``GET ?query=``, ``POST application/x-www-form-urlencoded`` and ``POST application/sparql-query``, with
``default-graph-uri``/``named-graph-uri``. Answers: SPARQL Results JSON, XML, CSV and TSV for SELECT/ASK; Turtle,
N-Triples, JSON-LD and RDF/XML for CONSTRUCT/DESCRIBE, chosen from ``Accept`` or from the ``format``/``output``
parameter that SPARQLWrapper and other clients send. Serialisation is Oxigraph's (W3C-conformant writers).

The endpoint is read-only: the update operation (``update=``, ``application/sparql-update``) is refused with 403
before anything runs, and :func:`kg.rdf.sparql` refuses UPDATE/LOAD/SERVICE and dataset clauses that would read
files or the network.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import parse_qsl

from kg.serve.conneg import best_match

log = logging.getLogger(__name__)

# media type -> (pyoxigraph format name, canonical media type to send)
RESULTS_TYPES: dict[str, tuple[str, str]] = {
    "application/sparql-results+json": ("JSON", "application/sparql-results+json"),
    "application/sparql-results+xml": ("XML", "application/sparql-results+xml"),
    "text/csv": ("CSV", "text/csv"),
    "text/tab-separated-values": ("TSV", "text/tab-separated-values"),
    "application/json": ("JSON", "application/sparql-results+json"),
    "application/xml": ("XML", "application/sparql-results+xml"),
    "text/xml": ("XML", "application/sparql-results+xml"),
    "text/html": ("HTML", "text/html"),
}
GRAPH_TYPES: dict[str, tuple[str, str]] = {
    "text/turtle": ("TURTLE", "text/turtle"),
    "application/n-triples": ("N_TRIPLES", "application/n-triples"),
    "application/ld+json": ("JSON_LD", "application/ld+json"),
    "application/rdf+xml": ("RDF_XML", "application/rdf+xml"),
    "application/turtle": ("TURTLE", "text/turtle"),
    "application/x-turtle": ("TURTLE", "text/turtle"),
    "text/n3": ("TURTLE", "text/turtle"),  # Turtle is N3
    "text/rdf+n3": ("TURTLE", "text/turtle"),
    "application/x-json+ld": ("JSON_LD", "application/ld+json"),
    "text/plain": ("N_TRIPLES", "application/n-triples"),
    "application/json": ("JSON_LD", "application/ld+json"),
    "application/xml": ("RDF_XML", "application/rdf+xml"),
    "text/html": ("HTML", "text/html"),
}
# ``format=``/``output=``/``results=`` values (SPARQLWrapper, Virtuoso, Fuseki style), per query form.
_RESULTS_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "html": "text/html"}
_GRAPH_NAMES = {"turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle", "nt": "application/n-triples",
                "ntriples": "application/n-triples", "n-triples": "application/n-triples",
                "json-ld": "application/ld+json", "jsonld": "application/ld+json", "json": "application/ld+json",
                "rdf+xml": "application/rdf+xml", "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml",
                "html": "text/html"}
FORMAT_PARAMS = ("format", "output", "results")


class ProtocolError(Exception):
    """A request the protocol does not allow; carries the HTTP status and a readable message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class SparqlRequest:
    query: str
    default_graphs: list[str]
    named_graphs: list[str]
    formats: list[str]  #: values of format/output/results, in order


def parse_request(method: str, content_type: str | None, url_params: list[tuple[str, str]], body: bytes) -> SparqlRequest:
    """Read a protocol request into a :class:`SparqlRequest`.

    Raises:
        ProtocolError: 403 for the update operation, 415 for an unknown body type, 400 for a missing, repeated or
            undecodable query.
    """
    ctype = (content_type or "").split(";")[0].strip().lower()
    params = list(url_params)
    query: str | None = None
    if method == "POST":
        if ctype == "application/sparql-update":
            raise _update_refused()
        if ctype == "application/x-www-form-urlencoded":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "The form body is not UTF-8. Encode the query as UTF-8 and URL-encode it.") from None
            params += parse_qsl(text, keep_blank_values=True)
        elif ctype == "application/sparql-query":
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "The query body is not UTF-8. Send the query text encoded as UTF-8.") from None
            if any(k == "query" for k, _ in params):
                raise ProtocolError(400, "A POST of application/sparql-query carries the query in its body; do not "
                                         "also pass query= in the URL.")
        else:
            raise ProtocolError(
                415,
                f"Cannot read a request body of type {ctype or '(none)'!r}. POST the query as "
                "application/sparql-query (the query text) or application/x-www-form-urlencoded (query=...), "
                "or use GET /sparql?query=...",
            )
    if any(k == "update" for k, _ in params):
        raise _update_refused()
    if query is None:
        queries = [v for k, v in params if k == "query"]
        if not queries:
            raise ProtocolError(400, "Missing the query: pass it as query=... (GET or a form POST) or POST it as "
                                     "application/sparql-query.")
        if len(queries) > 1:
            raise ProtocolError(400, f"Got {len(queries)} query parameters; send exactly one.")
        query = queries[0]
    if not query.strip():
        raise ProtocolError(400, "The query is empty. Send a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    return SparqlRequest(
        query=query,
        default_graphs=[v for k, v in params if k == "default-graph-uri"],
        named_graphs=[v for k, v in params if k == "named-graph-uri"],
        formats=[v for k, v in params if k in FORMAT_PARAMS and v],
    )


def _update_refused() -> ProtocolError:
    return ProtocolError(
        403,
        "This SPARQL endpoint is read-only: the update operation (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is refused. "
        "Change the graph by rebuilding it with `kg build`.",
    )


def check_dataset(req: SparqlRequest, base_iri: str, *other_bases: str) -> None:
    """Accept only graph IRIs of this build (they all name its one dataset); never dereference any.

    Raises:
        ProtocolError: 400 naming the foreign graph IRI.
    """
    for kind, values in (("default-graph-uri", req.default_graphs), ("named-graph-uri", req.named_graphs)):
        for v in values:
            if not v.startswith((base_iri, *other_bases)):
                raise ProtocolError(
                    400,
                    f"{kind}={v!r} names a graph this endpoint does not hold; it serves one dataset, whose IRIs "
                    f"start with {base_iri}. Omit {kind}, or name a graph under that base. Remote graphs are "
                    "never loaded.",
                )


def _pick(req: SparqlRequest, accept: str | None, table: dict[str, tuple[str, str]], names: dict[str, str]) -> tuple[str, str]:
    for f in req.formats:
        f = f.strip().lower()
        media = names.get(f) or (f if f in table else None)
        if media:
            return table[media]
    media = best_match(accept, list(table))
    return table[media] if media else table[next(iter(table))]  # lenient: clients send odd Accept headers


@dataclass
class Rendered:
    media_type: str
    body: bytes
    truncated: bool
    form: str  #: "solutions", "boolean" or "graph"
    data: Any = None  #: W3C JSON (solutions/boolean) or triples, for the HTML view


def render(result: Any, req: SparqlRequest, accept: str | None, max_rows: int, prefixes: dict[str, str] | None = None,
           rebase: tuple[str, str] | None = None) -> Rendered:
    """Serialise a :func:`kg.rdf.sparql` result in the negotiated format, keeping at most ``max_rows`` rows.

    ``rebase=(old, new)`` moves the IRIs of graph results from one base to another (linked-data documents served
    under a public base that differs from the build's).
    """
    import pyoxigraph as ox

    form, payload = result_payload(result)
    truncated = False  # the store is asked for max_rows + 1 rows, so one more than the limit means "cut"
    if form == "graph":
        triples = list(_take(payload, max_rows + 1))
        if len(triples) > max_rows:
            triples, truncated = triples[:max_rows], True
        if rebase and rebase[0] != rebase[1]:
            triples = [_rebase(t, *rebase) for t in triples]
        fmt, media = _pick(req, accept, GRAPH_TYPES, _GRAPH_NAMES)
        if fmt == "HTML":
            return Rendered(media, b"", truncated, form, triples)
        kwargs: dict[str, Any] = {"format": getattr(ox.RdfFormat, fmt)}
        if fmt in ("TURTLE", "RDF_XML", "JSON_LD") and prefixes:
            kwargs["prefixes"] = prefixes
        try:
            body = ox.serialize(triples, **kwargs)
        except TypeError:  # an Oxigraph without prefix support for this format
            kwargs.pop("prefixes", None)
            body = ox.serialize(triples, **kwargs)
        return Rendered(media, body or b"", truncated, form, triples)
    doc = payload
    if form == "solutions":
        rows = doc.get("results", {}).get("bindings", [])
        if len(rows) > max_rows:
            doc = {**doc, "results": {**doc["results"], "bindings": rows[:max_rows]}}
            truncated = True
    fmt, media = _pick(req, accept, RESULTS_TYPES, _RESULTS_NAMES)
    if fmt == "HTML":
        return Rendered(media, b"", truncated, form, doc)
    if fmt == "JSON":
        from kg.serve.responses import dump_json

        body = dump_json(doc)
    else:
        parsed = ox.parse_query_results(json.dumps(doc).encode("utf-8"), ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt))
    if fmt in ("CSV", "TSV"):
        media += "; charset=utf-8"
    return Rendered(media, body, truncated, form, doc)


def _rebase(t: Any, old: str, new: str) -> Any:
    import pyoxigraph as ox

    def move(x: Any) -> Any:
        if isinstance(x, ox.NamedNode) and x.value.startswith(old):
            return ox.NamedNode(new + x.value[len(old):])
        return x

    return ox.Triple(move(t.subject), move(t.predicate), move(t.object))


def _take(items: Iterable[Any], n: int) -> Iterable[Any]:
    for i, x in enumerate(items):
        if i >= n:
            return
        yield x


def result_payload(result: Any) -> tuple[str, Any]:
    """``("solutions"|"boolean", W3C JSON dict)`` or ``("graph", iterable of pyoxigraph Triples)``."""
    triples = _triples_of(result)
    if triples is not None:
        return "graph", triples
    doc = result.to_w3c_json() if hasattr(result, "to_w3c_json") else result
    if isinstance(doc, (str, bytes)):
        doc = json.loads(doc)
    if "boolean" in doc:
        return "boolean", doc
    return "solutions", doc


@dataclass
class GraphTriples:
    """Triples made by the server itself (not a store answer), to serialise like a CONSTRUCT result."""

    triples: list[Any]
    kind: str = "graph"


def _triples_of(result: Any) -> Iterable[Any] | None:
    """The triples of a CONSTRUCT/DESCRIBE result, as pyoxigraph terms; None for SELECT/ASK results."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryTriples):
        return result
    kind = str(getattr(result, "kind", getattr(result, "form", getattr(result, "type", ""))) or "").upper()
    if kind and kind not in ("CONSTRUCT", "DESCRIBE", "GRAPH"):
        return None
    if kind and hasattr(result, "terms"):  # kg.rdf.SparqlResult: one row of term tuples per triple
        from kg.rdf.results import term_to_oxigraph

        return (ox.Triple(*(term_to_oxigraph(t) for t in row[:3])) for row in result.terms)
    for attr in ("triples", "graph"):
        value = getattr(result, attr, None)
        if value is not None and not callable(value):
            return (_to_ox(t) for t in value)
    if kind in ("CONSTRUCT", "DESCRIBE", "GRAPH"):
        return (_to_ox(t) for t in result)
    return None


def _to_ox(t: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(t, ox.Triple):
        return t
    if isinstance(t, ox.Quad):
        return ox.Triple(t.subject, t.predicate, t.object)
    s, p, o = t[0], t[1], t[2]
    return ox.Triple(_term(s), _term(p), _term(o))


def _term(x: Any) -> Any:
    """An rdflib term (or an Oxigraph one) as an Oxigraph term."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(x, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return x
    if isinstance(x, URIRef):
        return ox.NamedNode(str(x))
    if isinstance(x, BNode):
        return ox.BlankNode(str(x))
    if isinstance(x, Literal):
        if x.language:
            return ox.Literal(str(x), language=x.language)
        if x.datatype:
            return ox.Literal(str(x), datatype=ox.NamedNode(str(x.datatype)))
        return ox.Literal(str(x))
    raise TypeError(f"not an RDF term: {x!r}")


SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_W3C = "http://www.w3.org/ns/formats/"


def service_description(endpoint: str, void_iri: str | None) -> list[Any]:
    """The SPARQL 1.1 Service Description of the endpoint (what ``GET /sparql`` without a query returns to RDF
    clients): SPARQL 1.1 Query only (no update, no federation), the result formats, and the VoID description of the
    dataset it serves."""
    import pyoxigraph as ox

    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    svc = ox.BlankNode("service")
    out = [
        ox.Triple(svc, a, ox.NamedNode(SD + "Service")),
        ox.Triple(svc, ox.NamedNode(SD + "endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(svc, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                 "N-Triples", "JSON-LD", "RDF_XML"):
        out.append(ox.Triple(svc, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(_FORMATS_W3C + name)))
    if void_iri:
        ds = ox.BlankNode("dataset")
        out += [
            ox.Triple(svc, ox.NamedNode(SD + "defaultDataset"), ds),
            ox.Triple(ds, a, ox.NamedNode(SD + "Dataset")),
            ox.Triple(ds, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), ox.NamedNode(void_iri)),
        ]
    return out
