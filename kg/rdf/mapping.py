"""Mapping of the canonical :class:`~kg.graph.model.KnowledgeGraph` to RDF triples.

The mapping streams triples in a deterministic order (the graph's canonical order), so two builds of the same graph
give the same triples in the same order and byte-identical exports. It is engine-neutral: :func:`iter_raw_triples`
yields plain tuples, and :func:`iter_triples` turns them into pyoxigraph or rdflib terms.

Modelling (``schemas/ontology.ttl`` documents every term):

* ``<base>paper/{id}``: ``mlkg:Paper`` with DCTERMS title/abstract/identifier/issued, ``fabio:hasArXivId``,
  ``schema:mentions`` for every entity it mentions, one direct triple per relation it is the source of;
* ``<base>entity/{id}``: ``mlkg:Model`` (etc.) with ``skos:prefLabel``/``skos:altLabel``;
* ``<base>statement/{id}``: one reified statement per relation (``rdf:Statement`` + ``prov:Entity``; subject,
  predicate, object, confidence, support, ``prov:wasDerivedFrom`` papers, ``mlkg:evidence``) next to the direct
  triple, so a plain SPARQL 1.1 engine can ask for evidence;
* ``<base>evidence/{hash}``: ``mlkg:Evidence`` (``prov:Entity``), one per (paper, field, span, extractor,
  confidence) and shared by every statement or result it supports: paper, field, NIF offsets, sentence, extractor
  (``prov:wasGeneratedBy <base>extractor/{name}``), confidence;
* ``<base>mention/{hash}``: ``mlkg:Mention`` (``nif:Phrase``) with NIF offsets and the entity it denotes;
* ``<base>result/{id}``, ``<base>repository/{id}``; ``<base>void``: the VoID/DCAT description of the build.

IRIs are minted only from controlled ids, percent-encoded with ``urllib.parse.quote(id, safe="")``; raw text only
ever goes into literals. Offsets and counts are ``xsd:integer`` (not NIF's ``xsd:nonNegativeInteger``): Oxigraph stores derived integer
types as ``xsd:integer``, and the store, the exports and the mapping must hold the very same triples. Text is made representable in every RDF syntax (including XML 1.0, which cannot carry NUL
or most C0 controls): lone surrogates and XML-illegal characters become U+FFFD and CR/CRLF become LF, so that every
export format round-trips to the same triples.
"""

from __future__ import annotations

import datetime as _dt
import io
import logging
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Iterator, Literal as TLiteral, Union
from urllib.parse import quote

from kg.errors import StoreError
from kg.graph.model import KnowledgeGraph, Mention, mentions_by_paper, stable_hash
from kg.rdf.vocab import (
    ALIGNED_TYPES,
    CLASSES,
    DEFAULT_BASE_IRI,
    FABIO,
    MLKG,
    NIF,
    RELATION_PREDICATES,
)
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

log = logging.getLogger(__name__)

#: An object term: an IRI (``str``) or a literal ``(lexical, datatype IRI)``.
RawObject = Union[str, tuple[str, str]]
RawTriple = tuple[str, str, RawObject]

