"""RDF vocabularies of the RDF face: the project's own (``mlkg:``) and the ones rdflib does not ship.

The project vocabulary is fixed (``https://w3id.org/mlkg/ontology#``) and does not move with the configurable base
IRI of a build, so named queries work on every build. ``schemas/ontology.ttl`` describes each term and aligns it to
Linked Papers With Code, schema.org, DCTERMS, FaBiO, SKOS, PROV-O, NIF and ML-Schema; a test checks that every term
declared here is described there and the other way round.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VOID, XSD, DefinedNamespace, Namespace

#: Default base IRI of minted resources (papers, entities, statements, ...).
DEFAULT_BASE_IRI = "https://w3id.org/mlkg/"


class MLKG(DefinedNamespace):
    """The ``kg`` project vocabulary."""

    _NS = Namespace("https://w3id.org/mlkg/ontology#")
    _fail = True

    # classes
    Paper: URIRef
    Entity: URIRef
    Model: URIRef
    Dataset: URIRef
    Method: URIRef
    Metric: URIRef
    Task: URIRef
    Result: URIRef
    Repository: URIRef
    Mention: URIRef
    Statement: URIRef
    Evidence: URIRef
    Extraction: URIRef
    # relation predicates (one per RELATION_TYPES key)
    proposes: URIRef
    evaluatesOn: URIRef
    uses: URIRef
    addresses: URIRef
    reports: URIRef
    evaluatedOn: URIRef
    outperforms: URIRef
    comparedWith: URIRef
    usedFor: URIRef
    variantOf: URIRef
    coMentioned: URIRef
    hasCode: URIRef
    # paper
    text: URIRef
    year: URIRef
    authorName: URIRef
    doi: URIRef
    semanticScholarId: URIRef
    openAlexId: URIRef
    category: URIRef
    link: URIRef
    sourceRecord: URIRef
    # entity
    mentionCount: URIRef
    lookupKey: URIRef
    # statements, evidence, mentions
    relationType: URIRef
    confidence: URIRef
    support: URIRef
    evidence: URIRef
    field: URIRef
    paper: URIRef
    mentionType: URIRef
    sentenceBeginIndex: URIRef
    sentenceEndIndex: URIRef
    denotes: URIRef
    # results
    reportedIn: URIRef
    model: URIRef
    dataset: URIRef
    metric: URIRef
    task: URIRef
    value: URIRef
    unit: URIRef
    valueText: URIRef
    metricName: URIRef
    surfaceModel: URIRef
    surfaceDataset: URIRef
    surfaceMetric: URIRef
    surfaceTask: URIRef
    # repositories
    host: URIRef
    kind: URIRef


class LPWCC(DefinedNamespace):
    """Linked Papers With Code classes."""

    _NS = Namespace("https://linkedpaperswithcode.com/class/")
    _fail = True

    paper: URIRef
    model: URIRef
    method: URIRef
    dataset: URIRef
    task: URIRef
    evaluationresult: URIRef
    repository: URIRef


class LPWCP(DefinedNamespace):
    """Linked Papers With Code properties."""

    _NS = Namespace("https://linkedpaperswithcode.com/property/")
    _fail = True

    hasTask: URIRef
    hasMethod: URIRef
    hasModel: URIRef
    usesDataset: URIRef
    introducedBy: URIRef
    hasRepository: URIRef
    metricName: URIRef
    metricValue: URIRef


class NIF(DefinedNamespace):
    """NLP Interchange Format core (the terms ``kg`` uses)."""

    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    _fail = True

    String: URIRef
    Phrase: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef


class MLS(DefinedNamespace):
    """W3C ML-Schema (the terms ``kg`` uses)."""

    _NS = Namespace("http://www.w3.org/ns/mls#")
    _fail = True

    Model: URIRef
    Dataset: URIRef
    Task: URIRef
    EvaluationMeasure: URIRef
    Algorithm: URIRef
    ModelEvaluation: URIRef


class FABIO(DefinedNamespace):
    """FRBR-aligned Bibliographic Ontology (the terms ``kg`` uses)."""

    _NS = Namespace("http://purl.org/spar/fabio/")
    _fail = True

    ResearchPaper: URIRef
    hasArXivId: URIRef


#: Prefixes used by exports (Turtle), the ontology and named queries.
PREFIXES: dict[str, str] = {
    "mlkg": str(MLKG._NS),
    "lpwc": str(LPWCC._NS),
    "lpwcp": str(LPWCP._NS),
    "nif": str(NIF._NS),
    "mls": str(MLS._NS),
    "fabio": str(FABIO._NS),
    "schema": str(SDO._NS),
    "dcterms": str(DCTERMS._NS),
    "skos": str(SKOS._NS),
    "prov": str(PROV._NS),
    "void": str(VOID._NS),
    "dcat": str(DCAT._NS),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "owl": str(OWL._NS),
    "xsd": str(XSD._NS),
    "sh": str(SH._NS),
}

#: Relation type (model) -> predicate (RDF).
RELATION_PREDICATES: dict[str, URIRef] = {
    "PROPOSES": MLKG.proposes,
    "EVALUATES_ON": MLKG.evaluatesOn,
    "USES": MLKG.uses,
    "ADDRESSES": MLKG.addresses,
    "REPORTS": MLKG.reports,
    "EVALUATED_ON": MLKG.evaluatedOn,
    "OUTPERFORMS": MLKG.outperforms,
    "COMPARED_WITH": MLKG.comparedWith,
    "USED_FOR": MLKG.usedFor,
    "VARIANT_OF": MLKG.variantOf,
    "CO_MENTIONED": MLKG.coMentioned,
    "HAS_CODE": MLKG.hasCode,
}

#: Entity type (model) -> class (RDF); plus the other node kinds.
CLASSES: dict[str, URIRef] = {
    "Paper": MLKG.Paper,
    "Model": MLKG.Model,
    "Dataset": MLKG.Dataset,
    "Method": MLKG.Method,
    "Metric": MLKG.Metric,
    "Task": MLKG.Task,
    "Result": MLKG.Result,
    "Repository": MLKG.Repository,
}

#: Classes of other vocabularies each node kind is also typed with, so that consumers of Linked Papers With Code,
#: schema.org, FaBiO or ML-Schema find the nodes without running a reasoner over ``schemas/ontology.ttl``.
ALIGNED_TYPES: dict[str, tuple[URIRef, ...]] = {
    "Paper": (LPWCC.paper, SDO.ScholarlyArticle, FABIO.ResearchPaper),
    "Model": (LPWCC.model, MLS.Model, SDO.DefinedTerm),
    "Dataset": (LPWCC.dataset, MLS.Dataset, SDO.Dataset),
    "Method": (LPWCC.method, MLS.Algorithm, SDO.DefinedTerm),
    "Metric": (MLS.EvaluationMeasure, SDO.DefinedTerm),
    "Task": (LPWCC.task, MLS.Task, SDO.DefinedTerm),
    "Result": (LPWCC.evaluationresult, MLS.ModelEvaluation),
    "Repository": (LPWCC.repository, SDO.SoftwareSourceCode),
}
