"""The property-graph schema: node labels, relationship types and their typed properties.

One declaration drives every property-graph face of the graph: the LadybugDB DDL (``schemas/cypher/schema.cypher``),
the Arrow frames the embedded store is loaded from, the Neo4j constraints, the ``neo4j-admin`` CSV headers and the
GraphML/GEXF attributes. Property types are LadybugDB type names (``STRING``, ``INT64``, ``DOUBLE``, ``STRING[]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph.model import ENTITY_TYPES, RELATION_TYPES

Props = tuple[tuple[str, str], ...]

#: Fields of one evidence record as stored in LadybugDB (``start``/``end`` renamed: ``end`` is a Cypher keyword).
EVIDENCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("paper", "STRING"),
    ("field", "STRING"),
    ("start_offset", "INT64"),
    ("end_offset", "INT64"),
    ("sentence", "STRING"),
    ("extractor", "STRING"),
    ("confidence", "DOUBLE"),
)
#: Schema type name of an evidence list: a STRUCT list in LadybugDB, a JSON string where structs cannot be stored.
EVIDENCE = "EVIDENCE[]"


def ladybug_type(t: str) -> str:
    """The LadybugDB type of a schema type."""
    if t == EVIDENCE:
        return "STRUCT(" + ", ".join(f"{n} {ft}" for n, ft in EVIDENCE_FIELDS) + ")[]"
    return t

PAPER_PROPS: Props = (
    ("id", "STRING"),
    ("title", "STRING"),
    ("abstract", "STRING"),
    ("text", "STRING"),
    ("year", "INT64"),
    ("date", "STRING"),
    ("authors", "STRING[]"),
    ("url", "STRING"),
    ("doi", "STRING"),
    ("arxiv_id", "STRING"),
    ("s2_id", "STRING"),
    ("openalex_id", "STRING"),
    ("categories", "STRING[]"),
    ("links", "STRING[]"),
    ("sources", "STRING[]"),
    ("mention_count", "INT64"),  # mention records of the paper, linked to an entity or not
    ("keys", "STRING[]"),  # lookup keys: id and title, lower-cased (RDF: mlkg:lookupKey)
)

ENTITY_PROPS: Props = (
    ("id", "STRING"),
    ("name", "STRING"),
    ("aliases", "STRING[]"),
    ("mentions", "INT64"),  # mentions over the whole corpus
    ("paper_count", "INT64"),  # distinct papers mentioning the entity
    ("merges", "STRING"),  # JSON list: why surface forms were merged
    ("keys", "STRING[]"),  # lookup keys: id, name and aliases, lower-cased, distinct, sorted (RDF: mlkg:lookupKey)
    ("names", "STRING[]"),  # the name, then the distinct aliases other than the name, sorted
    ("rank", "INT64"),  # position in (type, name, id) order over all entities: an integer sort key for listings
)

RESULT_PROPS: Props = (
    ("id", "STRING"),
    ("paper", "STRING"),
    # The entity ids stay on the node even when the linked entity is absent, so nothing is lost.
    ("model", "STRING"),
    ("dataset", "STRING"),
    ("metric", "STRING"),
    ("task", "STRING"),
    ("value", "DOUBLE"),
    ("unit", "STRING"),
    ("value_text", "STRING"),
    ("surface", "STRING"),  # JSON object: model/dataset/metric/task as written
    ("sentence", "STRING"),  # first evidence sentence
    ("evidence_count", "INT64"),
    ("evidence", EVIDENCE),
)

REPOSITORY_PROPS: Props = (
    ("id", "STRING"),
    ("url", "STRING"),
    ("host", "STRING"),
    ("kind", "STRING"),
    ("paper_count", "INT64"),
    ("papers", "STRING[]"),  # ids of the papers that link it (HAS_CODE relations may cover only some)
    ("keys", "STRING[]"),  # lookup keys: id and URL, lower-cased
)

#: Properties of every relationship that comes from a :class:`kg.graph.model.Relation`.
RELATION_PROPS: Props = (
    ("id", "STRING"),
    ("evidence_count", "INT64"),
    ("confidence", "DOUBLE"),
    ("support", "INT64"),
    ("papers", "STRING[]"),  # distinct papers of the evidence, sorted
    ("sentences", "STRING[]"),  # evidence sentences, in evidence order
    ("extractors", "STRING[]"),  # distinct extractors, sorted
    ("evidence", EVIDENCE),  # the full evidence records (paper, field, offsets, sentence, extractor, confidence)
)

#: Store-only properties of those relationships: the ranks of the statement's evidence records among
#: statement_evidence's rows over the whole graph (the ``id`` of their ``EvidenceRow`` nodes)
RELATION_STORE_PROPS: Props = (("evidence_ranks", "INT64[]"),)

MENTIONS_PROPS: Props = (
    ("count", "INT64"),  # mentions of the entity in the paper
    ("surfaces", "STRING[]"),  # distinct surface forms, sorted
)

NODE_TABLES: dict[str, Props] = {
    "Paper": PAPER_PROPS,
    **{t: ENTITY_PROPS for t in ENTITY_TYPES},
    "Result": RESULT_PROPS,
    "Repository": REPOSITORY_PROPS,
}

#: Node tables only the embedded store holds (kg.cypher.aggregates), not the exports or a push: the rows of
#: statement_evidence, one per (statement, evidence record), keyed by their rank in its order over the whole graph
#: (subject, predicate, object, paper, begin, end, extractor, statement id); each statement's ``evidence_ranks``
#: lists the ranks of its own
STORE_NODE_TABLES: dict[str, Props] = {
    "EvidenceRow": (
        ("id", "INT64"), ("subject", "STRING"), ("predicate", "STRING"), ("object", "STRING"), ("paper", "STRING"),
        ("field", "STRING"), ("start_offset", "INT64"), ("end_offset", "INT64"), ("sentence", "STRING"),
        ("extractor", "STRING"), ("confidence", "DOUBLE"),
    ),
}


@dataclass(frozen=True)
class RelTable:
    """One relationship type, the (from, to) label pairs it connects and its properties."""

    name: str
    pairs: tuple[tuple[str, str], ...]
    props: Props = field(default=())
    from_model: bool = True  #: True for the types of ``RELATION_TYPES``; False for structural links
    #: True for the aggregates only the embedded store holds (kg.cypher.aggregates), not the exports or a push
    store_only: bool = False
    #: properties only the embedded store holds (kg.cypher.aggregates), after ``props``; not in the exports or a push
    store_props: Props = field(default=())


def _pairs(spec: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a in spec[0] for b in spec[1])


_MODEL_ENTITY = ("Model", "Method")
#: every (source label, target label) a statement can join, in first-seen order
_STATEMENT_PAIRS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(
    pair for spec in RELATION_TYPES.values() for pair in _pairs(spec)))
#: (Model or Method, label of the other end) of every statement a model or method is an end of
_NEIGHBOURHOOD_PAIRS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(
    [(a, b) for a, b in _STATEMENT_PAIRS if a in _MODEL_ENTITY] + [(b, a) for a, b in _STATEMENT_PAIRS
                                                                 if b in _MODEL_ENTITY]))

REL_TABLES: dict[str, RelTable] = {
    **{name: RelTable(name, _pairs(spec), RELATION_PROPS, store_props=RELATION_STORE_PROPS)
       for name, spec in RELATION_TYPES.items()},
    # Structural links derived from mentions and results (not relations of the canonical model).
    "MENTIONS": RelTable("MENTIONS", tuple(("Paper", t) for t in ENTITY_TYPES), MENTIONS_PROPS, from_model=False),
    "HAS_RESULT": RelTable("HAS_RESULT", (("Paper", "Result"),), (), from_model=False),
    "OF_MODEL": RelTable("OF_MODEL", tuple(("Result", t) for t in _MODEL_ENTITY), (), from_model=False),
    "ON_DATASET": RelTable("ON_DATASET", (("Result", "Dataset"),), (), from_model=False),
    "MEASURES": RelTable("MEASURES", (("Result", "Metric"),), (), from_model=False),
    "FOR_TASK": RelTable("FOR_TASK", (("Result", "Task"),), (), from_model=False),
    # Precomputed pair counts of the embedded store (kg.cypher.aggregates): the named queries that rank pairs read
    # a few thousand rows instead of counting distinct papers over hundreds of thousands of join rows.
    "AGG_METHOD_TASK": RelTable("AGG_METHOD_TASK", (("Method", "Task"),), (("papers", "INT64"),), from_model=False,
                                store_only=True),
    "AGG_METRIC_TASK": RelTable("AGG_METRIC_TASK", (("Metric", "Task"),), (("papers", "INT64"),), from_model=False,
                                store_only=True),
    "AGG_MODEL_DATASET": RelTable("AGG_MODEL_DATASET", (("Model", "Dataset"),), (("papers", "INT64"),),
                                  from_model=False, store_only=True),
    # every (paper, repository) pair of HAS_CODE or of the repository's paper list, with its position in (paper id,
    # URL, repository id) order, so a page of papers_with_code is a top-k on one integer
    "AGG_PAPER_CODE": RelTable("AGG_PAPER_CODE", (("Paper", "Repository"),), (("rank", "INT64"),),
                               from_model=False, store_only=True),
    # the leaderboard's rows (results naming a model, a dataset, a metric and a value), its names and lookup keys
    # copied on, ranked in its order (dataset name, metric name, value descending, model name, paper id, result id)
    "AGG_LEADERBOARD": RelTable(
        "AGG_LEADERBOARD", (("Result", "Dataset"),),
        (("rank", "INT64"), ("model", "STRING"), ("dataset_name", "STRING"), ("metric_name", "STRING"),
         ("value", "DOUBLE"), ("unit", "STRING"), ("paper", "STRING"), ("dataset_keys", "STRING[]"),
         ("metric_keys", "STRING[]")),
        from_model=False, store_only=True,
    ),
    # model_neighbourhood's rows: per (Model or Method, statement it is an end of), the columns the query returns,
    # ranked in its order over the whole graph (direction, relation type, neighbour name, neighbour id, entity id)
    "AGG_NEIGHBOURHOOD": RelTable(
        "AGG_NEIGHBOURHOOD", _NEIGHBOURHOOD_PAIRS,
        (("rank", "INT64"), ("direction", "STRING"), ("relation_type", "STRING"), ("neighbour", "STRING"),
         ("neighbour_type", "STRING"), ("support", "INT64")),
        from_model=False, store_only=True,
    ),
}

#: Result property holding the entity id each structural result link points at.
RESULT_LINKS: dict[str, str] = {"OF_MODEL": "model", "ON_DATASET": "dataset", "MEASURES": "metric", "FOR_TASK": "task"}


def _node_parts(props: Props) -> list[str]:
    return [f"{n} {ladybug_type(t)}" for n, t in props] + ["PRIMARY KEY (id)"]


def _rel_parts(rel: RelTable) -> list[str]:
    props = rel.props + rel.store_props
    return [f"FROM {a} TO {b}" for a, b in rel.pairs] + [f"{n} {ladybug_type(t)}" for n, t in props]


def ddl_statements() -> list[str]:
    """The LadybugDB ``CREATE NODE TABLE`` / ``CREATE REL TABLE`` statements of the schema, in order."""
    out = [f"CREATE NODE TABLE {label}({', '.join(_node_parts(props))})"
           for label, props in {**NODE_TABLES, **STORE_NODE_TABLES}.items()]
    out += [f"CREATE REL TABLE {rel.name}({', '.join(_rel_parts(rel))})" for rel in REL_TABLES.values()]
    return out


def ddl_text() -> str:
    """The DDL as the text of ``schemas/cypher/schema.cypher`` (one column or endpoint pair per line)."""
    head = (
        "// LadybugDB (Kuzu-lineage) schema of the kg property graph.\n"
        "// Generated from kg/cypher/schema.py (the single source); a test checks this file matches it.\n"
        "// Documented in schemas/cypher/README.md.\n\n"
    )
    body = []
    for label, props in {**NODE_TABLES, **STORE_NODE_TABLES}.items():
        body.append(f"CREATE NODE TABLE {label}(\n    " + ",\n    ".join(_node_parts(props)) + "\n);")
    for rel in REL_TABLES.values():
        body.append(f"CREATE REL TABLE {rel.name}(\n    " + ",\n    ".join(_rel_parts(rel)) + "\n);")
    return head + "\n\n".join(body) + "\n"