_S = str  # IRIs are plain strings in raw triples
_XSD_STRING = str(XSD.string)
_XSD_INTEGER = str(XSD.integer)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_DATE = str(XSD.date)
_XSD_GYEAR = str(XSD.gYear)
_XSD_GYEARMONTH = str(XSD.gYearMonth)
_XSD_DATETIME = str(XSD.dateTime)
_XSD_ANYURI = str(XSD.anyURI)
_RDF_TYPE = str(RDF.type)
_TYPES = {k: (str(CLASSES[k]),) + tuple(str(c) for c in ALIGNED_TYPES[k]) for k in CLASSES}
# Vocabulary IRIs as plain strings: DefinedNamespace attribute lookups are too slow for millions of triples.
_DCAT_Dataset = str(DCAT.Dataset)
_DCTERMS_abstract = str(DCTERMS.abstract)
_DCTERMS_creator = str(DCTERMS.creator)
_DCTERMS_identifier = str(DCTERMS.identifier)
_DCTERMS_issued = str(DCTERMS.issued)
_DCTERMS_source = str(DCTERMS.source)
_DCTERMS_title = str(DCTERMS.title)
_FABIO_hasArXivId = str(FABIO.hasArXivId)
_MLKG_Evidence = str(MLKG.Evidence)
_MLKG_Extraction = str(MLKG.Extraction)
_MLKG_Mention = str(MLKG.Mention)
_MLKG_Statement = str(MLKG.Statement)
_MLKG__NS = str(MLKG._NS)
_MLKG_authorName = str(MLKG.authorName)
_MLKG_category = str(MLKG.category)
_MLKG_confidence = str(MLKG.confidence)
_MLKG_denotes = str(MLKG.denotes)
_MLKG_doi = str(MLKG.doi)
_MLKG_evidence = str(MLKG.evidence)
_MLKG_field = str(MLKG.field)
_MLKG_hasCode = str(MLKG.hasCode)
_MLKG_host = str(MLKG.host)
_MLKG_kind = str(MLKG.kind)
_MLKG_link = str(MLKG.link)
_MLKG_mentionCount = str(MLKG.mentionCount)
_MLKG_mentionType = str(MLKG.mentionType)
_MLKG_metricName = str(MLKG.metricName)
_MLKG_openAlexId = str(MLKG.openAlexId)
_MLKG_paper = str(MLKG.paper)
_MLKG_relationType = str(MLKG.relationType)
_MLKG_reportedIn = str(MLKG.reportedIn)
_MLKG_semanticScholarId = str(MLKG.semanticScholarId)
_MLKG_sentenceBeginIndex = str(MLKG.sentenceBeginIndex)
_MLKG_sentenceEndIndex = str(MLKG.sentenceEndIndex)
_MLKG_sourceRecord = str(MLKG.sourceRecord)
_MLKG_support = str(MLKG.support)
_MLKG_text = str(MLKG.text)
_MLKG_unit = str(MLKG.unit)
_MLKG_value = str(MLKG.value)
_MLKG_valueText = str(MLKG.valueText)
_MLKG_year = str(MLKG.year)
_NIF_Phrase = str(NIF.Phrase)
_NIF_anchorOf = str(NIF.anchorOf)
_NIF_beginIndex = str(NIF.beginIndex)
_NIF_endIndex = str(NIF.endIndex)
_PROV_Activity = str(PROV.Activity)
_PROV_Entity = str(PROV.Entity)
_PROV_wasDerivedFrom = str(PROV.wasDerivedFrom)
_PROV_wasGeneratedBy = str(PROV.wasGeneratedBy)
_RDF_Statement = str(RDF.Statement)
_RDF_object = str(RDF.object)
_RDF_predicate = str(RDF.predicate)
_RDF_subject = str(RDF.subject)
_RDFS_label = str(RDFS.label)
_SDO_codeRepository = str(SDO.codeRepository)
_SDO_mentions = str(SDO.mentions)
_SDO_url = str(SDO.url)
_SKOS_altLabel = str(SKOS.altLabel)
_SKOS_prefLabel = str(SKOS.prefLabel)
_VOID_Dataset = str(VOID.Dataset)
_VOID_Linkset = str(VOID.Linkset)
_VOID_classPartition = str(VOID.classPartition)
_VOID_entities = str(VOID.entities)
_VOID_linkPredicate = str(VOID.linkPredicate)
_VOID_subset = str(VOID.subset)
_VOID_triples = str(VOID.triples)
_VOID_uriSpace = str(VOID.uriSpace)
_VOID_vocabulary = str(VOID.vocabulary)
_VOID_class = str(VOID["class"])
_MLKG_lookupKey = str(MLKG.lookupKey)

