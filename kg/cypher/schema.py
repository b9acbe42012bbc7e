"""The property-graph schema: node labels, relationship types and their typed properties.

One declaration drives every property-graph face of the graph: the LadybugDB DDL (``schemas/cypher/schema.cypher``),
the Arrow frames the embedded store is loaded from, the Neo4j constraints, the ``neo4j-admin`` CSV headers and the
GraphML/GEXF attributes. Property types are LadybugDB type names (``STRING``, ``INT64``, ``DOUBLE``, ``STRING[]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph.model import ENTITY_TYPES, RELATION_TYPES

Props = tuple[tuple[str, str], ...]

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
)

ENTITY_PROPS: Props = (
    ("id", "STRING"),
    ("name", "STRING"),
    ("aliases", "STRING[]"),
    ("mentions", "INT64"),  # mentions over the whole corpus
    ("paper_count", "INT64"),  # distinct papers mentioning the entity
    ("merges", "STRING"),  # JSON list: why surface forms were merged
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
    ("evidence", "STRING"),  # JSON list of evidence records
)

REPOSITORY_PROPS: Props = (
    ("id", "STRING"),
    ("url", "STRING"),
    ("host", "STRING"),
    ("kind", "STRING"),
    ("paper_count", "INT64"),
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
    ("evidence", "STRING"),  # JSON list of the full evidence records (paper, field, offsets, extractor, confidence)
)

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


@dataclass(frozen=True)
class RelTable:
    """One relationship type, the (from, to) label pairs it connects and its properties."""

    name: str
    pairs: tuple[tuple[str, str], ...]
    props: Props = field(default=())
    from_model: bool = True  #: True for the types of ``RELATION_TYPES``; False for structural links


def _pairs(spec: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a in spec[0] for b in spec[1])


_MODEL_ENTITY = ("Model", "Method")

REL_TABLES: dict[str, RelTable] = {
    **{name: RelTable(name, _pairs(spec), RELATION_PROPS) for name, spec in RELATION_TYPES.items()},
    # Structural links derived from mentions and results (not relations of the canonical model).
    "MENTIONS": RelTable("MENTIONS", tuple(("Paper", t) for t in ENTITY_TYPES), MENTIONS_PROPS, from_model=False),
    "HAS_RESULT": RelTable("HAS_RESULT", (("Paper", "Result"),), (), from_model=False),
    "OF_MODEL": RelTable("OF_MODEL", tuple(("Result", t) for t in _MODEL_ENTITY), (), from_model=False),
    "ON_DATASET": RelTable("ON_DATASET", (("Result", "Dataset"),), (), from_model=False),
    "MEASURES": RelTable("MEASURES", (("Result", "Metric"),), (), from_model=False),
    "FOR_TASK": RelTable("FOR_TASK", (("Result", "Task"),), (), from_model=False),
}

#: Result property holding the entity id each structural result link points at.
RESULT_LINKS: dict[str, str] = {"OF_MODEL": "model", "ON_DATASET": "dataset", "MEASURES": "metric", "FOR_TASK": "task"}


def ddl_statements() -> list[str]:
    """The LadybugDB ``CREATE NODE TABLE`` / ``CREATE REL TABLE`` statements of the schema, in order."""
    out = []
    for label, props in NODE_TABLES.items():
        cols = ", ".join(f"{n} {t}" for n, t in props)
        out.append(f"CREATE NODE TABLE {label}({cols}, PRIMARY KEY (id))")
    for rel in REL_TABLES.values():
        parts = [f"FROM {a} TO {b}" for a, b in rel.pairs] + [f"{n} {t}" for n, t in rel.props]
        out.append(f"CREATE REL TABLE {rel.name}({', '.join(parts)})")
    return out


def ddl_text() -> str:
    """The DDL as the text of ``schemas/cypher/schema.cypher``."""
    head = (
        "// LadybugDB (Kuzu-lineage) schema of the kg property graph.\n"
        "// Generated from kg/cypher/schema.py (the single source); a test checks this file matches it.\n"
        "// Documented in schemas/cypher/README.md.\n\n"
    )
    body = []
    for stmt in ddl_statements():
        # One clause per line keeps the long multi-pair relationship tables readable.
        body.append(stmt.replace("(", "(\n    ", 1).replace(", ", ",\n    ")[:-1] + "\n);")
    return head + "\n\n".join(body) + "\n"