# Characters XML 1.0 cannot carry at all (so RDF/XML cannot), plus lone surrogates (no UTF-8 form).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def clean_text(text: str) -> str:
    """``text`` made representable in every RDF syntax: lone surrogates and XML-illegal characters become U+FFFD,
    CR and CRLF become LF. Everything else (quotes, backslashes, ``<script>``, RTL marks, emoji, ...) is kept."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("\ufffd", text)


# what quote(safe="") leaves as it is (RFC 3986 unreserved), and ":", which ids use as a prefix separator
_UNRESERVED_OR_COLON = re.compile(r"[A-Za-z0-9_.~:-]*")


@lru_cache(maxsize=1 << 18)
def quote_id(identifier: str) -> str:
    """Percent-encode a controlled id for use as one IRI path segment (any text gives a valid segment)."""
    if _UNRESERVED_OR_COLON.fullmatch(identifier):
        # most ids ("rel:64490919e4666ba2", "method:transformer"): the same text quote() gives, without its bytes
        return identifier.replace(":", "%3A")
    return quote(identifier.encode("utf-8", "surrogatepass"), safe="")


def check_base_iri(base_iri: str) -> str:
    """Validate ``base_iri`` (absolute, ending in ``/``, ``#`` or ``:``, no characters IRIs forbid) and return it.

    Raises:
        StoreError: the base IRI is unusable (the message says why and gives an example).
    """
    ok = (
        isinstance(base_iri, str)
        and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", base_iri) is not None
        and base_iri.endswith(("/", "#", ":"))
        and not _IRI_BAD.search(base_iri)
        and not _ILLEGAL.search(base_iri)
    )
    if not ok:
        raise StoreError(
            f"The base IRI {base_iri!r} is not usable: it must be an absolute IRI ending in '/', '#' or ':' without spaces, "
            f"quotes, angle brackets or control characters, e.g. {DEFAULT_BASE_IRI!r} (set it with --base-iri)."
        )
    return base_iri


def lit(text: str) -> tuple[str, str]:
    """An ``xsd:string`` literal of cleaned ``text``."""
    return (clean_text(text), _XSD_STRING)


def int_lit(n: int, datatype: str = _XSD_INTEGER) -> tuple[str, str]:
    return (str(int(n)), datatype)


@lru_cache(maxsize=1 << 16, typed=True)
def decimal_lexical(x: float | int | None) -> str | None:
    """Canonical ``xsd:decimal`` lexical form of ``x`` (as Oxigraph writes it), or None when not representable.

    Oxigraph's decimals hold 18 fractional digits and about 1.7e20, so larger or non-finite values give None (the
    number as written stays in ``mlkg:valueText``).
    """
    if x is None or isinstance(x, bool):
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f) or abs(f) >= 1e17:
        return None
    d = Decimal(repr(f)).quantize(Decimal("1e-18")) if abs(f) < 1 else Decimal(repr(f))
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("", "-0"):
        s = "0"
    return s


def date_literal(value: str) -> tuple[str, str]:
    """``xsd:date``/``xsd:gYearMonth``/``xsd:gYear`` for ISO dates; ``xsd:string`` for anything else."""
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            _dt.date.fromisoformat(v)
            return (v, _XSD_DATE)
        if re.fullmatch(r"\d{4}-\d{2}", v) and 1 <= int(v[5:]) <= 12:
            return (v, _XSD_GYEARMONTH)
        if re.fullmatch(r"\d{4}", v):
            return (v, _XSD_GYEAR)
    except ValueError:
        pass
    return lit(value)


def datetime_literal(value: str) -> tuple[str, str]:
    """``xsd:dateTime`` for ``YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]``; ``xsd:string`` otherwise."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", value.strip()):
        return (value.strip(), _XSD_DATETIME)
    return lit(value)


class IriMinter:
    """Mints the IRIs of one build under ``base_iri``."""

    def __init__(self, base_iri: str) -> None:
        self.base = check_base_iri(base_iri)

    def paper(self, pid: str) -> str:
        return f"{self.base}paper/{quote_id(pid)}"

    def entity(self, eid: str) -> str:
        return f"{self.base}entity/{quote_id(eid)}"

    def statement(self, rid: str) -> str:
        return f"{self.base}statement/{quote_id(rid)}"

    def result(self, rid: str) -> str:
        return f"{self.base}result/{quote_id(rid)}"

    def repository(self, rid: str) -> str:
        return f"{self.base}repository/{quote_id(rid)}"

    def extractor(self, name: str) -> str:
        return f"{self.base}extractor/{quote_id(name)}"

    def evidence(self, paper: str, field: str, start: int, end: int, extractor: str, confidence: str | None) -> str:
        # no owner in the key: the statements one sentence supports (a sentence naming five entities supports ten
        # co-mention pairs) share one evidence node; that leaves about a third of the evidence nodes of a real corpus
        return f"{self.base}evidence/{stable_hash(paper, field, str(start), str(end), extractor, confidence or '')}"

    def mention(self, paper: str, field: str, start: int, end: int, type_: str, source: str) -> str:
        return f"{self.base}mention/{stable_hash(paper, field, str(start), str(end), type_, source)}"

    def void(self, part: str = "") -> str:
        return f"{self.base}void" + (f"/{part}" if part else "")


def base_iri_of(graph: KnowledgeGraph, base_iri: str | None = None) -> str:
    """The base IRI to use: ``base_iri``, else ``graph.meta["base_iri"]``, else the default."""
    return check_base_iri(base_iri or graph.meta.get("base_iri") or DEFAULT_BASE_IRI)


def iter_raw_triples(graph: KnowledgeGraph, base_iri: str | None = None, *, void: bool = True,
                     canonical: bool = False) -> Iterator[RawTriple]:
    """Stream the triples of ``graph`` as engine-neutral tuples, without duplicates, in canonical order.

    Args:
        graph: the graph to map.
        base_iri: base of minted IRIs (default ``graph.meta["base_iri"]`` or ``https://w3id.org/mlkg/``).
        void: end with the VoID/DCAT description of the data triples.
        canonical: ``graph`` is already in canonical order (as :func:`kg.graph.io.load_graph` and
            :func:`kg.link.link` return it), so it need not be sorted again.

    Yields:
        ``(subject IRI, predicate IRI, object)`` where the object is an IRI (``str``) or ``(lexical, datatype)``.
    """
    mint = IriMinter(base_iri_of(graph, base_iri))
    g = graph if canonical else graph.sorted()
    counts = _Counts()
    n = 0
    for t in _data_triples(g, mint, counts):
        n += 1
        yield t
    counts.triples = n
    if void:
        yield from _void_triples(g, mint, counts)


class _Counts:
    def __init__(self) -> None:
        self.triples = 0
        self.subjects = 0
        self.classes: dict[str, int] = {}
        self.links: dict[str, int] = {}


def _node_iri(g: KnowledgeGraph, mint: IriMinter, node_id: str) -> str | None:
    if node_id in g.papers:
        return mint.paper(node_id)
    if node_id in g.entities:
        return mint.entity(node_id)
    if node_id in g.repositories:
        return mint.repository(node_id)
    if node_id in g.results:
        return mint.result(node_id)
    return None


def _typed(s: str, kind: str, counts: _Counts) -> Iterator[RawTriple]:
    counts.subjects += 1
    counts.classes[kind] = counts.classes.get(kind, 0) + 1
    for c in _TYPES[kind]:
        yield (s, _RDF_TYPE, c)


def _evidence_triples(g: KnowledgeGraph, mint: IriMinter, owner_iri: str, evidence: Iterable[Any],
                      extractors: set[str], written: set[str], counts: _Counts) -> Iterator[RawTriple]:
    """The ``mlkg:evidence`` links of ``owner_iri`` and the evidence nodes not yet in ``written`` (which grows)."""
    linked: set[str] = set()
    for ev in evidence:
        conf = decimal_lexical(ev.confidence)
        e = mint.evidence(ev.paper, ev.field, ev.start, ev.end, ev.extractor, conf)
        if e in linked:
            continue
        linked.add(e)
        yield (owner_iri, _MLKG_evidence, e)
        if e in written:
            continue
        written.add(e)
        counts.subjects += 1
        yield (e, _RDF_TYPE, _MLKG_Evidence)
        yield (e, _RDF_TYPE, _PROV_Entity)
        yield (e, _PROV_wasDerivedFrom, mint.paper(ev.paper))
        yield (e, _MLKG_field, lit(ev.field))
        yield (e, _NIF_beginIndex, int_lit(ev.start))
        yield (e, _NIF_endIndex, int_lit(ev.end))
        yield (e, _NIF_anchorOf, lit(ev.sentence))
        x = mint.extractor(ev.extractor)
        yield (e, _PROV_wasGeneratedBy, x)
        if conf is not None:
            yield (e, _MLKG_confidence, (conf, _XSD_DECIMAL))
        yield from _extractor_triples(x, ev.extractor, extractors, counts)


def _extractor_triples(x: str, name: str, extractors: set[str], counts: _Counts) -> Iterator[RawTriple]:
    """The node of the rule or model ``name`` (IRI ``x``), the first time it is seen."""
    if x not in extractors:
        extractors.add(x)
        counts.subjects += 1
        yield (x, _RDF_TYPE, _MLKG_Extraction)
        yield (x, _RDF_TYPE, _PROV_Activity)
        yield (x, _RDFS_label, lit(name))


def lookup_key(text: str) -> str:
    """The ``mlkg:lookupKey`` form of a name: cleaned and lower-cased like SPARQL's ``LCASE``."""
    return clean_text(text).lower()


def _lookup_keys(s: str, names: Iterable[str]) -> Iterator[RawTriple]:
    # "" is every node's key too, so a named query's empty parameter ("any") is the same index lookup
    for key in sorted({lookup_key(n) for n in names} | {""}):
        yield (s, _MLKG_lookupKey, (key, _XSD_STRING))


def _data_triples(g: KnowledgeGraph, mint: IriMinter, counts: _Counts) -> Iterator[RawTriple]:
    extractors: set[str] = set()
    evidence_nodes: set[str] = set()  # evidence nodes written so far: statements and results share them
    # -- papers ------------------------------------------------------------------------------------
    for p in g.papers.values():
        s = mint.paper(p.id)
        yield from _typed(s, "Paper", counts)
        yield (s, _DCTERMS_identifier, lit(p.id))
        yield (s, _RDFS_label, lit(p.title or ""))
        yield from _lookup_keys(s, (p.id, p.title or ""))
        yield (s, _DCTERMS_title, lit(p.title or ""))
        if p.abstract:
            yield (s, _DCTERMS_abstract, lit(p.abstract))
        if p.text:
            yield (s, _MLKG_text, lit(p.text))
        if p.date:
            yield (s, _DCTERMS_issued, date_literal(p.date))
        if p.year is not None and 0 <= int(p.year) <= 9999:
            yield (s, _MLKG_year, (f"{int(p.year):04d}", _XSD_GYEAR))
        for a in dict.fromkeys(p.authors):
            yield (s, _MLKG_authorName, lit(a))
        if p.url:
            yield (s, _SDO_url, (clean_text(p.url), _XSD_ANYURI))
        if p.doi:
            yield (s, _MLKG_doi, lit(p.doi))
        if p.arxiv_id:
            yield (s, _FABIO_hasArXivId, lit(p.arxiv_id))
        if p.s2_id:
            yield (s, _MLKG_semanticScholarId, lit(p.s2_id))
        if p.openalex_id:
            yield (s, _MLKG_openAlexId, lit(p.openalex_id))
        for c in dict.fromkeys(p.categories):
            yield (s, _MLKG_category, lit(c))
        for u in dict.fromkeys(p.links):
            yield (s, _MLKG_link, (clean_text(u), _XSD_ANYURI))
        for src in dict.fromkeys(p.sources):
            yield (s, _MLKG_sourceRecord, lit(src))
    # -- entities ----------------------------------------------------------------------------------
    for e in g.entities.values():
        if e.type not in CLASSES:
            log.warning("Entity %r has the unknown type %r; it is left out of the RDF store.", e.id, e.type)
            continue
        s = mint.entity(e.id)
        yield from _typed(s, e.type, counts)
        yield (s, _DCTERMS_identifier, lit(e.id))
        yield (s, _RDFS_label, lit(e.name))
        yield from _lookup_keys(s, (e.id, e.name, *e.aliases))
        name = clean_text(e.name)
        yield (s, _SKOS_prefLabel, (name, _XSD_STRING))
        for a in dict.fromkeys(clean_text(a) for a in e.aliases):
            if a != name:
                yield (s, _SKOS_altLabel, (a, _XSD_STRING))
        yield (s, _MLKG_mentionCount, int_lit(e.mentions))
        for pid in dict.fromkeys(e.papers):
            if pid in g.papers:
                yield (mint.paper(pid), _SDO_mentions, s)
    # -- relations: direct triple + reified statement with evidence --------------------------------
    has_code: set[tuple[str, str]] = set()
    for r in g.relations.values():
        pred = RELATION_PREDICATES.get(r.type)
        src, dst = _node_iri(g, mint, r.source), _node_iri(g, mint, r.target)
        if pred is None or src is None or dst is None:
            log.warning(
                "Relation %r (%s %s -> %s) has an unknown type or endpoint; it is left out of the RDF store.",
                r.id, r.type, r.source, r.target,
            )
            continue
        pred_s = str(pred)
        if r.type == "HAS_CODE":
            has_code.add((r.source, r.target))
        counts.links[pred_s] = counts.links.get(pred_s, 0) + 1
        yield (src, pred_s, dst)
        st = mint.statement(r.id)
        counts.subjects += 1
        yield (st, _RDF_TYPE, _MLKG_Statement)
        yield (st, _RDF_TYPE, _RDF_Statement)
        yield (st, _RDF_TYPE, _PROV_Entity)
        yield (st, _DCTERMS_identifier, lit(r.id))
        yield (st, _RDF_subject, src)
        yield (st, _RDF_predicate, pred_s)
        yield (st, _RDF_object, dst)
        yield (st, _MLKG_relationType, lit(r.type))
        conf = decimal_lexical(r.confidence)
        if conf is not None:
            yield (st, _MLKG_confidence, (conf, _XSD_DECIMAL))
        yield (st, _MLKG_support, int_lit(r.support))
        for pid in sorted({ev.paper for ev in r.evidence}):
            yield (st, _PROV_wasDerivedFrom, mint.paper(pid))
        yield from _evidence_triples(g, mint, st, r.evidence, extractors, evidence_nodes, counts)
    yield from _result_repo_triples(g, mint, counts, has_code, extractors, evidence_nodes)
    # -- mentions ----------------------------------------------------------------------------------
    for group in mentions_by_paper(g.mentions):
        yield from _mention_triples(g, mint, group, extractors, counts)


def _mention_triples(g: KnowledgeGraph, mint: IriMinter, mentions: list[Mention], extractors: set[str],
                     counts: _Counts) -> Iterator[RawTriple]:
    """The triples of one paper's mention records, each distinct record once."""
    seen: set[str] = set()
    for m in mentions:
        s = mint.mention(m.paper, m.field, m.start, m.end, m.type, m.source)
        if s in seen:
            continue
        seen.add(s)
        counts.subjects += 1
        yield (s, _RDF_TYPE, _MLKG_Mention)
        yield (s, _RDF_TYPE, _NIF_Phrase)
        yield (s, _MLKG_paper, mint.paper(m.paper))
        yield (s, _MLKG_field, lit(m.field))
        yield (s, _NIF_beginIndex, int_lit(m.start))
        yield (s, _NIF_endIndex, int_lit(m.end))
        yield (s, _NIF_anchorOf, lit(m.text))
        yield (s, _MLKG_mentionType, lit(m.type))
        yield (s, _MLKG_sentenceBeginIndex, int_lit(m.sent_start))
        yield (s, _MLKG_sentenceEndIndex, int_lit(m.sent_end))
        x = mint.extractor(m.source)
        yield (s, _PROV_wasGeneratedBy, x)
        yield from _extractor_triples(x, m.source, extractors, counts)
        conf = decimal_lexical(m.confidence)
        if conf is not None:
            yield (s, _MLKG_confidence, (conf, _XSD_DECIMAL))
        if m.entity and m.entity in g.entities:
            yield (s, _MLKG_denotes, mint.entity(m.entity))


def _result_repo_triples(g: KnowledgeGraph, mint: IriMinter, counts: _Counts, has_code: set[tuple[str, str]],
                         extractors: set[str], evidence_nodes: set[str]) -> Iterator[RawTriple]:
    """The triples of results and repositories."""
    # -- results -----------------------------------------------------------------------------------
    for res in g.results.values():
        s = mint.result(res.id)
        yield from _typed(s, "Result", counts)
        yield (s, _DCTERMS_identifier, lit(res.id))
        if res.paper in g.papers:
            yield (s, _MLKG_reportedIn, mint.paper(res.paper))
        for prop, eid in ((MLKG.model, res.model), (MLKG.dataset, res.dataset), (MLKG.metric, res.metric),
                          (MLKG.task, res.task)):
            if eid and eid in g.entities:
                yield (s, str(prop), mint.entity(eid))
            elif eid:
                log.warning("Result %r names the unknown entity %r; that link is left out of the RDF store.", res.id, eid)
        value = decimal_lexical(res.value)
        if value is not None:
            yield (s, _MLKG_value, (value, _XSD_DECIMAL))
        elif res.value is not None:
            log.warning("Result %r has the value %r, which xsd:decimal cannot hold; only mlkg:valueText keeps it.",
                        res.id, res.value)
        if res.unit:
            yield (s, _MLKG_unit, lit(res.unit))
        if res.value_text:
            yield (s, _MLKG_valueText, lit(res.value_text))
        metric_name = g.entities[res.metric].name if res.metric in g.entities else (res.surface or {}).get("metric")
        if metric_name:
            yield (s, _MLKG_metricName, lit(metric_name))
        for key, prop in (("model", MLKG.surfaceModel), ("method", MLKG.surfaceModel), ("dataset", MLKG.surfaceDataset),
                          ("metric", MLKG.surfaceMetric), ("task", MLKG.surfaceTask)):
            v = (res.surface or {}).get(key)
            if v and not (key == "method" and (res.surface or {}).get("model")):
                yield (s, str(prop), lit(v))
        yield from _evidence_triples(g, mint, s, res.evidence, extractors, evidence_nodes, counts)
    # -- repositories ------------------------------------------------------------------------------
    for repo in g.repositories.values():
        s = mint.repository(repo.id)
        yield from _typed(s, "Repository", counts)
        yield (s, _DCTERMS_identifier, lit(repo.id))
        yield (s, _RDFS_label, lit(repo.url))
        yield from _lookup_keys(s, (repo.id, repo.url))
        yield (s, _SDO_codeRepository, (clean_text(repo.url), _XSD_ANYURI))
        yield (s, _MLKG_host, lit(repo.host))
        yield (s, _MLKG_kind, lit(repo.kind))
        for pid in dict.fromkeys(repo.papers):
            if pid in g.papers and (pid, repo.id) not in has_code:
                yield (mint.paper(pid), _MLKG_hasCode, s)


def _void_triples(g: KnowledgeGraph, mint: IriMinter, counts: _Counts) -> Iterator[RawTriple]:
    """VoID/DCAT description of the data triples (it does not count itself)."""
    d = mint.void()
    yield (d, _RDF_TYPE, _VOID_Dataset)
    yield (d, _RDF_TYPE, _DCAT_Dataset)
    yield (d, _DCTERMS_title, lit("kg knowledge graph of machine-learning literature"))
    yield (d, _VOID_triples, int_lit(counts.triples))
    yield (d, _VOID_entities, int_lit(counts.subjects))
    yield (d, _VOID_uriSpace, lit(mint.base))
    yield (d, _VOID_vocabulary, _MLKG__NS.rstrip("#"))
    for key, prop in (("created", DCTERMS.created), ("modified", DCTERMS.modified)):
        if g.meta.get(key):
            yield (d, str(prop), datetime_literal(str(g.meta[key])))
    for src in g.meta.get("inputs") or []:
        yield (d, _DCTERMS_source, lit(str(src.get("path", src)) if isinstance(src, dict) else str(src)))
    if g.meta.get("kg_version"):
        yield (d, _DCTERMS_creator, lit(f"kg {g.meta['kg_version']}"))
    for kind, n in sorted(counts.classes.items()):
        part = mint.void("class/" + quote_id(kind))
        yield (d, _VOID_classPartition, part)
        yield (part, _VOID_class, str(CLASSES[kind]))
        yield (part, _VOID_entities, int_lit(n))
    for pred, n in sorted(counts.links.items()):
        local = pred.rsplit("#", 1)[-1]
        ls = mint.void("linkset/" + quote_id(local))
        yield (d, _VOID_subset, ls)
        yield (ls, _RDF_TYPE, _VOID_Linkset)
        yield (ls, _VOID_linkPredicate, pred)
        yield (ls, _VOID_triples, int_lit(n))


# -- N-Triples text: what pyoxigraph's bulk loader and the exports read -------------------------------
def iter_ntriples(raw: Iterable[RawTriple]) -> Iterator[str]:
    """Raw triples as N-Triples lines.

    Safe by construction: IRIs are minted (percent-encoded) or vocabulary constants, and every literal has been
    through :func:`clean_text`, so escaping ``\\``, ``"`` and LF is all N-Triples needs (no CR is left).
    """
    for s, p, o in raw:
        if isinstance(o, tuple):
            lex = o[0]
            if "\\" in lex or '"' in lex or "\n" in lex:
                lex = lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            if o[1] == _XSD_STRING:  # a simple literal is an xsd:string in RDF 1.1
                yield f'<{s}> <{p}> "{lex}" .\n'
            else:
                yield f'<{s}> <{p}> "{lex}"^^<{o[1]}> .\n'
        else:
            yield f"<{s}> <{p}> <{o}> .\n"


class NTriplesStream(io.RawIOBase):
    """A read-only binary stream of N-Triples text produced lazily from string chunks (for ``bulk_load``/``parse``).

    Memory stays bounded by a few chunks whatever the size of the graph.
    """

    def __init__(self, chunks: Iterable[str], batch: int = 1 << 16) -> None:
        self._it = iter(chunks)
        self._buf = b""
        self._pos = 0
        self._batch = batch

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = len(b)
        if self._pos >= len(self._buf):
            parts: list[str] = []
            size = 0
            for chunk in self._it:
                parts.append(chunk)
                size += len(chunk)
                if size >= max(n, self._batch):
                    break
            if not parts:
                return 0
            self._buf = "".join(parts).encode("utf-8")
            self._pos = 0
        k = min(n, len(self._buf) - self._pos)
        b[:k] = self._buf[self._pos : self._pos + k]
        self._pos += k
        return k


def ntriples_stream(graph: KnowledgeGraph, base_iri: str | None = None, *, void: bool = True,
                    canonical: bool = False) -> io.BufferedReader:
    """The triples of ``graph`` as a buffered N-Triples byte stream (see :func:`iter_ntriples_text`)."""
    return io.BufferedReader(NTriplesStream(iter_ntriples_text(graph, base_iri, void=void, canonical=canonical)), 1 << 16)



def iter_ntriples_text(graph: KnowledgeGraph, base_iri: str | None = None, *, void: bool = True,
                       canonical: bool = False) -> Iterator[str]:
    """Stream the triples of ``graph`` (:func:`iter_raw_triples`) as N-Triples lines.

    Args:
        graph: the graph to map.
        base_iri: base of minted IRIs (default ``graph.meta["base_iri"]`` or ``https://w3id.org/mlkg/``).
        void: end with the VoID/DCAT description of the data triples.
        canonical: ``graph`` is already in canonical order (as :func:`kg.graph.io.load_graph` and
            :func:`kg.link.link` return it), so it need not be sorted again.
    """
    return iter_ntriples(iter_raw_triples(graph, base_iri, void=void, canonical=canonical))


# -- engine adapters ---------------------------------------------------------------------------------
def iter_triples(graph: KnowledgeGraph, base_iri: str | None = None, *,
                 engine: TLiteral["oxigraph", "rdflib"] = "oxigraph", void: bool = True) -> Iterator[Any]:
    """Stream the triples of ``graph`` as pyoxigraph ``Triple`` objects or rdflib ``(s, p, o)`` tuples.

    Args:
        graph: the graph to map.
        base_iri: base of minted IRIs (default ``graph.meta["base_iri"]`` or ``https://w3id.org/mlkg/``).
        engine: ``"oxigraph"`` (``pyoxigraph.Triple``) or ``"rdflib"`` (tuples of rdflib terms).
        void: end with the VoID/DCAT description.
    """
    raw = iter_raw_triples(graph, base_iri, void=void)
    if engine == "oxigraph":
        return _to_oxigraph(raw)
    if engine == "rdflib":
        return _to_rdflib(raw)
    raise ValueError(f"Unknown RDF engine {engine!r}; use 'oxigraph' or 'rdflib'.")


def _to_oxigraph(raw: Iterable[RawTriple]) -> Iterator[Any]:
    from pyoxigraph import Literal, NamedNode, Triple

    nodes: dict[str, Any] = {}

    def node(iri: str) -> Any:
        n = nodes.get(iri)
        if n is None:
            n = NamedNode(iri)
            if len(nodes) < 100_000:
                nodes[iri] = n
        return n

    dts: dict[str, Any] = {}
    for s, p, o in raw:
        if isinstance(o, tuple):
            dt = dts.get(o[1]) or dts.setdefault(o[1], NamedNode(o[1]))
            obj = Literal(o[0], datatype=dt)
        else:
            obj = node(o)
        yield Triple(node(s), node(p), obj)


def _to_rdflib(raw: Iterable[RawTriple]) -> Iterator[Any]:
    from rdflib import Literal, URIRef

    for s, p, o in raw:
        if isinstance(o, tuple):
            # rdflib keeps "x" and "x"^^xsd:string apart; RDF 1.1 and the parsers say they are one term
            obj = Literal(o[0]) if o[1] == _XSD_STRING else Literal(o[0], datatype=URIRef(o[1]))
        else:
            obj = URIRef(o)
        yield (URIRef(s), URIRef(p), obj)
